# Copyright (c) mmsocket contributors. All rights reserved.
"""Export SceneNet RGB-D's instance -> class tables to JSON.

Parsing the trajectory protobuf needs the ``protobuf`` package and the
module ``protoc --python_out=. scenenet.proto`` generates from the official
``scenenet.proto``; the JSON written is what
:class:`~mmsocket.datasets.SceneNetRGBDDataset` reads
(:mod:`mmsocket.dataset_converters.scenenet`)::

    python tools/dataset_converters/scenenet_export_instances.py \\
        scenenet_rgbd_val.pb data/scenenet/scenenet_val_instances.json \\
        --pb2 path/to/scenenet_pb2.py

``--classes`` fixes the class list (names outside it become ``void``). The
JSON is written outside the official tree.
"""
import argparse
import json
from typing import List, Optional

from mmsocket.dataset_converters.scenenet import (instance_tables,
                                                  read_trajectories)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('protobuf', help='scenenet_rgbd_*.pb')
    parser.add_argument('out', help='output JSON')
    parser.add_argument(
        '--pb2', required=True, help='scenenet_pb2.py compiled by protoc')
    parser.add_argument('--classes', nargs='+', help='fixed class list')
    args = parser.parse_args(argv)
    try:
        trajectories = read_trajectories(args.protobuf, args.pb2)
    except ValueError as e:
        raise SystemExit(f'error: {e}')
    export = instance_tables(trajectories, args.classes)
    with open(args.out, 'w', encoding='utf-8') as f:
        json.dump(export, f)
    print(f'{len(export["trajectories"])} trajectories, '
          f'{len(export["metainfo"]["semantic_classes"])} classes -> '
          f'{args.out}')


if __name__ == '__main__':
    main()
