# Copyright (c) mmsocket contributors. All rights reserved.
"""Convert the official SUN RGB-D release to mmsocket's data format.

Example::

    python tools/dataset_converters/sunrgbd.py /data/SUNRGBD \\
        --out data/sunrgbd --workers 4

See docs/dataset_prepare.md for the resulting tree and the class split.
"""
import argparse
import sys

from mmsocket.datasets.converters.common import (ConversionError,
                                                 format_summary,
                                                 parse_aliases)
from mmsocket.datasets.converters.sunrgbd import DEPTH_DIRS, convert_sunrgbd


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='SUN RGB-D (official SUNRGBD/ tree) -> mmsocket format '
        '(17 TR classes per sensor domain, 28 TI classes pooled).')
    parser.add_argument('src', help='the SUNRGBD folder (or its parent)')
    parser.add_argument('--out', default='data/sunrgbd', help='output root')
    parser.add_argument(
        '--depth-dir',
        default='depth_bfx',
        choices=DEPTH_DIRS,
        help='depth maps to read: hole-filled depth_bfx (default) or raw '
        'depth')
    parser.add_argument(
        '--skip-unknown',
        action='store_true',
        help='skip (and count) samples whose scene is in neither class '
        'list instead of failing')
    parser.add_argument(
        '--class-alias',
        nargs='*',
        default=[],
        metavar='SPELLING=CLASS',
        help='extra scene spellings, e.g. "computer lab=computer_room"')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace a previous conversion at --out (never the source)')
    parser.add_argument(
        '--workers', type=int, default=0, help='decoding processes')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        counts = convert_sunrgbd(
            args.src,
            args.out,
            depth_dir=args.depth_dir,
            on_unknown='skip' if args.skip_unknown else 'error',
            class_aliases=parse_aliases(args.class_alias),
            overwrite=args.overwrite,
            workers=args.workers)
    except (ConversionError, FileExistsError, FileNotFoundError,
            ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    print(format_summary(counts))
    print(f'written to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
