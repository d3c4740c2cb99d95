# Copyright (c) mmsocket contributors. All rights reserved.
from .mlp_feature_discriminator import MLPFeatureDiscriminator

__all__ = ['MLPFeatureDiscriminator']
