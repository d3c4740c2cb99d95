# Copyright (c) mmsocket contributors. All rights reserved.
"""The quick start: RGB -> depth transfer on the embedded synthetic data.

Generates the synthetic benchmark (once), trains an RGB source model on one
sensor domain, then evaluates the unadapted source model, SHOT and SOCKET on
that domain's depth images over several seeds and prints a markdown table.
Every step is an ordinary config under ``configs/``; the pipeline is
``mmsocket/apis/quickstart.py``.

    python tools/quickstart.py                   # ~3 min on 2 CPU cores
    python tools/quickstart.py --seeds 0 --quick  # a one-minute smoke run
"""
from mmsocket.apis import Quickstart
from mmsocket.apis.quickstart import METHOD_NAMES, quickstart_parser


def parse_args():
    parser = quickstart_parser(__doc__.split('\n')[0], 'quickstart')
    parser.add_argument(
        '--domain',
        default='kv1',
        help='sensor domain: source RGB and target depth')
    parser.add_argument(
        '--methods',
        nargs='+',
        default=list(METHOD_NAMES),
        choices=list(METHOD_NAMES))
    return parser.parse_args()


def main():
    Quickstart(**vars(parse_args())).run()


if __name__ == '__main__':
    main()
