# Copyright (c) mmsocket contributors. All rights reserved.
"""Object-wise (ClassMix-style) mixing of two images by a semantic map."""
import math
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from torch import Tensor

from mmsocket.registry import MODELS


def object_mix_mask(
    sem: Tensor,
    ratio: float = 0.5,
    ignore_index: Optional[int] = None,
    generator: Optional[torch.Generator] = None
) -> Tuple[Tensor, List[Tensor]]:
    """Mask of the pixels of a random half of each image's classes.

    For every image, the classes present in its semantic map (minus
    ``ignore_index``) are listed, ``ceil(ratio * n)`` of them are drawn
    without replacement (ClassMix's rounding), and the mask is 1 exactly
    where the map holds a drawn class.

    Args:
        sem (Tensor): ``(N, H, W)`` integer class ids.
        ratio (float): Fraction of the present classes to take.
            Defaults to 0.5 (the paper's "half").
        ignore_index (int, optional): A class never taken (e.g. void).
        generator (torch.Generator, optional): Source of randomness.

    Returns:
        tuple: ``(N, 1, H, W)`` float mask, and per image the 1-D tensor of
        chosen class ids.
    """
    if sem.dim() != 3 or sem.dtype.is_floating_point:
        raise ValueError('object_mix_mask expects (N, H, W) integer class '
                         f'ids, got {tuple(sem.shape)} {sem.dtype}')
    if not 0 < ratio <= 1:
        raise ValueError(f'object_mix_mask: ratio must be in (0, 1], got '
                         f'{ratio}')
    masks, chosen = [], []
    for s in sem:
        classes = torch.unique(s)
        if ignore_index is not None:
            classes = classes[classes != ignore_index]
        k = math.ceil(ratio * classes.numel())
        order = torch.randperm(classes.numel(), generator=generator)
        pick = classes[order[:k].to(classes.device)]
        chosen.append(pick)
        masks.append(torch.isin(s, pick))
    return torch.stack(masks).unsqueeze(1).float(), chosen


@MODELS.register_module()
class ObjectMix(nn.Module):
    """Object-wise mixing of data-free depth distillation (eq. 8).

    ``x_hat = m * x_i + (1 - m) * x_j`` where ``x_i`` is the batch,
    ``x_j`` a random permutation of it, and ``m`` the pixels of ``x_i``
    whose class is in a random half of the classes of ``x_i``'s semantic
    map (the paper prints ``x_i`` twice in eq. 8; the ClassMix reading is
    meant). Only images are mixed, never depths.

    Args:
        ratio (float): Fraction of classes taken from ``x_i``.
            Defaults to 0.5.
        ignore_index (int, optional): A class id never taken.
    """

    def __init__(self,
                 ratio: float = 0.5,
                 ignore_index: Optional[int] = None) -> None:
        super().__init__()
        self.ratio = ratio
        self.ignore_index = ignore_index

    def forward(self,
                images: Tensor,
                sem: Tensor,
                perm: Optional[Sequence[int]] = None) -> Tuple[Tensor, Tensor]:
        """Mix a batch with a shuffled copy of itself.

        Args:
            images (Tensor): ``(N, C, H, W)`` batch ``x_i``.
            sem (Tensor): ``(N, H, W)`` class ids of ``images``.
            perm (Sequence[int], optional): Indices giving ``x_j``;
                defaults to a random permutation.

        Returns:
            tuple[Tensor, Tensor]: Mixed images and the ``(N, 1, H, W)``
            mask (1 = pixel from ``x_i``).
        """
        if sem.shape[0] != images.shape[0] or \
                sem.shape[-2:] != images.shape[-2:]:
            raise ValueError(
                f'ObjectMix: semantic maps of shape {tuple(sem.shape)} do '
                f'not match images of shape {tuple(images.shape)}')
        if perm is None:
            perm = torch.randperm(images.shape[0])
        perm = torch.as_tensor(perm, device=images.device)
        mask, _ = object_mix_mask(sem, self.ratio, self.ignore_index)
        mask = mask.to(images)
        return mask * images + (1 - mask) * images[perm], mask

    def extra_repr(self) -> str:
        return f'ratio={self.ratio}, ignore_index={self.ignore_index}'
