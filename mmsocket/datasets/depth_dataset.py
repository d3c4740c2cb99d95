# Copyright (c) mmsocket contributors. All rights reserved.
"""One dataset class for dense depth (and semantic) data.

The embedded synthetic depth domains and every depth converter (NYU-v2,
ScanNet, SceneNet RGB-D) write the annotation format of
``docs/dfdd_data.md``; this class reads it. Which maps are actually loaded
is the pipeline's choice (``LoadDepthAnnotation``,
``LoadSemanticAnnotation``), so one annotation file serves supervised
training, evaluation and data-free distillation, which never loads depth.
"""
import os.path as osp
from typing import List, Optional, Sequence, Tuple

from mmengine.dataset import BaseDataset

from mmsocket.registry import DATASETS
from mmsocket.utils.config_refs import check_resolved
from .annotation_file import read_annotation_file

#: Record keys holding paths (relative to ``data_root``).
PATH_KEYS = ('img_path', 'depth_path', 'sem_path', 'inst_path')


@DATASETS.register_module()
class DepthDataset(BaseDataset):
    """Images with optional dense depth, semantic and instance maps.

    Annotation file (JSON)::

        {"metainfo": {"depth_scale": 1000, "semantic_classes": [...], ...},
         "data_list": [{"img_path": "...", "depth_path": "...",
                        "sem_path": "...", "inst_path": "..."}, ...]}

    Only ``img_path`` is required per record; ``depth_scale`` (stored units
    per metre) may be overridden per record. A record may carry
    ``inst_to_sem``, an ``{instance id: class id}`` table or the name of one
    in ``metainfo["inst_to_sem"]``, to derive the semantic map from the
    instance map (SceneNet RGB-D).

    Args:
        ann_file (str): Annotation file, relative to ``data_root``.
        require (Sequence[str]): Record keys every sample must have, e.g.
            ``('depth_path',)`` for supervised training or evaluation and
            ``('sem_path',)`` for object-wise mixing; checked at start-up so
            a missing map fails before training. Defaults to ``()``.
        check_files (bool): Check at start-up that every named file exists.
            Defaults to True.
        serialize_data (bool): mmengine's packing of the sample list; off
            for the same reason as in :class:`MultiModalDataset` (a full
            ``gc.collect()`` per dataset for small lists).
            Defaults to False.
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset`
            (``data_root``, ``pipeline``, ``test_mode``, ``indices``...).
    """

    METAINFO = dict(depth_scale=1000.0, semantic_classes=())

    def __init__(self,
                 ann_file: str,
                 require: Sequence[str] = (),
                 check_files: bool = True,
                 metainfo: Optional[dict] = None,
                 serialize_data: bool = False,
                 **kwargs) -> None:
        check_resolved(ann_file, f'{type(self).__name__}.ann_file')
        check_resolved(
            kwargs.get('data_root'), f'{type(self).__name__}.data_root')
        unknown = set(require) - set(PATH_KEYS)
        if unknown:
            raise ValueError(f'require names unknown keys {sorted(unknown)}; '
                             f'known: {PATH_KEYS}')
        self.require = tuple(require)
        self.check_files = check_files
        super().__init__(
            ann_file=ann_file,
            metainfo=metainfo,
            serialize_data=serialize_data,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        file_meta, records = self.read_annotations()
        # Annotation metadata wins over the class default, a config's
        # explicit metainfo wins over both.
        for key, value in file_meta.items():
            if key not in self._metainfo or \
                    self._metainfo[key] == self.METAINFO.get(key):
                self._metainfo[key] = value
        if not records:
            raise ValueError(f'{self.ann_file} holds no samples; an empty '
                             'data set cannot be used for training or '
                             'evaluation')
        return [self.parse_data_info(raw, i) for i, raw in enumerate(records)]

    def read_annotations(self) -> Tuple[dict, List[dict]]:
        """Read ``ann_file`` into ``(metainfo, records)``.

        Readers of official dataset trees (NYU-v2, ScanNet, SceneNet RGB-D)
        override this and return records of the same format.
        """
        annotations = read_annotation_file(
            self.ann_file,
            'depth annotation file',
            hint='generate or convert the data first (docs/dfdd_data.md)',
            doc='docs/dfdd_data.md')
        return annotations['metainfo'], annotations['data_list']

    def parse_data_info(self, raw_data_info: dict, index: int = -1) -> dict:
        if not isinstance(raw_data_info, dict):
            raise ValueError(f'{self.ann_file}: record {index} is not a dict')
        sample = raw_data_info.get('sample_id', f'#{index}')
        for key in ('img_path', ) + self.require:
            if key not in raw_data_info:
                raise KeyError(f'{self.ann_file}: sample {sample} has no '
                               f'"{key}"')
        info = dict(raw_data_info)
        for key in PATH_KEYS:
            if key not in raw_data_info:
                continue
            path = osp.join(self.data_root or '', raw_data_info[key])
            if self.check_files and not osp.isfile(path):
                raise FileNotFoundError(
                    f'{self.ann_file}: sample {sample} names {key}={path}, '
                    'which does not exist')
            info[key] = path
        info.setdefault('sample_id', info['img_path'])
        table = raw_data_info.get('inst_to_sem')
        if isinstance(table, str):
            # A key into the file's shared tables (one per trajectory).
            tables = self._metainfo.get('inst_to_sem') or {}
            if table not in tables:
                raise KeyError(f'{self.ann_file}: sample {sample} names '
                               f'inst_to_sem table {table!r}, which '
                               'metainfo["inst_to_sem"] lacks')
            info['inst_to_sem'] = tables[table]
        info['depth_scale'] = float(
            raw_data_info.get('depth_scale', self._metainfo['depth_scale']))
        return info

    @property
    def semantic_classes(self) -> Sequence[str]:
        """Names of the semantic ids, in id order."""
        return tuple(self.metainfo.get('semantic_classes', ()))
