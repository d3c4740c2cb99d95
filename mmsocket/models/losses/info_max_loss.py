# Copyright (c) mmsocket contributors. All rights reserved.
from typing import Tuple

import torch.nn as nn
from torch import Tensor

from mmsocket.registry import MODELS
from ..utils.global_batch import batch_mean


def info_max_terms(logits: Tensor, eps: float = 1e-5) -> Tuple[Tensor, Tensor]:
    """The two terms of SHOT's information-maximisation loss.

    With :math:`p = \\mathrm{softmax}(\\text{logits})` and :math:`\\bar p` the
    batch mean of :math:`p`:

    .. math::
        L_{ent} = -\\frac{1}{B}\\sum_i\\sum_k p_{ik}\\log(p_{ik}+\\epsilon),
        \\qquad
        L_{div} = -\\sum_k \\bar p_k \\log(\\bar p_k + \\epsilon).

    Args:
        logits (Tensor): Logits of shape ``(B, K)``.
        eps (float): Added inside the logarithms (SHOT's ``epsilon``).
            Defaults to 1e-5.

    Returns:
        tuple[Tensor, Tensor]: Scalars ``(L_ent, L_div)``: the mean
        per-sample entropy and the entropy of the mean prediction.
    """
    if logits.dim() != 2:
        raise ValueError('info_max_terms expects logits of shape (B, K), '
                         f'got {tuple(logits.shape)}')
    prob = logits.softmax(dim=1)
    ent = -(prob * (prob + eps).log()).sum(dim=1).mean()
    # The batch mean is the global batch's under DDP with global_batch().
    mean_prob = batch_mean(prob, dim=0)
    div = -(mean_prob * (mean_prob + eps).log()).sum()
    return ent, div


def info_max_loss(logits: Tensor, eps: float = 1e-5) -> Tensor:
    """``L_ent - L_div`` of :func:`info_max_terms` (unweighted)."""
    ent, div = info_max_terms(logits, eps)
    return ent - div


@MODELS.register_module()
class InfoMaxLoss(nn.Module):
    """Information-maximisation loss of SHOT (used by DECISION and SOCKET).

    ``loss = loss_weight * (L_ent - L_div)`` (see :func:`info_max_terms`):
    minimising it makes each prediction confident (low conditional entropy)
    while keeping the batch's class marginal diverse (high marginal
    entropy). The SHOT paper (`Liang et al., ICML 2020
    <https://arxiv.org/abs/2002.08546>`_) writes the two terms with an
    exact log; the official SHOT code (``image_target.py``) computes the
    batch mean of the per-sample entropy and ``-sum(p_mean * log(p_mean +
    epsilon))`` with ``epsilon = 1e-5`` inside both logarithms, which is
    what this class does (docs/methods/socket.md#information-maximisation).
    The SOCKET paper maximises
    ``L_IM = L_div - L_ent`` (its eq. 6 minimises ``-L_IM``); minimising
    this loss is the same objective. DECISION and SOCKET apply it to the
    softmax of the ζ-weighted logits (docs/methods/socket.md#decision).

    Args:
        loss_weight (float): Weight of the loss (SHOT's ``ent_par``).
            Defaults to 1.0.
        eps (float): Added inside the logarithms. Defaults to 1e-5.

    Examples:
        >>> loss_fn = InfoMaxLoss()
        >>> loss = loss_fn(torch.randn(4, 3))
        >>> ent, div = info_max_terms(torch.randn(4, 3))  # for logging
    """

    def __init__(self, loss_weight: float = 1.0, eps: float = 1e-5) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.eps = eps

    def forward(self, logits: Tensor) -> Tensor:
        """Compute the weighted loss.

        Args:
            logits (Tensor): Logits of shape ``(B, K)``.

        Returns:
            Tensor: Scalar ``loss_weight * (L_ent - L_div)``.
        """
        return self.loss_weight * info_max_loss(logits, self.eps)

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}, eps={self.eps}'
