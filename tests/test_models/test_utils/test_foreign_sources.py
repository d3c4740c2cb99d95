# Copyright (c) mmsocket contributors. All rights reserved.
"""RGB classifiers from outside the toolbox as SOCKET/SHOT/TGMB sources:
a stock mmpretrain checkpoint (as its Runner saves it) and a torchvision
ResNet state dict; a backbone without BatchNorm2d."""
import pytest
import torch
import torchvision
from mmengine.config import Config
from mmengine.logging import HistoryBuffer

from mmsocket.models.utils import (NoBatchNormError, build_source_classifier,
                                   torchvision_resnet_to_mmpretrain)
from mmsocket.registry import MODELS
from tests.stock_mmpretrain import CLASSES
from tests.test_models.test_algorithms.toy_socket import tiny_source


@pytest.fixture(scope='module')
def stock(stock_classifier):
    return dict(
        stock_classifier,
        model=Config.fromfile(stock_classifier['config']).model.to_dict())


def _socket(sources, **overrides):
    return MODELS.build(dict(type='SOCKET', sources=sources, **overrides))


def test_stock_mmpretrain_checkpoint_is_a_source(stock):
    clf, classes = build_source_classifier(stock['model'], stock['checkpoint'])
    assert classes == list(CLASSES)
    saved = torch.load(stock['checkpoint'], weights_only=True)['state_dict']
    for k, v in clf.state_dict().items():
        assert torch.equal(v, saved[k]), k
    # The stock file pickles HistoryBuffer's methods via getattr: they are
    # read through the stand-in and dropped (the defaults stay).
    assert HistoryBuffer._statistics_methods == {
        m: getattr(HistoryBuffer, m)
        for m in ('min', 'max', 'current', 'mean')
    }

    # SOCKET (all losses), SHOT (SOCKET without L_TI, L_d) and TGMB build
    # on it; at the start the target model is the source model.
    source = [dict(model=stock['model'], checkpoint=stock['checkpoint'])]
    x = torch.randint(0, 256, (2, 3, 32, 32), dtype=torch.uint8)
    data = clf.data_preprocessor(dict(inputs=list(x)), False)['inputs']
    with torch.no_grad():
        expected = clf.eval()(data, mode='tensor')
    for algorithm in (_socket(source),
                      _socket(
                          source, ti_feature_loss=None, bn_moment_loss=None),
                      MODELS.build(
                          dict(
                              type='TGMB',
                              sources=source,
                              discriminator=dict(
                                  type='MLPFeatureDiscriminator',
                                  in_channels=64,
                                  hidden_channels=8)))):
        assert algorithm.classes == list(CLASSES)
        with torch.no_grad():
            got = algorithm.eval().heads[0]((algorithm.encoders(data)[0], ))
        torch.testing.assert_close(got, expected)
    socket = _socket(source).eval()
    with torch.no_grad():
        torch.testing.assert_close(socket(data), expected)
    # L_d reads the stock ResNet's BatchNorm2d statistics.
    assert len(socket.bn_recorders[0]) == 20


def _torchvision_source(num_classes):
    return dict(
        type='ImageClassifier',
        # torchvision's RGB ImageNet normalisation, on mmcv's BGR images.
        data_preprocessor=tiny_source()['data_preprocessor'],
        backbone=dict(type='ResNet', depth=18, out_indices=(3, )),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead', num_classes=num_classes, in_channels=512))


def test_torchvision_resnet_state_dict_is_a_source(tmp_path):
    torch.manual_seed(0)
    net = torchvision.models.resnet18(num_classes=3).eval()
    path = str(tmp_path / 'resnet18.pth')
    torch.save(net.state_dict(), path)
    source = [dict(model=_torchvision_source(3), checkpoint=path)]
    socket = _socket(source).eval()
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(
            socket.heads[0]((socket.encoders(x)[0], )),
            net(x),
            rtol=1e-4,
            atol=1e-5)
    assert socket.classes is None and socket.num_classes == 3
    assert len(socket.bn_recorders[0]) == 20

    mapped = torchvision_resnet_to_mmpretrain(net.state_dict())
    assert mapped['head.fc.weight'] is net.state_dict()['fc.weight'] or \
        torch.equal(mapped['head.fc.weight'], net.fc.weight)
    assert 'backbone.layer4.1.bn2.running_var' in mapped


def test_checkpoint_of_another_form_is_refused_clearly(tmp_path):
    net = torchvision.models.resnet18(num_classes=3)
    path = str(tmp_path / 'resnet18.pth')
    torch.save(net.state_dict(), path)
    ours = _torchvision_source(3)
    ours['neck'] = dict(type='FeatureBottleneck', in_channels=512)
    ours['head'] = dict(type='WeightNormClsHead', num_classes=3)
    with pytest.raises(ValueError, match='torchvision ResNet') as err:
        build_source_classifier(ours, path)
    assert 'GlobalAveragePooling' in str(err.value)
    torch.save({'module.' + k: v for k, v in net.state_dict().items()}, path)
    with pytest.raises(ValueError, match='model.module.state_dict'):
        build_source_classifier(_torchvision_source(3), path)


def _convnext_source():
    return dict(
        type='ImageClassifier',
        backbone=dict(
            type='ConvNeXt',
            arch=dict(depths=[1, 1, 1, 1], channels=[8, 16, 32, 64])),
        neck=dict(type='FeatureBottleneck', in_channels=64, out_channels=16),
        head=dict(type='WeightNormClsHead', num_classes=3, in_channels=16))


def test_backbone_without_batchnorm_says_how_to_run():
    sources = [dict(model=_convnext_source())]
    with pytest.raises(NoBatchNormError) as err:
        _socket(sources)
    message = str(err.value)
    assert '--cfg-options model.bn_moment_loss=None' in message
    assert 'LayerNorm2d x 9' in message and 'source 0' in message
    # ... and that is how it runs.
    model = _socket(sources, bn_moment_loss=None)
    assert model(torch.rand(2, 3, 32, 32)).shape == (2, 3)
