# Copyright (c) mmsocket contributors. All rights reserved.
"""Reproduce the synthetic analogue of Table II (and V) of data-free dense
depth distillation with one command.

    flock /tmp/mmsocket_heavy.lock env OMP_NUM_THREADS=2 \
        python tools/analysis/run_dfdd_table.py

Trains the teacher once (seed 0) on the "real" synthetic domain, then every
row over the given seeds, all in this process (``mmsocket/apis/
dfdd_table.py``: unique experiment names, in-process loading, one
evaluation at the end on the real test split). Each run writes
``result.json`` into ``work_dirs/dfdd/synthetic/<config>/seed<k>``;
finished runs are skipped, so a killed run resumes. The table (REL, delta1
as mean +- sample std over seeds, plus RMSE and log10) goes to
``work_dirs/dfdd_table.md``. Generate the data first
(tools/dataset_converters/generate_synthetic_depth.py).
"""
import argparse
import sys

from mmsocket.apis import run_dfdd_table


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--ablation-seeds',
        type=int,
        nargs='*',
        default=[0],
        help='seeds of the Table V rows '
        '(none: skip them)')
    parser.add_argument('--out', default='work_dirs/dfdd_table.md')
    parser.add_argument(
        '--only',
        nargs='+',
        default=None,
        help='run only these configs (names in configs/dfdd/synthetic) and '
        'skip the table: lets a shell loop take the shared heavy lock once '
        'per config instead of for the whole table')
    return parser.parse_args()


if __name__ == '__main__':
    sys.exit(run_dfdd_table(**vars(parse_args())))
