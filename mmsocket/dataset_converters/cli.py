# Copyright (c) mmsocket contributors. All rights reserved.
"""The command line every converter in ``tools/dataset_converters`` shares.

Each converter adds its own options to :func:`converter_parser` and hands
its convert function to :func:`run_converter`, so the options common to all
(``--out``, ``--skip-unknown``, ``--class-alias``, ``--overwrite``,
``--workers``, ``--no-progress``) and the error handling are spelled
once.
"""
import argparse
import sys
from typing import Callable

from .common import ConversionError, format_summary, parse_aliases
from .decoding import DEPTH_UNITS, SUNRGBD


def converter_parser(description: str,
                     src_help: str,
                     default_out: str,
                     alias_example: str,
                     src_optional: bool = False,
                     epilog: str = None) -> argparse.ArgumentParser:
    """A parser with the source argument and the options every converter
    takes; add the data set's own options to it."""
    parser = argparse.ArgumentParser(
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        'src', nargs='?' if src_optional else None, help=src_help)
    parser.add_argument(
        '--out',
        default=default_out,
        help='output root (default: %(default)s)')
    parser.add_argument(
        '--skip-unknown',
        action='store_true',
        help='skip (and count) samples whose class is in neither class '
        'list instead of failing')
    parser.add_argument(
        '--class-alias',
        nargs='*',
        default=[],
        metavar='SPELLING=CLASS',
        help=f'extra class spellings, e.g. "{alias_example}"')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace a previous conversion at --out (never the source)')
    parser.add_argument(
        '--workers', type=int, default=0, help='decoding processes')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    return parser


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """The target modality and its depth unit and range (the converters of
    a user's own data: paired_folders.py, socket_layout.py)."""
    parser.add_argument(
        '--target',
        default='depth',
        choices=('depth', 'nir'),
        help='the target modality (default: depth)')
    parser.add_argument(
        '--depth-unit',
        default='auto',
        help=f'what one stored depth value is: {", ".join(DEPTH_UNITS)}, '
        f'{SUNRGBD} (SUN RGB-D\'s bit-rotated mm, as its release stores '
        'it), or millimetres per value (e.g. 39.2157 for 8-bit maps where '
        '255 is 10 m). auto (default): 16-bit = mm; 8-bit and float maps '
        'need a unit')
    parser.add_argument(
        '--depth-range',
        nargs=2,
        type=float,
        metavar=('LO', 'HI'),
        help='metres mapped to [0, 255] by the training pipelines, stored '
        'in meta.json; default: 0 to the 99.5th percentile of the depth, '
        'rounded up to 0.5 m')


def target_options(args: argparse.Namespace) -> dict:
    """The keyword arguments of :func:`add_target_options`' options."""
    return dict(
        target=args.target,
        depth_unit=args.depth_unit,
        depth_range=args.depth_range or 'auto')


def run_converter(convert: Callable[..., dict], args: argparse.Namespace,
                  **options) -> int:
    """Run ``convert(src, out, ..., **options)``; print its summary, or the
    error (naming the file) and return 1."""
    try:
        counts = convert(
            args.src,
            args.out,
            on_unknown='skip' if args.skip_unknown else 'error',
            class_aliases=parse_aliases(args.class_alias),
            overwrite=args.overwrite,
            workers=args.workers,
            progress=not args.no_progress,
            **options)
    except (ConversionError, FileExistsError, FileNotFoundError,
            ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    print(format_summary(counts))
    print(f'written to {args.out}')
    return 0
