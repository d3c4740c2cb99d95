# Copyright (c) mmsocket contributors. All rights reserved.
"""Wall time of whole SOCKET / SHOT / TGKT / DFDD runs, split into phases,
beside a bare training loop over the same data and epochs.

    python tools/analysis/benchmark_run.py --methods socket shot tgkt dfdd \\
        --rounds 3 --out work_dirs/benchmark_run/table.md

Each round runs every method's whole run (``run_config``: Runner, hooks,
pseudo-label and TI-bank passes, validation, checkpoints, test) and its
bare loop (data loading + forward/backward with trivial losses, no hooks)
and the run with the decode cache off (``run_nocache``: the before),
in an order rotated every round; the ratio is the median over rounds of
the same-round ratio. The phases of a run sum to its total
(``mmsocket/apis/benchmark/phase_clock.py``). The source model and the
TGMB translator are trained first, untimed. ``--tiny`` uses the quick
start's ``--quick`` data and 1 epoch: it checks the tool, its figures
mean nothing. Publish figures only from a quiet machine.
"""
import argparse
import os
import sys

from mmsocket.apis.benchmark.run_cases import METHODS, build_cases
from mmsocket.apis.benchmark.whole_run import (ALL_KINDS, KINDS,
                                               benchmark_runs, whole_run_table)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--methods', nargs='+', default=list(METHODS), choices=METHODS)
    parser.add_argument(
        '--kinds',
        nargs='+',
        default=list(KINDS),
        choices=ALL_KINDS,
        help='what to time per method (default: the run, its bare loop and '
        'the run without the decode cache; run_nosetupcache: without the '
        'Runner set-up cache)')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument(
        '--warmup', type=int, default=0, help='untimed rounds first')
    parser.add_argument(
        '--data',
        help='the synthetic benchmark (generated if missing); default as '
        'the quick start')
    parser.add_argument(
        '--depth-data',
        help='the synthetic depth domains (generated if missing); default '
        'data/synthetic_depth')
    parser.add_argument(
        '--tiny',
        action='store_true',
        help='tiny generated data, 1 epoch: checks the tool, not the speed')
    parser.add_argument(
        '--epochs', type=int, help="override the configs' max_epochs")
    parser.add_argument(
        '--final-eval-only',
        action='store_true',
        help='no validation during training, one test at the end (what the '
        'grid runs); default: the configs\' validation')
    parser.add_argument('--work-dir', default='work_dirs/benchmark_run')
    parser.add_argument(
        '--keep-work-dirs',
        action='store_true',
        help='keep the timed runs\' work dirs (default: removed)')
    parser.add_argument('--out', help='also write the table to this file')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cases = build_cases(
        args.work_dir,
        args.methods,
        data=args.data,
        depth_data=args.depth_data,
        tiny=args.tiny,
        epochs=args.epochs,
        final_eval_only=args.final_eval_only)
    results = benchmark_runs(
        cases,
        os.path.join(args.work_dir, 'timed'),
        rounds=args.rounds,
        warmup=args.warmup,
        kinds=args.kinds,
        keep_work_dirs=args.keep_work_dirs)
    command = 'python tools/analysis/benchmark_run.py ' + ' '.join(
        sys.argv[1:] if argv is None else argv)
    text = whole_run_table(results, args.rounds, command.strip())
    print('\n' + text)
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            f.write(text)


if __name__ == '__main__':
    main()
