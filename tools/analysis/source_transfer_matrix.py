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

from mmsocket.apis import format_transfer_matrix, transfer_matrix


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


def main():
    args = parse_args()
    rows = transfer_matrix(**vars(args))
    print(
        format_transfer_matrix(rows, args.domains, args.source_domain,
                               args.checkpoint))


if __name__ == '__main__':
    main()
