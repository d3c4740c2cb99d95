# Copyright (c) mmsocket contributors. All rights reserved.
"""Decoder, multi-scale feature fusion and refinement of Hu et al. (WACV'19).
"""
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor

from mmsocket.registry import MODELS


class UpProjection(nn.Module):
    """Bilinear resize to a given size, then Laina et al.'s up-projection:
    ``relu(conv3(relu(bn(conv5(x)))) + bn(conv5(x)))`` with BN after each
    conv. Resizing to the *size* of the next encoder feature (not a fixed
    x2) keeps odd input sizes (e.g. 228 rows) aligned."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        norm = dict(type='BN')
        self.branch1 = nn.Sequential(
            ConvModule(in_channels, out_channels, 5, padding=2, norm_cfg=norm),
            ConvModule(
                out_channels,
                out_channels,
                3,
                padding=1,
                norm_cfg=norm,
                act_cfg=None))
        self.branch2 = ConvModule(
            in_channels,
            out_channels,
            5,
            padding=2,
            norm_cfg=norm,
            act_cfg=None)

    def forward(self, x: Tensor, size: Tuple[int, int]) -> Tensor:
        x = F.interpolate(x, size=size, mode='bilinear', align_corners=False)
        return F.relu(self.branch1(x) + self.branch2(x))


@MODELS.register_module()
class MFFDepthDecoder(BaseModule):
    """Depth decoder with multi-scale feature fusion (MFF) and refinement.

    After Hu et al., `Revisiting Single Image Depth Estimation
    <https://arxiv.org/abs/1803.08673>`_ (WACV 2019), the "multi-branch"
    network of pair 4 in the data-free depth paper's Table II. Three parts:

    * **D**: a 1x1 conv on the deepest feature, then four up-projections,
      each halving the channels and resizing to the next shallower encoder
      feature, the last one to twice the shallowest (half the input size);
    * **MFF**: each encoder feature up-projected to that same size with
      ``mff_channels`` channels, concatenated, fused by a 5x5 conv;
    * **R**: D's and MFF's outputs concatenated, three 5x5 convs, the last
      to one channel: the depth map (no activation, as in the reference).

    Simplifications (docs/methods/dfdd.md): the encoder is any mmpretrain
    backbone giving four features (``out_indices``) instead of Hu's hand-
    picked ResNet/DenseNet/SENet blocks; widths are configurable (Hu,
    ResNet-50: ``decoder_channels=1024``, ``mff_channels=16``,
    ``refine_channels=80``), so the same class builds CPU-scale nets.

    Args:
        in_channels (Sequence[int]): Channels of the encoder features,
            shallow to deep (filled in by ``DepthEstimator``).
        decoder_channels (int): Channels after D's first conv; halved by
            each up-projection. Defaults to 1024.
        mff_channels (int): Channels per MFF branch. Defaults to 16.
        refine_channels (int): Width of R. Defaults to 80.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 decoder_channels: int = 1024,
                 mff_channels: int = 16,
                 refine_channels: int = 80,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        in_channels = list(in_channels)
        if len(in_channels) < 2:
            raise ValueError('MFFDepthDecoder needs >= 2 encoder features '
                             f'(backbone out_indices), got {in_channels}')
        if decoder_channels % 2**len(in_channels):
            raise ValueError(f'decoder_channels={decoder_channels} must be '
                             f'divisible by 2**{len(in_channels)}')
        self.in_channels = in_channels
        norm = dict(type='BN')
        self.reduce = ConvModule(
            in_channels[-1], decoder_channels, 1, norm_cfg=norm)
        ups, c = [], decoder_channels
        for _ in in_channels:
            ups.append(UpProjection(c, c // 2))
            c //= 2
        self.up = nn.ModuleList(ups)
        self.mff = nn.ModuleList(
            UpProjection(ci, mff_channels) for ci in in_channels)
        fused = mff_channels * len(in_channels)
        self.mff_fuse = ConvModule(fused, fused, 5, padding=2, norm_cfg=norm)
        self.refine = nn.Sequential(
            ConvModule(
                c + fused, refine_channels, 5, padding=2, norm_cfg=norm),
            ConvModule(
                refine_channels, refine_channels, 5, padding=2, norm_cfg=norm),
            nn.Conv2d(refine_channels, 1, 5, padding=2))

    def forward(self, feats: Sequence[Tensor]) -> Tensor:
        """Map encoder features (shallow to deep) to ``(N, 1, h, w)`` depth
        at twice the shallowest feature's resolution."""
        feats = list(feats)
        if len(feats) != len(self.in_channels):
            raise ValueError(
                f'MFFDepthDecoder built for {len(self.in_channels)}'
                f' features, got {len(feats)}')
        h, w = feats[0].shape[-2:]
        out_size = (2 * h, 2 * w)
        sizes: List[Tuple[int, int]] = [
            tuple(f.shape[-2:]) for f in reversed(feats[:-1])
        ]
        sizes.append(out_size)
        x = self.reduce(feats[-1])
        for up, size in zip(self.up, sizes):
            x = up(x, size)
        fused = self.mff_fuse(
            torch.cat([m(f, out_size) for m, f in zip(self.mff, feats)], 1))
        return self.refine(torch.cat((x, fused), dim=1))
