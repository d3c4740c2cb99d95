# Copyright (c) mmsocket contributors. All rights reserved.
"""What every real-data converter shares: image decoding with errors that
name the file, class-name matching (:class:`ClassResolver`: spellings,
aliases, the unknown-class policy), the deterministic 90/10 split and the
annotation files of ``docs/data_format.md`` (:func:`write_converted`, with
a progress bar and a per-class summary).

A converter (``sunrgbd.py``, ``rgb_nir.py``, ``diml.py``,
``paired_folders.py``, ``socket_layout.py``) only discovers the samples of
its source tree, resolves their classes and hands them to
:func:`write_converted`. Where and how the output is written safely (the
source only read, a staging folder moved into place at the end, leftovers
of a killed run cleaned): :mod:`.output`.
"""
import hashlib
import math
import os
import os.path as osp
import re
import shutil
import sys
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Union

import cv2
import numpy as np
from mmengine.utils import ProgressBar

from .decoding import ConversionError
from .output import (check_output, clean_leftovers, dump_json, replace_dir,
                     staging_dir)

#: Bumped when the output of a converter changes.
CONVERTER_VERSION = 1

#: Decodes one source image file into the array written to our format.
Decoder = Callable[[str], np.ndarray]

# ---------------------------------------------------------------------------
# class names


def class_key(name: str) -> str:
    """Spelling-independent key of a scene-class name.

    Official releases spell classes differently ('computer_room',
    'computer room', '03_Computerroom', '12. Livingroom', 'oldbuilding'):
    a leading index is dropped, then everything but letters.
    """
    name = re.sub(r'^\s*\d+\s*[._\-\s]\s*', '', name.strip())
    return re.sub(r'[^a-z]', '', name.lower())


def build_class_matcher(
        classes: Sequence[str],
        aliases: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """Map :func:`class_key` of every accepted spelling to a class name.

    Args:
        classes: Canonical class names (our spelling, e.g. 'computer_room').
        aliases: Extra spellings, ``{spelling: canonical name}``.
    """
    matcher: Dict[str, str] = {}
    for c in classes:
        k = class_key(c)
        if k in matcher and matcher[k] != c:
            raise ValueError(f'classes {matcher[k]!r} and {c!r} collide')
        matcher[k] = c
    for spelling, c in (aliases or {}).items():
        if c not in classes:
            raise ValueError(f'alias {spelling!r} -> {c!r}: {c!r} is not a '
                             f'known class ({sorted(classes)})')
        matcher[class_key(spelling)] = c
    return matcher


#: What to do with a sample whose class is in neither list.
UNKNOWN_POLICIES = ('error', 'skip')


def check_on_unknown(on_unknown: str) -> None:
    """Refuse an ``on_unknown`` that is not one of :data:`UNKNOWN_POLICIES`."""
    if on_unknown not in UNKNOWN_POLICIES:
        raise ValueError("on_unknown must be 'error' or 'skip'")


class ClassResolver:
    """Our class of an official class name, and the policy for names in
    neither class list: an error that says how to go on, or skip and count.

    Args:
        classes: Canonical class names (TR + TI).
        aliases: Extra spellings, ``{spelling: canonical name}``.
        on_unknown: ``'error'`` or ``'skip'``.

    Attributes:
        skipped (Counter): Official name -> samples skipped.
    """

    def __init__(self, classes: Sequence[str],
                 aliases: Optional[Dict[str, str]], on_unknown: str) -> None:
        check_on_unknown(on_unknown)
        self.matcher = build_class_matcher(classes, aliases)
        self.on_unknown = on_unknown
        self.skipped: Counter = Counter()

    def resolve(
            self,
            name: str,
            where: str,
            what: str,
            n: int = 1,
            skipping: str = 'skip it (its pairs are counted)'
    ) -> Optional[str]:
        """The canonical class of ``name``, or None (``n`` samples skipped).

        Args:
            name: The official spelling (folder name, scene.txt content).
            where: The file or folder the error names.
            what: What ``name`` is, for the error ('scene', 'category').
            n: Samples that carry ``name`` (counted when skipped).
            skipping: What ``--skip-unknown`` does, for the error.

        Raises:
            ConversionError: ``name`` is unknown and the policy is 'error'.
        """
        cls = self.matcher.get(class_key(name))
        if cls is None:
            if self.on_unknown == 'error':
                raise ConversionError(
                    f'{where}: {what} {name!r} is in neither the TR nor the '
                    "TI class list; pass --skip-unknown (on_unknown='skip') "
                    f'to {skipping} or --class-alias to map the spelling')
            self.skipped[name] += n
        return cls


def converter_options(on_unknown: str, class_aliases: Optional[Dict[str, str]],
                      **options) -> dict:
    """The ``options`` entry of ``meta.json``: a converter's own options,
    then the class-matching ones every converter takes."""
    return dict(
        options, on_unknown=on_unknown, class_aliases=class_aliases or {})


def parse_aliases(items: Optional[Sequence[str]]) -> Dict[str, str]:
    """``['Lab=laboratory', ...]`` (command-line form) to a dict."""
    out = {}
    for item in items or ():
        if '=' not in item:
            raise ValueError(f'class alias {item!r} is not SPELLING=CLASS')
        k, v = item.split('=', 1)
        out[k.strip()] = v.strip()
    return out


# ---------------------------------------------------------------------------
# samples and splits


@dataclass
class SourceSample:
    """One paired sample of an official release.

    Attributes:
        domain: Our domain name (e.g. 'kv1').
        cls: Canonical class name.
        name: Sample name, unique within (domain, class); becomes the
            folder ``images/<domain>/<cls>/<name>/``.
        source: The sample's path relative to the source root (recorded in
            the annotations so a sample can be traced back).
        files: ``{modality: (source file, decoder)}``.
    """
    domain: str
    cls: str
    name: str
    source: str
    files: Dict[str, tuple] = field(default_factory=dict)

    @property
    def sample_id(self) -> str:
        return f'{self.domain}/{self.cls}/{self.name}'


def n_val(n: int) -> int:
    """Validation samples of a class with ``n`` TR samples (10 %); the
    synthetic benchmark uses the same rule."""
    return 0 if n < 2 else max(1, int(round(n / 10)))


def split_train_val(records: List[dict], num_classes: int):
    """Deterministic per-class 90/10 split.

    The validation samples of a class are those with the smallest SHA-1 of
    their ``sample_id``: independent of listing order and platform, and not
    the last frames of a sequence (official releases list frames of one
    recording together).
    """
    val_ids = set()
    for label in range(num_classes):
        ids = sorted(
            (hashlib.sha1(r['sample_id'].encode()).hexdigest(), r['sample_id'])
            for r in records if r['gt_label'] == label)
        val_ids.update(sid for _, sid in ids[:n_val(len(ids))])
    train = [r for r in records if r['sample_id'] not in val_ids]
    val = [r for r in records if r['sample_id'] in val_ids]
    return train, val


# ---------------------------------------------------------------------------
# writing


def _write_png(path: str, img: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, img):
        raise OSError(f'could not write {path}')


#: Depth statistics: valid readings binned by centimetre up to this many
#: (the last bin holds everything beyond).
DEPTH_HIST_BINS = 2001


def _convert_one(args) -> Optional[np.ndarray]:
    """Decode and write one sample; return its depth histogram (valid
    readings by centimetre), if it has depth."""
    stage, sample = args
    hist = None
    for modality, (src, decode) in sample.files.items():
        img = decode(src)
        _write_png(
            osp.join(stage, 'images', sample.domain, sample.cls, sample.name,
                     f'{modality}.png'), img)
        if modality == 'depth':
            valid = img[img > 0].astype(np.int64) // 10
            hist = np.bincount(
                np.minimum(valid, DEPTH_HIST_BINS - 1),
                minlength=DEPTH_HIST_BINS)
    return hist


def _decode_all(tasks: list, workers: int, progress: bool) -> list:
    """:func:`_convert_one` over ``tasks`` (in worker processes if asked),
    with mmengine's progress bar."""
    bar = ProgressBar(len(tasks), file=sys.stdout) if progress else None
    results = []
    if workers and workers > 1 and len(tasks) > 8:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context('fork' if 'fork' in
                                          methods else None)
        with ProcessPoolExecutor(workers, ctx) as pool:
            for result in pool.map(_convert_one, tasks, chunksize=16):
                results.append(result)
                if bar:
                    bar.update()
    else:
        for task in tasks:
            results.append(_convert_one(task))
            if bar:
                bar.update()
    if bar:
        sys.stdout.write('\n')
    return results


def depth_statistics(hists: Sequence[Optional[np.ndarray]]) -> Optional[dict]:
    """Percentiles (m) of the valid depth readings of all samples."""
    hists = [h for h in hists if h is not None]
    if not hists:
        return None
    total = np.sum(hists, axis=0)
    n = int(total.sum())
    if not n:
        return dict(valid_pixels=0)
    cum = np.cumsum(total)
    out = dict(valid_pixels=n)
    for q in (1, 50, 99, 99.5):
        bin_ = int(np.searchsorted(cum, q / 100.0 * n))
        out[f'p{q:g}_m'] = round((bin_ + 1) * 0.01, 2)
    return out


def auto_depth_range(stats: Optional[dict]) -> List[float]:
    """(0, the 99.5th percentile of the valid depth rounded up to 0.5 m):
    nearly every reading gets its own grey levels, a few far outliers are
    clipped."""
    if not stats or not stats.get('valid_pixels'):
        raise ConversionError('no valid depth reading (all pixels are 0): '
                              'cannot choose a depth range; pass '
                              '--depth-range LO HI')
    return [0.0, max(0.5, math.ceil(stats['p99.5_m'] * 2) / 2)]


def _records(samples: List[SourceSample], classes: List[str],
             modalities: List[str]) -> List[dict]:
    label = {c: i for i, c in enumerate(classes)}
    out = []
    for s in sorted(samples, key=lambda s: s.sample_id):
        rec = OrderedDict(sample_id=s.sample_id)
        for m in modalities:
            rec[f'{m}_path'] = f'images/{s.sample_id}/{m}.png'
        rec['gt_label'] = label[s.cls]
        rec['source'] = s.source
        out.append(rec)
    return out


def _annotation(classes, domain, split, modalities, data_list, **extra):
    return {
        'metainfo':
        dict(
            classes=classes,
            domain=domain,
            split=split,
            modalities=modalities,
            **extra),
        'data_list':
        data_list
    }


def write_converted(samples: List[SourceSample],
                    *,
                    src_root: Union[str, Sequence[str]],
                    out_dir: str,
                    name: str,
                    domains: Sequence[str],
                    tr_classes: Sequence[str],
                    ti_classes: Sequence[str],
                    modalities: Sequence[str],
                    meta_extra: dict,
                    summary_extra: Optional[dict] = None,
                    overwrite: bool = False,
                    workers: int = 0,
                    allow_no_ti: bool = False,
                    keep_class_order: bool = False,
                    depth_range: Union[None, str, Sequence[float]] = None,
                    progress: bool = True,
                    log: Callable[[str], None] = print) -> dict:
    """Decode every sample and write the data set of ``docs/data_format.md``.

    Args:
        samples: The samples to write (already filtered to TR + TI classes).
            TR samples belong to one of ``domains``; TI samples may carry
            any domain name (e.g. ``'ti'`` for a pooled set).
        src_root: The source tree(s) (only read; see
            :func:`.output.check_output`).
        out_dir, overwrite: See :func:`.output.check_output`.
        name: Data set name for ``meta.json``.
        domains: Domains, in order; each gets ``<domain>_tr*.json``.
        tr_classes, ti_classes: Class lists; sorted here (label = index in
            alphabetical order, the SOCKET code's rule) unless
            ``keep_class_order`` (a list given in a classifier's order).
        modalities: e.g. ``['rgb', 'depth']``.
        meta_extra: Added to ``meta.json`` (depth unit/range, source
            description, converter options).
        summary_extra: Added to the returned summary (e.g. skipped counts).
        workers: Processes for decoding; 0 or 1 decodes in this process.
        allow_no_ti: Write a data set without TI pairs (no ``ti.json``;
            enough for source training, SHOT and evaluation).
        keep_class_order: Label the TR classes in the given order.
        depth_range: ``meta.json``'s ``depth_range_m``: a ``(lo, hi)`` in
            metres, ``'auto'`` (:func:`auto_depth_range` of the converted
            depth) or None (the converter's ``meta_extra`` says it).
        progress: Show mmengine's progress bar while decoding.
        log: Where the notes on cleaned leftovers go.

    Returns:
        dict: The summary that is also stored in ``meta.json`` under
        ``"counts"``: TR counts per domain and class, TI counts per domain
        and class, the train/val sizes, depth statistics, and
        ``summary_extra``.

    Raises:
        ConversionError: An empty TR set of a domain, an empty TI set, or an
            undecodable file (the message names it).
    """
    clean_leftovers(out_dir, log)
    check_output(src_root, out_dir, overwrite)
    tr = list(tr_classes) if keep_class_order else sorted(tr_classes)
    ti = sorted(ti_classes)
    if set(tr) & set(ti):
        raise ValueError(f'TR and TI classes overlap: {set(tr) & set(ti)}')
    modalities = list(modalities)
    tr_samples = {d: [] for d in domains}
    ti_samples = []
    for s in samples:
        if set(s.files) != set(modalities):
            raise ConversionError(f'sample {s.source} has modalities '
                                  f'{sorted(s.files)}, not {modalities}')
        if s.cls in tr:
            if s.domain not in tr_samples:
                raise ValueError(f'sample {s.source}: unknown domain '
                                 f'{s.domain}')
            tr_samples[s.domain].append(s)
        elif s.cls in ti:
            ti_samples.append(s)
        else:
            raise ValueError(f'sample {s.source}: class {s.cls!r} is in '
                             'neither list')
    ids = Counter(s.sample_id for s in samples)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        raise ConversionError(f'sample names collide: {dup[:5]}')
    for d, recs in tr_samples.items():
        if not recs:
            raise ConversionError(
                f'{src_root}: no task-relevant sample of domain {d!r} '
                f'(classes {tr}) was found')
    if not ti_samples and not allow_no_ti:
        raise ConversionError(
            f'{src_root}: the task-irrelevant set is empty: no sample of the '
            f'TI classes {ti} was found')

    stage = staging_dir(out_dir)
    try:
        hists = _decode_all([(stage, s) for s in samples], workers, progress)
        ann_dir = osp.join(stage, 'annotations')
        os.makedirs(ann_dir)
        counts: dict = {'tr': {}, 'tr_train': {}, 'tr_val': {}, 'ti': {}}
        missing = {}
        for d in domains:
            recs = _records(tr_samples[d], tr, modalities)
            train, val = split_train_val(recs, len(tr))
            for split, data in (('tr', recs), ('tr_train', train), ('tr_val',
                                                                    val)):
                dump_json(
                    osp.join(ann_dir, f'{d}_{split}.json'),
                    _annotation(tr, d, split, modalities, data))
                counts[split][d] = len(data)
            per_class = Counter(s.cls for s in tr_samples[d])
            counts.setdefault('tr_per_class', {})[d] = {
                c: per_class.get(c, 0)
                for c in tr
            }
            absent = [c for c in tr if not per_class.get(c)]
            if absent:
                missing[d] = absent
        if ti_samples:
            dump_json(
                osp.join(ann_dir, 'ti.json'),
                _annotation(
                    ti,
                    'all',
                    'ti',
                    modalities,
                    _records(ti_samples, ti, modalities),
                    domains=sorted({s.domain
                                    for s in ti_samples})))
        counts['ti'] = dict(Counter(s.domain for s in ti_samples))
        counts['ti_total'] = len(ti_samples)
        counts['ti_per_class'] = dict(
            sorted(Counter(s.cls for s in ti_samples).items()))
        counts['missing_tr_classes'] = missing
        stats = depth_statistics(hists)
        if stats is not None:
            counts['depth'] = stats
        counts.update(summary_extra or {})
        meta = {
            'name': name,
            'tr_classes': tr,
            'ti_classes': ti,
            'domains': list(domains),
            'modalities': modalities,
            'depth_unit_mm': 1,
            'converter': {
                'name': name,
                'version': CONVERTER_VERSION,
            },
            'counts': counts,
        }
        meta.update(meta_extra)
        if depth_range == 'auto':
            meta['depth_range_m'] = auto_depth_range(stats)
            meta['depth_range_from'] = ('auto: 0 to the 99.5th percentile '
                                        'of the valid depth, rounded up '
                                        'to 0.5 m')
        elif depth_range is not None:
            meta['depth_range_m'] = [float(v) for v in depth_range]
            meta['depth_range_from'] = 'given'
        counts['depth_range_m'] = meta.get('depth_range_m')
        # meta.json last: its presence marks a complete output.
        dump_json(osp.join(stage, 'meta.json'), meta)
        replace_dir(stage, out_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return counts


def format_summary(counts: dict) -> str:
    """Human-readable lines of a conversion summary (for the CLIs): per
    domain, the TR split sizes and each class's samples; the TI pairs per
    class; skipped samples; the depth range and statistics."""
    lines = []
    for d, n in counts['tr'].items():
        ti = counts['ti'].get(d)
        lines.append(f'{d}: TR {n} (train {counts["tr_train"][d]}, val '
                     f'{counts["tr_val"][d]})' + (f', TI {ti}' if ti else ''))
        per_class = counts.get('tr_per_class', {}).get(d, {})
        if per_class:
            lines.append('  ' + ', '.join(f'{c} {k}'
                                          for c, k in per_class.items()))
    lines.append(f'TI total: {counts["ti_total"]}')
    if counts.get('ti_per_class'):
        lines.append('  ' +
                     ', '.join(f'{c} {k}'
                               for c, k in counts['ti_per_class'].items()))
    for key, value in counts.items():
        if key.startswith('skipped') and value:
            lines.append(f'{key}: {value}')
    if counts.get('depth'):
        d = counts['depth']
        rng = counts.get('depth_range_m')
        lines.append('depth (m): ' +
                     ', '.join(f'{k[:-2]} {v}'
                               for k, v in d.items() if k.endswith('_m')) +
                     (f'; depth_range_m {rng}' if rng else ''))
    if counts.get('missing_tr_classes'):
        lines.append('WARNING: TR classes without samples: '
                     f'{counts["missing_tr_classes"]}')
    return '\n'.join(lines)
