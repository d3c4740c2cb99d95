# Copyright (c) mmsocket contributors. All rights reserved.
"""Geometric transforms that move dense maps together with the image.

mmcv's ``Resize``, ``RandomFlip`` and ``CenterCrop`` already handle the
image and one ``gt_seg_map``; depth estimation needs several dense maps
(depth, semantic ids, instance ids) to stay pixel-aligned with the image.
The subclasses below reuse mmcv's geometry and apply the same operation to
every key listed in ``results['dense_fields']`` (filled by the loaders),
always with nearest-neighbour sampling: interpolating depth across an
object boundary would invent depths that exist nowhere in the scene, and
interpolating ids invents classes. mmcv has no random crop or rotation
that takes extra keys, so :class:`DenseRandomCrop` and
:class:`DenseRandomRotate` are written here.
"""
from typing import Sequence, Tuple, Union

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform, CenterCrop, RandomFlip, Resize
from mmcv.transforms.utils import cache_randomness

from mmsocket.registry import TRANSFORMS
from .dense_io import dense_fields


def _check_aligned(results: dict, where: str) -> None:
    shape = results['img'].shape[:2]
    for key in dense_fields(results):
        if results[key].shape[:2] != shape:
            raise ValueError(
                f'{where}: {key} of {results.get("img_path")} is '
                f'{results[key].shape[:2]} but the image is {shape}; resize '
                'both first (DenseResize) when the files differ in size')


@TRANSFORMS.register_module()
class DenseResize(Resize):
    """mmcv ``Resize`` that also resizes the dense maps (nearest).

    The dense maps are resized to the new image size, so they may start
    at another resolution than the image (ScanNet stores 1296x968 colour
    and 640x480 depth).
    """

    def _resize_seg(self, results: dict) -> None:
        super()._resize_seg(results)
        h, w = results['img'].shape[:2]
        for key in dense_fields(results):
            results[key] = mmcv.imresize(
                results[key], (w, h),
                interpolation='nearest',
                backend=self.backend)


@TRANSFORMS.register_module()
class DenseRandomFlip(RandomFlip):
    """mmcv ``RandomFlip`` that also flips the dense maps."""

    def _flip(self, results: dict) -> None:
        super()._flip(results)
        for key in dense_fields(results):
            results[key] = mmcv.imflip(
                results[key], direction=results['flip_direction'])


@TRANSFORMS.register_module()
class DenseCenterCrop(CenterCrop):
    """mmcv ``CenterCrop`` that also crops the dense maps.

    ``auto_pad`` is refused: padding would give the dense maps values
    (depth 0 = invalid is fine, but class 0 is a real class elsewhere)
    that the caller should choose explicitly.
    """

    def __init__(self, crop_size: Union[int, Tuple[int, int]],
                 **kwargs) -> None:
        if kwargs.get('auto_pad'):
            raise ValueError('DenseCenterCrop does not support auto_pad')
        super().__init__(crop_size, **kwargs)

    def transform(self, results: dict) -> dict:
        _check_aligned(results, 'DenseCenterCrop')
        return super().transform(results)

    def _crop_seg_map(self, results: dict, bboxes: np.ndarray) -> None:
        super()._crop_seg_map(results, bboxes)
        for key in dense_fields(results):
            results[key] = mmcv.imcrop(results[key], bboxes=bboxes)


@TRANSFORMS.register_module()
class DenseRandomCrop(BaseTransform):
    """Crop the image and its dense maps at one random position.

    Args:
        crop_size (int or tuple[int]): ``(w, h)`` of the crop, or one int
            for a square.

    Modified keys: ``img``, ``img_shape``, every dense field. Added keys:
    ``crop_bbox`` (x1, y1, x2, y2), exclusive right/bottom.
    """

    def __init__(self, crop_size: Union[int, Sequence[int]]) -> None:
        if isinstance(crop_size, int):
            crop_size = (crop_size, crop_size)
        crop_size = tuple(int(c) for c in crop_size)
        if len(crop_size) != 2 or min(crop_size) < 1:
            raise ValueError(f'crop_size must be (w, h) > 0, got {crop_size}')
        self.crop_size = crop_size

    @cache_randomness
    def _offset(self, h: int, w: int) -> Tuple[int, int]:
        cw, ch = self.crop_size
        return (np.random.randint(0, h - ch + 1),
                np.random.randint(0, w - cw + 1))

    def transform(self, results: dict) -> dict:
        _check_aligned(results, 'DenseRandomCrop')
        h, w = results['img'].shape[:2]
        cw, ch = self.crop_size
        if ch > h or cw > w:
            raise ValueError(
                f'DenseRandomCrop: crop (w, h) = {self.crop_size} exceeds '
                f'the image {(w, h)} of {results.get("img_path")}; resize '
                'first')
        y, x = self._offset(h, w)
        for key in ['img'] + dense_fields(results):
            results[key] = np.ascontiguousarray(results[key][y:y + ch,
                                                             x:x + cw])
        results['img_shape'] = (ch, cw)
        results['crop_bbox'] = (x, y, x + cw, y + ch)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(crop_size={self.crop_size})'


@TRANSFORMS.register_module()
class DenseRandomRotate(BaseTransform):
    """Rotate the image and its dense maps by one random small angle.

    Hu et al. train their depth networks with rotations of up to 5 degrees.
    The image is interpolated bilinearly, the dense maps with nearest
    neighbours; uncovered corners become 0 (black image, invalid depth,
    class 0), so metrics and losses mask them out.

    Args:
        max_angle (float): Angles are uniform in ``[-max_angle,
            max_angle]`` degrees. Defaults to 5.
        prob (float): Probability of rotating at all. Defaults to 1.
    """

    def __init__(self, max_angle: float = 5.0, prob: float = 1.0) -> None:
        if max_angle < 0 or not 0 <= prob <= 1:
            raise ValueError(f'need max_angle >= 0 and 0 <= prob <= 1, got '
                             f'{max_angle}, {prob}')
        self.max_angle = max_angle
        self.prob = prob

    @cache_randomness
    def _angle(self) -> float:
        if np.random.rand() >= self.prob:
            return 0.0
        return float(np.random.uniform(-self.max_angle, self.max_angle))

    def transform(self, results: dict) -> dict:
        _check_aligned(results, 'DenseRandomRotate')
        angle = self._angle()
        results['rotate_angle'] = angle
        if angle == 0.0:
            return results
        results['img'] = mmcv.imrotate(
            results['img'], angle, border_value=0, interpolation='bilinear')
        for key in dense_fields(results):
            results[key] = mmcv.imrotate(
                results[key], angle, border_value=0, interpolation='nearest')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(max_angle={self.max_angle}, '
                f'prob={self.prob})')
