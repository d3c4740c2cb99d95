# Copyright (c) mmsocket contributors. All rights reserved.
"""What every real-data converter shares: safe output handling, image
decoding with errors that name the file, class-name matching
(:class:`ClassResolver`: spellings, aliases, the unknown-class policy), the
deterministic 90/10 split and the annotation files of
``docs/data_format.md``.

A converter (``sunrgbd.py``, ``rgb_nir.py``, ``diml.py``) only discovers the
samples of its official release, resolves their classes and hands them to
:func:`write_converted`.

Safety rules (the official downloads are large and hard to replace):

- the source tree is only ever read; the output may not lie inside it, nor
  contain it;
- everything is written into a hidden staging directory next to the output
  and moved into place in one ``rename`` at the end, so a killed conversion
  leaves no half-written output that could be mistaken for a finished one
  (``meta.json`` is, in addition, the last file written);
- an existing non-empty output is refused unless ``overwrite=True``, and
  even then only a previous converter output (it holds our ``meta.json``) is
  replaced.
"""
import hashlib
import json
import os
import os.path as osp
import re
import shutil
import tempfile
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

import cv2
import numpy as np

#: Bumped when the output of a converter changes.
CONVERTER_VERSION = 1

#: Decodes one source image file into the array written to our format.
Decoder = Callable[[str], np.ndarray]


class ConversionError(ValueError):
    """A problem with the source data; the message names the file."""


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
# image decoding (every error names the file)


def _imread(path: str, flag: int, what: str) -> np.ndarray:
    if not osp.isfile(path):
        raise ConversionError(f'{what} {path} does not exist (missing pair)')
    img = cv2.imread(path, flag)
    if img is None or img.size == 0:
        raise ConversionError(f'cannot decode {what} {path}: the file is '
                              'corrupt or not an image')
    return img


def read_color(path: str) -> np.ndarray:
    """An 8-bit 3-channel BGR image (JPEG, PNG or TIFF)."""
    img = _imread(path, cv2.IMREAD_UNCHANGED, 'colour image')
    if img.dtype == np.uint16:
        img = np.round(img / 257.0).astype(np.uint8)
    if img.dtype != np.uint8:
        raise ConversionError(f'colour image {path} has pixel type '
                              f'{img.dtype}; expected 8 or 16 bit')
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    elif img.shape[2] == 4:
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    return img


def read_gray8(path: str) -> np.ndarray:
    """A single-channel 8-bit image (NIR). 16-bit input is scaled to 8 bits;
    a 3-channel file (some TIFF writers replicate the band) is converted
    to grey, which leaves identical channels unchanged."""
    img = _imread(path, cv2.IMREAD_UNCHANGED, 'single-channel image')
    if img.ndim == 3:
        if img.shape[2] == 4:
            img = img[..., :3]
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if img.dtype == np.uint16:
        img = np.round(img / 257.0).astype(np.uint8)
    if img.dtype != np.uint8:
        raise ConversionError(f'image {path} has pixel type {img.dtype}; '
                              'expected 8 or 16 bit')
    return img


def read_depth16(path: str) -> np.ndarray:
    """A single-channel 16-bit PNG, values as stored."""
    img = _imread(path, cv2.IMREAD_UNCHANGED, 'depth image')
    if img.ndim == 3:
        raise ConversionError(f'depth image {path} has {img.shape[2]} '
                              'channels; expected one')
    if img.dtype != np.uint16:
        raise ConversionError(f'depth image {path} is {img.dtype}; expected '
                              'a 16-bit PNG')
    return img


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
# output handling


def _real(path: str) -> str:
    return osp.realpath(osp.abspath(path))


def _inside(path: str, root: str) -> bool:
    path, root = _real(path), _real(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def check_output(src_root: str, out_dir: str, overwrite: bool) -> None:
    """Refuse outputs that could touch the source or a foreign directory."""
    if not osp.isdir(src_root):
        raise FileNotFoundError(f'source directory {src_root} does not exist')
    if _inside(out_dir, src_root):
        raise ValueError(f'output {out_dir} lies inside the source tree '
                         f'{src_root}; the converter never writes into the '
                         'official data. Choose another output directory.')
    if _inside(src_root, out_dir):
        raise ValueError(f'output {out_dir} contains the source tree '
                         f'{src_root}; choose another output directory.')
    if osp.exists(out_dir) and not osp.isdir(out_dir):
        raise FileExistsError(f'{out_dir} exists and is not a directory')
    if osp.isdir(out_dir) and os.listdir(out_dir):
        if not overwrite:
            raise FileExistsError(
                f'{out_dir} is not empty; pass --overwrite (overwrite=True) '
                'to replace a previous conversion (nothing was written)')
        meta = osp.join(out_dir, 'meta.json')
        try:
            with open(meta, encoding='utf-8') as f:
                ours = 'converter' in json.load(f)
        except (OSError, ValueError):
            ours = False
        if not ours:
            raise FileExistsError(
                f'{out_dir} is not empty and is not the output of an '
                'mmsocket converter (no meta.json with a "converter" '
                'entry); refusing to replace it even with --overwrite')


def _dump_json(path: str, obj) -> None:
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(obj, f, indent=1)
        f.write('\n')


def _write_png(path: str, img: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, img):
        raise OSError(f'could not write {path}')


def _convert_one(args) -> None:
    stage, sample = args
    for modality, (src, decode) in sample.files.items():
        img = decode(src)
        _write_png(
            osp.join(stage, 'images', sample.domain, sample.cls, sample.name,
                     f'{modality}.png'), img)


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


def write_converted(samples: List[SourceSample],
                    *,
                    src_root: str,
                    out_dir: str,
                    name: str,
                    domains: Sequence[str],
                    tr_classes: Sequence[str],
                    ti_classes: Sequence[str],
                    modalities: Sequence[str],
                    meta_extra: dict,
                    summary_extra: Optional[dict] = None,
                    overwrite: bool = False,
                    workers: int = 0) -> dict:
    """Decode every sample and write the data set of ``docs/data_format.md``.

    Args:
        samples: The samples to write (already filtered to TR + TI classes).
        src_root, out_dir, overwrite: See :func:`check_output`.
        name: Data set name for ``meta.json``.
        domains: Domains, in order; each gets ``<domain>_tr*.json``.
        tr_classes, ti_classes: Class lists; sorted here (label = index in
            alphabetical order, the SOCKET code's rule).
        modalities: e.g. ``['rgb', 'depth']``.
        meta_extra: Added to ``meta.json`` (depth unit/range, source
            description, converter options).
        summary_extra: Added to the returned summary (e.g. skipped counts).
        workers: Processes for decoding; 0 or 1 decodes in this process.

    Returns:
        dict: The summary that is also stored in ``meta.json`` under
        ``"counts"``: TR counts per domain and class, TI counts per domain
        and class, the train/val sizes, and ``summary_extra``.

    Raises:
        ConversionError: An empty TR set of a domain, an empty TI set, or an
            undecodable file (the message names it).
    """
    check_output(src_root, out_dir, overwrite)
    tr = sorted(tr_classes)
    ti = sorted(ti_classes)
    if set(tr) & set(ti):
        raise ValueError(f'TR and TI classes overlap: {set(tr) & set(ti)}')
    modalities = list(modalities)
    tr_samples = {d: [] for d in domains}
    ti_samples = []
    for s in samples:
        if s.domain not in tr_samples:
            raise ValueError(f'sample {s.source}: unknown domain {s.domain}')
        if set(s.files) != set(modalities):
            raise ConversionError(f'sample {s.source} has modalities '
                                  f'{sorted(s.files)}, not {modalities}')
        if s.cls in tr:
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
    if not ti_samples:
        raise ConversionError(
            f'{src_root}: the task-irrelevant set is empty: no sample of the '
            f'TI classes {ti} was found')

    parent = osp.dirname(_real(out_dir))
    os.makedirs(parent, exist_ok=True)
    stage = tempfile.mkdtemp(
        prefix=f'.{osp.basename(_real(out_dir))}.converting-', dir=parent)
    try:
        tasks = [(stage, s) for s in samples]
        if workers and workers > 1 and len(tasks) > 8:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context('fork' if 'fork' in
                                              methods else None)
            with ProcessPoolExecutor(workers, ctx) as pool:
                for _ in pool.map(_convert_one, tasks, chunksize=16):
                    pass
        else:
            for t in tasks:
                _convert_one(t)

        ann_dir = osp.join(stage, 'annotations')
        os.makedirs(ann_dir)
        counts: dict = {'tr': {}, 'tr_train': {}, 'tr_val': {}, 'ti': {}}
        missing = {}
        for d in domains:
            recs = _records(tr_samples[d], tr, modalities)
            train, val = split_train_val(recs, len(tr))
            for split, data in (('tr', recs), ('tr_train', train), ('tr_val',
                                                                    val)):
                _dump_json(
                    osp.join(ann_dir, f'{d}_{split}.json'), {
                        'metainfo': {
                            'classes': tr,
                            'domain': d,
                            'split': split,
                            'modalities': modalities
                        },
                        'data_list': data
                    })
                counts[split][d] = len(data)
            per_class = Counter(s.cls for s in tr_samples[d])
            counts.setdefault('tr_per_class', {})[d] = {
                c: per_class.get(c, 0)
                for c in tr
            }
            absent = [c for c in tr if not per_class.get(c)]
            if absent:
                missing[d] = absent
        ti_recs = _records(ti_samples, ti, modalities)
        _dump_json(
            osp.join(ann_dir, 'ti.json'), {
                'metainfo': {
                    'classes': ti,
                    'domain': 'all',
                    'domains': list(domains),
                    'split': 'ti',
                    'modalities': modalities
                },
                'data_list': ti_recs
            })
        counts['ti'] = dict(Counter(s.domain for s in ti_samples))
        counts['ti_total'] = len(ti_samples)
        counts['ti_per_class'] = dict(
            sorted(Counter(s.cls for s in ti_samples).items()))
        counts['missing_tr_classes'] = missing
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
        # meta.json last: its presence marks a complete output.
        _dump_json(osp.join(stage, 'meta.json'), meta)
        _replace_dir(stage, out_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return counts


def _replace_dir(stage: str, out_dir: str) -> None:
    """Move ``stage`` to ``out_dir`` (replacing an old output, which
    :func:`check_output` has vetted)."""
    if osp.isdir(out_dir) and not os.listdir(out_dir):
        os.rmdir(out_dir)
    if osp.isdir(out_dir):
        old = tempfile.mkdtemp(
            prefix=f'.{osp.basename(_real(out_dir))}.old-',
            dir=osp.dirname(_real(out_dir)))
        os.rmdir(old)
        os.replace(out_dir, old)
        os.replace(stage, out_dir)
        shutil.rmtree(old)
    else:
        os.replace(stage, out_dir)


def format_summary(counts: dict) -> str:
    """Human-readable lines of a conversion summary (for the CLIs)."""
    lines = []
    for d, n in counts['tr'].items():
        lines.append(f'{d}: TR {n} (train {counts["tr_train"][d]}, val '
                     f'{counts["tr_val"][d]}), TI {counts["ti"].get(d, 0)}')
    lines.append(f'TI total: {counts["ti_total"]}')
    for key, value in counts.items():
        if key.startswith('skipped') and value:
            lines.append(f'{key}: {value}')
    if counts.get('missing_tr_classes'):
        lines.append('WARNING: TR classes without samples: '
                     f'{counts["missing_tr_classes"]}')
    return '\n'.join(lines)
