# Copyright (c) mmsocket contributors. All rights reserved.
"""Models out of (and weights into) the toolbox: docs/export.md.

Imported on use (``from mmsocket.apis.export import export_model``); the
CLIs are ``tools/model_converters/*.py``.
"""
from .ensemble import ZetaEnsemble
from .exporter import export_model
from .mmpretrain_model import (AdaptedModel, ExportedClassifier,
                               build_mmpretrain, read_adapted_model,
                               to_mmpretrain)
from .target_images import encode_image, encode_test_set, exported_pipeline
from .weights import (convert_torchvision_resnet, read_class_list,
                      strip_checkpoint)

__all__ = [
    'ZetaEnsemble', 'export_model', 'AdaptedModel', 'ExportedClassifier',
    'build_mmpretrain', 'read_adapted_model', 'to_mmpretrain', 'encode_image',
    'encode_test_set', 'exported_pipeline', 'convert_torchvision_resnet',
    'read_class_list', 'strip_checkpoint'
]
