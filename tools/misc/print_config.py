# Copyright (c) mmsocket contributors. All rights reserved.
"""Print the fully merged config (after ``_base_``, ``--cfg-options`` and
the settings: every ``${...}`` replaced, see
docs/get_started.md#the-settings-of-a-config)."""
import argparse
import sys

from mmengine.config import Config

from mmsocket.apis import (ConfigSettingsError, add_cfg_options,
                           derived_settings, merge_options, resolve_config)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Print the whole config')
    parser.add_argument('config', help='config file path')
    add_cfg_options(parser)
    parser.add_argument(
        '--raw',
        action='store_true',
        help='print the config as merged, with its ${...} references')
    parser.add_argument(
        '--out', help='also dump the merged config to this .py/.json/.yaml')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = merge_options(Config.fromfile(args.config), args.cfg_options)
    if not args.raw:
        try:
            derived = derived_settings(cfg)
            resolve_config(cfg)
        except ConfigSettingsError as e:
            print(f'error: {e}', file=sys.stderr)
            return 1
        for key, how in derived.items():
            print(f'# {key} = {how}')
    print(cfg.pretty_text)
    if args.out:
        cfg.dump(args.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
