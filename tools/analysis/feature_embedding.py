# Copyright (c) mmsocket contributors. All rights reserved.
"""Source RGB vs target before/after adaptation in feature space (PNG).

    python tools/analysis/feature_embedding.py \\
        configs/socket/synthetic/kv1_to_kv1.py \\
        work_dirs/socket/synthetic/kv1_to_kv1/epoch_6.pth --out tsne.png

Three panels on shared axes, one embedding fitted jointly (t-SNE with
scikit-learn, else PCA; the figure says which): the source model's encoder
features of the test set's RGB images, of its depth (or NIR) images, and
the adapted model's features of the depth images, coloured by true class.
"""
import argparse

from mmsocket.apis import add_cfg_options
from mmsocket.apis.feature_embedding import METHODS, feature_embedding


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'config', help='a transfer config (SOCKET, SHOT, DECISION, TGKT)')
    parser.add_argument('checkpoint', help='the adapted model')
    parser.add_argument('--out', default='feature_embedding.png')
    parser.add_argument(
        '--method',
        choices=METHODS,
        default='auto',
        help='t-SNE (needs scikit-learn), PCA, or auto: t-SNE if installed')
    parser.add_argument(
        '--source', type=int, default=0, help='which source encoder')
    parser.add_argument(
        '--per-class',
        type=int,
        default=None,
        help='at most this many samples per class')
    parser.add_argument(
        '--source-ann-file',
        default=None,
        help='annotation file of the RGB panel (default: the test set\'s, '
        'i.e. the same scenes)')
    parser.add_argument('--seed', type=int, default=0)
    add_cfg_options(parser)
    return parser.parse_args()


def main():
    args = parse_args()
    result = feature_embedding(
        args.config,
        args.checkpoint,
        args.out,
        source=args.source,
        method=args.method,
        per_class=args.per_class,
        source_ann_file=args.source_ann_file,
        seed=args.seed,
        cfg_options=args.cfg_options)
    acc = ', '.join(f'{k} {v:.1f} %' for k, v in result['accuracy'].items())
    print(f'{result["method"]}; accuracy: {acc}; saved {args.out}')


if __name__ == '__main__':
    main()
