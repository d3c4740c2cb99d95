# Copyright (c) mmsocket contributors. All rights reserved.
"""Tiny trees in the on-disk layouts of the official real-data releases.

Each writer returns what it wrote (per sample: the class, the source path and
the pixel values the converter must produce), so tests compare the converted
files against hand-computed values. Layouts (sources in
``docs/dataset_prepare.md``):

- SUN RGB-D: ``SUNRGBD/<sensor>/<subset>/.../<sample>/{image/*.jpg,
  depth/*.png, depth_bfx/*.png, scene.txt, intrinsics.txt, ...}``; depth
  PNGs hold millimetres rotated left by 3 bits.
- RGB-NIR Scene (EPFL): ``nirscene1/<category>/<NNNN>_{rgb,nir}.tiff``.
- DIML RGB+D sample set (indoor): ``<split>/<HR|LR>/<NN>_<Scene>/{color/
  <name>_c.png, depth_filled/<name>_depth_filled.png}``, depth in mm.
"""
import hashlib
import os
import os.path as osp
from typing import Dict, List, Sequence

import cv2
import numpy as np

from mmsocket.dataset_converters.sunrgbd import (SUNRGBD_SENSORS,
                                                 SUNRGBD_TI_CLASSES,
                                                 SUNRGBD_TR_CLASSES)


def tree_digest(root: str) -> str:
    """SHA-1 over every file's relative path and bytes (and every folder),
    to prove a tree was not modified."""
    h = hashlib.sha1()
    for cur, dirs, files in os.walk(root):
        dirs.sort()
        h.update(('D' + osp.relpath(cur, root)).encode())
        for f in sorted(files):
            p = osp.join(cur, f)
            h.update(('F' + osp.relpath(p, root)).encode())
            with open(p, 'rb') as fh:
                h.update(fh.read())
    return h.hexdigest()


def _write(path: str, img: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, img):
        raise OSError(f'could not write {path}')


def _text(path: str, text: str) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


# ---------------------------------------------------------------------------
# SUN RGB-D


def encode_sunrgbd_depth(mm: np.ndarray) -> np.ndarray:
    """How the release stores millimetres: a 16-bit left rotation by 3,
    written with plain integer arithmetic (independent of the decoder)."""
    mm = mm.astype(np.int64)
    return (((mm * 8) % 65536) + mm // 8192).astype(np.uint16)


#: Where the fixture puts a domain's samples (sun3ddata nests them).
_SUBSET_PATHS = {
    'NYUdata': 'NYU{i:04d}',
    'b3dodata': 'img_{i:04d}',
    'kinect2data': '{i:06d}_2014-05-26_14-23-37_260595134347_rgbf000103-'
    'resize',
    'align_kv2': '2014-12-17_15-09-38_{i:012d}',
    'lg': '2014_10_24-10_32_42-{i:010d}',
    'sa': '2014_10_21-18_31_15-{i:010d}',
    'sh': '2014_10_22-11_12_13-{i:010d}',
    'shr': '2014_10_23-12_13_14-{i:010d}',
    'sun3ddata': 'brown_bm_1/brown_bm_1/{i:07d}-000000000000',
    'xtion_align_data': '2014-07-01_16-21-53_{i:012d}',
}


def sunrgbd_depth_mm(seed: int, size=(6, 8)) -> Dict[str, np.ndarray]:
    """Raw and hole-filled depth (mm) of one fixture sample."""
    rng = np.random.default_rng(seed)
    filled = rng.integers(400, 9500, size).astype(np.uint16)
    filled[0, 0] = 1234  # hand-checked pixel
    raw = filled.copy()
    raw[-1, :] = 0  # holes the _bfx version fills
    return {'depth': raw, 'depth_bfx': filled}


def write_sunrgbd_sample(sample_dir: str, scene: str, seed: int,
                         size=(6, 8)) -> dict:
    """One official sample folder; returns the values it holds."""
    rng = np.random.default_rng(seed + 100000)
    frame = osp.basename(sample_dir)[:16]
    rgb = rng.integers(0, 256, size + (3, ), dtype=np.uint8)
    _write(osp.join(sample_dir, 'image', f'{frame}.jpg'), rgb)
    depths = sunrgbd_depth_mm(seed, size)
    for d, mm in depths.items():
        _write(
            osp.join(sample_dir, d, f'{frame}.png'), encode_sunrgbd_depth(mm))
    _text(osp.join(sample_dir, 'scene.txt'), scene)
    _text(osp.join(sample_dir, 'intrinsics.txt'), '520 0 320\n0 520 240\n')
    _text(osp.join(sample_dir, 'extrinsics', '20140101.txt'), '1 0 0 0\n')
    _text(osp.join(sample_dir, 'annotation2Dfinal', 'index.json'), '{}')
    # fullres/ holds images too, but is not a sample folder.
    _write(osp.join(sample_dir, 'fullres', f'{frame}.jpg'), rgb)
    return {
        'rgb_file': osp.join(sample_dir, 'image', f'{frame}.jpg'),
        'depth_mm': depths
    }


def write_sunrgbd_tree(
    root: str,
    tr_per_domain: Dict[str, int] = None,
    ti_classes: Sequence[str] = ('bedroom', 'library', 'study', 'home'),
    ti_per_domain: int = 1,
    tr_classes: Sequence[str] = SUNRGBD_TR_CLASSES,
    size=(6, 8)) -> dict:
    """An official ``SUNRGBD/`` tree: every TR class in every sensor
    (``tr_per_domain[d]`` samples each, spread round-robin over the
    sensor's subsets) and ``ti_per_domain`` samples of each TI class per
    sensor.

    Returns:
        dict: ``{'root': <SUNRGBD folder>, 'samples': [{'domain', 'cls',
        'rel', 'rgb_file', 'depth_mm'}...]}``.
    """
    tr_per_domain = tr_per_domain or {
        'kv1': 2,
        'kv2': 1,
        'realsense': 1,
        'xtion': 1
    }
    base = osp.join(root, 'SUNRGBD')
    samples: List[dict] = []
    seed = 0
    for domain, subsets in SUNRGBD_SENSORS.items():
        jobs = [(c, k) for c in tr_classes
                for k in range(tr_per_domain.get(domain, 0))]
        jobs += [(c, k) for c in ti_classes for k in range(ti_per_domain)]
        for i, (cls, _) in enumerate(jobs):
            subset = subsets[i % len(subsets)]
            rel = osp.join(domain, subset,
                           _SUBSET_PATHS[subset].format(i=i + 1))
            info = write_sunrgbd_sample(
                osp.join(base, rel), cls, seed, size=size)
            info.update(domain=domain, cls=cls, rel=rel)
            samples.append(info)
            seed += 1
    # Toolbox files at the top level of the release are not samples.
    _text(osp.join(base, 'readme.txt'), 'SUN RGB-D')
    return {'root': base, 'samples': samples}


# ---------------------------------------------------------------------------
# RGB-NIR Scene (EPFL)

#: The official category folders (``oldbuilding`` is one word on disk).
RGB_NIR_FOLDERS = ('country', 'field', 'forest', 'indoor', 'mountain',
                   'oldbuilding', 'street', 'urban', 'water')


def write_rgb_nir_tree(
    root: str,
    per_class: int = 2,
    folders: Sequence[str] = RGB_NIR_FOLDERS,
    size=(6, 8)) -> dict:
    """``nirscene1/<category>/<NNNN>_rgb.tiff`` + ``<NNNN>_nir.tiff``
    (8-bit; NIR single-channel), numbered across categories as in the
    release."""
    base = osp.join(root, 'nirscene1')
    samples = []
    idx = 0
    for folder in folders:
        for _ in range(per_class):
            rng = np.random.default_rng(idx)
            rgb = rng.integers(0, 256, size + (3, ), dtype=np.uint8)
            nir = rng.integers(0, 256, size, dtype=np.uint8)
            stem = f'{idx:04d}'
            _write(osp.join(base, folder, f'{stem}_rgb.tiff'), rgb)
            _write(osp.join(base, folder, f'{stem}_nir.tiff'), nir)
            samples.append(dict(folder=folder, stem=stem, rgb=rgb, nir=nir))
            idx += 1
    return {'root': base, 'samples': samples}


# ---------------------------------------------------------------------------
# DIML RGB+D sample set (indoor)

#: Scene folders of the indoor sample set, spelled as on disk (index prefix,
#: capitalised, words joined).
DIML_FOLDERS = ('01_Warehouse', '02_Library', '03_Bookstore', '04_Cafe',
                '05_Church', '06_Classroom', '07_Computerroom', '08_Corridor',
                '09_Hospital', '10_Kitchen', '11_Laboratory', '12_Livingroom',
                '13_Meetingroom', '14_Restaurant', '15_Store', '16_Bathroom',
                '17_Bedroom', '18_Billiardhall')


def write_diml_tree(
    root: str,
    per_class: Dict[str, int] = None,
    folders: Sequence[str] = DIML_FOLDERS,
    resolutions: Sequence[str] = ('HR', 'LR'),
    size=(6, 8)
) -> dict:
    """``<split>/<res>/<folder>/color/<name>_c.png`` and
    ``depth_filled/<name>_depth_filled.png`` (16-bit mm), for splits
    ``per_class`` = ``{'train': n, 'test': m}`` samples per class."""
    per_class = per_class or {'train': 2, 'test': 1}
    samples = []
    idx = 0
    for split, n in per_class.items():
        for folder in folders:
            for k in range(n):
                rng = np.random.default_rng(idx)
                name = f'in_{k:02d}_160126_{155700 + idx:06d}'
                rgb = rng.integers(0, 256, size + (3, ), dtype=np.uint8)
                depth = rng.integers(500, 9000, size).astype(np.uint16)
                depth[0, 0] = 2500
                for res in resolutions:
                    d = osp.join(root, split, res, folder)
                    _write(osp.join(d, 'color', f'{name}_c.png'), rgb)
                    _write(
                        osp.join(d, 'depth_filled',
                                 f'{name}_depth_filled.png'), depth)
                samples.append(
                    dict(
                        split=split,
                        folder=folder,
                        name=name,
                        rgb=rgb,
                        depth=depth))
                idx += 1
    return {'root': root, 'samples': samples}


__all__ = [
    'tree_digest', 'encode_sunrgbd_depth', 'write_sunrgbd_tree',
    'write_sunrgbd_sample', 'write_rgb_nir_tree', 'write_diml_tree',
    'SUNRGBD_TI_CLASSES', 'RGB_NIR_FOLDERS', 'DIML_FOLDERS'
]
