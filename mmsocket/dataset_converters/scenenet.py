# Copyright (c) mmsocket contributors. All rights reserved.
"""SceneNet RGB-D's instance -> class tables, exported to JSON.

SceneNet RGB-D keeps, per trajectory, which object class every instance id
of the ``instance/*.png`` maps belongs to in a protobuf file
(``scenenet_rgbd_val.pb``, ``scenenet_rgbd_train_<n>.pb``). Parsing it
needs the ``protobuf`` package and the Python module generated from the
official ``scenenet.proto`` (``protoc --python_out=. scenenet.proto``);
mmsocket does not depend on either, so the export is a one-off step
(``tools/dataset_converters/scenenet_export_instances.py``) that writes the
JSON :class:`~mmsocket.datasets.SceneNetRGBDDataset` reads.

Classes are the instances' ``semantic_english`` names (``void`` = 0 for
instances without one), sorted, so the ids are stable across files given
the same set of names; a fixed class list may be given instead (names
outside it become ``void``).

Note: the protobuf branch (:func:`read_trajectories`) could not be run
where this was written (no ``protobuf`` package); the conversion from
parsed trajectories (:func:`instance_tables`) is unit-tested with stand-in
objects.
"""
import importlib.util
from typing import Any, Dict, Iterable, Optional, Sequence

__all__ = ['instance_tables', 'read_trajectories']


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


def read_trajectories(protobuf_path: str, pb2_path: str) -> Sequence[Any]:
    """Parse a trajectory protobuf with the module ``protoc`` generated.

    Args:
        protobuf_path (str): ``scenenet_rgbd_*.pb``.
        pb2_path (str): ``scenenet_pb2.py`` compiled by ``protoc`` from the
            official ``scenenet.proto`` (importing it needs ``protobuf``).

    Returns:
        Sequence: The trajectory messages.

    Raises:
        ValueError: ``pb2_path`` is not importable as a module.
    """
    spec = importlib.util.spec_from_file_location('scenenet_pb2', pb2_path)
    if spec is None or spec.loader is None:
        raise ValueError(f'cannot import {pb2_path}')
    pb2 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pb2)  # needs the protobuf package
    trajs = pb2.Trajectories()
    with open(protobuf_path, 'rb') as f:
        trajs.ParseFromString(f.read())
    return trajs.trajectories
