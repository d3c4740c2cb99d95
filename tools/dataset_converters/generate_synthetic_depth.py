# Copyright (c) mmsocket contributors. All rights reserved.
"""Generate the synthetic real / simulated domains for depth distillation.

Example::

    python tools/dataset_converters/generate_synthetic_depth.py \\
        --out data/synthetic_depth --seed 0

Writes ``annotations/real_train.json``, ``real_test.json`` and ``sim.json``
(see docs/dfdd_data.md).
"""
import argparse
import json
from pathlib import Path

from mmsocket.synthetic.cli import (generator_parser, parse_generator_args,
                                    run_generator)
from mmsocket.synthetic.depth_domains import (DEFAULT_DEPTH_SIZE,
                                              generate_depth_domains)


def parse_args(argv=None) -> argparse.Namespace:
    parser = generator_parser(
        'Render the real and simulated domains of the data-free '
        'depth distillation benchmark.', 'data/synthetic_depth')
    parser.add_argument(
        '--n-real-train', type=int, default=3000, help='real training images')
    parser.add_argument(
        '--n-real-test', type=int, default=150, help='real test images')
    parser.add_argument(
        '--n-sim', type=int, default=1000, help='simulated images')
    parser.add_argument(
        '--size',
        type=int,
        nargs=2,
        default=list(DEFAULT_DEPTH_SIZE),
        metavar=('W', 'H'),
        help='image size')
    parser.add_argument(
        '--max-depth',
        type=float,
        default=10.0,
        help='depth cap in metres (farther = invalid)')
    return parse_generator_args(parser, argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    meta = run_generator(
        generate_depth_domains,
        args,
        n_real_train=args.n_real_train,
        n_real_test=args.n_real_test,
        n_sim=args.n_sim,
        size=args.size,
        max_depth=args.max_depth)
    for name, rel in meta['annotations'].items():
        ann = json.loads((Path(args.out) / rel).read_text(encoding='utf-8'))
        print(f'  {rel:<32} {len(ann["data_list"]):>6} samples')


if __name__ == '__main__':
    main()
