# Copyright (c) mmsocket contributors. All rights reserved.
"""Import the official SOCKET code's data folders and "path label" lists.

Example::

    python tools/dataset_converters/socket_layout.py /path/SOCKET/data/SUN \\
        --out data/sun_socket
    # other folder names (the code's example set):
    python tools/dataset_converters/socket_layout.py data/example_dataset \\
        --pair red=red:blue --ti-pair TI_red:TI_blue --out data/example

See docs/dataset_prepare.md#the-official-socket-codes-folders.
"""
import argparse
import sys

from mmsocket.dataset_converters.cli import (add_target_options,
                                             converter_parser, run_converter,
                                             target_options)
from mmsocket.dataset_converters.socket_layout import convert_socket_layout

LAYOUT = """layout of SRC (the SOCKET README's data/SUN):
  SRC/<domain>com_image/<class>/<file>   task-relevant RGB of a domain
  SRC/<domain>com_depth/<class>/<file>   its depth (pairs: same path below)
  SRC/TI_image/<class>/<file>            task-irrelevant pairs (pooled)
  SRC/TI_depth/<class>/<file>
  SRC/<folder>_list.txt                  optional gen_txt.py lists
                                         ("<path> <label>"): which files,
                                         and the class order"""


def _pair(text: str):
    if ':' not in text:
        raise argparse.ArgumentTypeError(
            f'{text!r}: expected IMAGE_FOLDER:TARGET_FOLDER')
    image, target = text.split(':', 1)
    return image, target


def _domain_pair(text: str):
    if '=' not in text:
        raise argparse.ArgumentTypeError(
            f'{text!r}: expected DOMAIN=IMAGE_FOLDER:TARGET_FOLDER')
    domain, rest = text.split('=', 1)
    return domain, _pair(rest)


def parse_args(argv=None) -> argparse.Namespace:
    parser = converter_parser(
        'The official SOCKET code\'s folders (and gen_txt.py lists) -> '
        'mmsocket format.',
        'the folder holding kv1com_image/, ..., TI_image/ (its data/SUN)',
        'data/socket',
        'Living Room=living_room',
        epilog=LAYOUT)
    parser.add_argument(
        '--pair',
        type=_domain_pair,
        nargs='+',
        metavar='DOMAIN=IMAGE:TARGET',
        help='task-relevant folders of other names, one pair per domain')
    parser.add_argument(
        '--ti-pair',
        type=_pair,
        metavar='IMAGE:TARGET',
        help='task-irrelevant folders of other names')
    add_target_options(parser)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    return run_converter(
        convert_socket_layout,
        args,
        pairs=dict(args.pair) if args.pair else None,
        ti_pair=args.ti_pair,
        **target_options(args))


if __name__ == '__main__':
    sys.exit(main())
