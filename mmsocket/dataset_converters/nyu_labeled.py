# Copyright (c) mmsocket contributors. All rights reserved.
"""Convert the official NYU-Depth-v2 labeled set to the depth format.

``nyu_depth_v2_labeled.mat`` (1449 densely labeled frames) is a MATLAB
v7.3 file, i.e. HDF5, read here with h5py (an optional dependency:
``pip install h5py``). MATLAB stores arrays column-major, so h5py sees them
transposed: ``images`` (N, 3, 640, 480) uint8, ``depths`` (N, 640, 480)
float32 metres (in-painted, dense), ``labels`` (N, 640, 480) uint16 class
ids (0 = unlabeled) into ``names``, ``instances`` (N, 640, 480) uint8.

The official train/test split lives in ``splits.mat`` (``trainNdxs``: 795,
``testNdxs``: 654, 1-based), a MATLAB v5 file that needs SciPy; the indices
may instead be given as text files (one 1-based index per line).

The converter writes PNGs and annotation files of ``docs/dfdd_data.md``
into its own output directory; the ``.mat`` file is only read.
"""
from pathlib import Path
from typing import Dict, List, Sequence

import cv2
import numpy as np

from mmsocket.synthetic.generation import PNG_PARAMS, dump_json

__all__ = ['read_split_indices', 'convert_nyu_labeled_mat']


def read_split_indices(path: str) -> Dict[str, List[int]]:
    """Read 1-based split indices from ``splits.mat`` or a text file.

    Args:
        path (str): ``splits.mat`` (needs SciPy) or a text file with one
            1-based index per line.

    Returns:
        dict: ``{'train': [...], 'test': [...]}`` for ``splits.mat``,
        ``{'indices': [...]}`` for a text file.
    """
    if path.endswith('.mat'):
        try:
            from scipy.io import loadmat
        except ImportError as e:
            raise ImportError(
                f'reading {path} (MATLAB v5) needs SciPy: pip install '
                'scipy, or pass the indices as a text file') from e
        mat = loadmat(path)
        return {
            'train': [int(i) for i in np.ravel(mat['trainNdxs'])],
            'test': [int(i) for i in np.ravel(mat['testNdxs'])]
        }
    with open(path, encoding='utf-8') as f:
        return {'indices': [int(s) for s in f.read().split()]}


def _names(f) -> List[str]:
    """The class names (MATLAB cell array of char arrays)."""
    if 'names' not in f:
        return []
    refs = np.ravel(f['names'][()])
    return [''.join(chr(c) for c in np.ravel(f[r][()])) for r in refs]


def convert_nyu_labeled_mat(mat_path: str,
                            out_dir: str,
                            splits: Dict[str, Sequence[int]],
                            with_labels: bool = True) -> Dict[str, int]:
    """Write the labeled frames of ``splits`` as PNGs + annotation files.

    Args:
        mat_path (str): ``nyu_depth_v2_labeled.mat``.
        out_dir (str): Output directory (``<split>/{rgb,depth,semantic,
            instance}/<index>.png``, ``annotations/<split>.json``).
        splits (dict): Split name -> 1-based frame indices
            (``{'test': 654 indices}``).
        with_labels (bool): Also write semantic and instance maps.
            Defaults to True.

    Returns:
        dict: Split name -> number of samples written.
    """
    try:
        import h5py
    except ImportError as e:
        raise ImportError(f'reading {mat_path} (MATLAB v7.3 / HDF5) needs '
                          'h5py: pip install h5py') from e
    out = Path(out_dir)
    counts = {}
    with h5py.File(mat_path, 'r') as f:
        for key in ('images', 'depths'):
            if key not in f:
                raise KeyError(f'{mat_path} has no "{key}"; is it '
                               'nyu_depth_v2_labeled.mat?')
        n = f['images'].shape[0]
        classes = ['void'] + _names(f) if with_labels else []
        for split, indices in splits.items():
            bad = [i for i in indices if not 1 <= int(i) <= n]
            if bad:
                raise ValueError(f'split {split!r}: indices {bad[:5]} are '
                                 f'outside 1..{n} (1-based)')
            kinds = ['rgb', 'depth'
                     ] + (['semantic', 'instance'] if with_labels else [])
            for kind in kinds:
                (out / split / kind).mkdir(parents=True, exist_ok=True)
            records = []
            for i in indices:
                k = int(i) - 1
                name = f'{int(i):05d}.png'
                rgb = np.asarray(f['images'][k]).transpose(2, 1, 0)
                depth = np.asarray(f['depths'][k]).T
                mm = np.clip(np.round(depth * 1000.0), 0, 65535)
                maps = {
                    'rgb': np.ascontiguousarray(rgb[..., ::-1]),
                    'depth': mm.astype(np.uint16)
                }
                rec = {'sample_id': f'{split}/{int(i):05d}'}
                if with_labels:
                    maps['semantic'] = np.asarray(f['labels'][k]).T.astype(
                        np.uint16)
                    maps['instance'] = np.asarray(f['instances'][k]).T.astype(
                        np.uint16)
                for kind, keyname in (('rgb', 'img_path'), ('depth',
                                                            'depth_path'),
                                      ('semantic', 'sem_path'), ('instance',
                                                                 'inst_path')):
                    if kind not in maps:
                        continue
                    rel = f'{split}/{kind}/{name}'
                    if not cv2.imwrite(str(out / rel), maps[kind], PNG_PARAMS):
                        raise OSError(f'cannot write {out / rel}')
                    rec[keyname] = rel
                records.append(rec)
            (out / 'annotations').mkdir(parents=True, exist_ok=True)
            dump_json(
                out / 'annotations' / f'{split}.json', {
                    'metainfo': {
                        'dataset': 'nyu_depth_v2_labeled',
                        'split': split,
                        'depth_scale': 1000,
                        'max_depth': 10.0,
                        'semantic_classes': classes,
                    },
                    'data_list': records
                })
            counts[split] = len(records)
    return counts
