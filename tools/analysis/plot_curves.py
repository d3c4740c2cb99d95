# Copyright (c) mmsocket contributors. All rights reserved.
"""Training curves of a run: losses, accuracies, pseudo-labels, zeta (PNG).

    python tools/analysis/plot_curves.py \\
        work_dirs/socket/synthetic/kv1_to_kv1 \\
        --out curves.png
    python tools/analysis/plot_curves.py path/to/scalars.json \\
        --keys loss_bn loss_ti pseudo_label/accuracy

Reads mmengine's ``scalars.json`` (a work dir's newest run, or the file):
one panel per loss term, then validation and pseudo-label accuracy, the
pseudo-label statistics of each refresh, the source weights zeta and the
per-loss gradient norms when they were logged; ``--keys`` plots exactly
those scalars, one panel each.
"""
import argparse

from mmsocket.apis.training_curves import training_curves


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('path', help='a work dir or a scalars.json')
    parser.add_argument('--out', default='curves.png')
    parser.add_argument('--keys', nargs='+', default=None)
    parser.add_argument('--title', default=None)
    return parser.parse_args()


def main():
    args = parse_args()
    curves = training_curves(args.path, args.out, args.keys, args.title)
    print(f'{len(curves)} scalars; saved {args.out}')


if __name__ == '__main__':
    main()
