# Copyright (c) mmsocket contributors. All rights reserved.
"""Two small trainings at once on the CPU vs one alone: the slowdown each
suffers, with threads by the policy, without busy-waiting, and pinned.

    python tools/analysis/benchmark_sharing.py --rounds 3 --steps 20

What each variant does: ``mmsocket/apis/benchmark/sharing.py``. Run it on
an otherwise quiet machine: the figure is the slowdown two of these
processes cause each other, nothing else may compete.
"""
import argparse

from mmsocket.apis.benchmark.sharing import (VARIANTS, benchmark_sharing,
                                             sharing_report)
from mmsocket.apis.benchmark.whole_run import conditions


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument(
        '--steps', type=int, default=20, help='timed iterations per child')
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument(
        '--scale',
        default='cpu',
        choices=['cpu', 'tiny'],
        help='the step benchmark scale of each training (tiny: checks the '
        'tool)')
    parser.add_argument(
        '--variants', nargs='+', default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument('--out', help='also write the table to this file')
    return parser.parse_args()


def main():
    args = parse_args()
    results = benchmark_sharing(args.rounds, args.steps, args.warmup,
                                args.scale, args.variants)
    text = (f'Conditions: {conditions()}; {args.rounds} interleaved rounds '
            f'of {args.steps} SOCKET iterations ({args.scale} scale) per '
            f'process.\n\n{sharing_report(results)}\n')
    print(text)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(text)


if __name__ == '__main__':
    main()
