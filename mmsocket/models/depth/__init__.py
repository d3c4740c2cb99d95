# Copyright (c) mmsocket contributors. All rights reserved.
from .depth_estimator import DepthEstimator, attach_depth
from .mff_depth_decoder import MFFDepthDecoder, UpProjection
from .noise_image_generator import NoiseImageGenerator
from .transformation_net import TransformationNet

__all__ = [
    'DepthEstimator', 'attach_depth', 'MFFDepthDecoder', 'UpProjection',
    'NoiseImageGenerator', 'TransformationNet'
]
