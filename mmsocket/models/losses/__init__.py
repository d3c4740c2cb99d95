# Copyright (c) mmsocket contributors. All rights reserved.
from .bn_moment_loss import BNMomentLoss, bn_moment_loss
from .info_max_loss import InfoMaxLoss, info_max_loss, info_max_terms
from .ti_feature_loss import TIFeatureLoss, ti_feature_loss

__all__ = [
    'InfoMaxLoss', 'info_max_loss', 'info_max_terms', 'TIFeatureLoss',
    'ti_feature_loss', 'BNMomentLoss', 'bn_moment_loss'
]
