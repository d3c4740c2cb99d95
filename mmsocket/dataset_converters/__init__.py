# Copyright (c) mmsocket contributors. All rights reserved.
"""Offline converters from official real-data releases to our formats.

Nothing at training time imports this package: it writes data roots that
:mod:`mmsocket.datasets` reads.

* :mod:`.paired_folders` -- a user's own paired RGB / depth (or NIR)
  folders, :mod:`.socket_layout` -- the official SOCKET code's folders and
  ``path label`` lists, and :mod:`.sunrgbd`, :mod:`.rgb_nir`, :mod:`.diml`
  -- the classification releases, all to the paired format of
  ``docs/data_format.md``; they list the samples and hand them to
  :func:`.common.write_converted` (decoding: :mod:`.decoding`; safe output:
  :mod:`.output`; splits, annotations), and their command lines share
  :mod:`.cli`;
* :mod:`.nyu_labeled` -- the NYU-Depth-v2 labeled ``.mat`` to the depth
  format of ``docs/dfdd_data.md``;
* :mod:`.scenenet` -- SceneNet RGB-D's instance -> class tables to the
  JSON :class:`~mmsocket.datasets.SceneNetRGBDDataset` reads.

Command-line front ends: ``tools/dataset_converters/``; documentation:
``docs/dataset_prepare.md`` and ``docs/dfdd_data.md``.
"""
from .common import ConversionError, class_key, format_summary, split_train_val
from .diml import DIML_TI_CLASSES, DIML_TR_CLASSES, convert_diml
from .nyu_labeled import convert_nyu_labeled_mat, read_split_indices
from .paired_folders import convert_paired_folders
from .rgb_nir import RGB_NIR_TI_CLASSES, RGB_NIR_TR_CLASSES, convert_rgb_nir
from .scenenet import instance_tables, read_trajectories
from .socket_layout import convert_socket_layout
from .sunrgbd import (SUNRGBD_DOMAINS, SUNRGBD_TI_CLASSES, SUNRGBD_TR_CLASSES,
                      convert_sunrgbd, decode_sunrgbd_depth)

__all__ = [
    'ConversionError', 'class_key', 'format_summary', 'split_train_val',
    'SUNRGBD_DOMAINS', 'SUNRGBD_TR_CLASSES', 'SUNRGBD_TI_CLASSES',
    'convert_sunrgbd', 'decode_sunrgbd_depth', 'RGB_NIR_TR_CLASSES',
    'RGB_NIR_TI_CLASSES', 'convert_rgb_nir', 'DIML_TR_CLASSES',
    'DIML_TI_CLASSES', 'convert_diml', 'convert_nyu_labeled_mat',
    'read_split_indices', 'convert_paired_folders', 'convert_socket_layout',
    'instance_tables', 'read_trajectories'
]
