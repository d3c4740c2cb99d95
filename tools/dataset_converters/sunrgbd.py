# Copyright (c) mmsocket contributors. All rights reserved.
"""Convert the official SUN RGB-D release to mmsocket's data format.

Example::

    python tools/dataset_converters/sunrgbd.py /data/SUNRGBD \\
        --out data/sunrgbd --workers 4

See docs/dataset_prepare.md for the resulting tree and the class split.
"""
import argparse
import sys

from mmsocket.dataset_converters.cli import converter_parser, run_converter
from mmsocket.dataset_converters.sunrgbd import DEPTH_DIRS, convert_sunrgbd


def parse_args(argv=None) -> argparse.Namespace:
    parser = converter_parser(
        'SUN RGB-D (official SUNRGBD/ tree) -> mmsocket format (17 TR '
        'classes per sensor domain, 28 TI classes pooled).',
        'the SUNRGBD folder (or its parent)', 'data/sunrgbd',
        'computer lab=computer_room')
    parser.add_argument(
        '--depth-dir',
        default='depth_bfx',
        choices=DEPTH_DIRS,
        help='depth maps to read: hole-filled depth_bfx (default) or raw '
        'depth')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    return run_converter(convert_sunrgbd, args, depth_dir=args.depth_dir)


if __name__ == '__main__':
    sys.exit(main())
