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
    parser.add_argument('--out', default=default_out, help='output root')
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
