# Copyright (c) mmsocket contributors. All rights reserved.
"""How the images of a depth data set look, in a few numbers.

The two synthetic depth domains are meant to differ in appearance (colour,
saturation, texture) and to agree in geometry (valid pixels, depth, scene
content); ``docs/dfdd_data.md`` reports these numbers per annotation file
so a change of the generator that moves them shows up. Any data root whose
annotation files follow :class:`~mmsocket.datasets.DepthDataset`'s format
(``docs/dfdd_data.md``) can be described the same way.
"""
import os.path as osp
from typing import Dict, List, Optional

import cv2
import mmcv
import numpy as np

from ..datasets.annotation_file import read_annotation_file, read_json_file
from .table_format import markdown_table

#: Column titles of :func:`format_depth_domain_stats`, in order.
STAT_COLUMNS = ('images', 'mean RGB', 'mean HSV saturation',
                'Laplacian variance (texture)', 'valid depth', 'mean depth',
                'classes / image')


def _read(path: str, flag: str) -> np.ndarray:
    img = mmcv.imread(path, flag=flag) if osp.isfile(path) else None
    if img is None:
        raise FileNotFoundError(
            f'cannot read {path} (missing or not an image): check the '
            'annotation file and the data root it is relative to')
    return img


def image_set_stats(data_root: str,
                    ann_file: str,
                    num: Optional[int] = 150) -> Dict[str, object]:
    """Statistics over the first ``num`` records of one annotation file.

    Args:
        data_root (str): The data root the records' paths are relative to.
        ann_file (str): Annotation file, relative to ``data_root``.
        num (int, optional): Records to read (None: all). Defaults to 150.

    Returns:
        dict: ``images``; ``mean_rgb`` (R, G, B); ``saturation`` (mean HSV
        saturation, 0-255); ``laplacian_var`` (mean over images of the
        variance of the grey image's Laplacian); ``valid_depth`` (fraction
        of pixels with depth > 0) and ``mean_depth`` (m, over valid
        pixels), both None without depth maps; ``classes_per_image`` (mean
        number of distinct semantic ids), None without semantic maps.
    """
    ann = read_annotation_file(
        osp.join(data_root, ann_file),
        keys=('data_list', ),
        doc='docs/dfdd_data.md')
    records = ann['data_list'][:num]
    if not records:
        raise ValueError(f'{ann_file} under {data_root} lists no images')
    scale = float(ann.get('metainfo', {}).get('depth_scale', 1000))
    rgb_sum = np.zeros(3)
    pixels = 0
    sat, lap, classes = [], [], []
    valid = total = 0
    depth_sum = 0.0
    has_depth = all('depth_path' in r for r in records)
    has_sem = all('sem_path' in r for r in records)
    for rec in records:
        bgr = _read(osp.join(data_root, rec['img_path']), 'color')
        rgb_sum += bgr.reshape(-1, 3)[:, ::-1].sum(0)
        pixels += bgr.shape[0] * bgr.shape[1]
        sat.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)[..., 1].mean())
        grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        lap.append(cv2.Laplacian(grey, cv2.CV_64F).var())
        if has_depth:
            d = _read(osp.join(data_root, rec['depth_path']),
                      'unchanged').astype(np.float64)
            mask = d > 0
            valid += int(mask.sum())
            total += d.size
            depth_sum += float(d[mask].sum()) / scale
        if has_sem:
            sem = _read(osp.join(data_root, rec['sem_path']), 'unchanged')
            classes.append(len(np.unique(sem)))
    return dict(
        images=len(records),
        mean_rgb=tuple(float(c) for c in rgb_sum / pixels),
        saturation=float(np.mean(sat)),
        laplacian_var=float(np.mean(lap)),
        valid_depth=valid / total if has_depth else None,
        mean_depth=depth_sum / valid if has_depth and valid else None,
        classes_per_image=float(np.mean(classes)) if has_sem else None)


def depth_domain_stats(data_root: str,
                       num: Optional[int] = 150) -> Dict[str, dict]:
    """:func:`image_set_stats` of every annotation file ``meta.json`` names
    (the layout of ``generate_depth_domains``), by its key."""
    meta = read_json_file(
        osp.join(data_root, 'meta.json'),
        'the domains\' meta.json',
        hint='generate the domains with '
        'tools/dataset_converters/generate_synthetic_depth.py --out '
        f'{data_root}, or call image_set_stats on one annotation file')
    return {
        key: image_set_stats(data_root, ann, num)
        for key, ann in meta['annotations'].items()
    }


def format_depth_domain_stats(stats: Dict[str, dict]) -> List[str]:
    """A markdown table, one row per annotation file."""

    def opt(value, fmt):
        return '—' if value is None else fmt.format(value)

    rows = []
    for key, s in stats.items():
        rgb = '(' + ', '.join(f'{c:.0f}' for c in s['mean_rgb']) + ')'
        rows.append([
            key,
            str(s['images']), rgb, f"{s['saturation']:.1f}",
            f"{s['laplacian_var']:.0f}",
            opt(s['valid_depth'] and 100 * s['valid_depth'], '{:.1f} %'),
            opt(s['mean_depth'], '{:.2f} m'),
            opt(s['classes_per_image'], '{:.1f}')
        ])
    return markdown_table(('file', ) + STAT_COLUMNS, rows)
