# Copyright (c) mmsocket contributors. All rights reserved.
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from torch import Tensor

from mmsocket.registry import MODELS
from ..utils.global_batch import batch_mean, batch_sum, global_batch_active

_MODES = ('code', 'paper', 'batch_mean', 'mse')


def _as_zeta(zeta: Optional[Union[Tensor, Sequence[float]]], n: int,
             ref: Tensor) -> Tensor:
    """Check ``zeta`` (one weight per source) or default it to 1/n."""
    if zeta is None:
        return ref.new_full((n, ), 1.0 / n)
    if not isinstance(zeta, Tensor):
        zeta = torch.as_tensor(zeta, dtype=ref.dtype)
    if zeta.dim() != 1 or zeta.numel() != n:
        raise ValueError(f'zeta must have shape ({n},) (one weight per '
                         f'source), got {tuple(zeta.shape)}')
    return zeta.to(device=ref.device, dtype=ref.dtype)


def ti_feature_loss(feats: Sequence[Tensor],
                    bank: Sequence[Tensor],
                    zeta: Optional[Union[Tensor, Sequence[float]]] = None,
                    mode: str = 'code') -> Tensor:
    """Task-irrelevant feature matching of SOCKET (unweighted).

    For sources ``j = 1..n``, ``f_j = feats[j]`` are the current feature
    encoders' features of a batch of TI target-modality images and
    ``ψ_j = bank[j]`` the frozen source encoders' features of the paired TI
    source-modality images (constants: the bank is detached).

    - ``mode='code'`` (official SOCKET code,
      docs/methods/socket.md#l_ti-task-irrelevant-feature-matching):
      :math:`\\lVert \\sum_j \\zeta_j (\\psi_j - f_j) \\rVert_F`, the
      Frobenius norm over the whole batch of the ζ-weighted sum of
      differences; not squared, not averaged.
    - ``mode='paper'`` (SOCKET paper eq. 2): :math:`\\sum_i \\sum_j \\lVert
      \\zeta_j (\\psi_j^i - f_j^i) \\rVert_2^2`, summed over the batch.
    - ``mode='batch_mean'``: the paper form averaged over the batch
      instead of summed; with one source and ζ = 1 that is TGKT's
      :math:`L_f` (eq. 8), :math:`\\frac{1}{B}\\sum_i \\lVert \\psi^i -
      f^i \\rVert_2^2`.
    - ``mode='mse'`` (scale-normalised, ours): each source's squared
      differences averaged over the batch *and* the feature dimension,
      :math:`\\sum_j \\frac{1}{B D_j}\\sum_i \\lVert \\zeta_j (\\psi_j^i -
      f_j^i) \\rVert_2^2`: independent of batch size and feature width, so
      its weight means the same at any scale (the code form grows like
      :math:`\\sqrt{B D}`). See
      docs/methods/socket.md#when-does-l_ti-help-a-sensitivity-study.

    Args:
        feats (Sequence[Tensor]): ``n`` tensors of shape ``(B, D)``.
        bank (Sequence[Tensor]): ``n`` tensors of the same shapes.
        zeta (Tensor | Sequence[float], optional): Source weights of shape
            ``(n,)``. Gradients flow into it. Defaults to ``1/n`` each.
        mode (str): ``'code'``, ``'paper'``, ``'batch_mean'`` or ``'mse'``.
            Defaults to ``'code'``.

    Returns:
        Tensor: Scalar loss.
    """
    if mode not in _MODES:
        raise ValueError(f'mode must be one of {_MODES}, got {mode!r}')
    if isinstance(feats, Tensor) or isinstance(bank, Tensor):
        raise TypeError('feats and bank must be sequences of (B, D) tensors '
                        '(one per source), not a single tensor')
    n = len(feats)
    if n == 0:
        raise ValueError('ti_feature_loss needs at least one source')
    if len(bank) != n:
        raise ValueError(f'got {n} feature tensors but {len(bank)} bank '
                         'tensors')
    for j, (f, psi) in enumerate(zip(feats, bank)):
        if f.dim() != 2:
            raise ValueError(f'feats[{j}] must have shape (B, D), got '
                             f'{tuple(f.shape)}')
        if psi.shape != f.shape:
            raise ValueError(f'bank[{j}] has shape {tuple(psi.shape)} but '
                             f'feats[{j}] has {tuple(f.shape)}')
        if mode == 'code' and f.shape != feats[0].shape:
            raise ValueError(
                f"mode='code' sums the sources' differences, so all must "
                f'have one shape: feats[{j}] is {tuple(f.shape)}, feats[0] '
                f'is {tuple(feats[0].shape)}')
    zeta = _as_zeta(zeta, n, feats[0])

    diffs = [
        psi.detach().to(device=f.device, dtype=f.dtype) - f
        for f, psi in zip(feats, bank)
    ]
    if global_batch_active():
        # Under DDP with global_batch(): the norm / sum / mean over the
        # union of the ranks' batches.
        if mode == 'code':
            weighted = sum(zeta[j] * d for j, d in enumerate(diffs))
            return batch_sum(weighted.pow(2).sum(1)).sqrt()
        per_sample = sum(
            (zeta[j] * d).pow(2).sum(1) for j, d in enumerate(diffs))
        return batch_mean(per_sample) if mode == 'batch_mean' \
            else batch_sum(per_sample)
    if mode == 'code':
        weighted = sum(zeta[j] * d for j, d in enumerate(diffs))
        return torch.linalg.vector_norm(weighted)
    if mode == 'mse':
        return sum((zeta[j] * d).pow(2).mean() for j, d in enumerate(diffs))
    total = sum((zeta[j] * d).pow(2).sum() for j, d in enumerate(diffs))
    return total / feats[0].shape[0] if mode == 'batch_mean' else total


@MODELS.register_module()
class TIFeatureLoss(nn.Module):
    """Task-irrelevant (TI) feature matching loss :math:`L_{TI}` of SOCKET.

    `Cross-Modal Knowledge Transfer Without Task-Relevant Source Data
    <https://arxiv.org/abs/2209.04027>`_ (ECCV 2022), eq. 2. Pulls each
    adapted source encoder's features of TI target-modality images (depth)
    towards the frozen source encoder's features of the paired TI
    source-modality images (RGB), stored once before adaptation.

    The paper (eq. 2) writes :math:`\\sum_i\\sum_j\\lVert\\zeta_j(\\psi_j^i -
    f_j^i)\\rVert^2`. The official code instead takes the (unsquared)
    Frobenius norm of :math:`\\sum_j \\zeta_j (\\Psi_j - F_j)` over the batch,
    so sources can cancel each other and the scale grows like
    :math:`\\sqrt{B}`; the paper's :math:`\\lambda_{TI} = 0.5` was tuned with
    that form, which is therefore the default (see
    docs/methods/socket.md#l_ti-task-irrelevant-feature-matching). See
    :func:`ti_feature_loss`.

    Args:
        loss_weight (float): Weight of the loss (:math:`\\lambda_{TI}`).
            Defaults to 0.5.
        mode (str): ``'code'`` (official code), ``'paper'`` (eq. 2),
            ``'batch_mean'`` (eq. 2 averaged over the batch; TGKT's L_f) or
            ``'mse'`` (eq. 2 averaged over the batch and the feature
            dimension: scale-normalised). Defaults to ``'code'``.
    """

    def __init__(self, loss_weight: float = 0.5, mode: str = 'code') -> None:
        super().__init__()
        if mode not in _MODES:
            raise ValueError(f'mode must be one of {_MODES}, got {mode!r}')
        self.loss_weight = loss_weight
        self.mode = mode

    def forward(
            self,
            feats: Sequence[Tensor],
            bank: Sequence[Tensor],
            zeta: Optional[Union[Tensor, Sequence[float]]] = None) -> Tensor:
        """Compute the weighted loss.

        Args:
            feats (Sequence[Tensor]): Per source, the adapted encoder's
                features ``f_j`` of the TI target-modality batch, ``(B, D)``.
            bank (Sequence[Tensor]): Per source, the stored features
                ``ψ_j`` of the paired TI source-modality images, ``(B, D)``.
                Treated as constants.
            zeta (Tensor | Sequence[float], optional): Source weights
                ``(n,)``. Defaults to ``1/n`` each.

        Returns:
            Tensor: Scalar ``loss_weight * L_TI``.
        """
        return self.loss_weight * ti_feature_loss(feats, bank, zeta, self.mode)

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}, mode={self.mode!r}'
