# Copyright (c) mmsocket contributors. All rights reserved.
"""DIML/CVL RGB+D sample set (Cho et al., 2021; indoor part) to the format
of ``docs/data_format.md``, split as in the SOCKET paper (Table 2).

Official layout of the indoor sample set (https://dimlrgbd.github.io/)::

    <root>/<split>/<res>/<NN>_<Scene>/color/<name>_c.png
                                     depth_filled/<name>_depth_filled.png
                                     (and other folders, not read)

``split`` is ``train`` (1609 pairs) or ``test`` (503), ``res`` is ``HR``
(1344x756) or ``LR`` (512x288), and there are 18 indoor scene folders
(e.g. ``01_Warehouse``; spellings are matched by letters only, so
``Livingroom``/``living room`` both give ``living_room``). Depth is a
16-bit PNG in millimetres (Kinect v2, holes filled), stored unchanged.

The SOCKET paper splits the *training* pairs into source RGB and target
depth (TR 527 + TI 1088 = 1615); the TGMB paper uses all 2112 pairs
(TR 693 + TI 1419). ``splits=('train',)`` (default) or ``('train',
'test')`` choose between the two.
"""
import os
import os.path as osp
from collections import Counter
from typing import Dict, List, Optional, Sequence

from .common import (ClassResolver, SourceSample, check_on_unknown,
                     converter_options, write_converted)
from .decoding import ConversionError, read_color, read_depth16

DIML_DOMAIN = 'diml'
DIML_TR_CLASSES = ('bathroom', 'classroom', 'computer_room', 'corridor',
                   'kitchen', 'living_room')
DIML_TI_CLASSES = ('bedroom', 'billiard_hall', 'book_store', 'cafe', 'church',
                   'hospital', 'laboratory', 'library', 'meeting_room',
                   'restaurant', 'store', 'warehouse')
#: Other spellings we accept for DIML scene folders.
DIML_ALIASES = {'lab': 'laboratory', 'billiard': 'billiard_hall'}
DIML_SPLITS = ('train', 'test')
DIML_RESOLUTIONS = ('HR', 'LR')


def find_diml_root(root: str, splits: Sequence[str], resolution: str) -> str:
    """The folder holding ``<split>/<res>/`` (``root`` or one below it)."""
    cands = [root] + sorted(
        osp.join(root, d)
        for d in (os.listdir(root) if osp.isdir(root) else ())
        if osp.isdir(osp.join(root, d)))
    for cand in cands:
        if all(osp.isdir(osp.join(cand, s, resolution)) for s in splits):
            return cand
    raise FileNotFoundError(
        f'{root} is not the DIML sample set: no '
        f'{"/".join(splits)}/{resolution}/ folders in it or one level below')


def collect_diml(root: str,
                 tr_classes: Sequence[str] = DIML_TR_CLASSES,
                 ti_classes: Sequence[str] = DIML_TI_CLASSES,
                 splits: Sequence[str] = ('train', ),
                 resolution: str = 'LR',
                 on_unknown: str = 'error',
                 class_aliases: Optional[Dict[str, str]] = None):
    """List the pairs of an official DIML sample-set tree.

    Returns:
        tuple: ``(samples, info)`` with per-scene-folder counts and skipped
        folders.
    """
    check_on_unknown(on_unknown)
    if resolution not in DIML_RESOLUTIONS:
        raise ValueError(f'resolution must be one of {DIML_RESOLUTIONS}')
    if not splits or set(splits) - set(DIML_SPLITS):
        raise ValueError(f'splits must be a subset of {DIML_SPLITS}')
    root = find_diml_root(root, splits, resolution)
    classes = list(tr_classes) + list(ti_classes)
    aliases = {k: v for k, v in DIML_ALIASES.items() if v in classes}
    aliases.update(class_aliases or {})
    resolver = ClassResolver(classes, aliases, on_unknown)
    samples: List[SourceSample] = []
    per_folder: Counter = Counter()
    for split in splits:
        res_dir = osp.join(root, split, resolution)
        for folder in sorted(os.listdir(res_dir)):
            fdir = osp.join(res_dir, folder)
            if not osp.isdir(fdir):
                continue
            color_dir = osp.join(fdir, 'color')
            if not osp.isdir(color_dir):
                raise ConversionError(f'{fdir} has no color/ folder; not a '
                                      'DIML scene folder')
            colors = sorted(
                f for f in os.listdir(color_dir)
                if f.lower().endswith('_c.png'))
            cls = resolver.resolve(folder, fdir, 'scene', len(colors))
            if cls is None:
                continue
            for f in colors:
                name = f[:-len('_c.png')]
                depth = osp.join(fdir, 'depth_filled',
                                 f'{name}_depth_filled.png')
                if not osp.isfile(depth):
                    raise ConversionError(
                        f'{osp.join(color_dir, f)} has no depth partner '
                        f'({depth} is missing: missing pair)')
                samples.append(
                    SourceSample(
                        domain=DIML_DOMAIN,
                        cls=cls,
                        name=f'{split}__{name}',
                        source=osp.join(split, resolution, folder, name),
                        files={
                            'rgb': (osp.join(color_dir, f), read_color),
                            'depth': (depth, read_depth16)
                        }))
            per_folder[f'{split}/{folder}'] = len(colors)
    info = {
        'samples_per_scene_folder': dict(per_folder),
        'skipped_unknown_class': dict(resolver.skipped),
    }
    return samples, info


def convert_diml(src_root: str,
                 out_dir: str = 'data/diml',
                 tr_classes: Sequence[str] = DIML_TR_CLASSES,
                 ti_classes: Sequence[str] = DIML_TI_CLASSES,
                 splits: Sequence[str] = ('train', ),
                 resolution: str = 'LR',
                 on_unknown: str = 'error',
                 class_aliases: Optional[Dict[str, str]] = None,
                 overwrite: bool = False,
                 workers: int = 0,
                 progress: bool = True) -> dict:
    """Convert the official DIML RGB+D indoor sample set.

    Args:
        src_root (str): The folder holding ``train/`` and ``test/``.
        out_dir (str): Output data root. Defaults to ``'data/diml'``.
        tr_classes, ti_classes: Class lists; default to the paper's 6/12.
        splits (Sequence[str]): Official splits to read; ``('train',)``
            (SOCKET, default) or ``('train', 'test')`` (TGMB's 2112 pairs).
        resolution (str): ``'LR'`` (512x288, default; the pipelines resize
            to 256x256 anyway) or ``'HR'``.
        on_unknown (str): A scene folder in neither list: ``'error'``
            (default) or ``'skip'`` (its pairs are counted).
        class_aliases (dict, optional): Extra folder spellings.
        overwrite (bool): Replace a previous conversion at ``out_dir``.
        workers (int): Decoding processes (0: in this process).
        progress (bool): Show a progress bar while decoding.

    Returns:
        dict: Counts (also in ``meta.json``).
    """
    samples, info = collect_diml(src_root, tr_classes, ti_classes, splits,
                                 resolution, on_unknown, class_aliases)
    return write_converted(
        samples,
        src_root=src_root,
        out_dir=out_dir,
        name='diml',
        domains=(DIML_DOMAIN, ),
        tr_classes=tr_classes,
        ti_classes=ti_classes,
        modalities=('rgb', 'depth'),
        meta_extra={
            'source':
            'DIML/CVL RGB+D sample set, indoor (Cho et al., '
            '2021), https://dimlrgbd.github.io/',
            'depth_source':
            'depth_filled/<name>_depth_filled.png, 16-bit '
            'millimetres, copied unchanged',
            'depth_range_m': [0.0, 8.0],
            'options':
            converter_options(
                on_unknown,
                class_aliases,
                splits=list(splits),
                resolution=resolution),
        },
        summary_extra=info,
        overwrite=overwrite,
        workers=workers,
        progress=progress)
