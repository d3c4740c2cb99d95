# Copyright (c) mmsocket contributors. All rights reserved.
import mmpretrain.datasets  # noqa: F401  (parent transforms: PackInputs...)

from .depth_dataset import DepthDataset
from .gaussian_noise_dataset import GaussianNoiseDataset
from .multi_modal_dataset import MultiModalDataset
from .multi_stream_dataset import MultiStreamDataset, sample_ids
from .nyu import NYUDepthV2Dataset
from .scannet import ScanNetDepthDataset
from .scenenet import SceneNetRGBDDataset
from .transforms import LoadModality, depth_to_uint8

__all__ = [
    'GaussianNoiseDataset', 'DepthDataset', 'MultiModalDataset',
    'MultiStreamDataset', 'LoadModality', 'depth_to_uint8',
    'NYUDepthV2Dataset', 'ScanNetDepthDataset', 'SceneNetRGBDDataset',
    'sample_ids'
]
