# Copyright (c) mmsocket contributors. All rights reserved.
import mmpretrain.evaluation  # noqa: F401  (parent metrics: Accuracy)

from .metrics import DepthMetric, MultiSourceAccuracy

__all__ = ['MultiSourceAccuracy', 'DepthMetric']
