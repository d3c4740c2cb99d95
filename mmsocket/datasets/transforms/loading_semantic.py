# Copyright (c) mmsocket contributors. All rights reserved.
"""Load per-pixel semantic (and instance) id maps."""
import numpy as np
from mmcv.transforms import BaseTransform

from mmsocket.registry import TRANSFORMS
from .dense_io import add_dense_field, read_dense_map


@TRANSFORMS.register_module()
class LoadSemanticAnnotation(BaseTransform):
    """Read ``sem_path`` (and optionally ``inst_path``) as uint16 id maps.

    The maps stay unsigned 16-bit until packing (OpenCV resizes uint16 but
    not int64); :class:`PackDepthInputs` turns them into int64 tensors.
    Object-wise mixing draws classes from ``gt_sem``.

    Args:
        with_instance (bool): Also read ``inst_path`` into ``gt_inst``.
            Defaults to False.

    Required keys: ``sem_path`` (``inst_path``). Added keys: ``gt_sem``
    (H, W) uint16, ``gt_inst``, ``dense_fields``.
    """

    def __init__(self, with_instance: bool = False) -> None:
        self.with_instance = with_instance

    def _load(self, results: dict, path_key: str, key: str,
              what: str) -> None:
        if path_key not in results:
            raise KeyError(f'sample {results.get("img_path")} has no '
                           f'{path_key}; this pipeline needs {what} maps')
        ids = read_dense_map(results[path_key], what)
        if not np.issubdtype(ids.dtype, np.integer):
            raise OSError(f'{what} map {results[path_key]} has dtype '
                          f'{ids.dtype}; expected integer ids')
        results[key] = ids.astype(np.uint16)
        add_dense_field(results, key)

    def transform(self, results: dict) -> dict:
        self._load(results, 'sem_path', 'gt_sem', 'semantic')
        if self.with_instance:
            self._load(results, 'inst_path', 'gt_inst', 'instance')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}'
                f'(with_instance={self.with_instance})')
