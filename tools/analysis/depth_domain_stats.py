# Copyright (c) mmsocket contributors. All rights reserved.
"""Describe the images of a depth data root: colour, saturation, texture,
valid depth, mean depth and classes per image, one row per annotation file.

    python tools/analysis/depth_domain_stats.py data/synthetic_depth

The root must hold ``meta.json`` (``generate_synthetic_depth.py`` writes it);
for another data set name one annotation file with ``--ann-file``.
"""
import argparse

from mmsocket.apis import (depth_domain_stats, format_depth_domain_stats,
                           image_set_stats)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('data_root', help='the data root')
    parser.add_argument(
        '--ann-file',
        help='one annotation file under the root instead of those '
        'meta.json names')
    parser.add_argument(
        '--num',
        type=int,
        default=150,
        help='first N records of each file (0: all; default 150)')
    args = parser.parse_args(argv)
    num = args.num or None
    if args.ann_file:
        stats = {
            args.ann_file: image_set_stats(args.data_root, args.ann_file, num)
        }
    else:
        stats = depth_domain_stats(args.data_root, num)
    print('\n'.join(format_depth_domain_stats(stats)))
    return stats


if __name__ == '__main__':
    main()
