# Copyright (c) mmsocket contributors. All rights reserved.
import pytest
import torch

from mmsocket.models.losses import TIFeatureLoss, ti_feature_loss
from mmsocket.registry import MODELS


def _two_sources(requires_grad=False):
    # differences D_j = psi_j - f_j:
    #   D_1 = [[1, 0], [0, 0]],  D_2 = [[2, 0], [0, 0]]
    f1 = torch.tensor([[1., 0.], [0., 1.]], requires_grad=requires_grad)
    psi1 = torch.tensor([[2., 0.], [0., 1.]], requires_grad=requires_grad)
    f2 = torch.tensor([[0., 0.], [1., 1.]], requires_grad=requires_grad)
    psi2 = torch.tensor([[2., 0.], [1., 1.]], requires_grad=requires_grad)
    return [f1, f2], [psi1, psi2]


def test_code_and_paper_forms_by_hand():
    feats, bank = _two_sources()
    zeta = torch.tensor([0.25, 0.75])
    # code: ||.25 D_1 + .75 D_2||_F = ||[[.25 + 1.5, 0], [0, 0]]|| = 1.75
    assert ti_feature_loss(feats, bank, zeta).item() == pytest.approx(1.75)
    # paper: .25^2 * ||D_1||^2 + .75^2 * ||D_2||^2 = .0625*1 + .5625*4
    #        = 2.3125
    assert ti_feature_loss(
        feats, bank, zeta, mode='paper').item() == pytest.approx(2.3125)


def test_code_form_lets_sources_cancel():
    # D_1 = [[1, 0]], D_2 = [[-1, 0]], zeta = (.5, .5):
    # code: ||.5 - .5|| = 0; paper: .25 * 1 + .25 * 1 = 0.5
    feats = [torch.zeros(1, 2), torch.zeros(1, 2)]
    bank = [torch.tensor([[1., 0.]]), torch.tensor([[-1., 0.]])]
    zeta = torch.tensor([0.5, 0.5])
    assert ti_feature_loss(feats, bank, zeta).item() == 0.0
    assert ti_feature_loss(
        feats, bank, zeta, mode='paper').item() == pytest.approx(0.5)
    # zeta defaults to 1/n
    assert ti_feature_loss(
        feats, bank, mode='paper').item() == pytest.approx(0.5)


def test_single_source_is_frobenius_norm_not_mean():
    # ||Psi - F||_F with Psi - F = [[3, 0], [0, 4]] -> 5 (not 25, not 2.5)
    feats = [torch.zeros(2, 2)]
    bank = [torch.tensor([[3., 0.], [0., 4.]])]
    assert ti_feature_loss(feats, bank, torch.ones(1)).item() == 5.0
    assert ti_feature_loss(feats, bank).item() == 5.0
    assert ti_feature_loss(feats, bank, mode='paper').item() == 25.0
    # module: default loss_weight 0.5
    assert TIFeatureLoss()(feats, bank, torch.ones(1)).item() == 2.5
    assert TIFeatureLoss(
        loss_weight=1.0, mode='paper')(feats, bank).item() == 25.0


def test_gradients_reach_features_and_zeta_not_bank():
    feats, bank = _two_sources(requires_grad=True)
    zeta = torch.tensor([0.25, 0.75], requires_grad=True)
    loss = ti_feature_loss(feats, bank, zeta)
    loss.backward()
    # L = |S| with S = .25 * 1 + .75 * 2 = 1.75 at entry (0, 0):
    # dL/dzeta_j = D_j[0, 0] = (1, 2); dL/df_j = -zeta_j at (0, 0)
    assert torch.allclose(zeta.grad, torch.tensor([1.0, 2.0]))
    assert torch.allclose(feats[0].grad, torch.tensor([[-0.25, 0.], [0., 0.]]))
    assert torch.allclose(feats[1].grad, torch.tensor([[-0.75, 0.], [0., 0.]]))
    assert bank[0].grad is None and bank[1].grad is None


def test_errors():
    f = [torch.zeros(2, 3), torch.zeros(2, 3)]
    with pytest.raises(ValueError, match='2 feature tensors but 1 bank'):
        ti_feature_loss(f, f[:1])
    with pytest.raises(ValueError, match=r'bank\[1\] has shape'):
        ti_feature_loss(f, [torch.zeros(2, 3), torch.zeros(2, 4)])
    with pytest.raises(ValueError, match=r'zeta must have shape \(2,\)'):
        ti_feature_loss(f, f, torch.ones(3))
    with pytest.raises(ValueError, match=r'feats\[0\] must have shape'):
        ti_feature_loss([torch.zeros(2, 3, 1)], [torch.zeros(2, 3, 1)])
    with pytest.raises(ValueError, match='one shape'):
        ti_feature_loss(
            [torch.zeros(2, 3), torch.zeros(2, 4)],
            [torch.zeros(2, 3), torch.zeros(2, 4)])
    # the paper form sums per source, so per-source dims may differ
    assert ti_feature_loss(
        [torch.zeros(2, 3), torch.zeros(2, 4)],
        [torch.ones(2, 3), torch.ones(2, 4)],
        mode='paper').item() == pytest.approx(3.5)
    with pytest.raises(ValueError, match='mode must be one of'):
        ti_feature_loss(f, f, mode='mean')
    with pytest.raises(ValueError, match='mode must be one of'):
        TIFeatureLoss(mode='squared')
    with pytest.raises(TypeError, match='sequences'):
        ti_feature_loss(torch.zeros(2, 3), torch.zeros(2, 3))
    with pytest.raises(ValueError, match='at least one'):
        ti_feature_loss([], [])


def test_registry():
    loss_fn = MODELS.build(dict(type='TIFeatureLoss', mode='paper'))
    assert isinstance(loss_fn, TIFeatureLoss)
    assert loss_fn.loss_weight == 0.5 and loss_fn.mode == 'paper'


def test_mse_form_by_hand():
    """Scale-normalised: each source's squared differences averaged over
    batch and feature dimension."""
    feats, bank = _two_sources()
    zeta = torch.tensor([0.25, 0.75])
    # B = 2, D = 2: (.0625 * 1 + .5625 * 4) / 4 = 0.578125
    assert ti_feature_loss(
        feats, bank, zeta, mode='mse').item() == pytest.approx(0.578125)
    # Sources of different widths: each divided by its own B * D_j.
    # D_1 = [[3, 0, 0]] (B 1, D 3): 9 / 3 = 3; D_2 = [[2]]: 4 / 1 = 4.
    f = [torch.zeros(1, 3), torch.zeros(1, 1)]
    psi = [torch.tensor([[3., 0., 0.]]), torch.tensor([[2.]])]
    assert ti_feature_loss(
        f, psi, [1., 1.], mode='mse').item() == pytest.approx(7.0)
    # Independent of the batch size: the same rows twice, the same loss;
    # the code form grows by sqrt(2).
    f2 = [torch.cat([x, x]) for x in feats]
    b2 = [torch.cat([x, x]) for x in bank]
    assert ti_feature_loss(
        f2, b2, zeta, mode='mse').item() == pytest.approx(0.578125)
    assert ti_feature_loss(f2, b2, zeta).item() == pytest.approx(1.75 * 2**0.5)
    loss = TIFeatureLoss(loss_weight=2.0, mode='mse')
    assert loss(feats, bank, zeta).item() == pytest.approx(1.15625)
    assert "mode='mse'" in repr(loss)
