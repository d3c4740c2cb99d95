# Copyright (c) mmsocket contributors. All rights reserved.
import torch.nn as nn
from mmengine.model import BaseModule

from mmsocket.registry import MODELS


@MODELS.register_module()
class FeatureBottleneck(BaseModule):
    """Global pooling, then Linear + BatchNorm1d: SHOT's ``netB``.

    The 256-d output is the "feature" every transfer method matches and
    clusters (SOCKET's f = netB o netF). SHOT's module also defines ReLU and
    dropout but never applies them; neither do we.

    Args:
        in_channels (int): Channels of the backbone's last stage.
        out_channels (int): Bottleneck width. Defaults to 256.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int = 256,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(in_channels, out_channels)
        self.bn = nn.BatchNorm1d(out_channels)
        nn.init.xavier_normal_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def init_weights(self) -> None:
        # Keep SHOT's xavier init; BaseModule's default would do nothing
        # anyway, but an init_cfg given by a config still applies.
        if self.init_cfg is not None:
            super().init_weights()

    def forward(self, inputs):
        x = inputs[-1] if isinstance(inputs, (tuple, list)) else inputs
        if x.dim() == 4:
            x = self.pool(x).flatten(1)
        return (self.bn(self.fc(x)), )
