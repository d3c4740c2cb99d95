# Copyright (c) mmsocket contributors. All rights reserved.
from .feature_bottleneck import FeatureBottleneck

__all__ = ['FeatureBottleneck']
