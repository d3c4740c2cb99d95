# Copyright (c) mmsocket contributors. All rights reserved.
from .dense_geometric import (DenseCenterCrop, DenseRandomCrop,
                              DenseRandomFlip, DenseRandomRotate, DenseResize)
from .loading import LoadModality, depth_to_uint8
from .loading_depth import LoadDepthAnnotation
from .loading_semantic import LoadSemanticAnnotation
from .pack_depth_inputs import PackDepthInputs

__all__ = [
    'LoadModality', 'depth_to_uint8', 'LoadDepthAnnotation',
    'LoadSemanticAnnotation', 'DenseResize', 'DenseRandomFlip',
    'DenseCenterCrop', 'DenseRandomCrop', 'DenseRandomRotate',
    'PackDepthInputs'
]
