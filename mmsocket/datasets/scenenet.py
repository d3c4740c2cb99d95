# Copyright (c) mmsocket contributors. All rights reserved.
"""SceneNet RGB-D (McCormac et al., ICCV 2017) read in place.

The rendered data sit in ``<split root>/<render_path>/`` with
``photo/<frame>.jpg`` (320x240), ``depth/<frame>.png`` (16-bit mm) and
``instance/<frame>.png`` (16-bit instance ids); ``render_path`` is
``<shard>/<trajectory>`` (``0/223``), frames are numbered 0, 25, 50, ...
Which class each instance belongs to lives only in the trajectory
protobuf (``scenenet_rgbd_val.pb``, ``scenenet_rgbd_train_<n>.pb``), which
needs the ``protobuf`` package and the official ``scenenet.proto``; this
toolbox does not depend on them. Instead it reads an **exported JSON**
mapping (``tools/dataset_converters/scenenet_export_instances.py`` writes
it where protobuf is available)::

    {"metainfo": {"semantic_classes": ["void", "wall", ...]},
     "trajectories": {"0/223": {"1": 1, "2": 5, ...}, ...}}

i.e. per ``render_path``, instance id -> index into ``semantic_classes``;
instances not listed are class 0. The semantic map is derived at load time
by ``LoadSemanticAnnotation``; nothing is written.

SceneNet's depth is the distance along the ray, not the z-depth; the
distiller never reads it (data-free).
"""
import os.path as osp
from typing import List, Optional, Tuple

from mmsocket.registry import DATASETS
from .annotation_file import read_json_file
from .depth_dataset import DepthDataset
from .frame_sequences import check_frame_step, list_frames, random_subset


@DATASETS.register_module()
class SceneNetRGBDDataset(DepthDataset):
    """SceneNet RGB-D trajectories with semantic maps from instance maps.

    Args:
        ann_file (str): The exported instance-class JSON, relative to
            ``data_root`` (a split root such as ``val`` or ``train/0``);
            its trajectories are the ones read.
        frame_step (int): Keep every n-th frame of a trajectory.
            Defaults to 1.
        max_samples (int, optional): Random uniform subset of this size
            (the paper's X'_1 is 50K frames of the validation set).
            Defaults to None (all).
        subset_seed (int): Seed of that subset. Defaults to 0.
        with_depth (bool): List the depth files too (diagnostics; data-free
            training never loads them). Defaults to False.
        **kwargs: Passed to :class:`DepthDataset`.
    """

    METAINFO = dict(
        dataset='scenenet_rgbd', depth_scale=1000.0, semantic_classes=())

    def __init__(self,
                 ann_file: str,
                 frame_step: int = 1,
                 max_samples: Optional[int] = None,
                 subset_seed: int = 0,
                 with_depth: bool = False,
                 **kwargs) -> None:
        self.frame_step = check_frame_step(frame_step)
        self.max_samples = max_samples
        self.subset_seed = subset_seed
        self.with_depth = with_depth
        super().__init__(ann_file=ann_file, **kwargs)

    def read_annotations(self) -> Tuple[dict, List[dict]]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'SceneNet instance-class file {self.ann_file} does not '
                'exist (export it from the trajectory protobuf, see '
                'docs/dfdd_data.md)')
        mapping = read_json_file(self.ann_file, 'SceneNet instance-class '
                                 'file')
        if not isinstance(mapping, dict) or 'trajectories' not in mapping:
            raise ValueError(f'{self.ann_file} is not a SceneNet instance-'
                             'class export (needs "trajectories")')
        meta = dict(mapping.get('metainfo', {}))
        root = self.data_root or ''
        records = []
        for render_path, table in sorted(mapping['trajectories'].items()):
            photo_dir = osp.join(root, render_path, 'photo')
            if not osp.isdir(photo_dir):
                raise FileNotFoundError(
                    f'{self.ann_file}: trajectory {render_path} has no '
                    f'photo folder {photo_dir}')
            for name in list_frames(photo_dir, '.jpg', self.frame_step):
                stem = osp.splitext(name)[0]
                rec = {
                    'sample_id': f'{render_path}/{stem}',
                    'img_path': osp.join(render_path, 'photo', name),
                    'inst_path': osp.join(render_path, 'instance',
                                          stem + '.png'),
                    'inst_to_sem': render_path,
                }
                if self.with_depth:
                    rec['depth_path'] = osp.join(render_path, 'depth',
                                                 stem + '.png')
                records.append(rec)
        records = random_subset(records, self.max_samples, self.subset_seed)
        meta['inst_to_sem'] = mapping['trajectories']
        return meta, records
