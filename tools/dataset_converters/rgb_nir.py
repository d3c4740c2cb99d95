# Copyright (c) mmsocket contributors. All rights reserved.
"""Convert the official RGB-NIR Scene release (EPFL) to mmsocket's format.

Example::

    python tools/dataset_converters/rgb_nir.py /data/nirscene1 \\
        --out data/rgb_nir

See docs/dataset_prepare.md for the resulting tree and the class split.
"""
import argparse
import sys

from mmsocket.dataset_converters.cli import converter_parser, run_converter
from mmsocket.dataset_converters.rgb_nir import convert_rgb_nir


def parse_args(argv=None) -> argparse.Namespace:
    parser = converter_parser(
        'RGB-NIR Scene (nirscene1/<category>/*_{rgb,nir}.tiff) -> mmsocket '
        'format (6 TR, 3 TI categories).',
        'the nirscene1 folder (or its parent)', 'data/rgb_nir',
        'old_buildings=old_building')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    return run_converter(convert_rgb_nir, parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
