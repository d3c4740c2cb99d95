# Copyright (c) mmsocket contributors. All rights reserved.
"""Generate the synthetic RGB-D-NIR cross-modal transfer benchmark.

Example::

    python tools/dataset_converters/generate_synthetic.py \\
        --out data/synthetic_rgbd --seed 0
"""
import argparse

from mmsocket.synthetic.cli import (generator_parser, parse_generator_args,
                                    run_generator)
from mmsocket.synthetic.transfer_benchmark import (DEFAULT_DOMAINS,
                                                   DEFAULT_N_TEST,
                                                   DEFAULT_N_TI, DEFAULT_N_TR,
                                                   generate_transfer_benchmark,
                                                   summarize)


def parse_args(argv=None) -> argparse.Namespace:
    parser = generator_parser(
        'Render the synthetic cross-modal transfer benchmark '
        '(SUN RGB-D look-alike: TR/TI indoor classes, 4 sensor domains).',
        'data/synthetic_rgbd')
    parser.add_argument(
        '--n-tr',
        type=int,
        default=DEFAULT_N_TR,
        help='task-relevant samples per class and domain')
    parser.add_argument(
        '--n-ti',
        type=int,
        default=DEFAULT_N_TI,
        help='task-irrelevant pairs per TI class, pooled over domains')
    parser.add_argument(
        '--n-test',
        type=int,
        default=DEFAULT_N_TEST,
        help='held-out task-relevant samples per class and domain')
    parser.add_argument(
        '--domains',
        nargs='+',
        default=list(DEFAULT_DOMAINS),
        help='sensor domains')
    parser.add_argument(
        '--tr-classes', nargs='+', default=None, help='TR classes')
    parser.add_argument(
        '--ti-classes', nargs='+', default=None, help='TI classes')
    return parse_generator_args(parser, argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    meta = run_generator(
        generate_transfer_benchmark,
        args,
        n_tr_per_class=args.n_tr,
        n_ti_per_class=args.n_ti,
        n_test_per_class=args.n_test,
        domains=args.domains,
        tr_classes=args.tr_classes,
        ti_classes=args.ti_classes)
    counts = summarize(args.out)
    print(f'TR classes ({len(meta["tr_classes"])}): '
          f'{", ".join(meta["tr_classes"])}')
    print(f'TI classes ({len(meta["ti_classes"])}): '
          f'{", ".join(meta["ti_classes"])}')
    splits = ('tr', 'tr_train', 'tr_val', 'tr_test')
    print(f'{"domain":<10}' + ''.join(f'{s:>10}'
                                      for s in splits) + f'{"ti":>10}')
    for d in meta['domains']:
        print(f'{d:<10}' + ''.join(f'{counts[d][s]:>10}'
                                   for s in splits) + f'{counts["ti"][d]:>10}')
    total_ti = sum(counts['ti'].values())
    print(f'{"total":<10}' +
          ''.join(f'{sum(counts[d][s] for d in meta["domains"]):>10}'
                  for s in splits) + f'{total_ti:>10}')


if __name__ == '__main__':
    main()
