# Copyright (c) mmsocket contributors. All rights reserved.
"""Show what a TGMB translator learned: a grid PNG.

Top block, task-relevant target images: row 1 the target input (depth or
NIR as the network sees it), row 2 its translation. Bottom block,
task-irrelevant pairs: input, translation, and the true paired RGB image
the translation was trained to reconstruct.

    python tools/analysis/visualize_translation.py \\
        configs/tgmb/synthetic/kv1_to_kv1.py \\
        work_dirs/tgmb/synthetic/kv1_to_kv1/tgmb.pth \\
        --out work_dirs/tgmb/synthetic/kv1_to_kv1/translation.png
"""
import argparse
import copy
import os
import os.path as osp
import sys

import mmcv
import numpy as np
import torch

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from mmengine.config import Config  # noqa: E402
from mmengine.dataset import pseudo_collate  # noqa: E402
from mmengine.runner import load_checkpoint  # noqa: E402

from mmsocket.models.translators import from_source_input  # noqa: E402
from mmsocket.registry import DATASETS, MODELS  # noqa: E402
from mmsocket.utils import register_all_modules  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='a TGMB config')
    parser.add_argument(
        'checkpoint', help='its tgmb.pth (or any TGMB '
        'checkpoint)')
    parser.add_argument('--out', default='translation.png')
    parser.add_argument('--num', type=int, default=8, help='images per block')
    parser.add_argument(
        '--data-root', default=None, help='override the config\'s data root')
    parser.add_argument(
        '--scale',
        type=int,
        default=2,
        help='pixel upscaling of the saved grid')
    return parser.parse_args()


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
    """(B, 3, H, W) RGB in [0, 1] -> (B, H, W, 3) BGR uint8 for mmcv."""
    arr = (img01.clamp(0, 1) * 255).round().byte().permute(0, 2, 3, 1)
    return arr.numpy()[..., ::-1]


def _row(images: np.ndarray, pad: int = 2) -> np.ndarray:
    h, w = images.shape[1:3]
    row = np.full((h + 2 * pad, len(images) * (w + pad) + pad, 3), 255,
                  np.uint8)
    for i, img in enumerate(images):
        x = pad + i * (w + pad)
        row[pad:pad + h, x:x + w] = img
    return row


@torch.no_grad()
def main():
    args = parse_args()
    register_all_modules(init_default_scope=True)
    cfg = Config.fromfile(args.config)
    if cfg.model.type != 'TGMB':
        raise ValueError(f'{args.config} is a {cfg.model.type} config; '
                         'give the TGMB config of the task')
    for src in cfg.model.sources:
        src.checkpoint = None  # only T and the preprocessors are needed
    model = MODELS.build(cfg.model)
    load_checkpoint(
        model,
        args.checkpoint,
        map_location='cpu',
        strict=False,
        logger='silent')
    model.eval()

    def translate(batch):
        x = model.data_preprocessor(batch, False)['inputs']
        seen = from_source_input(x, model.data_preprocessor)  # as input
        return _to_uint8(seen), _to_uint8(model.translate(x))

    rows = []
    tr = _samples(_stream_cfg(cfg, 'target'), args.num, args.data_root)
    rows += list(translate(tr))
    follower = cfg.train_dataloader.dataset.get('paired',
                                                {}).get('ti_source', {})
    modality = follower.get('modality', 'rgb') if isinstance(follower,
                                                             dict) else 'rgb'
    ti = _samples(_stream_cfg(cfg, 'ti'), args.num, args.data_root)
    rgb = _samples(_stream_cfg(cfg, 'ti', modality), args.num, args.data_root)
    rows += list(translate(ti))
    rgb_x = model.source_preprocessor(rgb, False)['inputs']
    rows.append(_to_uint8(from_source_input(rgb_x, model.source_preprocessor)))
    grid = np.concatenate(
        [_row(r) for r in rows[:2]] +
        [np.full((6, _row(rows[0]).shape[1], 3), 0, np.uint8)] +
        [_row(r) for r in rows[2:]],
        axis=0)
    if args.scale > 1:
        grid = grid.repeat(args.scale, 0).repeat(args.scale, 1)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    mmcv.imwrite(grid, args.out)
    print(f'rows: TR input, TR translation | TI input, TI translation, '
          f'TI true {modality}; saved {args.out}')


if __name__ == '__main__':
    main()
