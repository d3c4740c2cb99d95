# Copyright (c) mmsocket contributors. All rights reserved.
"""Print the fully merged config (after ``_base_`` and ``--cfg-options``)."""
import argparse

from mmengine.config import Config, DictAction


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Print the whole config')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs (see '
        'tools/train.py)')
    parser.add_argument(
        '--out', help='also dump the merged config to this .py/.json/.yaml')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    print(cfg.pretty_text)
    if args.out:
        cfg.dump(args.out)


if __name__ == '__main__':
    main()
