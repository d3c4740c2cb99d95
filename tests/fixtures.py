# Copyright (c) mmsocket contributors. All rights reserved.
"""Write a tiny data set in the on-disk format of ``docs/data_format.md``.

Usage::

    from tests.fixtures import write_tiny_dataset
    info = write_tiny_dataset(tmp_path)
    info['data_root'], info['ann']['tr'], info['tr'][0]['depth'] ...

Every image's pixel values are returned too, so tests can compare decoded
values against what was written. The content is deterministic (seeded).
"""
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence

import cv2
import numpy as np

TR_CLASSES = ('bathroom', 'kitchen', 'office')
TI_CLASSES = ('bedroom', 'library')


def write_png(path: str, img: np.ndarray) -> None:
    """Write ``img`` losslessly as PNG (creating parent folders)."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, img):
        raise OSError(f'could not write {path}')


def write_json(path: str, obj) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=1)


def make_sample_images(rng: np.random.Generator, label: int, size,
                       modalities: Sequence[str]) -> Dict[str, np.ndarray]:
    """Random images of one sample: uint8 BGR, uint16 depth (mm), uint8 NIR.

    Depth lies in [300, 9000] mm with a hole (0) at pixel (0, 0); the first
    row's mean is shifted by the label so classes differ slightly.
    """
    h, w = size
    out = {}
    if 'rgb' in modalities:
        out['rgb'] = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    if 'depth' in modalities:
        depth = rng.integers(300, 9001, (h, w)).astype(np.uint16)
        depth[0, 0] = 0  # a missing reading
        depth[1, :] = 1000 + 1000 * label
        out['depth'] = depth
    if 'nir' in modalities:
        out['nir'] = rng.integers(0, 256, (h, w), dtype=np.uint8)
    return out


def write_tiny_dataset(root: str,
                       classes: Sequence[str] = TR_CLASSES,
                       ti_classes: Sequence[str] = TI_CLASSES,
                       per_class: int = 4,
                       ti_per_class: int = 2,
                       domain: str = 'kv1',
                       modalities: Sequence[str] = ('rgb', 'depth'),
                       size=(8, 10),
                       seed: int = 0,
                       depth_range_m=(0.0, 10.0)) -> dict:
    """Write a tiny paired data set under ``root`` and describe it.

    Class lists are sorted alphabetically (label = index in the sorted list,
    as the format requires). ``<domain>_tr_val.json`` takes every 10th TR
    record starting at the first (so at least one), ``_tr_train`` the rest.

    Returns:
        dict: ``data_root``, ``classes``, ``ti_classes``, ``domain``,
        ``modalities``, ``ann`` (name -> annotation path relative to the
        root: ``tr``, ``tr_train``, ``tr_val``, ``ti``), ``tr`` / ``ti``
        (lists of records, each the JSON record plus the written arrays
        under the modality names) and ``meta``.
    """
    root = str(root)
    rng = np.random.default_rng(seed)
    classes = tuple(sorted(classes))
    ti_classes = tuple(sorted(ti_classes))
    modalities = tuple(modalities)

    def write_split(split_domain, class_list, n_per_class):
        records = []
        for label, cls in enumerate(class_list):
            for k in range(n_per_class):
                sid = f'{split_domain}/{cls}/{k:06d}'
                rec = dict(sample_id=sid)
                arrays = make_sample_images(rng, label, size, modalities)
                for mod in modalities:
                    rel = f'images/{sid}/{mod}.png'
                    write_png(osp.join(root, rel), arrays[mod])
                    rec[f'{mod}_path'] = rel
                rec['gt_label'] = label
                records.append((rec, arrays))
        return records

    def ann(class_list, split, records):
        return dict(
            metainfo=dict(
                classes=list(class_list),
                domain=domain,
                split=split,
                modalities=list(modalities)),
            data_list=[rec for rec, _ in records])

    tr = write_split(domain, classes, per_class)
    # TI images live under their own domain folder name in the pooled set.
    ti = write_split(f'{domain}_ti', ti_classes, ti_per_class)
    val = [r for i, r in enumerate(tr) if i % 10 == 0]
    train = [r for i, r in enumerate(tr) if i % 10 != 0]

    names = dict(
        tr=f'annotations/{domain}_tr.json',
        tr_train=f'annotations/{domain}_tr_train.json',
        tr_val=f'annotations/{domain}_tr_val.json',
        ti='annotations/ti.json')
    write_json(osp.join(root, names['tr']), ann(classes, 'tr', tr))
    write_json(osp.join(root, names['tr_train']), ann(classes, 'tr', train))
    write_json(osp.join(root, names['tr_val']), ann(classes, 'tr', val))
    write_json(osp.join(root, names['ti']), ann(ti_classes, 'ti', ti))
    meta = dict(
        name='tiny',
        tr_classes=list(classes),
        ti_classes=list(ti_classes),
        domains=[domain],
        modalities=list(modalities),
        depth_unit_mm=1,
        depth_range_m=list(depth_range_m),
        generator=dict(
            seed=seed,
            per_class=per_class,
            ti_per_class=ti_per_class,
            size=list(size)))
    write_json(osp.join(root, 'meta.json'), meta)

    def describe(records):
        return [dict(rec, **arrays) for rec, arrays in records]

    return dict(
        data_root=root,
        classes=classes,
        ti_classes=ti_classes,
        domain=domain,
        modalities=modalities,
        ann=names,
        tr=describe(tr),
        ti=describe(ti),
        meta=meta)


def write_annotation(root: str,
                     name: str,
                     data_list: list,
                     classes: Sequence[str],
                     modalities: Optional[Sequence[str]] = ('rgb', 'depth'),
                     split: str = 'tr') -> str:
    """Write a hand-made annotation file; returns its path relative to root.
    """
    metainfo = dict(classes=list(classes), domain='kv1', split=split)
    if modalities is not None:
        metainfo['modalities'] = list(modalities)
    rel = f'annotations/{name}'
    write_json(
        osp.join(str(root), rel),
        dict(metainfo=metainfo, data_list=list(data_list)))
    return rel


def write_paired_folders(root: str,
                         tr_classes: Sequence[str],
                         ti_classes: Sequence[str] = (),
                         per_class: int = 3,
                         ti_per_class: int = 2,
                         domains: Optional[Sequence[str]] = None,
                         target: str = 'depth',
                         rgb_folder: str = 'rgb',
                         target_folder: Optional[str] = None,
                         rgb_ext: str = '.jpg',
                         depth=None,
                         size=(8, 10),
                         seed: int = 0) -> dict:
    """Write a user's tree of paired folders (paired_folders' layout):
    ``root/tr/[<domain>/]<rgb_folder>/<class>/img_<k>.<rgb_ext>`` and the
    target twin (``.png``), the same under ``root/ti/`` for ``ti_classes``.

    ``depth(rng, label, k)`` returns the stored depth array (default:
    uint16 millimetres 500..4000 with a hole at (0, 0)).

    Returns:
        dict: ``pairs``: ``(set, domain, class, name) -> {'rgb': array,
        target: array}`` of everything written.
    """
    rng = np.random.default_rng(seed)
    target_folder = target_folder or target
    h, w = size

    def default_depth(rng, label, k):
        d = rng.integers(500, 4001, (h, w)).astype(np.uint16)
        d[0, 0] = 0
        return d

    depth = depth or default_depth
    pairs = {}
    for set_name, classes, n in (('tr', tr_classes, per_class),
                                 ('ti', ti_classes, ti_per_class)):
        for d in (domains if set_name == 'tr' and domains else [None]):
            base = osp.join(root, set_name, d) if d else osp.join(
                root, set_name)
            for label, cls in enumerate(classes):
                for k in range(n):
                    name = f'img_{k:03d}'
                    rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
                    if target == 'depth':
                        tgt = depth(rng, label, k)
                    else:
                        tgt = rng.integers(0, 256, (h, w), dtype=np.uint8)
                    rgb_path = osp.join(base, rgb_folder, cls, name + rgb_ext)
                    ext = '.npy' if tgt.dtype.kind == 'f' else '.png'
                    tgt_path = osp.join(base, target_folder, cls, name + ext)
                    if rgb_ext in ('.jpg', '.jpeg'):
                        os.makedirs(osp.dirname(rgb_path), exist_ok=True)
                        cv2.imwrite(rgb_path, rgb,
                                    [cv2.IMWRITE_JPEG_QUALITY, 100])
                        rgb = cv2.imread(rgb_path)  # what JPEG keeps
                    else:
                        write_png(rgb_path, rgb)
                    if ext == '.npy':
                        os.makedirs(osp.dirname(tgt_path), exist_ok=True)
                        np.save(tgt_path, tgt)
                    else:
                        write_png(tgt_path, tgt)
                    pairs[(set_name, d, cls, name)] = {'rgb': rgb, target: tgt}
    return dict(root=str(root), pairs=pairs)
