# Copyright (c) mmsocket contributors. All rights reserved.
"""ScanNet (Dai et al., CVPR 2017) RGB-D frames read in place.

Two on-disk forms are supported:

* ``'export'`` -- the frames exported from the ``.sens`` files with
  ScanNet's SensReader: ``<scans_dir>/sceneXXXX_XX/color/<i>.jpg``
  (1296x968) and ``depth/<i>.png`` (640x480, 16-bit mm), numbered from 0;
  ``intrinsic/`` and ``pose/`` are not needed. Colour and depth differ in
  size: put ``DenseResize`` first in the pipeline.
* ``'frames_25k'`` -- the ``scannet_frames_25k`` subset:
  ``sceneXXXX_XX/color/000000.jpg``, ``depth/000000.png`` (mm) and, when
  present, ``label/000000.png`` (semantic ids as stored) and
  ``instance/000000.png``.

The split file (``ann_file``) lists scene ids one per line
(``scannetv2_train.txt`` / ``scannetv2_val.txt`` / ``scannetv2_test.txt``
of the ScanNet repository). The paper trains on a random uniform subset of
about 50K training frames (``max_samples``) and tests on 100 scenes.
"""
import os.path as osp
from typing import List, Optional, Tuple

from mmsocket.registry import DATASETS
from .depth_dataset import DepthDataset
from .frame_sequences import check_frame_step, list_frames, random_subset

_LAYOUTS = {'export': 'scans', 'frames_25k': ''}


@DATASETS.register_module()
class ScanNetDepthDataset(DepthDataset):
    """ScanNet frames from the official exported tree.

    Args:
        ann_file (str): Scene list, relative to ``data_root``.
        layout (str): ``'export'`` or ``'frames_25k'``.
            Defaults to ``'export'``.
        scans_dir (str, optional): Folder of the scene folders inside
            ``data_root``; defaults to ``'scans'`` (export) or ``''``
            (frames_25k).
        frame_step (int): Keep every n-th frame of a scene (ScanNet runs at
            30 Hz; consecutive frames are near duplicates). Defaults to 1.
        max_samples (int, optional): Keep a random uniform subset of this
            many frames (sorted, reproducible by ``subset_seed``).
            Defaults to None (all).
        subset_seed (int): Seed of that subset. Defaults to 0.
        **kwargs: Passed to :class:`DepthDataset`.
    """

    METAINFO = dict(
        dataset='scannet',
        depth_scale=1000.0,
        max_depth=10.0,
        semantic_classes=())

    def __init__(self,
                 ann_file: str,
                 layout: str = 'export',
                 scans_dir: Optional[str] = None,
                 frame_step: int = 1,
                 max_samples: Optional[int] = None,
                 subset_seed: int = 0,
                 **kwargs) -> None:
        if layout not in _LAYOUTS:
            raise ValueError(f'layout must be one of {sorted(_LAYOUTS)}, '
                             f'got {layout!r}')
        self.frame_step = check_frame_step(frame_step)
        self.layout = layout
        self.scans_dir = _LAYOUTS[layout] if scans_dir is None else scans_dir
        self.max_samples = max_samples
        self.subset_seed = subset_seed
        kwargs.setdefault('require', ('depth_path', ))
        super().__init__(ann_file=ann_file, **kwargs)

    def read_annotations(self) -> Tuple[dict, List[dict]]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'ScanNet scene list {self.ann_file} does not exist')
        with open(self.ann_file, encoding='utf-8') as f:
            scenes = [s.strip() for s in f if s.strip()]
        root = self.data_root or ''
        records = []
        for scene in scenes:
            rel = osp.join(self.scans_dir, scene)
            depth_dir = osp.join(root, rel, 'depth')
            if not osp.isdir(depth_dir):
                raise FileNotFoundError(
                    f'{self.ann_file}: scene {scene} has no depth folder '
                    f'{depth_dir} (export the .sens file first)')
            for name in list_frames(depth_dir, '.png', self.frame_step):
                stem = osp.splitext(name)[0]
                rec = {
                    'sample_id': f'{scene}/{stem}',
                    'img_path': osp.join(rel, 'color', stem + '.jpg'),
                    'depth_path': osp.join(rel, 'depth', name),
                }
                for folder, key in (('label', 'sem_path'), ('instance',
                                                            'inst_path')):
                    if self.layout == 'frames_25k' and osp.isfile(
                            osp.join(root, rel, folder, name)):
                        rec[key] = osp.join(rel, folder, name)
                records.append(rec)
        records = random_subset(records, self.max_samples, self.subset_seed)
        return {'layout': self.layout, 'scenes': len(scenes)}, records
