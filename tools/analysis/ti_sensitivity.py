# Copyright (c) mmsocket contributors. All rights reserved.
"""When does L_TI help? SOCKET's λ_TI, λ_d and L_TI form swept in one command.

    python tools/analysis/ti_sensitivity.py                  # both data sets
    python tools/analysis/ti_sensitivity.py --datasets shapes --collect

λ_TI and λ_d over {0, 0.1, 0.25, 0.5, 1.0} (the other at the paper's 0.5),
L_TI in the official code's form, the paper's (eq. 2) and a scale-normalised
one (mean squared difference), beside Unadapted and SHOT, on the synthetic
benchmark and on Shapes RGB-D (generate and convert it first:
docs/synthetic_benchmark.md). A source model per source seed is trained once
per data set; each run writes ``result.json``, so a stopped study resumes.
The table goes to ``<work-dir>/sensitivity.md``; the pipeline is
``mmsocket/apis/ti_sensitivity.py``; results and guidance:
docs/methods/socket.md#when-does-l_ti-help-a-sensitivity-study.
"""
import argparse
import sys

from mmsocket.apis.table_format import add_seed_options
from mmsocket.apis.ti_sensitivity import DATASETS, SETTINGS, run_ti_sensitivity


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--datasets',
        nargs='+',
        default=list(DATASETS),
        choices=list(DATASETS))
    parser.add_argument(
        '--settings',
        nargs='+',
        default=None,
        help=f'only these settings (default: all {len(SETTINGS)})')
    add_seed_options(parser)
    parser.add_argument('--work-dir', default='work_dirs/ti_sensitivity')
    parser.add_argument(
        '--shapes-root',
        default=None,
        help='the converted Shapes RGB-D (default data/shapes_rgbd)')
    parser.add_argument(
        '--collect',
        action='store_true',
        help='run nothing; the table from the results on disk')
    parser.add_argument('--verbose', action='store_true')
    args = parser.parse_args(argv)
    shapes = args.__dict__.pop('shapes_root')
    args.data_roots = dict(shapes=shapes) if shapes else None
    return args


def main(argv=None) -> int:
    return run_ti_sensitivity(**vars(parse_args(argv)))


if __name__ == '__main__':
    sys.exit(main())
