# Copyright (c) mmsocket contributors. All rights reserved.
import mmpretrain.datasets  # noqa: F401  (parent transforms: PackInputs...)

from .gaussian_noise_dataset import GaussianNoiseDataset
from .multi_modal_dataset import MultiModalDataset
from .multi_stream_dataset import MultiStreamDataset
from .transforms import LoadModality, depth_to_uint8

__all__ = [
    'GaussianNoiseDataset',
    'MultiModalDataset', 'MultiStreamDataset', 'LoadModality',
    'depth_to_uint8'
]
