# Copyright (c) mmsocket contributors. All rights reserved.
"""Draw the confusion matrix of a test run, with class names (PNG).

    python tools/test.py configs/socket/synthetic/kv1_to_kv1.py \\
        work_dirs/socket/synthetic/kv1_to_kv1/epoch_6.pth \\
        --out preds.pkl --out-item pred
    python tools/analysis/confusion_matrix.py \\
        configs/socket/synthetic/kv1_to_kv1.py preds.pkl --out cm.png

The second argument is a ``--out-item pred`` dump (read without running
pickled code) or a checkpoint of the config's model (its test set is then
evaluated here). Rows are the true classes, normalised to fractions
(per-class recall on the diagonal) unless ``--counts``.
"""
import argparse

from mmsocket.apis import add_cfg_options
from mmsocket.apis.confusion import confusion_matrix


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='the config that was tested')
    parser.add_argument(
        'result',
        help='a tools/test.py --out-item pred dump (.pkl) or a '
        'checkpoint')
    parser.add_argument('--out', default='confusion_matrix.png')
    parser.add_argument(
        '--counts',
        action='store_true',
        help='sample counts in the cells instead of row fractions')
    parser.add_argument('--title', default=None)
    add_cfg_options(parser)
    return parser.parse_args()


def main():
    args = parse_args()
    result = confusion_matrix(
        args.config,
        args.result,
        args.out,
        normalize=not args.counts,
        title=args.title,
        cfg_options=args.cfg_options)
    print(f'top-1 {result["accuracy"]:.2f} % over {result["num_samples"]} '
          f'samples; saved {args.out}')


if __name__ == '__main__':
    main()
