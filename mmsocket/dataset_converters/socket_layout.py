# Copyright (c) mmsocket contributors. All rights reserved.
"""The official SOCKET code's data folders and ``path label`` lists to the
format of ``docs/data_format.md``.

Its README sets up SUN RGB-D as (one folder per modality and domain, one
sub-folder per class)::

    data/SUN/kv1com_image/<class>/<file>     Kinect v1 RGB (task-relevant)
    data/SUN/kv1com_depth/<class>/<file>     Kinect v1 depth
    ...      kv2com_*, realsensecom_*, xtioncom_*
    data/SUN/TI_image/<class>/<file>         task-irrelevant RGB (pooled)
    data/SUN/TI_depth/<class>/<file>         task-irrelevant depth

and its ``gen_txt.py`` writes ``data/SUN/<folder>_list.txt``, one
``<path> <label>`` line per image, label = index of the class folder in
sorted order. Pairs are matched by their path below the two folders of a
domain (up to the extension), as :mod:`.paired_folders` does; where a list
exists, only the files it names are taken and its labels give the class
order (they must agree within a class). Other folder names (the code's
example set has ``red``/``blue`` and ``TI_red``/``TI_blue``) are given as
``pairs``.
"""
import os
import os.path as osp
import re
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple, Union

from .common import (CONVERTER_VERSION, ClassResolver, check_on_unknown,
                     converter_options, write_converted)
from .decoding import (ConversionError, DepthDecoder, parse_depth_unit,
                       read_gray8)
from .paired_folders import (TI_DOMAIN, aliases_for, check_depth_unit,
                             collect_pairs)

#: ``<domain>com_image`` / ``<domain>com_depth`` (``com``: the classes
#: common to all sensors), ``TI_image`` / ``TI_depth``.
_FOLDER = re.compile(r'^(?P<name>.+?)_(?P<kind>image|depth|nir)$')

Pair = Tuple[str, str]


def find_socket_folders(root: str,
                        target: str = 'depth') -> Tuple[Dict[str, Pair], Pair]:
    """``({domain: (image folder, target folder)}, TI (image, target))``
    of a SOCKET data folder, by the folder names of its README."""
    if not osp.isdir(root):
        raise FileNotFoundError(f'{root} does not exist')
    found: Dict[str, Dict[str, str]] = {}
    for name in sorted(os.listdir(root)):
        m = _FOLDER.match(name)
        if m and osp.isdir(osp.join(root, name)):
            found.setdefault(m.group('name'), {})[m.group('kind')] = name
    tr, ti = {}, None
    for name, kinds in found.items():
        if 'image' not in kinds or target not in kinds:
            continue
        pair = (kinds['image'], kinds[target])
        if name.upper() == 'TI':
            ti = pair
        else:
            tr[name[:-3] if name.endswith('com') else name] = pair
    if not tr:
        raise FileNotFoundError(
            f'{root} holds no <domain>com_image + <domain>com_{target} folder '
            'pair (the SOCKET README\'s layout, e.g. kv1com_image/ and '
            f'kv1com_{target}/); name other folders with --pair '
            'DOMAIN=IMAGE_FOLDER:TARGET_FOLDER')
    return tr, ti


def read_path_label_list(path: str, folder: str) -> Dict[str, int]:
    """``{<class>/<name without extension>: label}`` of a ``path label``
    list whose paths lie in (a copy of) ``folder``: a path is matched by
    its part after the folder's name, so lists written on another machine
    (absolute paths of that machine, or ``../data/...``) still read."""
    out: Dict[str, int] = {}
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            parts = line.rsplit(None, 1)
            if len(parts) != 2 or not re.fullmatch(r'-?\d+', parts[1]):
                raise ConversionError(
                    f'{path}:{n}: expected "<path> <label>", got '
                    f'{line.strip()!r}')
            file_path = parts[0].replace('\\', '/')
            pieces = file_path.split('/')
            if folder not in pieces:
                raise ConversionError(
                    f'{path}:{n}: {file_path} does not lie in a {folder}/ '
                    'folder; the list and the folder do not belong together')
            rel = pieces[len(pieces) - 1 - pieces[::-1].index(folder) + 1:]
            if len(rel) < 2:
                raise ConversionError(f'{path}:{n}: {file_path} is not in a '
                                      f'class folder of {folder}/')
            out[osp.splitext('/'.join(rel))[0]] = int(parts[1])
    if not out:
        raise ConversionError(f'{path} lists no image')
    return out


def _class_order(lists: List[Tuple[str, Dict[str, int]]]) -> Optional[list]:
    """The class folders in label order, as the lists give it (None when
    no list exists); a class with two labels, or a label on two classes, is
    refused."""
    label_of: Dict[str, int] = {}
    for path, entries in lists:
        for key, label in entries.items():
            cls = key.split('/', 1)[0]
            if label_of.setdefault(cls, label) != label:
                raise ConversionError(
                    f'{path}: class folder {cls!r} has labels '
                    f'{label_of[cls]} and {label}; one class, one label')
    if not label_of:
        return None
    clash = [lab for lab, k in Counter(label_of.values()).items() if k > 1]
    if clash:
        raise ConversionError(f'labels {clash} of the lists name several '
                              'class folders')
    return sorted(label_of, key=label_of.get)


def _selection(root: str, pair: Pair, lists_used: list):
    """The keys the pair's lists name (None: no list, take every file)."""
    found = []
    for folder in pair:
        path = osp.join(root, f'{folder}_list.txt')
        if osp.isfile(path):
            entries = read_path_label_list(path, folder)
            found.append((path, entries))
            lists_used.append((path, entries))
    if not found:
        return None
    if len(found) == 2 and set(found[0][1]) != set(found[1][1]):
        extra = sorted(set(found[0][1]) ^ set(found[1][1]))[:3]
        raise ConversionError(
            f'{found[0][0]} and {found[1][0]} do not list the same pairs '
            f'(e.g. {extra}); the two lists of a domain must name the same '
            'files')
    selected: Dict[str, set] = {}
    for key in found[0][1]:
        cls, rest = key.split('/', 1)
        selected.setdefault(cls, set()).add(rest)
    return selected


def convert_socket_layout(src_root: str,
                          out_dir: str = 'data/socket',
                          *,
                          pairs: Optional[Dict[str, Pair]] = None,
                          ti_pair: Optional[Pair] = None,
                          target: str = 'depth',
                          depth_unit: Union[str, float, None] = 'auto',
                          depth_range: Union[str, Sequence[float]] = 'auto',
                          on_unknown: str = 'error',
                          class_aliases: Optional[Dict[str, str]] = None,
                          overwrite: bool = False,
                          workers: int = 0,
                          progress: bool = True) -> dict:
    """Convert the official SOCKET code's data folders (and lists).

    Args:
        src_root (str): The folder holding ``*_image``/``*_depth`` and
            ``TI_*`` (``data/SUN`` in its README).
        out_dir (str): Output data root.
        pairs (dict, optional): ``{domain: (image folder, target folder)}``
            instead of the README's folder names; ``ti_pair`` likewise.
        target (str): ``'depth'`` or ``'nir'``.
        depth_unit, depth_range: As :func:`.convert_paired_folders`.
        on_unknown, class_aliases, overwrite, workers, progress: As the
            other converters.

    Returns:
        dict: Counts (also in ``meta.json``).
    """
    check_on_unknown(on_unknown)
    found_tr, found_ti = (None, None) if pairs else find_socket_folders(
        src_root, target)
    tr = dict(pairs or found_tr)
    ti = ti_pair or found_ti
    for domain, pair in list(tr.items()) + ([('TI', ti)] if ti else []):
        for folder in pair:
            if not osp.isdir(osp.join(src_root, folder)):
                raise FileNotFoundError(
                    f'{osp.join(src_root, folder)} (of {domain}) does not '
                    'exist')
    if ti is None:
        raise FileNotFoundError(
            f'{src_root} holds no TI_image + TI_{target} folders (the '
            'task-irrelevant pairs SOCKET needs); name them with --ti-pair '
            'IMAGE_FOLDER:TARGET_FOLDER')
    lists_used: list = []
    selections = {
        d: _selection(src_root, p, lists_used)
        for d, p in tr.items()
    }
    tr_lists = list(lists_used)
    ti_selection = _selection(src_root, ti, lists_used)
    order = _class_order(tr_lists)
    folders = sorted({
        c
        for img, _ in tr.values()
        for c in os.listdir(osp.join(src_root, img))
        if osp.isdir(osp.join(src_root, img, c))
    })
    if order is not None and set(order) != set(folders):
        raise ConversionError(
            f'the lists {[p for p, _ in tr_lists]} label the classes '
            f'{order}, but the folders hold {folders}')
    tr_classes = order or folders
    ti_classes = sorted(
        c for c in os.listdir(osp.join(src_root, ti[0]))
        if osp.isdir(osp.join(src_root, ti[0], c)))
    unit = parse_depth_unit(depth_unit) if target == 'depth' else None
    decoder = DepthDecoder(unit) if target == 'depth' else read_gray8
    ignored: Counter = Counter()
    samples = []
    resolver = ClassResolver(tr_classes, aliases_for(class_aliases,
                                                     tr_classes), on_unknown)
    for domain, (img, tgt) in tr.items():
        samples += collect_pairs(
            osp.join(src_root, img), osp.join(src_root, tgt), target, domain,
            resolver, decoder, img, ignored, selections[domain])
    ti_resolver = ClassResolver(ti_classes,
                                aliases_for(class_aliases, ti_classes),
                                on_unknown)
    samples += collect_pairs(
        osp.join(src_root, ti[0]), osp.join(src_root, ti[1]), target,
        TI_DOMAIN, ti_resolver, decoder, ti[0], ignored, ti_selection)
    if target == 'depth':
        check_depth_unit(samples, unit)
    return write_converted(
        samples,
        src_root=src_root,
        out_dir=out_dir,
        name=osp.basename(osp.normpath(out_dir)),
        domains=list(tr),
        tr_classes=tr_classes,
        ti_classes=ti_classes,
        modalities=('rgb', target),
        keep_class_order=order is not None,
        meta_extra={
            'source':
            f'official SOCKET code layout {src_root}',
            'converter': {
                'name': 'socket_layout',
                'version': CONVERTER_VERSION
            },
            'folders': {
                **{
                    d: list(p)
                    for d, p in tr.items()
                }, 'ti': list(ti)
            },
            'lists': [p for p, _ in lists_used],
            'options':
            converter_options(
                on_unknown,
                class_aliases,
                target=target,
                depth_unit=depth_unit,
                depth_range=depth_range),
        },
        summary_extra={
            'skipped_unknown_class': dict(resolver.skipped),
            'skipped_non_image_files': dict(ignored),
        },
        overwrite=overwrite,
        workers=workers,
        depth_range=depth_range if target == 'depth' else None,
        progress=progress)
