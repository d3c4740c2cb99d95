# Copyright (c) mmsocket contributors. All rights reserved.
"""Noise-to-image generator of the DFAD baseline."""
from typing import Sequence

import torch.nn as nn
from mmengine.model import BaseModule
from torch import Tensor

from mmsocket.registry import MODELS


@MODELS.register_module()
class NoiseImageGenerator(BaseModule):
    """Code -> image, DAFL-type (docs/methods/dfdd.md#dfad-as-we-adapt-it).

    ``Linear(latent -> 128 * h0 * w0)`` with ``(h0, w0) = img_size / 4``,
    BN, x2 nearest upsampling, conv 128->128, BN, LeakyReLU(0.2), x2
    upsampling, conv 128->64, BN, LeakyReLU(0.2), conv 64->3, tanh, and a
    last affine-free BN so the images have per-channel zero mean and unit
    variance, like normalised network inputs.

    Args:
        img_size (Sequence[int]): Output ``(H, W)``, both divisible by 4.
        latent_dim (int): Length of the code. Defaults to 256.
        hidden_channels (int): Channels of the first feature map.
            Defaults to 128.
    """

    def __init__(self,
                 img_size: Sequence[int],
                 latent_dim: int = 256,
                 hidden_channels: int = 128,
                 bn_eps: float = 1e-5,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        h, w = img_size
        if h % 4 or w % 4:
            raise ValueError('NoiseImageGenerator: img_size must be '
                             f'divisible by 4, got {tuple(img_size)}')
        self.latent_dim = latent_dim
        self.init_shape = (hidden_channels, h // 4, w // 4)
        c = hidden_channels
        self.fc = nn.Linear(latent_dim, c * (h // 4) * (w // 4))
        self.blocks = nn.Sequential(
            nn.BatchNorm2d(c, eps=bn_eps),
            nn.Upsample(scale_factor=2),
            nn.Conv2d(c, c, 3, padding=1),
            nn.BatchNorm2d(c, eps=bn_eps),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Upsample(scale_factor=2),
            nn.Conv2d(c, c // 2, 3, padding=1),
            nn.BatchNorm2d(c // 2, eps=bn_eps),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(c // 2, 3, 3, padding=1),
            nn.Tanh(),
            nn.BatchNorm2d(3, affine=False, eps=bn_eps),
        )

    def forward(self, z: Tensor) -> Tensor:
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError('NoiseImageGenerator expects codes of shape '
                             f'(N, {self.latent_dim}), got {tuple(z.shape)}')
        x = self.fc(z).view(z.shape[0], *self.init_shape)
        return self.blocks(x)
