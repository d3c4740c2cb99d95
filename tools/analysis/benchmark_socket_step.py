# Copyright (c) mmsocket contributors. All rights reserved.
"""Time and peak memory of a SOCKET training iteration vs. bare fwd+bwd.

For every configuration (network scale x number of sources) the same model
weights (same seed) and the same input tensors are run through the variants
``bare``, ``socket``, ``socket_nobn``, ``socket_1bwd``, ``socket_statspass``
and ``socket_varmean`` (what each does:
``mmsocket/apis/benchmark/socket_step.py``), memory in a fresh subprocess
per variant, time interleaved round-robin in one
subprocess per configuration (``socket_step_runner.py``): ratios are the
median over rounds of ``t_variant / t_bare`` of the same round, robust to
load from other processes. See docs/benchmarks.md.

Examples::

    # CPU scale (narrow ResNet-18, 64x64, batch 32), 1 and 2 sources,
    # and paper scale (ResNet-50, 224x224, batch 32), 1 source:
    python tools/analysis/benchmark_socket_step.py --scales cpu paper
    # paper scale on a GPU, mixed precision, channels_last:
    python tools/analysis/benchmark_socket_step.py --scales paper \\
        --sources 1 --device cuda --amp fp16 --channels-last
    # also paper scale with two sources (slow):
    python tools/analysis/benchmark_socket_step.py --scales paper \\
        --paper-two-sources
"""
import argparse

from mmsocket.apis.benchmark.socket_step import AMP_DTYPES, SCALES, VARIANTS
from mmsocket.apis.benchmark.socket_step_runner import benchmark_socket_step


def parse_args():
    parser = argparse.ArgumentParser(
        description='SOCKET iteration vs bare forward+backward: time and '
        'peak memory.')
    parser.add_argument(
        '--scales', nargs='+', default=['cpu', 'paper'], choices=list(SCALES))
    parser.add_argument(
        '--sources', nargs='+', type=int, default=[1, 2], choices=[1, 2])
    parser.add_argument(
        '--paper-two-sources',
        action='store_true',
        help='also run the paper scale with 2 sources (slow)')
    parser.add_argument(
        '--variants', nargs='+', default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument(
        '--iters',
        type=int,
        default=None,
        help='timed rounds (default: cpu 15, paper 5)')
    parser.add_argument(
        '--warmup',
        type=int,
        default=None,
        help='untimed warm-up rounds (default: cpu 3, paper 1)')
    parser.add_argument(
        '--mem-iters',
        type=int,
        default=3,
        help='iterations of each memory subprocess (the peak is reached '
        'by the second, once the momentum buffers exist)')
    parser.add_argument(
        '--no-memory', action='store_true', help='skip the memory runs')
    parser.add_argument(
        '--mem-repeats',
        type=int,
        default=1,
        help='run each memory subprocess this many times (interleaved) and '
        'report the largest peak (and the range)')
    parser.add_argument(
        '--no-timing', action='store_true', help='skip the timing runs')
    parser.add_argument(
        '--threads',
        type=int,
        default=None,
        help='torch intra-op threads (default: the cores this process may '
        'use, e.g. 1 under taskset -c 0)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--device',
        default='cpu',
        help='cpu or cuda (cuda:N); on a GPU the memory column adds '
        'torch.cuda.max_memory_allocated')
    parser.add_argument(
        '--amp',
        choices=AMP_DTYPES,
        help='mixed precision for every variant: mmengine\'s '
        'AmpOptimWrapper on a GPU (fp16 with loss scaling, or bf16); on the '
        'CPU bf16 only (mmengine\'s CPU autocast)')
    parser.add_argument(
        '--channels-last',
        action='store_true',
        help='networks in channels_last (NHWC) memory format')
    parser.add_argument(
        '--strict',
        action='store_true',
        help='exit with an error when a subprocess fails (scripts)')
    parser.add_argument(
        '--profile',
        action='store_true',
        help='also profile one iteration of bare, socket and socket_varmean '
        'with torch.profiler and list the ops that grow most')
    parser.add_argument(
        '--out', help='also write the report (markdown) to this file')
    parser.add_argument(
        '--json',
        dest='json_out',
        help='also dump the raw results (JSON) to this file')
    return parser.parse_args()


def main():
    benchmark_socket_step(**vars(parse_args()))


if __name__ == '__main__':
    main()
