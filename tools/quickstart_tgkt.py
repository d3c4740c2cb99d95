# Copyright (c) mmsocket contributors. All rights reserved.
"""The quick start's second table: TGMB and TGKT beside SOCKET.

Single source (kv1 RGB -> kv1 depth) and two sources (kv1 + kv2 RGB ->
kv1 depth) on the embedded synthetic benchmark, over several seeds:
Unadapted, SHOT (DECISION for two sources), SOCKET, TGMB (the frozen
source on translated images) and TGKT (trained with the TGMB translator of
the same seed). Every run is an ordinary config under ``configs/``; the
pipeline is ``mmsocket/apis/quickstart_tgkt.py``.

    python tools/quickstart_tgkt.py                 # ~20 min on 2 CPU cores
    python tools/quickstart_tgkt.py --seeds 0 --quick

Source models are read from ``work_dirs/source/synthetic/<d>_rgb/
source.pth`` (``--source-dir``) and trained there first if missing.
"""
from mmsocket.apis import TGKTQuickstart
from mmsocket.apis.quickstart import quickstart_parser
from mmsocket.apis.quickstart_tgkt import SETTINGS


def parse_args():
    parser = quickstart_parser(__doc__.split('\n')[0], 'quickstart_tgkt')
    parser.add_argument(
        '--source-dir',
        default=None,
        help='default work_dirs/source/synthetic (with --quick: '
        '<work-dir>/source, trained on the quick data)')
    parser.add_argument(
        '--settings',
        nargs='+',
        default=list(SETTINGS),
        choices=list(SETTINGS))
    return parser.parse_args()


def main():
    TGKTQuickstart(**vars(parse_args())).run()


if __name__ == '__main__':
    main()
