# Copyright (c) mmsocket contributors. All rights reserved.
"""The command line the generators in ``tools/dataset_converters`` share.

Each generator adds its own options between the common ones
(``--out``, ``--seed`` first, ``--workers`` last) and hands its generate
function to :func:`run_generator`, so those options, the refusal of a
foreign output directory and the timing line are spelled once.
"""
import argparse
import sys
import time
from typing import Callable, List, Optional

__all__ = ['generator_parser', 'parse_generator_args', 'run_generator']


def generator_parser(description: str,
                     default_out: str) -> argparse.ArgumentParser:
    """A parser with ``--out`` and ``--seed``; add the generator's own
    options, then parse with :func:`parse_generator_args`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--out', default=default_out, help='output directory')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    return parser


def parse_generator_args(
        parser: argparse.ArgumentParser,
        argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Add ``--workers`` and parse."""
    parser.add_argument(
        '--workers',
        type=int,
        default=None,
        help='worker processes (default: up to 4 cores; 0/1: in-process)')
    return parser.parse_args(argv)


def run_generator(generate: Callable[..., dict], args: argparse.Namespace,
                  **options) -> dict:
    """Run ``generate(out, seed=..., workers=..., **options)`` and print
    where and how fast; a refused output directory exits with its error.

    Returns:
        dict: The output's ``meta.json``.
    """
    start = time.time()
    try:
        meta = generate(
            args.out, seed=args.seed, workers=args.workers, **options)
    except FileExistsError as e:
        sys.exit(f'error: {e}')
    print(f'{meta["name"]} in {args.out} ({time.time() - start:.1f} s)')
    return meta
