# Copyright (c) mmsocket contributors. All rights reserved.
"""TGMB's translation network T: target modality -> source-like RGB."""
import torch
import torch.nn as nn

from mmsocket.registry import MODELS


@MODELS.register_module()
class UNetStemTranslator(nn.Module):
    """The first DoubleConv and the OutConv of a U-Net, then a sigmoid.

    TGMB (arXiv 2401.05014, App. B.2 and D) reports a 2.851k-parameter
    translator built from "the first DoubleConv + OutConv of a U-Net"; with
    a 3-channel input (depth/NIR replicated) and width 16 that is exactly
    DoubleConv(3->16: conv3x3 no bias, BN, ReLU, twice) + OutConv (1x1 conv
    with bias) = 2,851 parameters. The output is an RGB image in [0, 1];
    the algorithm normalises it with the source model's own input
    statistics before the source encoder sees it, so any image-to-image
    network ending in a sigmoid can replace this one (``translator=dict(
    type=...)``).

    Args:
        in_channels (int): Channels of the (normalised) target input.
            Defaults to 3.
        mid_channels (int): DoubleConv width. Defaults to 16.
        out_channels (int): Output channels (RGB). Defaults to 3.
    """

    def __init__(self,
                 in_channels: int = 3,
                 mid_channels: int = 16,
                 out_channels: int = 3) -> None:
        super().__init__()
        self.double_conv = nn.Sequential(
            nn.Conv2d(in_channels, mid_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(mid_channels), nn.ReLU(inplace=True),
            nn.Conv2d(mid_channels, mid_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(mid_channels), nn.ReLU(inplace=True))
        self.out_conv = nn.Conv2d(mid_channels, out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Translate ``(B, C, H, W)`` target images to RGB in [0, 1]."""
        return torch.sigmoid(self.out_conv(self.double_conv(x)))
