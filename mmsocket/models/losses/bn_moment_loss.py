# Copyright (c) mmsocket contributors. All rights reserved.
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from torch import Tensor

from mmsocket.registry import MODELS

Moments = Sequence[Tuple[Tensor, Tensor]]


def _layer_label(layer: int, layer_names: Optional[Sequence[str]]) -> str:
    if layer_names is not None and layer < len(layer_names):
        return f'layer {layer} ("{layer_names[layer]}")'
    return f'layer {layer}'


def _check_stats(batch_stats: Sequence[Moments],
                 source_stats: Sequence[Moments], same_layout: bool,
                 layer_names: Optional[Sequence[str]]) -> None:
    """Validate the nesting ``[source][layer] = (mean, var)``."""
    n = len(batch_stats)
    if n == 0:
        raise ValueError('bn_moment_loss needs at least one source')
    if len(source_stats) != n:
        raise ValueError(f'got batch statistics of {n} sources but source '
                         f'statistics of {len(source_stats)}')
    num_layers = len(batch_stats[0])
    for j in range(n):
        if len(batch_stats[j]) == 0:
            raise ValueError(f'source {j} has no BN layers')
        if len(source_stats[j]) != len(batch_stats[j]):
            raise ValueError(
                f'source {j}: {len(batch_stats[j])} layers of batch '
                f'statistics but {len(source_stats[j])} of source statistics')
        if same_layout and len(batch_stats[j]) != num_layers:
            raise ValueError(
                f'all sources must have the same BN layers: source {j} has '
                f'{len(batch_stats[j])}, source 0 has {num_layers}')
        for layer in range(len(batch_stats[j])):
            pairs = (batch_stats[j][layer], source_stats[j][layer])
            for what, pair in zip(('batch', 'source'), pairs):
                if len(pair) != 2:
                    raise ValueError(
                        f'source {j}, {_layer_label(layer, layer_names)}: '
                        f'{what} statistics must be a (mean, var) pair')
            ref = batch_stats[0][layer][0] if same_layout else pairs[0][0]
            for what, pair in zip(('batch', 'source'), pairs):
                for name, t in zip(('mean', 'var'), pair):
                    if t.shape != ref.shape:
                        raise ValueError(
                            f'source {j}, {_layer_label(layer, layer_names)}'
                            f': {what} {name} has shape {tuple(t.shape)}, '
                            f'expected {tuple(ref.shape)}')


def bn_moment_loss(batch_stats: Sequence[Moments],
                   source_stats: Sequence[Moments],
                   zeta: Optional[Union[Tensor, Sequence[float]]] = None,
                   first_layer_weight: float = 10.0,
                   legacy_socket_ld: bool = False,
                   layer_names: Optional[Sequence[str]] = None) -> Tensor:
    """BN-moment matching :math:`L_d` of SOCKET (unweighted).

    ``batch_stats[j][l] = (μ̂_jl, σ̂²_jl)`` are the per-channel mean and
    biased variance of the current target batch at the *input* of BN layer
    ``l`` of source ``j`` (see
    :class:`~mmsocket.models.utils.bn_stats.BNStatsRecorder`);
    ``source_stats[j][l] = (μ_jl, σ²_jl)`` the running statistics of source
    ``j`` snapshotted before adaptation (constants: detached here).

    Default (docs/methods/socket.md#l_d-bn-moment-matching):

    .. math::
        L_d = \\sum_l m_l \\Big( \\big\\lVert \\sum_j \\zeta_j \\mu_{jl} -
        \\sum_j \\zeta_j \\hat\\mu_{jl} \\big\\rVert_2 + \\big\\lVert \\sum_j
        \\zeta_j \\sigma^2_{jl} - \\sum_j \\zeta_j \\hat\\sigma^2_{jl}
        \\big\\rVert_2 \\Big),

    with :math:`m_0` = ``first_layer_weight`` (the first BN layer of every
    source, bn1 after the stem conv) and 1 elsewhere; norms not squared.
    All sources must have the same layers (count and shapes).

    ``legacy_socket_ld=True`` reproduces the official SOCKET code, bug
    included: with ``zeta`` the *unnormalised* :math:`\\sigma(w_j)`,
    :math:`S \\sum_j \\sum_l m_{jl}(\\lVert\\mu_{jl}-\\hat\\mu_{jl}\\rVert_2
    + \\lVert\\sigma^2_{jl}-\\hat\\sigma^2_{jl}\\rVert_2)`, where
    :math:`S=\\sum_j \\zeta_j` and only :math:`m_{00}` (source 0's first
    layer) is ``first_layer_weight``.

    Args:
        batch_stats (Sequence[Sequence[tuple[Tensor, Tensor]]]): Per source,
            per layer ``(mean, var)`` of the target batch's BN inputs.
        source_stats (Sequence[Sequence[tuple[Tensor, Tensor]]]): Per
            source, per layer ``(running_mean, running_var)``.
        zeta (Tensor | Sequence[float], optional): Source weights ``(n,)``.
            Gradients flow into it. Defaults to ``1/n`` each (``1`` for a
            single source).
        first_layer_weight (float): Multiplier :math:`m_0` of the first BN
            layer. Defaults to 10.0.
        legacy_socket_ld (bool): Official-code form (see above). Defaults
            to False.
        layer_names (Sequence[str], optional): Layer names for error
            messages (e.g. ``BNStatsRecorder.layer_names``).

    Returns:
        Tensor: Scalar loss.
    """
    _check_stats(batch_stats, source_stats, not legacy_socket_ld, layer_names)
    n = len(batch_stats)
    ref = batch_stats[0][0][0]
    if zeta is None:
        zeta = ref.new_full((n, ), 1.0 / n)
    elif not isinstance(zeta, Tensor):
        zeta = torch.as_tensor(zeta, dtype=ref.dtype)
    if zeta.dim() != 1 or zeta.numel() != n:
        raise ValueError(f'zeta must have shape ({n},) (one weight per '
                         f'source), got {tuple(zeta.shape)}')
    zeta = zeta.to(device=ref.device, dtype=ref.dtype)

    def src(t: Tensor, like: Tensor) -> Tensor:
        return t.detach().to(device=like.device, dtype=like.dtype)

    if legacy_socket_ld:
        # Official code: the per-source lists are one shared list of all
        # (source, layer) pairs, so each term is weighted by sum(zeta).
        total = ref.new_zeros(())
        for j in range(n):
            for layer, ((mu, var), (run_mu, run_var)) in enumerate(
                    zip(batch_stats[j], source_stats[j])):
                m = first_layer_weight if j == 0 and layer == 0 else 1.0
                total = total + m * (
                    torch.linalg.vector_norm(src(run_mu, mu) - mu) +
                    torch.linalg.vector_norm(src(run_var, var) - var))
        return zeta.sum() * total

    total = ref.new_zeros(())
    for layer in range(len(batch_stats[0])):
        d_mean = sum(
            zeta[j] *
            (src(source_stats[j][layer][0], ref) - batch_stats[j][layer][0])
            for j in range(n))
        d_var = sum(
            zeta[j] *
            (src(source_stats[j][layer][1], ref) - batch_stats[j][layer][1])
            for j in range(n))
        m = first_layer_weight if layer == 0 else 1.0
        total = total + m * (
            torch.linalg.vector_norm(d_mean) + torch.linalg.vector_norm(d_var))
    return total


@MODELS.register_module()
class BNMomentLoss(nn.Module):
    """BN-moment matching loss :math:`L_d` of SOCKET (DeepInversion-style).

    `Cross-Modal Knowledge Transfer Without Task-Relevant Source Data
    <https://arxiv.org/abs/2209.04027>`_ (ECCV 2022), eq. 3. Matches the
    per-channel mean and variance of the target batch at the input of every
    BatchNorm2d of each source backbone to that source's BN running
    statistics from before adaptation, ζ-weighted over sources, with an
    (unsquared) L2 norm per layer and moment. See :func:`bn_moment_loss`.

    Deviation from the official code
    (docs/methods/socket.md#l_d-bn-moment-matching): there the
    per-source lists of source statistics and hooks are created once
    outside the source loop and never reset, so for n > 1 sources every
    "source" entry is the concatenated list of all sources' layers; eq. 3's
    ζ-weighting is then not realised (every term is just multiplied by
    :math:`S=\\sum_k\\sigma(w_k)`), only source 0's first BN layer gets the
    ×10, and the weights are the unnormalised :math:`\\sigma(w_k)` (single
    source: :math:`L_d` scaled by :math:`\\sigma(w_1)`, which the gradient
    drives down, attenuating :math:`L_d` over training). Here, by default:
    per-source lists, normalised ζ (a single source has weight 1), ×10 on
    each source's first BN layer — i.e. eq. 3 plus the code's first-layer
    multiplier. ``legacy_socket_ld=True`` computes the official code's
    form; it takes the unnormalised :math:`\\sigma(w)` as ``zeta``, which
    :class:`~mmsocket.models.algorithms.SOCKET` then passes (and, as the
    official code, trains :math:`w` also for a single source).

    With a single source and ζ = 1 the loss is
    :math:`\\sum_l m_l(\\lVert\\mu_l - \\hat\\mu_l\\rVert_2 +
    \\lVert\\sigma^2_l - \\hat\\sigma^2_l\\rVert_2)`, the data-free BN
    loss of DeepInversion (and, with ``first_layer_weight=1``, the
    :math:`\\ell_{BN}` of data-free depth distillation).

    Args:
        loss_weight (float): Weight of the loss (:math:`\\lambda_d`).
            Defaults to 0.5.
        first_layer_weight (float): Multiplier of each source's first BN
            layer. Defaults to 10.0 (official code).
        legacy_socket_ld (bool): Reproduce the official code's form.
            Defaults to False.
    """

    def __init__(self,
                 loss_weight: float = 0.5,
                 first_layer_weight: float = 10.0,
                 legacy_socket_ld: bool = False) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.first_layer_weight = first_layer_weight
        self.legacy_socket_ld = legacy_socket_ld

    def forward(self,
                batch_stats: Sequence[Moments],
                source_stats: Sequence[Moments],
                zeta: Optional[Union[Tensor, Sequence[float]]] = None,
                layer_names: Optional[Sequence[str]] = None) -> Tensor:
        """Compute the weighted loss.

        Args:
            batch_stats (Sequence[Sequence[tuple[Tensor, Tensor]]]):
                ``batch_stats[j][l] = (mean, var)`` of the current target
                batch's BN inputs, source ``j``, layer ``l`` (e.g.
                ``BNStatsRecorder.stats`` of each source).
            source_stats (Sequence[Sequence[tuple[Tensor, Tensor]]]):
                ``source_stats[j][l] = (running_mean, running_var)``
                snapshot of source ``j`` before adaptation (e.g.
                ``BNStatsRecorder.running_stats()``). Treated as constants.
            zeta (Tensor | Sequence[float], optional): Source weights
                ``(n,)``. Defaults to ``1/n`` each.
            layer_names (Sequence[str], optional): Used in error messages.

        Returns:
            Tensor: Scalar ``loss_weight * L_d``.
        """
        return self.loss_weight * bn_moment_loss(
            batch_stats,
            source_stats,
            zeta,
            first_layer_weight=self.first_layer_weight,
            legacy_socket_ld=self.legacy_socket_ld,
            layer_names=layer_names)

    def extra_repr(self) -> str:
        return (f'loss_weight={self.loss_weight}, '
                f'first_layer_weight={self.first_layer_weight}, '
                f'legacy_socket_ld={self.legacy_socket_ld}')
