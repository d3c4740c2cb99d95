# Copyright (c) mmsocket contributors. All rights reserved.
from .depth_metric import DepthMetric
from .multi_source_accuracy import MultiSourceAccuracy

__all__ = ['MultiSourceAccuracy', 'DepthMetric']
