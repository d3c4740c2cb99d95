# Copyright (c) mmsocket contributors. All rights reserved.
"""The modality gap of a source model, in one command: table and PNG.

    python tools/analysis/modality_gap.py \\
        configs/unadapted/synthetic/kv1_to_kv1.py \\
        work_dirs/source/synthetic/kv1_rgb/source.pth \\
        --source-domain kv1 --out modality_gap.png

Accuracy of the unadapted source model on held-out RGB of its own domain,
on the other domains' RGB (cross-domain) and on every domain's depth (or
NIR: ``--modalities rgb nir``) (cross-modal), as in the SOCKET paper's
Table 7; and the linear CKA between its encoder features of the paired
RGB and depth images of the task-irrelevant set, overall and per domain:
how far the target modality is before adapting.
"""
import argparse

from mmsocket.apis.modality_gap import format_modality_gap, modality_gap


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'config',
        help='an unadapted (test) config: gives the model and the test '
        'pipeline')
    parser.add_argument('checkpoint', help='the source model')
    parser.add_argument('--out', default='modality_gap.png')
    parser.add_argument('--data-root', default=None)
    parser.add_argument('--source-domain', default='kv1')
    parser.add_argument(
        '--domains', nargs='+', default=['kv1', 'kv2', 'realsense', 'xtion'])
    parser.add_argument(
        '--modalities',
        nargs='+',
        default=['rgb', 'depth'],
        help='the source\'s modality first, then the target ones')
    parser.add_argument(
        '--held-out',
        default='tr_test',
        help='split of the source domain the model did not train on')
    parser.add_argument(
        '--split', default='tr', help='split used for the other domains')
    parser.add_argument(
        '--ti-ann-file',
        default='annotations/ti.json',
        help='the task-irrelevant pairs (relative to the data root)')
    parser.add_argument('--batch-size', type=int, default=128)
    return parser.parse_args()


def main():
    args = parse_args()
    result = modality_gap(**vars(args))
    print(format_modality_gap(result))
    print(f'\nsaved {args.out}')


if __name__ == '__main__':
    main()
