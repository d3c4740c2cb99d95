# Copyright (c) mmsocket contributors. All rights reserved.
"""NYU-Depth-v2 read from its two widely used extracted forms.

The official ``nyu_depth_v2_labeled.mat`` is MATLAB v7.3 (HDF5) and the
split file ``splits.mat`` MATLAB v5; reading them needs h5py and SciPy,
which this toolbox does not depend on. Depth papers (the distillation
paper included, via Hu et al.) use extracted forms instead:

* ``'csv'`` -- Hu et al. / DenseDepth ``nyu_data.zip``: ``data/nyu2_test.csv``
  (the 654 official test pairs, ``data/nyu2_test/00000_colors.png`` +
  ``00000_depth.png``, 16-bit mm) and ``data/nyu2_train.csv`` (about 50K
  ``data/nyu2_train/<scene>/<n>.jpg`` + ``<n>.png``, 8-bit depth where 255
  is 10 m: pass ``depth_scale=25.5``). Each line is ``rgb,depth``,
  relative to the data root.
* ``'bts'`` -- BTS / AdaBins: ``official_splits/test/<scene class>/
  rgb_00045.jpg`` + ``sync_depth_00045.png`` (16-bit mm) listed by
  ``nyudepthv2_test_files_with_gt.txt`` (``rgb depth focal`` per line,
  relative to ``img_prefix``); lines whose depth is ``None`` are skipped.

Nothing is converted or written: the class reads the tree in place.
"""
import os.path as osp
from typing import List, Tuple

from mmsocket.registry import DATASETS
from .depth_dataset import DepthDataset

#: Size of the official NYU-Depth-v2 test split.
NYU_TEST_SIZE = 654


@DATASETS.register_module()
class NYUDepthV2Dataset(DepthDataset):
    """NYU-Depth-v2 (Silberman et al., ECCV 2012) from an extracted tree.

    Args:
        ann_file (str): The split file (``data/nyu2_test.csv`` or
            ``nyudepthv2_test_files_with_gt.txt``), relative to
            ``data_root``.
        layout (str): ``'csv'``, ``'bts'`` or ``'auto'`` (by the split
            file's extension). Defaults to ``'auto'``.
        img_prefix (str): Folder the split file's paths are relative to,
            inside ``data_root`` (``'official_splits/test'`` for BTS).
            Defaults to ``''``.
        depth_scale (float): Stored units per metre: 1000 for the 16-bit
            test PNGs, 25.5 for the 8-bit training PNGs of the csv form.
            Defaults to 1000.
        **kwargs: Passed to :class:`DepthDataset`.
    """

    METAINFO = dict(
        dataset='nyu_depth_v2',
        depth_scale=1000.0,
        max_depth=10.0,
        semantic_classes=())

    def __init__(self,
                 ann_file: str,
                 layout: str = 'auto',
                 img_prefix: str = '',
                 depth_scale: float = 1000.0,
                 **kwargs) -> None:
        if layout not in ('auto', 'csv', 'bts'):
            raise ValueError(f"layout must be 'auto', 'csv' or 'bts', got "
                             f'{layout!r}')
        self.layout = layout
        self.img_prefix = img_prefix
        self.nyu_depth_scale = float(depth_scale)
        kwargs.setdefault('require', ('depth_path', ))
        super().__init__(ann_file=ann_file, **kwargs)

    def read_annotations(self) -> Tuple[dict, List[dict]]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'NYU-v2 split file {self.ann_file} does not exist (see '
                'docs/dfdd_data.md for the expected layouts)')
        layout = self.layout
        if layout == 'auto':
            layout = 'csv' if self.ann_file.endswith('.csv') else 'bts'
        records = []
        with open(self.ann_file, encoding='utf-8') as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                parts = (line.split(',') if layout == 'csv' else line.split())
                if len(parts) < 2:
                    sep = ',' if layout == 'csv' else ' '
                    raise ValueError(f'{self.ann_file}:{n}: expected '
                                     f'"rgb{sep}depth", got {line!r}')
                rgb, depth = parts[0].strip(), parts[1].strip()
                if depth == 'None':
                    continue  # BTS lists a few frames without depth
                stem = osp.splitext(rgb)[0]
                records.append({
                    'sample_id':
                    stem,
                    'img_path':
                    osp.join(self.img_prefix, rgb.lstrip('/')),
                    'depth_path':
                    osp.join(self.img_prefix, depth.lstrip('/')),
                })
        meta = {'layout': layout, 'depth_scale': self.nyu_depth_scale}
        return meta, records
