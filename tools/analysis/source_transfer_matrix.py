# Copyright (c) mmsocket contributors. All rights reserved.
"""Accuracy of one source model across domains and modalities.

The gap this toolbox closes, measured: a source model trained on one
domain's RGB, evaluated on held-out RGB of that domain, on the other
domains' RGB (cross-domain, SOCKET Table 7) and on every domain's depth (or
NIR) (cross-modal). Used to calibrate the synthetic benchmark.

    python tools/analysis/source_transfer_matrix.py \\
        configs/unadapted/synthetic/kv1_to_kv1.py \\
        work_dirs/source/synthetic/kv1_rgb/source.pth --source-domain kv1
"""
import argparse
import copy
import os.path as osp
import sys

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.runner import Runner, load_checkpoint  # noqa: E402
from mmpretrain.evaluation import Accuracy  # noqa: E402

from mmsocket.registry import MODELS  # noqa: E402
from mmsocket.utils import register_all_modules  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'config',
        help='an unadapted (test) config: gives '
        'the model and the test pipeline')
    parser.add_argument('checkpoint')
    parser.add_argument('--data-root', default=None)
    parser.add_argument('--source-domain', default='kv1')
    parser.add_argument(
        '--domains', nargs='+', default=['kv1', 'kv2', 'realsense', 'xtion'])
    parser.add_argument('--modalities', nargs='+', default=['rgb', 'depth'])
    parser.add_argument(
        '--held-out',
        default='tr_test',
        help='split of the source domain used for its own '
        'modalities (a split the model did not train on)')
    parser.add_argument(
        '--split', default='tr', help='split used for the other domains')
    parser.add_argument('--batch-size', type=int, default=128)
    return parser.parse_args()


@torch.no_grad()
def accuracy(model, loader) -> float:
    scores, labels = [], []
    for data in loader:
        for sample in model.val_step(data):
            scores.append(sample.pred_score)
            labels.append(sample.gt_label)
    return float(
        Accuracy.calculate(torch.stack(scores), torch.cat(labels))[0][0])


def main():
    args = parse_args()
    register_all_modules(init_default_scope=True)
    cfg = Config.fromfile(args.config)
    model = MODELS.build(cfg.model)
    load_checkpoint(
        model,
        args.checkpoint,
        map_location='cpu',
        strict=True,
        logger='silent')
    model.eval()
    base = copy.deepcopy(cfg.test_dataloader)
    base.update(
        batch_size=args.batch_size, num_workers=2, persistent_workers=False)
    if args.data_root:
        base.dataset.data_root = args.data_root
    rows = []
    for modality in args.modalities:
        row = []
        for domain in args.domains:
            split = args.held_out if domain == args.source_domain \
                else args.split
            loader_cfg = copy.deepcopy(base)
            loader_cfg.dataset.update(
                ann_file=f'annotations/{domain}_{split}.json',
                modality=modality)
            row.append(accuracy(model, Runner.build_dataloader(loader_cfg)))
        rows.append((modality, row))
    header = ' | '.join(
        f'{d}{" (held out)" if d == args.source_domain else ""}'
        for d in args.domains)
    print(f'\nSource: {args.source_domain} RGB ({args.checkpoint}); '
          f'top-1 accuracy (%)\n')
    print(f'| evaluated on | {header} | other domains (mean) |')
    print('|---' * (len(args.domains) + 2) + '|')
    for modality, row in rows:
        others = [
            a for d, a in zip(args.domains, row) if d != args.source_domain
        ]
        mean = sum(others) / max(len(others), 1)
        print(f'| {modality} | ' + ' | '.join(f'{a:.1f}' for a in row) +
              f' | {mean:.1f} |')


if __name__ == '__main__':
    main()
