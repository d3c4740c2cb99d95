# Copyright (c) mmsocket contributors. All rights reserved.
"""The image transformation network G of data-free depth distillation."""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor

from mmsocket.registry import MODELS


@MODELS.register_module()
class TransformationNet(BaseModule):
    """Dilated-conv encoder-decoder with symmetric skips, residual output.

    The paper adapts the saliency network of Hu et al. (ICCV'19) by adding
    encoder-decoder skips but gives no layer list (Sec. IV-A3), so this
    is a small U-Net in that spirit: a stride-1 stem, ``num_downs`` stride-2
    stages doubling the width, a body of 3x3 convs with growing dilation
    (wide receptive field at low cost), and a decoder that upsamples,
    concatenates the matching encoder feature and convolves. The output is
    ``x + g(x)`` in the normalised image space the teacher reads, and the
    last conv of ``g`` starts at zero, so G starts as the identity: the
    student first sees the unchanged images and ``l_rec`` starts at 0.

    Args:
        in_channels (int): Image channels. Defaults to 3.
        base_channels (int): Width of the stem. Defaults to 32.
        num_downs (int): Stride-2 stages. Defaults to 2.
        dilations (Sequence[int]): Dilation of each body conv.
            Defaults to (2, 4, 8).
    """

    def __init__(self,
                 in_channels: int = 3,
                 base_channels: int = 32,
                 num_downs: int = 2,
                 dilations: Sequence[int] = (2, 4, 8),
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        norm = dict(type='BN')
        c = base_channels
        self.stem = ConvModule(in_channels, c, 3, padding=1, norm_cfg=norm)
        downs, widths = [], [c]
        for _ in range(num_downs):
            downs.append(
                ConvModule(c, 2 * c, 3, stride=2, padding=1, norm_cfg=norm))
            c *= 2
            widths.append(c)
        self.downs = nn.ModuleList(downs)
        self.body = nn.Sequential(*[
            ConvModule(c, c, 3, padding=d, dilation=d, norm_cfg=norm)
            for d in dilations
        ])
        ups = []
        for skip in reversed(widths[:-1]):
            ups.append(ConvModule(c + skip, skip, 3, padding=1, norm_cfg=norm))
            c = skip
        self.ups = nn.ModuleList(ups)
        self.out = nn.Conv2d(c, in_channels, 1)
        self._zero_out()

    def init_weights(self) -> None:
        super().init_weights()
        self._zero_out()

    def _zero_out(self) -> None:
        # Identity at start (residual with a zero last layer).
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x: Tensor) -> Tensor:
        skips = [self.stem(x)]
        for down in self.downs:
            skips.append(down(skips[-1]))
        y = self.body(skips.pop())
        for up in self.ups:
            skip = skips.pop()
            y = F.interpolate(
                y, size=skip.shape[-2:], mode='bilinear', align_corners=False)
            y = up(torch.cat((y, skip), dim=1))
        return x + self.out(y)
