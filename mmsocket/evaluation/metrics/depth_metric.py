# Copyright (c) mmsocket contributors. All rights reserved.
"""Standard monocular-depth metrics (REL, RMSE, log10, delta1/2/3)."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric
from torch import Tensor

from mmsocket.registry import METRICS

#: Eigen et al.'s NYU-v2 evaluation crop, rows 45:471 and columns 41:601 of
#: the 480x640 frame, as fractions so it applies to any resolution.
EIGEN_CROP = (45 / 480, 471 / 480, 41 / 640, 601 / 640)


def _crop_mask(h: int, w: int, crop, device) -> Tensor:
    y0, y1, x0, x1 = crop
    mask = torch.zeros(h, w, dtype=torch.bool, device=device)
    mask[int(round(y0 * h)):int(round(y1 * h)),
         int(round(x0 * w)):int(round(x1 * w))] = True
    return mask


def image_depth_errors(
    pred: Tensor,
    gt: Tensor,
    min_depth: float = 1e-3,
    max_depth: Optional[float] = None,
    crop: Optional[Tuple[float, float, float, float]] = None
) -> Optional[Dict[str, float]]:
    """Per-image errors over valid pixels.

    The prediction is bilinearly resized to the GT size; pixels with GT
    ``<= 0`` (missing), outside ``(0, max_depth]`` or outside ``crop`` are
    ignored; predictions are clamped to ``[min_depth, max_depth]`` so log10
    stays finite.

    Args:
        pred (Tensor): ``(1, h, w)`` or ``(h, w)`` predicted depth (metres).
        gt (Tensor): ``(1, H, W)`` or ``(H, W)`` ground truth, 0 = invalid.
        min_depth (float): Lower clamp of the prediction. Defaults to 1e-3.
        max_depth (float, optional): Upper GT/prediction limit.
        crop (tuple, optional): ``(y0, y1, x0, x1)`` fractions of the GT
            frame to evaluate.

    Returns:
        dict | None: ``abs_rel``, ``mse`` (squared error mean, for RMSE),
        ``log10``, ``delta1..3`` of the image; None if no pixel is valid.
    """
    pred = pred.detach().float().reshape(1, 1, *pred.shape[-2:])
    gt = gt.detach().float().reshape(*gt.shape[-2:])
    if pred.shape[-2:] != gt.shape:
        pred = F.interpolate(
            pred, size=gt.shape, mode='bilinear', align_corners=False)
    pred = pred[0, 0]
    valid = gt > 0
    if max_depth is not None:
        valid &= gt <= max_depth
    if crop is not None:
        valid &= _crop_mask(*gt.shape, crop, gt.device)
    if not valid.any():
        return None
    d = pred[valid].clamp(min=min_depth, max=max_depth)
    g = gt[valid]
    ratio = torch.maximum(d / g, g / d)
    return dict(
        abs_rel=((d - g).abs() / g).mean().item(),
        mse=((d - g)**2).mean().item(),
        log10=(torch.log10(d) - torch.log10(g)).abs().mean().item(),
        # As Hu et al.'s code: ratio <= 1.25^i (docs/methods/dfdd.md#metrics).
        delta1=(ratio <= 1.25).float().mean().item(),
        delta2=(ratio <= 1.25**2).float().mean().item(),
        delta3=(ratio <= 1.25**3).float().mean().item())


@METRICS.register_module()
class DepthMetric(BaseMetric):
    """REL, RMSE, log10 and delta1/2/3 of predicted depth maps.

    As Hu et al. evaluate (docs/methods/dfdd.md#metrics): each image's
    prediction is bilinearly upsampled to its GT size, errors are averaged
    over the image's valid pixels, then over images (REL, log10, deltas);
    RMSE is the square root of the mean of the per-image MSEs. Images with
    no valid pixel are skipped.

    Data samples must carry ``pred_depth`` (``(1, h, w)``) and ``gt_depth``
    (``(1, H, W)``, metres, 0 = invalid), as ``DepthEstimator.predict``
    and ``PackDepthInputs`` produce.

    Args:
        crop (str | tuple, optional): ``'eigen'`` (the NYU-v2 crop of Eigen
            et al., as fractions of the frame) or ``(y0, y1, x0, x1)``
            fractions; None evaluates the whole frame. The data-free depth
            paper evaluates on the 304x228 centre crop of 320x240 inputs,
            which the test pipeline makes; no crop here then. Defaults to
            None.
        min_depth (float): Lower clamp of predictions. Defaults to 1e-3.
        max_depth (float, optional): Ignore GT beyond it and clamp
            predictions to it (NYU convention: 10). Defaults to None.
    """

    default_prefix = 'depth'

    def __init__(self,
                 crop: Union[None, str, Sequence[float]] = None,
                 min_depth: float = 1e-3,
                 max_depth: Optional[float] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if isinstance(crop, str):
            if crop != 'eigen':
                raise ValueError(f"DepthMetric: unknown crop {crop!r}; use "
                                 "'eigen', a (y0, y1, x0, x1) tuple or None")
            crop = EIGEN_CROP
        elif crop is not None:
            crop = tuple(float(c) for c in crop)
            if len(crop) != 4 or not (0 <= crop[0] < crop[1] <= 1
                                      and 0 <= crop[2] < crop[3] <= 1):
                raise ValueError('DepthMetric: crop must be (y0, y1, x0, x1)'
                                 f' fractions with y0<y1, x0<x1, got {crop}')
        self.crop = crop
        self.min_depth = min_depth
        self.max_depth = max_depth

    @staticmethod
    def _get(sample, key: str):
        value = sample.get(key) if isinstance(sample, dict) else getattr(
            sample, key, None)
        if value is None:
            raise KeyError(f'DepthMetric: data sample has no "{key}"')
        return value

    def process(self, data_batch, data_samples: Sequence) -> None:
        for sample in data_samples:
            errors = image_depth_errors(
                self._get(sample, 'pred_depth'), self._get(sample, 'gt_depth'),
                self.min_depth, self.max_depth, self.crop)
            if errors is not None:
                self.results.append(errors)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        if not results:
            raise ValueError('DepthMetric: no image with a valid GT pixel')
        n = len(results)

        def avg(key):
            return sum(r[key] for r in results) / n

        return dict(
            abs_rel=avg('abs_rel'),
            rmse=avg('mse')**0.5,
            log10=avg('log10'),
            delta1=avg('delta1'),
            delta2=avg('delta2'),
            delta3=avg('delta3'))
