# Copyright (c) mmsocket contributors. All rights reserved.
"""Load per-pixel semantic (and instance) id maps."""
from typing import Mapping

import numpy as np
from mmcv.transforms import BaseTransform

from mmsocket.registry import TRANSFORMS
from .dense_io import add_dense_field, read_dense_map


def instance_to_semantic(inst: np.ndarray, table: Mapping) -> np.ndarray:
    """Map instance ids to class ids; ids missing from ``table`` become 0.

    Args:
        inst (np.ndarray): Instance id map.
        table (Mapping): ``{instance id (int or str): class id}``.

    Returns:
        np.ndarray: uint16 class id map of ``inst``'s shape.
    """
    pairs = {int(k): int(v) for k, v in table.items()}
    size = max([int(inst.max()) if inst.size else 0] + list(pairs)) + 1
    lut = np.zeros(size, np.uint16)
    for k, v in pairs.items():
        if k >= 0:
            lut[k] = v
    return lut[inst.astype(np.int64)]


@TRANSFORMS.register_module()
class LoadSemanticAnnotation(BaseTransform):
    """Read ``sem_path`` (and optionally ``inst_path``) as uint16 id maps.

    The maps stay unsigned 16-bit until packing (OpenCV resizes uint16 but
    not int64); :class:`PackDepthInputs` turns them into int64 tensors.
    Object-wise mixing draws classes from ``gt_sem``.

    Args:
        with_instance (bool): Also read ``inst_path`` into ``gt_inst``.
            Defaults to False.

    Without ``sem_path``, a record with ``inst_path`` and ``inst_to_sem``
    (``{instance id: class id}``, SceneNet RGB-D) gets ``gt_sem`` from its
    instance map; instances missing from the table become class 0.

    Required keys: ``sem_path`` (``inst_path``), or ``inst_path`` and
    ``inst_to_sem``. Added keys: ``gt_sem`` (H, W) uint16, ``gt_inst``,
    ``dense_fields``.
    """

    def __init__(self, with_instance: bool = False) -> None:
        self.with_instance = with_instance

    def _load(self, results: dict, path_key: str, key: str, what: str) -> None:
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
        if 'sem_path' not in results and 'inst_to_sem' in results:
            # SceneNet RGB-D stores instance maps plus a per-trajectory
            # instance -> class table instead of semantic maps.
            self._load(results, 'inst_path', 'gt_inst', 'instance')
            results['gt_sem'] = instance_to_semantic(results['gt_inst'],
                                                     results['inst_to_sem'])
            add_dense_field(results, 'gt_sem')
            if not self.with_instance:
                del results['gt_inst']
                results['dense_fields'].remove('gt_inst')
            return results
        self._load(results, 'sem_path', 'gt_sem', 'semantic')
        if self.with_instance:
            self._load(results, 'inst_path', 'gt_inst', 'instance')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}'
                f'(with_instance={self.with_instance})')
