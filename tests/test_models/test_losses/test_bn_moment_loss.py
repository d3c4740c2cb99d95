# Copyright (c) mmsocket contributors. All rights reserved.
import math

import pytest
import torch
import torch.nn as nn

from mmsocket.models.losses import BNMomentLoss, bn_moment_loss
from mmsocket.models.utils.bn_stats import BNStatsRecorder
from mmsocket.registry import MODELS


def t(*v, grad=False):
    return torch.tensor(v, requires_grad=grad)


def _single_source():
    batch = [(t(1., 2.), t(1., 1.)), (t(0., 0.), t(2., 2.))]
    source = [(t(1., 5.), t(5., 1.)), (t(3., 4.), t(2., 2.))]
    return [batch], [source]


def test_single_source_by_hand():
    batch, source = _single_source()
    # layer 0: ||(1,5)-(1,2)|| = 3, ||(5,1)-(1,1)|| = 4 -> 7, x m_0 = 10 -> 70
    # layer 1: ||(3,4)-(0,0)|| = 5, ||(2,2)-(2,2)|| = 0 -> 5
    assert bn_moment_loss(batch, source).item() == pytest.approx(75.0)
    assert bn_moment_loss(batch, source, torch.ones(1)).item() == 75.0
    assert bn_moment_loss(batch, source, first_layer_weight=1.0).item() == 12.0
    # module default loss_weight 0.5: 0.5 * 75
    assert BNMomentLoss()(batch, source, [1.0]).item() == 37.5


def _two_sources(grad=False):
    # one layer, two channels
    # src 0: mu_hat (0,0), var_hat (1,1), mu (4,0), var (1,1)
    # src 1: mu_hat (0,0), var_hat (1,1), mu (0,4), var (1,3)
    batch = [[(t(0., 0., grad=grad), t(1., 1., grad=grad))],
             [(t(0., 0., grad=grad), t(1., 1., grad=grad))]]
    source = [[(t(4., 0., grad=grad), t(1., 1., grad=grad))],
              [(t(0., 4., grad=grad), t(1., 3., grad=grad))]]
    return batch, source


def test_two_sources_by_hand():
    batch, source = _two_sources()
    zeta = torch.tensor([0.25, 0.75])
    # sum_j zeta_j mu_j = (1, 3), sum_j zeta_j mu_hat_j = (0, 0)
    #   -> sqrt(10) = 3.16227766
    # sum_j zeta_j var_j = (1, 2.5), sum_j zeta_j var_hat_j = (1, 1)
    #   -> ||(0, 1.5)|| = 1.5
    expected = math.sqrt(10) + 1.5  # 4.66227766
    loss = bn_moment_loss(batch, source, zeta, first_layer_weight=1.0)
    assert loss.item() == pytest.approx(expected)
    # the only layer is each source's first layer: x 10
    assert bn_moment_loss(batch, source,
                          zeta).item() == pytest.approx(10 * expected)


def test_gradients_reach_batch_stats_and_zeta_not_source():
    batch, source = _two_sources(grad=True)
    zeta = torch.tensor([0.25, 0.75], requires_grad=True)
    bn_moment_loss(batch, source, zeta, first_layer_weight=1.0).backward()
    # L = ||u|| + ||v||, u = (1, 3), v = (0, 1.5);
    # a_j = mu_j - mu_hat_j: a_1 = (4, 0), a_2 = (0, 4)
    # b_j = var_j - var_hat_j: b_1 = (0, 0), b_2 = (0, 2)
    # dL/dzeta_1 = u.a_1/|u| + v.b_1/|v| = 4/sqrt(10) = 1.26491106
    # dL/dzeta_2 = u.a_2/|u| + v.b_2/|v| = 12/sqrt(10) + 3/1.5 = 5.79473319
    assert torch.allclose(zeta.grad, torch.tensor([1.26491106, 5.79473319]))
    # dL/dmu_hat_1 = -zeta_1 u/|u| = -.25 (1, 3)/sqrt(10)
    assert torch.allclose(batch[0][0][0].grad,
                          -0.25 * torch.tensor([1., 3.]) / math.sqrt(10))
    assert batch[1][0][1].grad is not None
    for src in source:
        for mean, var in src:
            assert mean.grad is None and var.grad is None


def test_legacy_socket_ld():
    batch, source = _two_sources()
    # official code: S * sum_{j,l} m_jl (...), m = 10 only on source 0's
    # first layer, S = sum(zeta) (unnormalised sigmoid weights)
    # src 0: ||(4,0)|| + ||(0,0)|| = 4 -> x10 = 40
    # src 1: ||(0,4)|| + ||(0,2)|| = 6 -> x1 = 6
    # S = .5 + 1 = 1.5 -> 1.5 * 46 = 69
    loss = bn_moment_loss(
        batch, source, torch.tensor([0.5, 1.0]), legacy_socket_ld=True)
    assert loss.item() == pytest.approx(69.0)
    loss_fn = BNMomentLoss(loss_weight=1.0, legacy_socket_ld=True)
    assert loss_fn(batch, source, [0.5, 1.0]).item() == pytest.approx(69.0)
    # single source: the code's L_d is scaled by sigma(w_1)
    b1, s1 = _single_source()
    assert bn_moment_loss(
        b1, s1, [0.73],
        legacy_socket_ld=True).item() == pytest.approx(0.73 * 75)


def test_errors_name_the_layer():
    batch, source = _single_source()
    # layer counts differ between sources
    with pytest.raises(ValueError, match='same BN layers'):
        bn_moment_loss(batch + [batch[0][:1]], source + [source[0][:1]])
    # shapes differ between sources at layer 1
    other = [batch[0][0], (t(0., 0., 0.), t(1., 1., 1.))]
    other_src = [source[0][0], (t(0., 0., 0.), t(1., 1., 1.))]
    with pytest.raises(ValueError, match=r'source 1, layer 1 \("l1"\)'):
        bn_moment_loss(
            batch + [other], source + [other_src], layer_names=['l0', 'l1'])
    # batch vs source shape in one source
    bad_src = [[source[0][0], (t(3., 4.), t(2., 2., 2.))]]
    with pytest.raises(ValueError, match='source 0, layer 1: source var'):
        bn_moment_loss(batch, bad_src)
    with pytest.raises(ValueError, match='but source statistics of 2'):
        bn_moment_loss(batch, source * 2)
    with pytest.raises(ValueError, match='2 layers of batch statistics but 1'):
        bn_moment_loss(batch, [source[0][:1]])
    with pytest.raises(ValueError, match=r'zeta must have shape \(1,\)'):
        bn_moment_loss(batch, source, torch.ones(2))
    with pytest.raises(ValueError, match='at least one source'):
        bn_moment_loss([], [])


def test_with_recorder_end_to_end():
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
        nn.Conv2d(4, 4, 3, padding=1), nn.BatchNorm2d(4))
    rec = BNStatsRecorder(net)
    source_stats = rec.running_stats()  # mean 0, var 1
    x = torch.randn(2, 3, 5, 5)
    with rec.record():
        net(x)
    loss = BNMomentLoss(loss_weight=1.0)([rec.stats], [source_stats])
    h = net[0](x)
    expected = 10 * ((h.mean((0, 2, 3))).norm() + (h.var(
        (0, 2, 3), unbiased=False) - 1).norm())
    h2 = net[3](net[2](net[1](h)))
    expected = expected + (
        h2.mean((0, 2, 3)).norm() + (h2.var(
            (0, 2, 3), unbiased=False) - 1).norm())
    assert torch.allclose(loss, expected)
    loss.backward()
    assert net[0].weight.grad is not None
    assert net[0].weight.grad.abs().sum() > 0


def test_registry():
    loss_fn = MODELS.build(
        dict(type='BNMomentLoss', loss_weight=0.1, first_layer_weight=1.0))
    assert isinstance(loss_fn, BNMomentLoss)
    assert loss_fn.loss_weight == 0.1 and loss_fn.first_layer_weight == 1.0
