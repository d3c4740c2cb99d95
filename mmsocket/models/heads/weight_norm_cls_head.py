# Copyright (c) mmsocket contributors. All rights reserved.
from typing import Tuple

import torch
import torch.nn as nn
from mmpretrain.models.heads import ClsHead
from torch.nn.utils.parametrizations import weight_norm

from mmsocket.registry import MODELS
from mmsocket.utils.config_refs import check_resolved


@MODELS.register_module()
class WeightNormClsHead(ClsHead):
    """Weight-normalised linear classifier: SHOT's ``netC``.

    Weight normalisation (per output row) is what lets the transfer methods
    freeze the classifier and move only the features: the hypothesis then
    fixes class directions, not feature scales.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Feature width (the bottleneck's). Defaults to 256.
        **kwargs: Passed to mmpretrain's ``ClsHead`` (``loss``, ``topk``).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int = 256,
                 **kwargs) -> None:
        check_resolved(num_classes, 'WeightNormClsHead.num_classes')
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.in_channels = in_channels
        fc = nn.Linear(in_channels, num_classes)
        nn.init.zeros_(fc.bias)
        self.fc = weight_norm(fc, name='weight', dim=0)

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        return self.fc(self.pre_logits(feats))
