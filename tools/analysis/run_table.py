# Copyright (c) mmsocket contributors. All rights reserved.
"""Run every config of a paper table over seeds and print the table.

A table spec (``configs/tables/*.py``, written by
``tools/misc/generate_configs.py``) says which configs fill which
cell. This script trains the source models the table needs, one per source
seed, if their checkpoints are missing, runs each (config, source seed,
seed) once (a config shared by two cells or two tables runs once), and
prints the paper-style table: rows = source domains, columns = target domain
x method, mean +- std over source seeds x seeds (the whole chain: what a
rerun elsewhere would see), with the paper's numbers and a comparison of the
orderings beside it.

Examples::

    # the whole of Table 3 on the synthetic benchmark, on this machine:
    # 3 source models per domain x 1 adaptation seed (the defaults)
    python tools/analysis/run_table.py \\
        configs/tables/socket_table3_synthetic.py --source-seeds 0 1 2 \\
        --seeds 0
    # both cores of a 2-core machine: two pinned 1-thread processes
    python tools/analysis/run_table.py SPEC --jobs 2
    # a cluster: 16 independent shards (e.g. a Slurm array), then collect
    python tools/analysis/run_table.py SPEC --sources-only
    python tools/analysis/run_table.py SPEC --shard $SLURM_ARRAY_TASK_ID/16
    python tools/analysis/run_table.py SPEC --collect

Every run writes ``result.json`` in its own work dir when it finishes
(``<work-dir>/<config path below configs/>/source<s>/seed<k>``), so a killed
grid resumes where it stopped; runs that fail are reported and retried next
time.
The runner is ``mmsocket/apis/grid.py``.
"""
import argparse
import sys

from mmsocket.apis import add_cfg_options, run_table
from mmsocket.apis.table_format import add_seed_options


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Run a paper table over seeds and print it')
    parser.add_argument(
        'spec',
        help='table spec, e.g. '
        'configs/tables/socket_table3_synthetic.py')
    add_seed_options(parser)
    parser.add_argument(
        '--fixed-sources',
        dest='source_seeds',
        action='store_const',
        const=None,
        help='use the checkpoints the spec names (one source model each, '
        'trained with seed 0 if missing): the std then covers the '
        'adaptation only')
    parser.add_argument(
        '--work-dir', help='default: work_dirs/tables/'
        '<spec name>')
    parser.add_argument('--rows', nargs='+', help='only these rows')
    parser.add_argument('--columns', nargs='+', help='only these columns')
    parser.add_argument('--methods', nargs='+', help='only these methods')
    parser.add_argument(
        '--shard',
        help='i/n: run the i-th of n shards (a run and the runs it needs '
        'share one; with --sources-only: every n-th missing source model)')
    parser.add_argument(
        '--jobs',
        type=int,
        default=1,
        help='run the missing source models, then the table, as this many '
        'shards in child processes, each bound to its own share of the '
        'usable cores with one thread per core (OMP_NUM_THREADS set to its '
        'share); then print the table (default 1: all in this process)')
    parser.add_argument(
        '--sources-only',
        action='store_true',
        help='train the missing source models, then stop')
    parser.add_argument(
        '--collect',
        action='store_true',
        help='run nothing; print the table from the results '
        'on disk')
    parser.add_argument(
        '--dry-run',
        action='store_true',
        help='list the runs and their state, run nothing')
    parser.add_argument(
        '--num-workers',
        type=int,
        default=0,
        help='dataloader workers per run (default 0: load '
        'in this process)')
    parser.add_argument(
        '--verbose',
        action='store_true',
        help='mmengine INFO logs instead of warnings only')
    add_cfg_options(parser, 'overrides applied to every run of the table')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    return run_table(**vars(parse_args(argv)))


if __name__ == '__main__':
    sys.exit(main())
