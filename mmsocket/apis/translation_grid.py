# Copyright (c) mmsocket contributors. All rights reserved.
"""What a TGMB translator learned, as a labelled image grid.

Rows 1-2, task-relevant target images: the target input (depth or NIR as
the network sees it) and its translation. Rows 3-5, task-irrelevant pairs:
input, translation, and the true paired RGB image the translation was
trained to reconstruct. Each row is named on its left; the columns are
samples spread over the set.
"""
import copy
import os.path as osp
from typing import Optional

import numpy as np
import torch
from mmengine.dataset import pseudo_collate

from ..registry import DATASETS
from ..utils import register_all_modules
from .experiment import load_config
from .image_grid import labelled_image_grid, save_figure
from .inference import init_model


def _stream_cfg(cfg, name, modality=None):
    streams = cfg.train_dataloader.dataset.streams
    ds = copy.deepcopy(streams[name])
    ds.pipeline = copy.deepcopy(cfg.test_pipeline)
    if modality:
        ds.modality = modality
    return ds


def _samples(ds_cfg, num, data_root):
    if data_root:
        ds_cfg.data_root = data_root
    dataset = DATASETS.build(ds_cfg)
    idx = np.linspace(0, len(dataset) - 1, min(num, len(dataset)))
    return pseudo_collate([dataset[int(i)] for i in idx.round()])


def _to_uint8(img01: torch.Tensor) -> np.ndarray:
    """(B, 3, H, W) RGB in [0, 1] -> (B, H, W, 3) RGB uint8."""
    arr = (img01.clamp(0, 1) * 255).round().byte().permute(0, 2, 3, 1)
    return arr.numpy()


@torch.no_grad()
def translation_grid(config: str,
                     checkpoint: str,
                     out: str,
                     num: int = 8,
                     data_root: Optional[str] = None,
                     scale: float = 2) -> str:
    """Save the grid of a TGMB config's translator to ``out``; return what
    its rows show."""
    from ..models.translators import from_source_input
    register_all_modules(init_default_scope=True)
    cfg = load_config(config)
    if cfg.model.type != 'TGMB':
        raise ValueError(f'{config} is a {cfg.model.type} config; '
                         'give the TGMB config of the task')
    for src in cfg.model.sources:
        src.checkpoint = None  # only T and the preprocessors are needed
    model = init_model(cfg.model)
    # T alone, strictly: a checkpoint without (or with another) translator
    # is an error, not a grid drawn by an untrained T.
    model.translator = init_model(
        cfg.model.translator, checkpoint, prefix='translator.')

    def translate(batch):
        x = model.data_preprocessor(batch, False)['inputs']
        seen = from_source_input(x, model.data_preprocessor)  # as input
        return _to_uint8(seen), _to_uint8(model.translate(x))

    rows = []
    tr = _samples(_stream_cfg(cfg, 'target'), num, data_root)
    rows += list(translate(tr))
    follower = cfg.train_dataloader.dataset.get('paired',
                                                {}).get('ti_source', {})
    modality = follower.get('modality', 'rgb') if isinstance(follower,
                                                             dict) else 'rgb'
    ti = _samples(_stream_cfg(cfg, 'ti'), num, data_root)
    rgb = _samples(_stream_cfg(cfg, 'ti', modality), num, data_root)
    rows += list(translate(ti))
    rgb_x = model.source_preprocessor(rgb, False)['inputs']
    rows.append(_to_uint8(from_source_input(rgb_x, model.source_preprocessor)))
    target = cfg.train_dataloader.dataset.streams.target.get(
        'modality', 'target')
    labels = [
        f'TR {target}\n(input)', 'TR translated\nto RGB',
        f'TI {target}\n(input)', 'TI translated\nto RGB',
        f'TI true\n{modality}'
    ]
    fig = labelled_image_grid(
        rows,
        labels,
        title=f'TGMB translator T of {osp.basename(checkpoint)}: task-'
        'relevant (TR) target images, then task-irrelevant (TI) pairs',
        scale=scale)
    save_figure(fig, out)
    return ('rows: ' + ', '.join(label.replace('\n', ' ') for label in labels))
