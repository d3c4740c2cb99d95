# Copyright (c) mmsocket contributors. All rights reserved.
"""Converters from official real-data releases to ``docs/data_format.md``.

Command-line front ends: ``tools/dataset_converters/{sunrgbd,rgb_nir,
diml}.py``; documentation: ``docs/dataset_prepare.md``.
"""
from .common import ConversionError, class_key, format_summary, split_train_val
from .diml import DIML_TI_CLASSES, DIML_TR_CLASSES, convert_diml
from .rgb_nir import RGB_NIR_TI_CLASSES, RGB_NIR_TR_CLASSES, convert_rgb_nir
from .sunrgbd import (SUNRGBD_DOMAINS, SUNRGBD_TI_CLASSES, SUNRGBD_TR_CLASSES,
                      convert_sunrgbd, decode_sunrgbd_depth)

__all__ = [
    'ConversionError', 'class_key', 'format_summary', 'split_train_val',
    'SUNRGBD_DOMAINS', 'SUNRGBD_TR_CLASSES', 'SUNRGBD_TI_CLASSES',
    'convert_sunrgbd', 'decode_sunrgbd_depth', 'RGB_NIR_TR_CLASSES',
    'RGB_NIR_TI_CLASSES', 'convert_rgb_nir', 'DIML_TR_CLASSES',
    'DIML_TI_CLASSES', 'convert_diml'
]
