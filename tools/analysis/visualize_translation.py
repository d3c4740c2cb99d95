# Copyright (c) mmsocket contributors. All rights reserved.
"""Show what a TGMB translator learned: a grid PNG with labelled rows.

Rows 1-2, task-relevant target images: the target input (depth or NIR as
the network sees it) and its translation. Rows 3-5, task-irrelevant pairs:
input, translation, and the true paired RGB image the translation was
trained to reconstruct.

    python tools/analysis/visualize_translation.py \\
        configs/tgmb/synthetic/kv1_to_kv1.py \\
        work_dirs/tgmb/synthetic/kv1_to_kv1/tgmb.pth \\
        --out work_dirs/tgmb/synthetic/kv1_to_kv1/translation.png
"""
import argparse

from mmsocket.apis import translation_grid


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
        type=float,
        default=2,
        help='screen pixels per image pixel in the saved grid')
    return parser.parse_args()


def main():
    args = parse_args()
    print(f'{translation_grid(**vars(args))}; saved {args.out}')


if __name__ == '__main__':
    main()
