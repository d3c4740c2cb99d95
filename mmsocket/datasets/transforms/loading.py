# Copyright (c) mmsocket contributors. All rights reserved.
"""Load RGB, depth or near-infrared images into one 3-channel uint8 form.

Source models are ImageNet-style RGB networks, so (as both transfer papers
do) a single-channel depth or NIR map is scaled to 8 bits and replicated to
three channels; the data preprocessor then normalises it with the
statistics the config states.
"""
from typing import Optional, Sequence

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform

from mmsocket.registry import TRANSFORMS
from mmsocket.utils.config_refs import check_resolved
from ..decode_cache import active_cache
from .dense_io import read_depth_map

#: How to read 8-bit depth, for the error of :func:`read_depth_map`.
EIGHT_BIT_FIX = ('convert 8-bit depth with its unit (python '
                 'tools/dataset_converters/paired_folders.py ... --depth-unit '
                 'MM_PER_VALUE) or state it here: '
                 'LoadModality(depth_unit_mm=MM_PER_VALUE).')


def depth_to_uint8(depth_mm: np.ndarray,
                   depth_range: Sequence[float],
                   unit_mm: float = 1.0) -> np.ndarray:
    """Clip depth to ``depth_range`` (metres) and scale it to [0, 255].

    Missing readings (0, or not finite in a float map) map to 0, i.e. the
    near end, as in the SOCKET code, which divides raw values by the full
    16-bit range.
    """
    lo, hi = float(depth_range[0]), float(depth_range[1])
    if not hi > lo:
        raise ValueError(f'depth_range must be increasing, got {depth_range}')
    metres = depth_mm.astype(np.float32) * (unit_mm / 1000.0)
    scaled = (np.clip(metres, lo, hi) - lo) / (hi - lo) * 255.0
    scaled[(depth_mm == 0) | ~np.isfinite(metres)] = 0.0
    return np.round(scaled).astype(np.uint8)


@TRANSFORMS.register_module()
class LoadModality(BaseTransform):
    """Load ``results['img_path']`` as a 3-channel uint8 image.

    The modality comes from ``results['modality']`` (set by
    :class:`MultiModalDataset`) unless given here. An image already decoded
    by the caller (``img`` without ``img_path``, as mmpretrain's
    ``ImageClassificationInferencer`` passes it) is taken as RGB, unless
    this transform is set up for depth/NIR (a ``depth_range`` or a non-RGB
    ``modality``): that is refused, since the decoded 8 bits are not depth.

    Args:
        modality (str, optional): Force ``'rgb'``, ``'depth'`` or ``'nir'``.
        depth_range (tuple, optional): Depth clipping range in metres;
            ``[lo, hi]`` maps to ``[0, 255]``. Defaults to (0, 10), the range
            of the Kinect-style sensors of SUN RGB-D.
        depth_unit_mm (float): Millimetres per stored depth unit.
            Defaults to 1 (our converted files store millimetres).
        replicate (bool): Replicate single-channel images to 3 channels.
            Defaults to True.

    Added keys: ``img``, ``img_shape``, ``ori_shape``.
    """

    def __init__(self,
                 modality: Optional[str] = None,
                 depth_range: Optional[Sequence[float]] = None,
                 depth_unit_mm: float = 1.0,
                 replicate: bool = True) -> None:
        check_resolved(depth_range, 'LoadModality.depth_range')
        self.modality = modality
        # A pipeline given a depth range (or a non-RGB modality) is one that
        # decodes depth/NIR: it never takes an image decoded by the caller.
        self._reads_sensor_files = depth_range is not None or modality in (
            'depth', 'nir')
        self.depth_range = tuple(depth_range) if depth_range is not None else (
            0.0, 10.0)
        self.depth_unit_mm = depth_unit_mm
        self.replicate = replicate
        depth_to_uint8(np.zeros(1, np.uint16), self.depth_range)  # validate

    def transform(self, results: dict) -> dict:
        modality = self.modality or results.get('modality', 'rgb')
        if 'img_path' not in results and 'img' in results:
            img = self._decoded_by_caller(results['img'], modality)
        else:
            img = self._load(results['img_path'], modality)
        if img.ndim == 2 and self.replicate:
            img = np.repeat(img[..., None], 3, axis=2)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def _load(self, path: str, modality: str) -> np.ndarray:
        cache = active_cache()
        if cache is None:
            return self._decode(path, modality)
        settings = (modality, self.depth_range, self.depth_unit_mm)
        return cache.get(path, settings, lambda: self._decode(path, modality))

    def _decode(self, path: str, modality: str) -> np.ndarray:
        if modality == 'depth':
            img = read_depth_map(path, 1000.0 / self.depth_unit_mm,
                                 EIGHT_BIT_FIX)
            return depth_to_uint8(img, self.depth_range, self.depth_unit_mm)
        img = self._read(path, modality)
        if modality == 'nir':
            if img.ndim == 3:
                img = img[..., 0]
            if img.dtype == np.uint16:
                img = (img.astype(np.float32) / 257.0).round().astype(np.uint8)
        return img

    def _decoded_by_caller(self, img: np.ndarray, modality: str) -> np.ndarray:
        """mmpretrain's ``ImageClassificationInferencer`` decodes the image
        itself (8-bit colour) and passes ``img`` without ``img_path``: that
        is what this transform makes of an RGB file, but depth or NIR cannot
        be recovered from it."""
        if modality != 'rgb' or self._reads_sensor_files:
            what = modality if modality != 'rgb' else 'depth or NIR'
            raise ValueError(
                f'LoadModality reads {what} from its file, but was given an '
                'image decoded by the caller (8-bit colour, e.g. by '
                'mmpretrain\'s inferencer), from which it cannot be '
                'recovered. Export the model (tools/model_converters/'
                'export.py) and encode the images as it says '
                '(docs/export.md).')
        return img

    @staticmethod
    def _read(path: str, modality: str) -> np.ndarray:
        flag = 'color' if modality == 'rgb' else 'unchanged'
        try:
            img = mmcv.imread(path, flag=flag)
        except Exception as e:  # mmcv raises bare errors for bad files
            raise OSError(f'cannot read {modality} image {path}: {e}') from e
        if img is None:
            raise OSError(f'cannot decode {modality} image {path}: the file '
                          'is corrupt or not an image')
        return img

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(modality={self.modality}, '
                f'depth_range={self.depth_range}, '
                f'depth_unit_mm={self.depth_unit_mm})')
