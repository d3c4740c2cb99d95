# Copyright (c) mmsocket contributors. All rights reserved.
"""The quick start's second table: TGMB and TGKT beside SOCKET.

Single source (kv1 RGB -> kv1 depth, with the TGMB paper's Table 2 numbers
beside ours) and two sources (kv1 + kv2 RGB -> kv1 depth) on the embedded
synthetic benchmark: Unadapted, SHOT (DECISION for two sources), SOCKET,
TGMB (the frozen source on translated images) and TGKT (trained with the
TGMB translator of the same source seed and seed). The grid runner does
the work (``tools/analysis/run_table.py`` on ``configs/tables/
tgmb_table2_synthetic.py`` and ``tgmb_two_source_synthetic.py``, kv1 depth
column): resume, ``--dry-run``, ``--collect`` as there.

    python tools/quickstart_tgkt.py
    python tools/quickstart_tgkt.py --settings "kv1 -> kv1" --dry-run

Source models: ``work_dirs/source/synthetic/<d>_rgb/seed<s>/source.pth``,
trained there first if missing (shared with run_table's tables).
"""
import argparse
import sys

from mmsocket.apis.quickstart_tgkt import SETTINGS, quickstart_tgkt
from mmsocket.apis.table_format import add_seed_options


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--settings',
        nargs='+',
        default=list(SETTINGS),
        choices=list(SETTINGS))
    add_seed_options(parser)
    parser.add_argument('--work-dir', default='work_dirs/quickstart_tgkt')
    parser.add_argument(
        '--data',
        default=None,
        help='the synthetic benchmark (default data/synthetic_rgbd; '
        'generated if missing)')
    parser.add_argument('--dry-run', action='store_true')
    parser.add_argument('--collect', action='store_true')
    parser.add_argument('--verbose', action='store_true')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    return quickstart_tgkt(**vars(parse_args(argv)))


if __name__ == '__main__':
    sys.exit(main())
