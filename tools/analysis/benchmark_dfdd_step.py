# Copyright (c) mmsocket contributors. All rights reserved.
"""Time one DFDD iteration beside the bare work of its networks.

    flock /tmp/mmsocket_heavy.lock \
        python tools/analysis/benchmark_dfdd_step.py \
        --scales cpu --rounds 20

Variants (``dfdd``, ``bare``, ``kd_ood`` and the networks' parts; what each
does: ``mmsocket/apis/benchmark/dfdd_step.py``) run on the same weights and
the same batch, round-robin, one iteration each per round, in an order
rotated every round; the ratio is the median over rounds of
``t_variant / t_bare`` within the round, so load from other jobs hits both
sides. Run it under the heavy lock: figures measured outside it are not
valid.
"""
import argparse

from mmsocket.apis.benchmark.dfdd_step import SCALES, benchmark_dfdd_step


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--scales', nargs='+', default=['cpu'], choices=list(SCALES))
    parser.add_argument('--rounds', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument(
        '--paper-rounds',
        type=int,
        default=3,
        help='rounds at paper scale (1 warm-up round)')
    parser.add_argument('--threads', type=int, default=None)
    parser.add_argument(
        '--variants',
        dest='variant_names',
        nargs='+',
        default=None,
        help='time only these variants (and bare), e.g. dfdd '
        'dfdd_studentfirst')
    parser.add_argument(
        '--memory',
        action='store_true',
        help='also the peak RSS (VmHWM) of each step variant, one fresh '
        'single-thread process each')
    parser.add_argument(
        '--mem-iters',
        type=int,
        default=2,
        help='iterations per memory process')
    return parser.parse_args()


if __name__ == '__main__':
    benchmark_dfdd_step(**vars(parse_args()))
