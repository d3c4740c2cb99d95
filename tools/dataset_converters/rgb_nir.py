# Copyright (c) mmsocket contributors. All rights reserved.
"""Convert the official RGB-NIR Scene release (EPFL) to mmsocket's format.

Example::

    python tools/dataset_converters/rgb_nir.py /data/nirscene1 \\
        --out data/rgb_nir

See docs/dataset_prepare.md for the resulting tree and the class split.
"""
import argparse
import sys

from mmsocket.datasets.converters.common import (ConversionError,
                                                 format_summary,
                                                 parse_aliases)
from mmsocket.datasets.converters.rgb_nir import convert_rgb_nir


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='RGB-NIR Scene (nirscene1/<category>/*_{rgb,nir}.tiff) '
        '-> mmsocket format (6 TR, 3 TI categories).')
    parser.add_argument('src', help='the nirscene1 folder (or its parent)')
    parser.add_argument('--out', default='data/rgb_nir', help='output root')
    parser.add_argument(
        '--skip-unknown',
        action='store_true',
        help='skip (and count) category folders in neither class list')
    parser.add_argument(
        '--class-alias',
        nargs='*',
        default=[],
        metavar='SPELLING=CLASS',
        help='extra folder spellings, e.g. "old_buildings=old_building"')
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
        counts = convert_rgb_nir(
            args.src,
            args.out,
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
