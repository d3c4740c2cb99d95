# Copyright (c) mmsocket contributors. All rights reserved.
from .bn_moment_loss import BNMomentLoss, bn_moment_loss
from .depth_loss import DepthLoss, depth_loss, depth_loss_terms
from .gan_loss import GANLoss, gan_loss
from .info_max_loss import InfoMaxLoss, info_max_loss, info_max_terms
from .kd_loss import KDLoss, kd_loss
from .ti_feature_loss import TIFeatureLoss, ti_feature_loss

__all__ = [
    'DepthLoss', 'depth_loss', 'depth_loss_terms', 'InfoMaxLoss',
    'info_max_loss', 'info_max_terms', 'TIFeatureLoss', 'ti_feature_loss',
    'BNMomentLoss', 'bn_moment_loss', 'GANLoss', 'gan_loss', 'KDLoss',
    'kd_loss'
]
