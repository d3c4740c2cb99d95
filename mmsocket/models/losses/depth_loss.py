# Copyright (c) mmsocket contributors. All rights reserved.
"""Depth, gradient and surface-normal loss of Hu et al. (WACV 2019)."""
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmsocket.registry import MODELS

# Sobel kernels as cross-correlation (what conv2d computes), see
# docs/methods/dfdd.md#depth-loss-of-hu-et-al.
_SOBEL_X = ((1., 0., -1.), (2., 0., -2.), (1., 0., -1.))
_SOBEL_Y = ((1., 2., 1.), (0., 0., 0.), (-1., -2., -1.))


def sobel_gradients(depth: Tensor):
    """Unscaled Sobel derivatives ``(dx, dy)`` of ``(N, 1, H, W)`` maps,
    zero padding 1 (so the map keeps its size)."""
    k = depth.new_tensor((_SOBEL_X, _SOBEL_Y)).unsqueeze(1)
    g = F.conv2d(depth, k, padding=1)
    return g[:, :1], g[:, 1:]


def _masked_mean(x: Tensor, mask: Optional[Tensor]) -> Tensor:
    if mask is None:
        return x.mean()
    # An all-invalid batch gives 0, not NaN, so a run survives it.
    return (x * mask).sum() / mask.sum().clamp(min=1)


def depth_loss_terms(pred: Tensor,
                     target: Tensor,
                     valid_mask: Optional[Tensor] = None) -> Dict[str, Tensor]:
    """The three terms of Hu et al.'s loss, each a (masked) mean.

    ``l_depth = mean ln(|s - t| + 0.5)``;
    ``l_grad = mean ln(|dx s - dx t| + 0.5) + mean ln(|dy s - dy t| + 0.5)``;
    ``l_normal = mean |1 - cos(n(s), n(t))|`` with ``n(d) = (-dx d, -dy d,
    1)``. Values may be negative (ln 0.5 < 0).

    With a mask, the depth term averages over valid pixels and the gradient
    and normal terms over pixels whose whole 3x3 neighbourhood is valid
    (their Sobel responses would otherwise mix in the invalid zeros). Pixels
    outside the image count as valid there, so with an all-valid mask the
    result equals the unmasked one.

    Args:
        pred (Tensor): ``(N, 1, H, W)`` predicted depth ``s``.
        target (Tensor): ``(N, 1, H, W)`` reference depth ``t`` (ground
            truth, or the teacher's prediction in distillation).
        valid_mask (Tensor, optional): ``(N, 1, H, W)`` bool/0-1 mask of
            pixels to use. None uses every pixel.

    Returns:
        dict[str, Tensor]: ``depth``, ``grad`` and ``normal`` scalars.
    """
    if pred.shape != target.shape or pred.dim() != 4 or pred.shape[1] != 1:
        raise ValueError('depth loss expects pred and target of the same '
                         f'(N, 1, H, W) shape, got {tuple(pred.shape)} and '
                         f'{tuple(target.shape)}')
    mask = inner = None
    if valid_mask is not None:
        if valid_mask.shape != pred.shape:
            raise ValueError(f'valid_mask has shape {tuple(valid_mask.shape)}'
                             f', expected {tuple(pred.shape)}')
        mask = valid_mask.to(pred.dtype)
        # 3x3 erosion with "outside is valid": min-pool == -maxpool(-x).
        inner = -F.max_pool2d(
            F.pad(-mask, (1, 1, 1, 1), value=-1.0), 3, stride=1)
    sx, sy = sobel_gradients(pred)
    tx, ty = sobel_gradients(target)
    l_depth = _masked_mean(torch.log((pred - target).abs() + 0.5), mask)
    l_grad = (
        _masked_mean(torch.log((sx - tx).abs() + 0.5), inner) +
        _masked_mean(torch.log((sy - ty).abs() + 0.5), inner))
    ones = torch.ones_like(pred)
    n_s = torch.cat((-sx, -sy, ones), dim=1)
    n_t = torch.cat((-tx, -ty, ones), dim=1)
    # eps 0 as in the reference; |n| >= 1 always (third component is 1).
    cos = F.cosine_similarity(n_s, n_t, dim=1, eps=0.0).unsqueeze(1)
    l_normal = _masked_mean((1.0 - cos).abs(), inner)
    return dict(depth=l_depth, grad=l_grad, normal=l_normal)


def depth_loss(pred: Tensor,
               target: Tensor,
               valid_mask: Optional[Tensor] = None) -> Tensor:
    """``l_depth + l_grad + l_normal`` (all weights 1), see
    :func:`depth_loss_terms`."""
    terms = depth_loss_terms(pred, target, valid_mask)
    return terms['depth'] + terms['grad'] + terms['normal']


@MODELS.register_module()
class DepthLoss(nn.Module):
    """Hu et al.'s depth + gradient + surface-normal loss.

    `Revisiting Single Image Depth Estimation: Toward Higher Resolution Maps
    with Accurate Object Boundaries <https://arxiv.org/abs/1803.08673>`_
    (WACV 2019). Data-free dense depth distillation uses it both to train
    the teacher on ground truth and as the distillation loss, the teacher's
    prediction playing the ground truth
    (docs/methods/dfdd.md#depth-loss-of-hu-et-al).

    Args:
        loss_weight (float): Weight of the loss. Defaults to 1.0.
        min_valid_depth (float): Target pixels at or below it are invalid
            (0 marks missing ground truth). Used only when ``forward``'s
            ``valid_mask`` is ``'auto'``. Defaults to 0.0.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 min_valid_depth: float = 0.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.min_valid_depth = min_valid_depth

    def forward(self, pred: Tensor, target: Tensor, valid_mask='auto'):
        """Weighted loss.

        Args:
            pred (Tensor): ``(N, 1, H, W)`` prediction.
            target (Tensor): ``(N, 1, H, W)`` reference depth.
            valid_mask (Tensor | str | None): A mask, ``'auto'`` (target >
                ``min_valid_depth``) or None (every pixel, e.g. teacher
                targets).

        Returns:
            Tensor: Scalar loss.
        """
        if isinstance(valid_mask, str):
            if valid_mask != 'auto':
                raise ValueError("valid_mask must be a tensor, None or "
                                 f"'auto', got {valid_mask!r}")
            valid_mask = target > self.min_valid_depth
        return self.loss_weight * depth_loss(pred, target, valid_mask)

    def extra_repr(self) -> str:
        return (f'loss_weight={self.loss_weight}, '
                f'min_valid_depth={self.min_valid_depth}')
