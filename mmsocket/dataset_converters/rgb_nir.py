# Copyright (c) mmsocket contributors. All rights reserved.
"""RGB-NIR Scene (Brown & Suesstrunk, CVPR 2011; EPFL IVRL) to the format
of ``docs/data_format.md``, split as in the SOCKET paper (Table 2).

Official layout (``nirscene1.zip``)::

    nirscene1/<category>/<NNNN>_rgb.tiff    8-bit colour
                         <NNNN>_nir.tiff    8-bit near-infrared (one band)

with the nine categories country, field, forest, indoor, mountain,
oldbuilding, street, urban, water (477 pairs). One domain, ``rgb_nir``;
TR = country, field, indoor, mountain, street, water; TI = forest,
old_building, urban.
"""
import os
import os.path as osp
from collections import Counter
from typing import Dict, List, Optional, Sequence

from .common import (ClassResolver, SourceSample, check_on_unknown,
                     converter_options, write_converted)
from .decoding import ConversionError, read_color, read_gray8

RGB_NIR_DOMAIN = 'rgb_nir'
RGB_NIR_TR_CLASSES = ('country', 'field', 'indoor', 'mountain', 'street',
                      'water')
RGB_NIR_TI_CLASSES = ('forest', 'old_building', 'urban')
_TIFF = ('.tiff', '.tif')


def find_rgb_nir_root(root: str) -> str:
    """Accept the ``nirscene1`` folder itself or a folder holding it."""
    for cand in (root, osp.join(root, 'nirscene1')):
        if osp.isdir(cand) and any(f.lower().endswith(_TIFF)
                                   for d in os.listdir(cand)
                                   if osp.isdir(osp.join(cand, d))
                                   for f in os.listdir(osp.join(cand, d))):
            return cand
    raise FileNotFoundError(
        f'{root} is not the RGB-NIR Scene folder: no category folder with '
        f'*_rgb.tiff / *_nir.tiff files in it (or in {root}/nirscene1)')


def _pairs(folder: str) -> Dict[str, Dict[str, str]]:
    pairs: Dict[str, Dict[str, str]] = {}
    for f in sorted(os.listdir(folder)):
        stem, ext = osp.splitext(f)
        if ext.lower() not in _TIFF:
            continue
        for band in ('rgb', 'nir'):
            if stem.lower().endswith('_' + band):
                pairs.setdefault(stem[:-len(band) - 1],
                                 {})[band] = osp.join(folder, f)
    for stem, files in pairs.items():
        for band in ('rgb', 'nir'):
            if band not in files:
                other = next(iter(files.values()))
                raise ConversionError(
                    f'{other} has no {band.upper()} partner '
                    f'({stem}_{band}.tiff is missing: missing pair)')
    return pairs


def collect_rgb_nir(root: str,
                    tr_classes: Sequence[str] = RGB_NIR_TR_CLASSES,
                    ti_classes: Sequence[str] = RGB_NIR_TI_CLASSES,
                    on_unknown: str = 'error',
                    class_aliases: Optional[Dict[str, str]] = None):
    """List the pairs of an official RGB-NIR Scene tree.

    Returns:
        tuple: ``(samples, info)`` with per-category counts and skipped
        folders.
    """
    check_on_unknown(on_unknown)
    root = find_rgb_nir_root(root)
    resolver = ClassResolver(
        list(tr_classes) + list(ti_classes), class_aliases, on_unknown)
    samples: List[SourceSample] = []
    per_folder: Counter = Counter()
    for folder in sorted(os.listdir(root)):
        fdir = osp.join(root, folder)
        if not osp.isdir(fdir):
            continue
        pairs = _pairs(fdir)
        cls = resolver.resolve(folder, fdir, 'category', len(pairs))
        if cls is None:
            continue
        for stem, files in pairs.items():
            samples.append(
                SourceSample(
                    domain=RGB_NIR_DOMAIN,
                    cls=cls,
                    name=stem,
                    source=osp.join(folder, stem),
                    files={
                        'rgb': (files['rgb'], read_color),
                        'nir': (files['nir'], read_gray8)
                    }))
        per_folder[folder] = len(pairs)
    info = {
        'samples_per_category': dict(per_folder),
        'skipped_unknown_class': dict(resolver.skipped),
    }
    return samples, info


def convert_rgb_nir(src_root: str,
                    out_dir: str = 'data/rgb_nir',
                    tr_classes: Sequence[str] = RGB_NIR_TR_CLASSES,
                    ti_classes: Sequence[str] = RGB_NIR_TI_CLASSES,
                    on_unknown: str = 'error',
                    class_aliases: Optional[Dict[str, str]] = None,
                    overwrite: bool = False,
                    workers: int = 0,
                    progress: bool = True) -> dict:
    """Convert the official RGB-NIR Scene release.

    Args:
        src_root (str): The ``nirscene1`` folder (or the folder holding it).
        out_dir (str): Output data root. Defaults to ``'data/rgb_nir'``.
        tr_classes, ti_classes: Class lists; default to the paper's 6/3.
        on_unknown (str): A category folder in neither list: ``'error'``
            (default) or ``'skip'`` (its pairs are counted in the summary).
        class_aliases (dict, optional): Extra folder spellings.
        overwrite (bool): Replace a previous conversion at ``out_dir``.
        workers (int): Decoding processes (0: in this process).
        progress (bool): Show a progress bar while decoding.

    Returns:
        dict: Counts (also in ``meta.json``).
    """
    samples, info = collect_rgb_nir(src_root, tr_classes, ti_classes,
                                    on_unknown, class_aliases)
    return write_converted(
        samples,
        src_root=src_root,
        out_dir=out_dir,
        name='rgb_nir',
        domains=(RGB_NIR_DOMAIN, ),
        tr_classes=tr_classes,
        ti_classes=ti_classes,
        modalities=('rgb', 'nir'),
        meta_extra={
            'source':
            'RGB-NIR Scene (Brown & Suesstrunk, CVPR 2011), '
            'https://www.epfl.ch/labs/ivrl/research/downloads/'
            'rgb-nir-scene-dataset/',
            'nir_source':
            '<NNNN>_nir.tiff, stored as 8-bit one-channel '
            'PNG (16-bit input scaled by 1/257)',
            'options':
            converter_options(on_unknown, class_aliases),
        },
        summary_extra=info,
        overwrite=overwrite,
        workers=workers,
        progress=progress)
