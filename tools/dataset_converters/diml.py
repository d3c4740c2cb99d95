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

from mmsocket.datasets.converters.common import (ConversionError,
                                                 format_summary,
                                                 parse_aliases)
from mmsocket.datasets.converters.diml import (DIML_RESOLUTIONS, DIML_SPLITS,
                                               convert_diml)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='DIML RGB+D indoor sample set (<split>/<HR|LR>/<scene>/'
        '{color,depth_filled}) -> mmsocket format (6 TR, 12 TI scenes).')
    parser.add_argument('src', help='the folder holding train/ and test/')
    parser.add_argument('--out', default='data/diml', help='output root')
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
    parser.add_argument(
        '--skip-unknown',
        action='store_true',
        help='skip (and count) scene folders in neither class list')
    parser.add_argument(
        '--class-alias',
        nargs='*',
        default=[],
        metavar='SPELLING=CLASS',
        help='extra folder spellings, e.g. "Seminar=meeting_room"')
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
        counts = convert_diml(
            args.src,
            args.out,
            splits=tuple(args.splits),
            resolution=args.resolution,
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
