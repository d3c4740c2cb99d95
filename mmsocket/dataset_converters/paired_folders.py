# Copyright (c) mmsocket contributors. All rights reserved.
"""A user's own paired RGB / depth (or NIR) folders to the format of
``docs/data_format.md``.

Layout (one domain)::

    SRC/tr/rgb/<class>/<name>.jpg      task-relevant pairs: the source
    SRC/tr/depth/<class>/<name>.png    model's RGB and the unlabeled target
    SRC/ti/rgb/<class>/<name>.jpg      task-irrelevant pairs: other classes
    SRC/ti/depth/<class>/<name>.png

Several domains (e.g. sensors) put one such pair of folders per domain
under ``tr/``: ``SRC/tr/<domain>/rgb/<class>/...``; the TI pairs may be
pooled (``SRC/ti/rgb/...``) or per domain (``SRC/ti/<domain>/rgb/...``).
The two sets may also live apart (``tr_dir``, ``ti_dir``). An RGB file and
a target file pair when their paths below ``rgb/`` and ``depth/`` are
equal up to the extension (``kitchen/a/0001.jpg`` and
``kitchen/a/0001.png``); sub-folders below a class folder are kept in the
sample name.

Class lists come from the folder names (sorted: label = index in
alphabetical order) or are given, in the order of the user's classifier;
folder names are matched to given names ignoring case, spaces and
punctuation (``Living Room`` = ``living_room``). Depth is stored as 16-bit
millimetres: its unit is an argument (:mod:`.decoding`), and the depth range
the pipelines map to [0, 255] is recorded in ``meta.json`` (given, or
chosen from the data).
"""
import os
import os.path as osp
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple, Union

from .common import (CONVERTER_VERSION, ClassResolver, SourceSample,
                     check_on_unknown, converter_options, write_converted)
from .decoding import (ConversionError, DepthDecoder, looks_bit_rotated,
                       parse_depth_unit, read_color, read_depth_file,
                       read_gray8)

#: File extensions read as images (depth may also be a ``.npy`` array).
IMAGE_EXTS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.npy')
TARGETS = ('depth', 'nir')
#: The domain of a pooled TI set (its images go to ``images/ti/``).
TI_DOMAIN = 'ti'


def read_class_list(path: str) -> List[str]:
    """One class name per line; blank lines and ``#`` comments ignored."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'class list {path} does not exist')
    with open(path, encoding='utf-8') as f:
        names = [ln.split('#', 1)[0].strip() for ln in f]
    names = [n for n in names if n]
    dup = [n for n, k in Counter(names).items() if k > 1]
    if not names or dup:
        raise ValueError(f'class list {path} ' +
                         (f'names {dup} twice' if dup else 'is empty'))
    return names


def _images(folder: str, ignored: Counter) -> Dict[str, str]:
    """Files below ``folder`` by relative path without extension."""
    out: Dict[str, str] = {}
    for cur, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith('.'))
        for f in sorted(files):
            if f.startswith('.'):
                continue
            if osp.splitext(f)[1].lower() not in IMAGE_EXTS:
                ignored[osp.splitext(f)[1].lower() or f] += 1
                continue
            path = osp.join(cur, f)
            key = osp.splitext(osp.relpath(path, folder))[0]
            if key in out:
                raise ConversionError(
                    f'{out[key]} and {path} have the same name up to the '
                    'extension; pairing is by name, so keep one of them')
            out[key] = path
    return out


def find_pair_folders(set_dir: str, rgb_folder: str, target_folder: str,
                      domain: Optional[str]) -> Dict[str, Tuple[str, str]]:
    """``{domain: (rgb folder, target folder)}`` of one set (TR or TI):
    ``set_dir/{rgb,depth}`` (one domain, named ``domain``) or
    ``set_dir/<domain>/{rgb,depth}``."""
    if not osp.isdir(set_dir):
        raise FileNotFoundError(f'{set_dir} does not exist')
    if osp.isdir(osp.join(set_dir, rgb_folder)):
        pairs = {domain: (set_dir, )}
    else:
        pairs = {
            d: (osp.join(set_dir, d), )
            for d in sorted(os.listdir(set_dir))
            if osp.isdir(osp.join(set_dir, d, rgb_folder))
        }
    if not pairs:
        raise FileNotFoundError(
            f'{set_dir} holds no {rgb_folder}/ folder (nor <domain>/'
            f'{rgb_folder}/ folders): expected {set_dir}/{rgb_folder}/'
            f'<class>/<name>.<ext> and {set_dir}/{target_folder}/<class>/'
            '<name>.<ext> (docs/dataset_prepare.md#your-own-paired-folders)')
    out = {}
    for d, (root, ) in pairs.items():
        target = osp.join(root, target_folder)
        if not osp.isdir(target):
            raise FileNotFoundError(
                f'{root} has {rgb_folder}/ but no {target_folder}/ folder; '
                'pass --target-folder NAME if yours is named otherwise')
        out[d] = (osp.join(root, rgb_folder), target)
    return out


def collect_pairs(
        rgb_dir: str,
        target_dir: str,
        target: str,
        domain: str,
        resolver: ClassResolver,
        target_decoder,
        where: str,
        ignored: Counter,
        selected: Optional[Dict[str, set]] = None) -> List[SourceSample]:
    """The pairs of ``rgb_dir/<class>/...`` and ``target_dir/<class>/...``.

    Args:
        selected (dict, optional): Per class folder, the relative paths
            (without extension) to keep (the SOCKET lists); None keeps all.
    """
    samples = []
    folders = sorted(set(os.listdir(rgb_dir)) | set(os.listdir(target_dir)))
    for folder in folders:
        rgb_cls, tgt_cls = (osp.join(rgb_dir,
                                     folder), osp.join(target_dir, folder))
        if folder.startswith('.') or not (osp.isdir(rgb_cls)
                                          or osp.isdir(tgt_cls)):
            continue
        rgbs = _images(rgb_cls, ignored) if osp.isdir(rgb_cls) else {}
        tgts = _images(tgt_cls, ignored) if osp.isdir(tgt_cls) else {}
        if selected is not None:
            keep = selected.get(folder, set())
            rgbs = {k: v for k, v in rgbs.items() if k in keep}
            tgts = {k: v for k, v in tgts.items() if k in keep}
        for key in sorted(set(rgbs) ^ set(tgts)):
            have, lack = ((rgbs, osp.join(tgt_cls, key)) if key in rgbs else
                          (tgts, osp.join(rgb_cls, key)))
            raise ConversionError(
                f'{have[key]} has no partner ({lack}.<ext> is missing: '
                'missing pair); add it, or move the file out of the tree')
        cls = resolver.resolve(folder, rgb_cls, 'class folder', len(rgbs))
        if cls is None:
            continue
        for key in sorted(rgbs):
            samples.append(
                SourceSample(
                    domain=domain,
                    cls=cls,
                    name=key.replace(os.sep, '__'),
                    source=osp.join(where, folder, key),
                    files={
                        'rgb': (rgbs[key], read_color),
                        target: (tgts[key], target_decoder)
                    }))
    return samples


def _class_list(given: Optional[Sequence[str]], pair_dirs) -> List[str]:
    """The given list, or the class folders found (sorted)."""
    if given is not None:
        return list(given)
    return sorted({
        f
        for rgb, tgt in pair_dirs
        for d in (rgb, tgt)
        for f in os.listdir(d)
        if not f.startswith('.') and osp.isdir(osp.join(d, f))
    })


def aliases_for(aliases: Optional[Dict[str, str]], classes) -> Dict[str, str]:
    """The aliases that map to one of ``classes`` (TR and TI sets have
    their own resolvers)."""
    return {a: c for a, c in (aliases or {}).items() if c in classes}


def check_depth_unit(samples: List[SourceSample], unit, log=print) -> None:
    """Decode the first depth file now (an 8-bit or float map without a
    unit fails before anything is written) and warn when 16-bit maps look
    bit-rotated like SUN RGB-D's."""
    first = next((s.files['depth'][0] for s in samples if 'depth' in s.files),
                 None)
    if first is None:
        return
    DepthDecoder(unit)(first)
    if unit is None and looks_bit_rotated(read_depth_file(first)):
        log(f'WARNING: {first} looks like SUN RGB-D\'s bit-rotated depth '
            '(every value a multiple of 8, beyond 16 m): if it is, pass '
            '--depth-unit sunrgbd')


def convert_paired_folders(src: Optional[str] = None,
                           out_dir: str = 'data/own',
                           *,
                           tr_dir: Optional[str] = None,
                           ti_dir: Optional[str] = None,
                           target: str = 'depth',
                           rgb_folder: str = 'rgb',
                           target_folder: Optional[str] = None,
                           domain: str = 'default',
                           tr_classes: Optional[Sequence[str]] = None,
                           ti_classes: Optional[Sequence[str]] = None,
                           depth_unit: Union[str, float, None] = 'auto',
                           depth_range: Union[str, Sequence[float]] = 'auto',
                           no_ti: bool = False,
                           on_unknown: str = 'error',
                           class_aliases: Optional[Dict[str, str]] = None,
                           overwrite: bool = False,
                           workers: int = 0,
                           progress: bool = True) -> dict:
    """Convert paired folders (see the module docstring for the layout).

    Args:
        src (str, optional): The folder holding ``tr/`` and ``ti/``.
        out_dir (str): Output data root.
        tr_dir, ti_dir (str, optional): The two sets elsewhere (default
            ``src/tr`` and ``src/ti``).
        target (str): The target modality, ``'depth'`` or ``'nir'``.
        rgb_folder, target_folder (str): The modality folders' names
            (default ``rgb`` and the target's name).
        domain (str): Name of the one domain of a single-domain layout
            (annotations ``<domain>_tr*.json``). Defaults to ``'default'``.
        tr_classes, ti_classes (list, optional): Class lists in label order
            (e.g. the user's classifier's); default: the folder names,
            sorted.
        depth_unit: ``'auto'`` (16-bit = millimetres), ``'mm'``, ``'cm'``,
            ``'m'``, ``'0.1mm'``, ``'sunrgbd'`` or millimetres per stored
            value (required for 8-bit and float depth).
        depth_range: ``(lo, hi)`` metres, or ``'auto'`` (0 to the 99.5th
            percentile, rounded up to 0.5 m); recorded in ``meta.json``.
        no_ti (bool): Convert the TR set only (no ``ti.json``): enough for
            source training, SHOT and evaluation, not SOCKET or TGMB.
        on_unknown, class_aliases: Class folders outside a given list.
        overwrite, workers, progress: See :func:`.common.write_converted`.

    Returns:
        dict: Counts (also in ``meta.json``).
    """
    check_on_unknown(on_unknown)
    if target not in TARGETS:
        raise ValueError(f'target must be one of {TARGETS}, got {target!r}')
    if src is None and tr_dir is None:
        raise ValueError('give the source folder (holding tr/ and ti/) or '
                         '--tr-dir')
    tr_dir = tr_dir or osp.join(src, 'tr')
    ti_dir = None if no_ti else (ti_dir or osp.join(src or '', 'ti'))
    if ti_dir is not None and not osp.isdir(ti_dir):
        raise FileNotFoundError(
            f'{ti_dir} does not exist: SOCKET and TGMB need task-irrelevant '
            'pairs (other classes than the task\'s, in both modalities); '
            'give them with --ti-dir, or pass --no-ti to convert the '
            'task-relevant set only (enough for SHOT and the unadapted '
            'model)')
    target_folder = target_folder or target
    unit = parse_depth_unit(depth_unit) if target == 'depth' else None
    if depth_range != 'auto':
        lo, hi = (float(v) for v in depth_range)
        if not 0 <= lo < hi:
            raise ValueError(f'depth range {depth_range}: need 0 <= lo < hi '
                             '(metres)')
    decoder = DepthDecoder(unit) if target == 'depth' else read_gray8
    tr_pairs = find_pair_folders(tr_dir, rgb_folder, target_folder, domain)
    ti_pairs = {} if ti_dir is None else find_pair_folders(
        ti_dir, rgb_folder, target_folder, TI_DOMAIN)
    tr_list = _class_list(tr_classes, tr_pairs.values())
    ti_list = _class_list(ti_classes, ti_pairs.values())
    overlap = sorted(set(tr_list) & set(ti_list))
    if overlap:
        raise ConversionError(
            f'classes {overlap} are both task-relevant ({tr_dir}) and '
            f'task-irrelevant ({ti_dir}); a TI class must be outside the '
            'task: move those folders out of one of the sets')
    unknown = {
        a: c
        for a, c in (class_aliases or {}).items()
        if c not in tr_list and c not in ti_list
    }
    if unknown:
        raise ValueError(f'class aliases {unknown} map to no class of '
                         f'{tr_list} or {ti_list}')
    ignored: Counter = Counter()
    samples = []
    resolver = ClassResolver(tr_list, aliases_for(class_aliases, tr_list),
                             on_unknown)
    for d, (rgb, tgt) in tr_pairs.items():
        samples += collect_pairs(rgb, tgt, target, d, resolver, decoder,
                                 osp.relpath(rgb, tr_dir), ignored)
    skipped = dict(resolver.skipped)
    resolver = ClassResolver(ti_list, aliases_for(class_aliases, ti_list),
                             on_unknown)
    for d, (rgb, tgt) in ti_pairs.items():
        samples += collect_pairs(rgb, tgt, target, d, resolver, decoder,
                                 osp.join('ti', osp.relpath(rgb, ti_dir)),
                                 ignored)
    skipped.update({f'TI {k}': v for k, v in resolver.skipped.items()})
    if target == 'depth':
        check_depth_unit(samples, unit)
    return write_converted(
        samples,
        src_root=[r for r in (src, tr_dir, ti_dir) if r],
        out_dir=out_dir,
        name=osp.basename(osp.normpath(out_dir)),
        domains=list(tr_pairs),
        tr_classes=tr_list,
        ti_classes=ti_list,
        modalities=('rgb', target),
        keep_class_order=tr_classes is not None,
        meta_extra={
            'source':
            f'paired folders {tr_dir}' +
            (f' and {ti_dir}' if ti_dir else ' (no TI pairs)'),
            'converter': {
                'name': 'paired_folders',
                'version': CONVERTER_VERSION
            },
            f'{target}_source':
            ('read as 16-bit millimetres (auto)' if unit is None else
             f'{unit!r} unit, stored as 16-bit millimetres')
            if target == 'depth' else '8-bit one-channel PNG',
            'options':
            converter_options(
                on_unknown,
                class_aliases,
                target=target,
                folders=[rgb_folder, target_folder],
                depth_unit=depth_unit,
                depth_range=depth_range,
                given_classes=tr_classes is not None),
        },
        summary_extra={
            'skipped_unknown_class': skipped,
            'skipped_non_image_files': dict(ignored),
        },
        overwrite=overwrite,
        workers=workers,
        allow_no_ti=ti_dir is None,
        depth_range=depth_range if target == 'depth' else None,
        progress=progress)
