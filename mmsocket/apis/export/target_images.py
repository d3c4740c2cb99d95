# Copyright (c) mmsocket contributors. All rights reserved.
"""Target images in the form stock mmpretrain reads.

``LoadModality`` turns a 16-bit depth map into 8 bits (clip to the depth
range, scale, missing readings to 0, round) and replicates it to three
channels; 16-bit NIR is scaled by 1/257. No stock mmpretrain/mmcv transform
does that: ``LoadImageFromFile`` (and the inferencer, which decodes with
``mmcv.imread``) reads a 16-bit PNG as 8-bit colour. So the exported
pipeline starts with ``LoadImageFromFile`` on images *encoded* the way
``LoadModality`` decodes them: :func:`encode_image` (one file) and
:func:`encode_test_set` (a config's test set, written in mmpretrain's
``CustomDataset`` folder layout). Encoding is lossless (PNG), so the
exported model sees exactly the arrays the adapted model saw.
"""
import copy
import os
import os.path as osp
import re
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmpretrain.registry import TRANSFORMS as PRETRAIN_TRANSFORMS

__all__ = [
    'loader_settings', 'exported_pipeline', 'encode_image', 'encode_test_set',
    'pipeline_size'
]


def loader_settings(cfg: Config) -> dict:
    """``LoadModality``'s arguments of the config's test pipeline, with the
    modality the test set reads."""
    dataset = cfg.test_dataloader.dataset
    pipeline = dataset.pipeline
    if not pipeline or pipeline[0].get('type') != 'LoadModality':
        raise ValueError('the test pipeline must start with LoadModality '
                         f'to be exported, got {pipeline[:1]}')
    settings = {k: v for k, v in pipeline[0].items() if k != 'type'}
    settings.setdefault('modality', dataset.get('modality', 'rgb'))
    return settings


def exported_pipeline(cfg: Config) -> List[dict]:
    """The test pipeline for stock mmpretrain: ``LoadImageFromFile`` (of the
    encoded images) and the config's other transforms, each of which must be
    one stock mmpretrain builds."""
    rest = copy.deepcopy(list(cfg.test_dataloader.dataset.pipeline[1:]))
    for t in rest:
        cls = PRETRAIN_TRANSFORMS.get(t['type'])
        if cls is None or cls.__module__.startswith('mmsocket'):
            raise ValueError(
                f'the test pipeline uses {t["type"]}, which stock mmpretrain '
                'does not have: the exported config could not be read '
                'without mmsocket')
    return [dict(type='LoadImageFromFile')] + rest


def pipeline_size(
    pipeline: Sequence[dict], default: Tuple[int, int] = (224, 224)
) -> Tuple[int, int]:
    """(H, W) of the pipeline's output: its last crop or fixed-size resize
    (mmcv gives both as ``(w, h)`` or one int)."""
    size = None
    for t in pipeline:
        if t.get('crop_size') is not None:
            size = t['crop_size']
        elif t.get('type') == 'Resize' and t.get('keep_ratio') is False:
            size = t.get('scale')
    if size is None:
        return default
    if isinstance(size, int):
        return size, size
    return int(size[1]), int(size[0])


def encode_image(path: str, **settings) -> np.ndarray:
    """The 3-channel uint8 image ``LoadModality(**settings)`` makes of
    ``path`` (``modality``, ``depth_range``, ``depth_unit_mm``)."""
    from mmsocket.datasets.transforms import LoadModality
    modality = settings.pop('modality', 'rgb')
    return LoadModality(
        modality=modality, **settings)(dict(img_path=path))['img']


def _file_name(sample_id: str) -> str:
    return re.sub(r'[^\w.-]+', '_', str(sample_id)).strip('_') + '.png'


def encode_test_set(cfg: Config,
                    out_dir: str,
                    max_samples: Optional[int] = None) -> List[dict]:
    """Write the config's test set as ``out_dir/<class>/<sample>.png``
    (``out_dir/<sample>.png`` without labels), encoded as
    :func:`encode_image` does.

    Returns:
        list[dict]: ``img_path``, ``gt_label`` (if any), ``sample_id`` per
        image, in data-set order.
    """
    from mmsocket.registry import DATASETS
    settings = loader_settings(cfg)
    dataset_cfg = copy.deepcopy(cfg.test_dataloader.dataset)
    dataset_cfg.pipeline = [dict(type='LoadModality', **settings)]
    # The data set builds its pipeline from the default scope's registry.
    with DefaultScope.overwrite_default_scope('mmsocket'):
        dataset = DATASETS.build(dataset_cfg)
    classes = list(dataset.metainfo.get('classes') or [])
    if osp.exists(out_dir) and os.listdir(out_dir):
        raise FileExistsError(f'{out_dir} is not empty: give a new folder '
                              '(nothing was written)')
    written = []
    n = len(dataset) if max_samples is None else min(max_samples, len(dataset))
    for i in range(n):
        item = dataset[i]
        label = item.get('gt_label')
        sub = classes[label] if label is not None and classes else ''
        path = osp.join(out_dir, sub, _file_name(item['sample_id']))
        os.makedirs(osp.dirname(path), exist_ok=True)
        if not cv2.imwrite(path, item['img']):
            raise OSError(f'could not write {path}')
        rec = dict(img_path=path, sample_id=item['sample_id'])
        if label is not None:
            rec['gt_label'] = int(label)
        written.append(rec)
    return written
