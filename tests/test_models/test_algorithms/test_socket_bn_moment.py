# Copyright (c) mmsocket contributors. All rights reserved.
"""SOCKET's L_d as a config sets it, on encoders whose BN inputs are known.

The source encoder below has two BatchNorm2d layers: ``bn_a`` sees the
normalised image, ``bn_b`` its first two channels. With two 2x2 images of
constant channels the batch moments are hand-computable:

- images (after the preprocessor's ``-10``): ``(1, 4, 7)`` and ``(-1, 2, 1)``
  per channel; mean ``(0, 3, 4)``, biased variance ``(1, 1, 9)``;
- fresh BN running statistics: mean 0, variance 1;
- ``bn_a``: ``||(0, 3, 4)|| + ||(1, 1, 1) - (1, 1, 9)|| = 5 + 8 = 13``;
- ``bn_b``: ``||(0, 3)|| + ||(1, 1) - (1, 1)|| = 3``.

Default L_d (x10 on each source's first layer, normalised zeta): a source
contributes ``10 * 13 + 3 = 133``. The official code (``legacy_socket_ld``):
one list of all sources' layers, x10 only on source 0's first one, times
``S = sum_k sigmoid(w_k)``: one source ``133 sigmoid(w)``, two (identical
encoders, same batch) ``(133 + 13 + 3) S = 149 S``.
"""
import math

import pytest
import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper

from mmsocket.registry import MODELS
from .toy_socket import NUM_CLASSES, stream


@MODELS.register_module(force=True)
class TwoBNTestBackbone(nn.Module):
    """Two BN2d layers whose inputs are the image and its first 2 channels."""

    def __init__(self) -> None:
        super().__init__()
        self.bn_a = nn.BatchNorm2d(3)
        self.bn_b = nn.BatchNorm2d(2)

    def forward(self, x):
        a = self.bn_a(x)
        b = self.bn_b(x[:, :2])
        return (torch.cat(
            [a[:, :1] + b[:, :1], a[:, 1:2] + b[:, 1:], a[:, 2:]], 1), )


def source():
    return dict(
        type='ImageClassifier',
        data_preprocessor=dict(
            type='ClsDataPreprocessor', mean=[10.] * 3, std=[1.] * 3),
        backbone=dict(type='TwoBNTestBackbone'),
        neck=dict(type='FeatureBottleneck', in_channels=3, out_channels=4),
        head=dict(
            type='WeightNormClsHead',
            num_classes=NUM_CLASSES,
            in_channels=4,
            loss=dict(type='CrossEntropyLoss')))


def build(num_sources, legacy, raw_weights):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='SOCKET',
            sources=[dict(model=source()) for _ in range(num_sources)],
            pseudo_label_loss=None,
            ti_feature_loss=None,
            bn_moment_loss=dict(type='BNMomentLoss', legacy_socket_ld=legacy)))
    with torch.no_grad():
        model.mixer.weight.copy_(torch.tensor(raw_weights))
    return model.train()


def images():
    a = torch.tensor([11, 14, 17], dtype=torch.uint8)
    b = torch.tensor([9, 12, 11], dtype=torch.uint8)
    x = torch.stack([a, b])[:, :, None, None].expand(2, 3, 2, 2)
    return dict(target=stream(x.contiguous(), [0, 1]))


def loss_bn_and_grad(model):
    """loss_bn of the TR batch (loss_weight 0.5) and its gradient on w."""
    data = model.data_preprocessor(images()['target'], True)
    losses, _ = model.tr_losses(data['inputs'], torch.arange(2))
    if model.mixer.weight.requires_grad:
        (grad, ) = torch.autograd.grad(losses['loss_bn'], model.mixer.weight)
    else:
        grad = None
    return losses['loss_bn'].item(), grad


LN3 = math.log(3.0)  # sigmoid(ln 3) = 0.75, sigmoid(0) = 0.5


def test_default_ld_one_and_two_sources():
    loss, grad = loss_bn_and_grad(build(1, False, [0.0]))
    assert loss == pytest.approx(0.5 * 133)
    assert grad is None  # one source: zeta = 1, nothing to learn
    # two identical sources: sum_j zeta_j (mu - mu_hat) = mu - mu_hat
    loss, grad = loss_bn_and_grad(build(2, False, [0.0, LN3]))
    assert loss == pytest.approx(0.5 * 133)
    torch.testing.assert_close(grad, torch.zeros(2), atol=1e-5, rtol=0)


def test_legacy_ld_one_source_reproduces_official_code():
    # L_d = 0.5 * sigmoid(w) * 133, dL/dw = 0.5 * 133 * s (1 - s)
    loss, grad = loss_bn_and_grad(build(1, True, [0.0]))
    assert loss == pytest.approx(0.5 * 0.5 * 133)
    torch.testing.assert_close(grad, torch.tensor([0.5 * 133 * 0.25]))
    loss, grad = loss_bn_and_grad(build(1, True, [LN3]))
    assert loss == pytest.approx(0.5 * 0.75 * 133)
    torch.testing.assert_close(grad, torch.tensor([0.5 * 133 * 0.1875]))


def test_legacy_ld_two_sources_reproduces_official_code():
    # L_d = 0.5 * 149 * (s_0 + s_1), s = (0.5, 0.75)
    loss, grad = loss_bn_and_grad(build(2, True, [0.0, LN3]))
    assert loss == pytest.approx(0.5 * 149 * 1.25)
    torch.testing.assert_close(
        grad, torch.tensor([0.5 * 149 * 0.25, 0.5 * 149 * 0.1875]))


@pytest.mark.parametrize('legacy', [False, True])
def test_single_source_weight_trains_only_in_legacy_mode(legacy):
    model = build(1, legacy, [1.0])
    params = [p for p in model.parameters() if p.requires_grad]
    wrapper = OptimWrapper(torch.optim.SGD(params, lr=0.1))
    w0 = model.mixer.weight.detach().clone()
    for _ in range(2):
        model.train_step(images(), wrapper)
    w = model.mixer.weight.detach()
    if legacy:
        # the gradient through sigmoid(w) is positive: w goes down
        assert (w < w0).all()
    else:
        assert torch.equal(w, w0)
    # zeta of the logits stays 1 for one source either way
    assert model.mixer().item() == 1.0
