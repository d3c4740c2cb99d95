# Copyright (c) mmsocket contributors. All rights reserved.
"""Generate Shapes RGB-D, a paired RGB / depth set in the user's layout.

Example::

    python tools/dataset_converters/generate_shapes_rgbd.py \\
        --out data/shapes_rgbd_raw --seed 0

Writes ``task_relevant/{rgb,depth}/<class>/<name>.png`` and
``task_irrelevant/...``: folders of paired images named by class, as a
user would bring them (see ``mmsocket/synthetic/shapes.py`` for how RGB
and depth carry its classes). Convert it like any user data
(the paired-folder converter).
"""
import argparse

from mmsocket.synthetic.cli import (generator_parser, parse_generator_args,
                                    run_generator)
from mmsocket.synthetic.shapes import generate_shapes_rgbd, summarize_shapes


def parse_args(argv=None) -> argparse.Namespace:
    parser = generator_parser(
        'Render Shapes RGB-D (geometry classes and colour-only classes) '
        'as folders of paired RGB / depth images.', 'data/shapes_rgbd_raw')
    parser.add_argument(
        '--n-tr',
        type=int,
        default=60,
        help='task-relevant samples per class (default 60)')
    parser.add_argument(
        '--n-ti',
        type=int,
        default=40,
        help='task-irrelevant pairs per class (default 40)')
    parser.add_argument(
        '--sensor',
        default='kv1',
        help='sensor model that captures RGB and depth (default kv1)')
    return parse_generator_args(parser, argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    run_generator(
        generate_shapes_rgbd,
        args,
        n_tr_per_class=args.n_tr,
        n_ti_per_class=args.n_ti,
        sensor=args.sensor)
    for split, sizes in summarize_shapes(args.out).items():
        print(f'  {split:<16} {len(sizes)} classes, '
              f'{sum(sizes.values())} pairs')


if __name__ == '__main__':
    main()
