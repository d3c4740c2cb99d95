# Copyright (c) mmsocket contributors. All rights reserved.
"""Monocular depth estimator: mmpretrain backbone + depth decoder."""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from torch import Tensor

from mmsocket.registry import MODELS

#: ImageNet statistics in 0-255 units, as the paper's pipelines normalise.
IMAGENET_PREPROCESSOR = dict(
    type='ImgDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375])


def stack_gt_depth(data_samples: Sequence[BaseDataElement],
                   like: Tensor) -> Tensor:
    """``(N, 1, H, W)`` ground truth from the samples' ``gt_depth``."""
    try:
        gts = [s.gt_depth for s in data_samples]
    except AttributeError:
        raise KeyError('DepthEstimator: a data sample has no gt_depth; the '
                       'train pipeline must load depth and pack it '
                       '(PackDepthInputs)') from None
    gt = torch.stack([g.reshape(1, *g.shape[-2:]) for g in gts])
    return gt.to(device=like.device, dtype=like.dtype)


@MODELS.register_module()
class DepthEstimator(BaseModel):
    """Encoder-decoder depth network, trained on ground truth.

    The encoder is any registered backbone that returns a tuple of feature
    maps (mmpretrain's ``ResNet``, ``MobileNetV2``... with four
    ``out_indices``, shallow to deep); the decoder's ``in_channels`` are
    measured by one dummy forward at build time, so a config only names
    the backbone. The decoder outputs depth at half the input resolution,
    like the networks of the data-free depth paper.

    ``forward(mode='tensor')`` returns the ``(N, 1, h, w)`` depth map (what
    distillers call); ``'loss'`` compares it with ``gt_depth`` resized
    (nearest, so 0 = invalid survives) to the output size, over valid
    pixels; ``'predict'`` puts ``pred_depth`` (``(1, h, w)``, clamped to
    ``min_depth``) into the data samples for ``DepthMetric``.

    Args:
        backbone (dict): Encoder config, e.g. ``dict(type='ResNet',
            depth=50, out_indices=(0, 1, 2, 3))``.
        decode_head (dict): Decoder config; ``in_channels`` is filled in.
            Defaults to ``MFFDepthDecoder``.
        loss (dict): Supervised loss. Defaults to ``DepthLoss``.
        data_preprocessor (dict, optional): Defaults to ImageNet
            normalisation of 0-255 images.
        min_depth (float): Predictions are clamped to it in ``predict``.
            Defaults to 1e-3.
        probe_size (int): Side of the dummy image used to measure encoder
            channels. Defaults to 64.
    """

    def __init__(self,
                 backbone: dict,
                 decode_head: dict = dict(type='MFFDepthDecoder'),
                 loss: dict = dict(type='DepthLoss'),
                 data_preprocessor: Optional[dict] = None,
                 min_depth: float = 1e-3,
                 probe_size: int = 64,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(IMAGENET_PREPROCESSOR)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        head = dict(decode_head)
        head.setdefault('in_channels', self._probe_channels(probe_size))
        self.decode_head = MODELS.build(head)
        self.loss_module = MODELS.build(loss)
        self.min_depth = min_depth

    def _probe_channels(self, size: int) -> List[int]:
        was_training = self.backbone.training
        self.backbone.eval()
        with torch.no_grad():
            feats = self.backbone(torch.zeros(1, 3, size, size))
        self.backbone.train(was_training)
        if isinstance(feats, Tensor) or len(feats) < 2:
            raise ValueError(
                f'DepthEstimator: backbone {type(self.backbone).__name__} '
                'must return >= 2 feature maps (set out_indices, e.g. '
                '(0, 1, 2, 3) for ResNet)')
        return [int(f.shape[1]) for f in feats]

    def extract_feat(self, inputs: Tensor):
        return self.backbone(inputs)

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor'):
        if mode == 'tensor':
            return self.decode_head(self.extract_feat(inputs))
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'DepthEstimator: invalid mode "{mode}"')

    def loss(self, inputs: Tensor,
             data_samples: List[BaseDataElement]) -> Dict[str, Tensor]:
        pred = self(inputs)
        gt = stack_gt_depth(data_samples, pred)
        if gt.shape[-2:] != pred.shape[-2:]:
            gt = F.interpolate(gt, size=pred.shape[-2:], mode='nearest')
        return dict(loss_depth=self.loss_module(pred, gt, 'auto'))

    def predict(
        self,
        inputs: Tensor,
        data_samples: Optional[List[BaseDataElement]] = None
    ) -> List[BaseDataElement]:
        depth = self(inputs).clamp(min=self.min_depth)
        return attach_depth(depth, data_samples)


def attach_depth(
    depth: Tensor,
    data_samples: Optional[List[BaseDataElement]] = None
) -> List[BaseDataElement]:
    """Put each ``(1, h, w)`` map of ``depth`` into a data sample as
    ``pred_depth`` (new samples when none are given)."""
    if data_samples is None:
        data_samples = [BaseDataElement() for _ in range(depth.shape[0])]
    for sample, d in zip(data_samples, depth.detach()):
        sample.set_field(d, 'pred_depth')
    return data_samples
