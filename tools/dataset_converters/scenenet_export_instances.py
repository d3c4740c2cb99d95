# Copyright (c) mmsocket contributors. All rights reserved.
"""Export SceneNet RGB-D's instance -> class tables to JSON.

SceneNet RGB-D keeps, per trajectory, which object class every instance id
of the ``instance/*.png`` maps belongs to in a protobuf file
(``scenenet_rgbd_val.pb``, ``scenenet_rgbd_train_<n>.pb``). Parsing it
needs the ``protobuf`` package and the Python module generated from the
official ``scenenet.proto`` (``protoc --python_out=. scenenet.proto``);
mmsocket does not depend on either, so this one-off tool writes the JSON
that :class:`~mmsocket.datasets.SceneNetRGBDDataset` reads::

    python tools/dataset_converters/scenenet_export_instances.py \\
        scenenet_rgbd_val.pb data/scenenet/scenenet_val_instances.json \\
        --pb2 path/to/scenenet_pb2.py

Classes are the instances' ``semantic_english`` names (``void`` = 0 for
instances without one), sorted, so the ids are stable across files given
the same set of names; ``--classes`` fixes the list (names outside it
become ``void``). The JSON is written outside the official tree.

Note: the protobuf branch could not be run where this tool was written
(no ``protobuf`` package); the conversion from parsed trajectories to JSON
(:func:`instance_tables`) is unit-tested with stand-in objects.
"""
import argparse
import importlib.util
import json
from typing import Any, Dict, Iterable, List, Optional, Sequence


def instance_tables(trajectories: Iterable[Any],
                    classes: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    """Build the export from parsed trajectories.

    Args:
        trajectories: Objects with ``render_path`` and ``instances``, each
            instance with ``instance_id`` and ``semantic_english`` (the
            protobuf messages, or stand-ins).
        classes (Sequence[str], optional): Fixed class list; ``'void'`` is
            prepended when missing. Defaults to the sorted names found.

    Returns:
        dict: ``{"metainfo": {"semantic_classes": [...]},
        "trajectories": {render_path: {instance id: class id}}}``.
    """
    trajectories = list(trajectories)
    if classes is None:
        names = {
            inst.semantic_english
            for t in trajectories
            for inst in t.instances if inst.semantic_english
        }
        classes = sorted(names - {'void'})
    classes = list(classes)
    if 'void' not in classes:
        classes = ['void'] + classes
    index = {name: i for i, name in enumerate(classes)}
    tables: Dict[str, Dict[str, int]] = {}
    for t in trajectories:
        tables[t.render_path] = {
            str(inst.instance_id):
            index.get(inst.semantic_english or 'void', index['void'])
            for inst in t.instances
        }
    return {'metainfo': {'semantic_classes': classes}, 'trajectories': tables}


def _load_pb2(path: str):
    spec = importlib.util.spec_from_file_location('scenenet_pb2', path)
    if spec is None or spec.loader is None:
        raise SystemExit(f'error: cannot import {path}')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # needs the protobuf package
    return module


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('protobuf', help='scenenet_rgbd_*.pb')
    parser.add_argument('out', help='output JSON')
    parser.add_argument(
        '--pb2', required=True, help='scenenet_pb2.py compiled by protoc')
    parser.add_argument('--classes', nargs='+', help='fixed class list')
    args = parser.parse_args(argv)
    pb2 = _load_pb2(args.pb2)
    trajs = pb2.Trajectories()
    with open(args.protobuf, 'rb') as f:
        trajs.ParseFromString(f.read())
    export = instance_tables(trajs.trajectories, args.classes)
    with open(args.out, 'w', encoding='utf-8') as f:
        json.dump(export, f)
    print(f'{len(export["trajectories"])} trajectories, '
          f'{len(export["metainfo"]["semantic_classes"])} classes -> '
          f'{args.out}')


if __name__ == '__main__':
    main()
