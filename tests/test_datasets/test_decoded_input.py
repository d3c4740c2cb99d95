# Copyright (c) mmsocket contributors. All rights reserved.
"""Parts of ours under mmpretrain's scope: the mirrored registries, and
LoadModality given an image its caller decoded (mmpretrain's inferencer)."""
import mmcv
import numpy as np
import pytest
from mmpretrain.registry import MODELS as PRETRAIN_MODELS
from mmpretrain.registry import TRANSFORMS as PRETRAIN_TRANSFORMS

from mmsocket.datasets.transforms import LoadModality
from mmsocket.models.necks import FeatureBottleneck
from mmsocket.registry import MODELS
from tests.fixtures import write_png


def test_our_modules_are_found_in_mmpretrain_registries():
    assert PRETRAIN_MODELS.get('FeatureBottleneck') is FeatureBottleneck
    assert PRETRAIN_TRANSFORMS.get('LoadModality') is LoadModality
    mmpretrain_resnet = PRETRAIN_MODELS.get('ResNet')

    class ResNet:  # a name mmpretrain owns: never taken over
        pass

    MODELS.register_module(module=ResNet)
    try:
        assert PRETRAIN_MODELS.get('ResNet') is mmpretrain_resnet
        assert MODELS.get('ResNet') is ResNet
    finally:
        MODELS._module_dict.pop('ResNet')


def test_image_decoded_by_the_caller(tmp_path):
    rgb = np.random.default_rng(0).integers(0, 256, (6, 5, 3), np.uint8)
    path = str(tmp_path / 'rgb.png')
    write_png(path, rgb)
    from_file = LoadModality()(dict(img_path=path))
    decoded = LoadModality()(dict(img=mmcv.imread(path)))
    assert np.array_equal(decoded['img'], from_file['img'])
    assert decoded['img_shape'] == (6, 5)
    for transform in (LoadModality(depth_range=(0, 8)),
                      LoadModality(modality='depth')):
        with pytest.raises(
                ValueError, match='tools/model_converters/'
                'export.py'):
            transform(dict(img=mmcv.imread(path)))
