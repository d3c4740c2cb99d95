# Copyright (c) mmsocket contributors. All rights reserved.
"""Convert the official DIML RGB+D indoor sample set to mmsocket's format.

Example::

    python tools/dataset_converters/diml.py /data/DIML_sample \\
        --out data/diml                      # SOCKET: training pairs only
    python tools/dataset_converters/diml.py /data/DIML_sample \\
        --out data/diml_all --splits train test   # TGMB: all 2112 pairs

See docs/dataset_prepare.md for the resulting tree and the class split.
"""
import argparse
import sys

from mmsocket.dataset_converters.cli import converter_parser, run_converter
from mmsocket.dataset_converters.diml import (DIML_RESOLUTIONS, DIML_SPLITS,
                                              convert_diml)


def parse_args(argv=None) -> argparse.Namespace:
    parser = converter_parser(
        'DIML RGB+D indoor sample set (<split>/<HR|LR>/<scene>/'
        '{color,depth_filled}) -> mmsocket format (6 TR, 12 TI scenes).',
        'the folder holding train/ and test/', 'data/diml',
        'Seminar=meeting_room')
    parser.add_argument(
        '--splits',
        nargs='+',
        default=['train'],
        choices=DIML_SPLITS,
        help='official splits to read (default: train, as SOCKET)')
    parser.add_argument(
        '--resolution',
        default='LR',
        choices=DIML_RESOLUTIONS,
        help='image resolution folder (default: LR)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    return run_converter(
        convert_diml,
        args,
        splits=tuple(args.splits),
        resolution=args.resolution)


if __name__ == '__main__':
    sys.exit(main())
