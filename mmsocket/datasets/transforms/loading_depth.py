# Copyright (c) mmsocket contributors. All rights reserved.
"""Load a ground-truth depth map as float32 metres."""
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform

from mmsocket.registry import TRANSFORMS
from .dense_io import add_dense_field, read_depth_map


@TRANSFORMS.register_module()
class LoadDepthAnnotation(BaseTransform):
    """Read ``results['depth_path']`` into ``results['gt_depth']``.

    Stored values are divided by the depth scale (stored units per metre):
    1000 for 16-bit millimetre PNGs (our format, NYU-v2 test, ScanNet,
    SceneNet), 25.5 for the 8-bit NYU-v2 training PNGs of Hu et al. that
    map 0..255 to 0..10 m. A stored 0 stays 0 and means *invalid*; metrics
    and supervised losses mask it out.

    Args:
        depth_scale (float, optional): Stored units per metre. None takes
            ``results['depth_scale']`` (set by :class:`DepthDataset` from
            the annotation file), else 1000. Defaults to None.
        max_depth (float, optional): Readings beyond this (m) become 0
            (invalid). Defaults to None (keep all).

    Required keys: ``depth_path``. Added keys: ``gt_depth`` (H, W)
    float32, ``dense_fields``.
    """

    def __init__(self,
                 depth_scale: Optional[float] = None,
                 max_depth: Optional[float] = None) -> None:
        if depth_scale is not None and not depth_scale > 0:
            raise ValueError(f'depth_scale must be > 0, got {depth_scale}')
        self.depth_scale = depth_scale
        self.max_depth = max_depth

    def transform(self, results: dict) -> dict:
        if 'depth_path' not in results:
            raise KeyError(
                f'sample {results.get("img_path")} has no depth_path; this '
                'pipeline needs depth ground truth (is it a simulated / '
                'out-of-distribution set without depth?)')
        path = results['depth_path']
        scale = self.depth_scale or results.get('depth_scale') or 1000.0
        raw = read_depth_map(
            path, scale, 'state the scale of 8-bit maps: depth_scale '
            '(stored units per metre, e.g. 25.5 when 255 means 10 m) in the '
            'annotation file\'s metainfo, on the dataset or on '
            'LoadDepthAnnotation.')
        depth = raw.astype(np.float32) / np.float32(scale)
        depth[~np.isfinite(depth) | (depth < 0)] = 0.0
        if self.max_depth is not None:
            depth[depth > self.max_depth] = 0.0
        results['gt_depth'] = depth
        add_dense_field(results, 'gt_depth')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(depth_scale={self.depth_scale}, '
                f'max_depth={self.max_depth})')
