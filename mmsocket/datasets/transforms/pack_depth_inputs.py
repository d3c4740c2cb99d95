# Copyright (c) mmsocket contributors. All rights reserved.
"""Pack an image and its dense maps for depth models.

Contract (what depth models, losses, metrics and the distiller rely on):

* ``inputs``: ``torch.uint8`` tensor (3, H, W) in the channel order of the
  loaded image. mmcv's ``LoadImageFromFile`` loads BGR, and, exactly as
  mmpretrain's ``PackInputs``, the channels are *not* swapped here: configs
  set ``to_rgb=True`` in the model's data preprocessor (the OpenMMLab
  convention). ``PackDepthInputs(to_rgb=True)`` packs RGB instead; then
  the preprocessor must not swap again.
* ``data_samples``: an mmengine ``BaseDataElement`` with

  - ``gt_depth``: ``torch.float32`` (1, H, W), metres, 0 = invalid
    (present when the pipeline loaded depth);
  - ``gt_sem``: ``torch.int64`` (H, W) semantic ids (when loaded);
  - ``gt_inst``: ``torch.int64`` (H, W) instance ids (when loaded);
  - metainfo ``img_path``, ``ori_shape``, ``img_shape`` and, when present,
    ``sample_idx``, ``sample_id``, ``depth_scale``, ``scale_factor``,
    ``flip``, ``flip_direction``, ``crop_bbox``.

Every dense map has the image's H x W (checked here).
"""
from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import BaseDataElement

from mmsocket.registry import TRANSFORMS

_DENSE = {
    'gt_depth': torch.float32,
    'gt_sem': torch.int64,
    'gt_inst': torch.int64
}


@TRANSFORMS.register_module()
class PackDepthInputs(BaseTransform):
    """Pack ``img`` and the dense maps into ``inputs`` / ``data_samples``.

    See the module docstring for the exact contract.

    Args:
        to_rgb (bool): Swap BGR to RGB here. Defaults to False (leave it
            to the data preprocessor, as mmpretrain does).
        meta_keys (Sequence[str]): Keys copied into the sample's metainfo
            when present.
    """

    DEFAULT_META_KEYS = ('sample_idx', 'sample_id', 'img_path', 'ori_shape',
                         'img_shape', 'depth_scale', 'scale_factor', 'flip',
                         'flip_direction', 'crop_bbox')

    def __init__(self,
                 to_rgb: bool = False,
                 meta_keys: Sequence[str] = DEFAULT_META_KEYS) -> None:
        self.to_rgb = to_rgb
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        if 'img' not in results:
            raise KeyError('PackDepthInputs needs "img" (load the image '
                           'first)')
        img = results['img']
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=2)
        if img.ndim != 3 or img.shape[2] != 3:
            raise ValueError(f'image {results.get("img_path")} has shape '
                             f'{img.shape}; expected (H, W, 3)')
        if self.to_rgb:
            img = img[..., ::-1]
        if img.dtype != np.uint8:
            img = np.clip(np.round(img), 0, 255).astype(np.uint8)
        inputs = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))

        sample = BaseDataElement()
        h, w = img.shape[:2]
        for key, dtype in _DENSE.items():
            if results.get(key) is None:
                continue
            value = np.asarray(results[key])
            if value.shape[:2] != (h, w):
                raise ValueError(
                    f'{key} of {results.get("img_path")} is '
                    f'{value.shape[:2]} but the image is {(h, w)}; a '
                    'geometric transform missed it (use the Dense* '
                    'transforms)')
            t = torch.from_numpy(
                np.ascontiguousarray(
                    value.astype(np.float32 if dtype ==
                                 torch.float32 else np.int64)))
            sample.set_field(t[None] if key == 'gt_depth' else t, key)
        meta = {k: results[k] for k in self.meta_keys if k in results}
        meta.setdefault('img_shape', (h, w))
        meta.setdefault('ori_shape', (h, w))
        sample.set_metainfo(meta)
        return {'inputs': inputs, 'data_samples': sample}

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(to_rgb={self.to_rgb}, '
                f'meta_keys={self.meta_keys})')
