# Copyright (c) mmsocket contributors. All rights reserved.
from .weight_norm_cls_head import WeightNormClsHead

__all__ = ['WeightNormClsHead']
