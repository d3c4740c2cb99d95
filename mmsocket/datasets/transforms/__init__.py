# Copyright (c) mmsocket contributors. All rights reserved.
from .loading import LoadModality, depth_to_uint8

__all__ = ['LoadModality', 'depth_to_uint8']
