# Copyright (c) mmsocket contributors. All rights reserved.
"""Feature-level discriminators of TGMB (D1 and D2)."""
import torch
import torch.nn as nn

from mmsocket.registry import MODELS


@MODELS.register_module()
class MLPFeatureDiscriminator(nn.Module):
    """Three fully connected layers scoring a feature as real or fake.

    TGMB's D1 and D2 are "3 FC layers, ReLU after the first two" on the
    frozen source encoder's features; the hidden width is not given, so we
    use 256 -> 500 -> 500 -> 1, as SOCKET's unused
    discriminator (docs/methods/tgmb_tgkt.md#discriminators-d1-and-d2).
    The output is a logit: the GAN loss applies the sigmoid
    (numerically safer than a sigmoid layer followed by a log).

    Args:
        in_channels (int): Feature size. Defaults to 256.
        hidden_channels (int): Width of the two hidden layers.
            Defaults to 500.
    """

    def __init__(self,
                 in_channels: int = 256,
                 hidden_channels: int = 500) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(in_channels, hidden_channels), nn.ReLU(inplace=True),
            nn.Linear(hidden_channels, hidden_channels), nn.ReLU(inplace=True),
            nn.Linear(hidden_channels, 1))

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        """``(B, in_channels)`` features -> ``(B, )`` real/fake logits."""
        return self.layers(feats).squeeze(-1)
