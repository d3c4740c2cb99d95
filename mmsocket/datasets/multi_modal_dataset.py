# Copyright (c) mmsocket contributors. All rights reserved.
"""One dataset class for every paired RGB / depth / NIR data set.

The synthetic benchmark and every converter write the format of
``docs/data_format.md``; this class reads one modality of it. The same
annotation file serves the source model (``modality='rgb'``), the unlabeled
target set (``modality='depth'``, ``with_label=False``) and evaluation
(``modality='depth'``, labels kept).
"""
import os.path as osp
from typing import List, Optional, Sequence

from mmengine.dataset import BaseDataset

from mmsocket.registry import DATASETS
from mmsocket.utils.config_refs import check_resolved
from .annotation_file import read_annotation_file

MODALITIES = ('rgb', 'depth', 'nir')


@DATASETS.register_module()
class MultiModalDataset(BaseDataset):
    """One modality of a paired multi-modal classification data set.

    Args:
        ann_file (str): Annotation file (see ``docs/data_format.md``),
            relative to ``data_root``.
        modality (str): Which image of each record to read: ``'rgb'``,
            ``'depth'`` or ``'nir'``.
        with_label (bool): Keep ``gt_label``. Adaptation pipelines set it
            to False so that no training step can read target labels.
            Defaults to True.
        check_files (bool): Check at start-up that every image exists, so a
            missing pair fails before training instead of hours into it.
            Defaults to True.
        serialize_data (bool): mmengine's packing of the sample list into
            one array for worker processes. Our lists are small (thousands
            of short records), and packing runs a full ``gc.collect()`` per
            dataset, which costs seconds in a large process; so it is off
            by default here. Defaults to False.
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset`
            (``data_root``, ``pipeline``, ``test_mode``, ``indices``...).
    """

    def __init__(self,
                 ann_file: str,
                 modality: str = 'rgb',
                 with_label: bool = True,
                 check_files: bool = True,
                 metainfo: Optional[dict] = None,
                 serialize_data: bool = False,
                 **kwargs) -> None:
        for key, value in (('ann_file', ann_file), ('modality', modality),
                           ('data_root', kwargs.get('data_root'))):
            check_resolved(value, f'{type(self).__name__}.{key}')
        if modality not in MODALITIES:
            raise ValueError(f'modality must be one of {MODALITIES}, '
                             f'got {modality!r}')
        self.modality = modality
        self.with_label = with_label
        self.check_files = check_files
        # Classes named in a config must equal the file's: a silently
        # re-ordered class list would scramble every label.
        self._expected_classes = None
        if metainfo is not None and metainfo.get('classes') is not None:
            self._expected_classes = tuple(metainfo['classes'])
        super().__init__(
            ann_file=ann_file,
            metainfo=metainfo,
            serialize_data=serialize_data,
            **kwargs)

    def load_data_list(self) -> List[dict]:
        annotations = read_annotation_file(self.ann_file)
        file_meta = annotations['metainfo']
        classes = file_meta.get('classes')
        if (self._expected_classes is not None and classes is not None
                and tuple(classes) != self._expected_classes):
            raise ValueError(
                f'{self.ann_file}: its class list {list(classes)} differs '
                f'from the config\'s {list(self._expected_classes)}')
        modalities = file_meta.get('modalities')
        if modalities is not None and self.modality not in modalities:
            raise ValueError(f'{self.ann_file} has modalities {modalities}, '
                             f'not {self.modality!r}')
        for key, value in file_meta.items():
            self._metainfo.setdefault(key, value)
        if not annotations['data_list']:
            raise ValueError(f'{self.ann_file} holds no samples; an empty '
                             'data set cannot be used for training or '
                             'evaluation (is the task-irrelevant set '
                             'empty?)')
        return [self.parse_data_info(raw) for raw in annotations['data_list']]

    def parse_data_info(self, raw_data_info: dict) -> dict:
        key = f'{self.modality}_path'
        sample = raw_data_info.get('sample_id', raw_data_info)
        if key not in raw_data_info:
            raise KeyError(f'{self.ann_file}: sample {sample} has no '
                           f'{self.modality} image (missing pair)')
        img_path = osp.join(self.data_root or '', raw_data_info[key])
        if self.check_files and not osp.isfile(img_path):
            raise FileNotFoundError(
                f'{self.ann_file}: sample {sample} names {img_path}, which '
                'does not exist (missing pair)')
        info = dict(
            img_path=img_path,
            modality=self.modality,
            sample_id=raw_data_info.get('sample_id', img_path))
        if self.with_label:
            if 'gt_label' not in raw_data_info:
                raise KeyError(f'{self.ann_file}: sample {sample} has no '
                               'gt_label')
            label = int(raw_data_info['gt_label'])
            num_classes = len(self._metainfo.get('classes') or ())
            if num_classes and not 0 <= label < num_classes:
                raise ValueError(
                    f'{self.ann_file}: sample {sample} has label {label}, '
                    f'outside the {num_classes} classes')
            info['gt_label'] = label
        return info

    @property
    def classes(self) -> Sequence[str]:
        """The class names, in label order."""
        return tuple(self.metainfo.get('classes', ()))

    def get_gt_labels(self):
        """All labels, for evaluation code that needs them at once."""
        if not self.with_label:
            raise RuntimeError('this dataset was built with_label=False')
        import numpy as np
        return np.array(
            [self.get_data_info(i)['gt_label'] for i in range(len(self))])
