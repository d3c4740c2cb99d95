# Copyright (c) mmsocket contributors. All rights reserved.
"""SUN RGB-D (Song et al., CVPR 2015) to the format of
``docs/data_format.md``, split as in the SOCKET paper (Table 2).

Official layout (``SUNRGBD.zip`` from https://rgbd.cs.princeton.edu/)::

    SUNRGBD/<sensor>/<subset>/.../<sample>/
        image/<frame>.jpg        RGB
        depth/<frame>.png        raw sensor depth, 16 bit, bit-rotated
        depth_bfx/<frame>.png    the same, holes filled, same encoding
        scene.txt                scene class, e.g. 'computer_room'
        intrinsics.txt, extrinsics/, annotation*/, fullres/ ...

    sensor     subsets                            our domain
    kv1        NYUdata, b3dodata                  kv1
    kv2        kinect2data, align_kv2             kv2
    realsense  lg, sa, sh, shr                    realsense
    xtion      sun3ddata, xtion_align_data        xtion

A sample folder is a folder with an ``image/`` sub-folder (sun3ddata nests
them a few levels deep).

Depth encoding (SUN RGB-D toolbox, ``read3dPoints``): the 16 bits of each
PNG value are rotated; millimetres = ``(v >> 3) | (v << 13)`` in 16-bit
arithmetic (the toolbox then divides by 1000 for metres). We store those
millimetres, so ``depth.png`` of our format is plain millimetres.
"""
import os
import os.path as osp
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .common import (ClassResolver, SourceSample, check_on_unknown,
                     converter_options, write_converted)
from .decoding import (ConversionError, decode_sunrgbd_depth, read_color,
                       read_depth16)

#: Our domain name -> the official sensor folder's subsets.
SUNRGBD_SENSORS: Dict[str, Tuple[str, ...]] = {
    'kv1': ('NYUdata', 'b3dodata'),
    'kv2': ('kinect2data', 'align_kv2'),
    'realsense': ('lg', 'sa', 'sh', 'shr'),
    'xtion': ('sun3ddata', 'xtion_align_data'),
}
SUNRGBD_DOMAINS = tuple(SUNRGBD_SENSORS)

#: The 17 task-relevant classes (TGMB paper appendix; SOCKET rule: the
#: scene classes present in all four sensors). Alphabetical = label order.
SUNRGBD_TR_CLASSES = ('bathroom', 'classroom', 'computer_room',
                      'conference_room', 'corridor', 'discussion_area',
                      'home_office', 'idk', 'kitchen', 'lab', 'living_room',
                      'office', 'office_kitchen', 'printer_room',
                      'reception_room', 'rest_space', 'study_space')
#: The 28 task-irrelevant classes ('home, study' of the paper's list are
#: two classes, which makes 28).
SUNRGBD_TI_CLASSES = ('basement', 'bedroom', 'book_store', 'cafeteria',
                      'coffee_room', 'dancing_room', 'dinette', 'dining_area',
                      'dining_room', 'exhibition', 'furniture_store', 'gym',
                      'home', 'hotel_room', 'indoor_balcony', 'laundromat',
                      'lecture_theatre', 'library', 'lobby', 'mail_room',
                      'music_room', 'office_dining', 'play_room', 'reception',
                      'recreation_room', 'stairs', 'storage_room', 'study')

#: Depth files the converter can read (see docs/dataset_prepare.md).
DEPTH_DIRS = ('depth_bfx', 'depth')
_IMAGE_EXTS = ('.jpg', '.jpeg', '.png')


def read_sunrgbd_depth(path: str) -> np.ndarray:
    """Read a SUN RGB-D depth PNG and return millimetres (uint16)."""
    return decode_sunrgbd_depth(read_depth16(path))


def _single_file(folder: str, exts: Sequence[str], what: str) -> str:
    if not osp.isdir(folder):
        raise ConversionError(f'{folder} does not exist: the sample has no '
                              f'{what} (missing pair)')
    files = sorted(
        f for f in os.listdir(folder) if f.lower().endswith(tuple(exts)))
    if len(files) != 1:
        raise ConversionError(f'{folder} holds {len(files)} {what} files '
                              f'({files[:3]}...); expected exactly one')
    return osp.join(folder, files[0])


def find_sunrgbd_root(root: str) -> str:
    """Accept the ``SUNRGBD`` folder itself or a folder holding it."""
    for cand in (root, osp.join(root, 'SUNRGBD')):
        if any(osp.isdir(osp.join(cand, s)) for s in SUNRGBD_SENSORS):
            return cand
    raise FileNotFoundError(
        f'{root} is not the official SUNRGBD folder: none of the sensor '
        f'folders {list(SUNRGBD_SENSORS)} is in it (or in {root}/SUNRGBD)')


def iter_sample_dirs(subset_dir: str):
    """Yield every sample folder (one with an ``image/`` sub-folder)."""
    for cur, dirs, _ in os.walk(subset_dir):
        dirs.sort()
        if 'image' in dirs:
            dirs[:] = []  # a sample folder's sub-folders are its data
            yield cur


def read_scene(sample_dir: str) -> str:
    path = osp.join(sample_dir, 'scene.txt')
    if not osp.isfile(path):
        raise ConversionError(f'{path} does not exist: the sample has no '
                              'scene class')
    with open(path, encoding='utf-8', errors='replace') as f:
        scene = f.read().strip()
    if not scene:
        raise ConversionError(f'{path} is empty: the sample has no scene '
                              'class')
    return scene


def collect_sunrgbd(root: str,
                    tr_classes: Sequence[str] = SUNRGBD_TR_CLASSES,
                    ti_classes: Sequence[str] = SUNRGBD_TI_CLASSES,
                    depth_dir: str = 'depth_bfx',
                    on_unknown: str = 'error',
                    class_aliases: Optional[Dict[str, str]] = None):
    """List the samples of an official SUN RGB-D tree.

    Returns:
        tuple: ``(samples, info)``; ``info`` holds the counts per subset,
        the skipped samples per unknown scene name and the missing subsets.
    """
    if depth_dir not in DEPTH_DIRS:
        raise ValueError(f'depth_dir must be one of {DEPTH_DIRS}')
    check_on_unknown(on_unknown)
    root = find_sunrgbd_root(root)
    resolver = ClassResolver(
        list(tr_classes) + list(ti_classes), class_aliases, on_unknown)
    samples: List[SourceSample] = []
    per_subset: Counter = Counter()
    missing_subsets = []
    for domain, subsets in SUNRGBD_SENSORS.items():
        for subset in subsets:
            subset_dir = osp.join(root, domain, subset)
            if not osp.isdir(subset_dir):
                missing_subsets.append(f'{domain}/{subset}')
                continue
            for sdir in iter_sample_dirs(subset_dir):
                rel = osp.relpath(sdir, root)
                scene = read_scene(sdir)
                cls = resolver.resolve(
                    scene,
                    osp.join(sdir, 'scene.txt'),
                    'scene class',
                    skipping='skip such samples (they are counted in the '
                    'summary)')
                if cls is None:
                    continue
                rgb = _single_file(
                    osp.join(sdir, 'image'), _IMAGE_EXTS, 'RGB image')
                depth = _single_file(
                    osp.join(sdir, depth_dir), ('.png', ), 'depth image')
                name = osp.relpath(sdir,
                                   osp.join(root,
                                            domain)).replace(os.sep, '__')
                samples.append(
                    SourceSample(
                        domain=domain,
                        cls=cls,
                        name=name,
                        source=rel,
                        files={
                            'rgb': (rgb, read_color),
                            'depth': (depth, read_sunrgbd_depth)
                        }))
                per_subset[f'{domain}/{subset}'] += 1
    if not per_subset and not resolver.skipped:
        raise ConversionError(f'{root}: no sample folder (a folder with an '
                              'image/ sub-folder) was found')
    info = {
        'samples_per_subset': dict(sorted(per_subset.items())),
        'skipped_unknown_class': dict(sorted(resolver.skipped.items())),
        'missing_subsets': missing_subsets,
    }
    return samples, info


def convert_sunrgbd(src_root: str,
                    out_dir: str = 'data/sunrgbd',
                    tr_classes: Sequence[str] = SUNRGBD_TR_CLASSES,
                    ti_classes: Sequence[str] = SUNRGBD_TI_CLASSES,
                    depth_dir: str = 'depth_bfx',
                    on_unknown: str = 'error',
                    class_aliases: Optional[Dict[str, str]] = None,
                    overwrite: bool = False,
                    workers: int = 0,
                    progress: bool = True) -> dict:
    """Convert the official SUN RGB-D release.

    Args:
        src_root (str): The ``SUNRGBD`` folder (or the folder holding it).
        out_dir (str): Output data root. Defaults to ``'data/sunrgbd'``.
        tr_classes, ti_classes: Class lists; default to the paper's 17/28.
        depth_dir (str): ``'depth_bfx'`` (hole-filled, default) or
            ``'depth'`` (raw); both use the same bit-rotated encoding.
        on_unknown (str): A sample whose scene is in neither list:
            ``'error'`` (default) or ``'skip'`` (counted in the summary
            under ``skipped_unknown_class``).
        class_aliases (dict, optional): Extra scene spellings.
        overwrite (bool): Replace a previous conversion at ``out_dir``.
        workers (int): Decoding processes (0: in this process).
        progress (bool): Show a progress bar while decoding.

    Returns:
        dict: Counts (also in ``meta.json``).
    """
    samples, info = collect_sunrgbd(src_root, tr_classes, ti_classes,
                                    depth_dir, on_unknown, class_aliases)
    return write_converted(
        samples,
        src_root=src_root,
        out_dir=out_dir,
        name='sunrgbd',
        domains=SUNRGBD_DOMAINS,
        tr_classes=tr_classes,
        ti_classes=ti_classes,
        modalities=('rgb', 'depth'),
        meta_extra={
            'source':
            'SUN RGB-D (Song et al., CVPR 2015), '
            'https://rgbd.cs.princeton.edu/',
            'depth_source':
            f'{depth_dir}/*.png, bit rotation undone '
            '(SUN RGB-D toolbox read3dPoints), stored in millimetres',
            'depth_range_m': [0.0, 8.0],
            'options':
            converter_options(on_unknown, class_aliases, depth_dir=depth_dir),
        },
        summary_extra=info,
        overwrite=overwrite,
        workers=workers,
        progress=progress)
