# Copyright (c) mmsocket contributors. All rights reserved.
"""Write every generated config (source models, the transfers of the SOCKET
and TGMB papers, their ablations, the table specs) from the one table in
``mmsocket/apis/paper_configs``.

    python tools/misc/generate_configs.py          # (re)write
    python tools/misc/generate_configs.py --check  # fail if stale or missing
"""
import argparse
import os.path as osp
import sys

from mmsocket.apis.paper_configs import write_configs

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--check',
        action='store_true',
        help='only report the files that differ, are missing or are no '
        'longer generated; exit 1 if there is any')
    parser.add_argument(
        '--root', default=ROOT, help='the repository (default: this one)')
    args = parser.parse_args(argv)
    result = write_configs(args.root, check=args.check)
    verb = 'stale or missing' if args.check else 'written'
    print(f'{result["total"]} generated files, {len(result["stale"])} {verb}')
    for rel in result['stale']:
        print('  ' + rel)
    if result['orphans']:
        print(f'{len(result["orphans"])} generated file(s) no setting writes '
              'any more: delete them (git rm)')
        for rel in result['orphans']:
            print('  ' + rel)
    return 1 if args.check and (result['stale'] or result['orphans']) else 0


if __name__ == '__main__':
    sys.exit(main())
