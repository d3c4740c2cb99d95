# Copyright (c) mmsocket contributors. All rights reserved.
import math

import pytest
import torch

from mmsocket.models.losses import InfoMaxLoss, info_max_loss, info_max_terms
from mmsocket.registry import MODELS

LN3 = math.log(3.0)
LN2 = math.log(2.0)


def test_terms_two_classes_by_hand():
    # logits (ln3, 0) -> p = (3/4, 1/4); second sample mirrored.
    logits = torch.tensor([[LN3, 0.0], [0.0, LN3]], dtype=torch.float64)
    ent, div = info_max_terms(logits, eps=0.0)
    # H(3/4, 1/4) = -(.75 ln .75 + .25 ln .25) = 0.5623351446
    assert ent.item() == pytest.approx(0.5623351446, abs=1e-9)
    # p_mean = (1/2, 1/2) -> ln 2 = 0.6931471806
    assert div.item() == pytest.approx(0.6931471806, abs=1e-9)
    # L_ent - L_div = 0.5623351446 - 0.6931471806 = -0.1308120359
    loss = info_max_loss(logits, eps=0.0)
    assert loss.item() == pytest.approx(-0.1308120359, abs=1e-9)


def test_terms_three_classes_by_hand():
    # row 1: p = (1/3, 1/3, 1/3), H = ln 3 = 1.0986122887
    # row 2: logits (ln2, 0, 0) -> p = (1/2, 1/4, 1/4),
    #        H = .5 ln 2 + .5 ln 4 = 1.0397207708
    # L_ent = (1.0986122887 + 1.0397207708) / 2 = 1.0691665298
    # p_mean = (5/12, 7/24, 7/24),
    # L_div = -(5/12 ln 5/12 + 2 * 7/24 ln 7/24) = 1.0835291213
    logits = torch.tensor([[0.0, 0.0, 0.0], [LN2, 0.0, 0.0]],
                          dtype=torch.float64)
    ent, div = info_max_terms(logits, eps=0.0)
    assert ent.item() == pytest.approx(1.0691665298, abs=1e-9)
    assert div.item() == pytest.approx(1.0835291213, abs=1e-9)
    loss = InfoMaxLoss(loss_weight=2.0, eps=0.0)(logits)
    # 2 * (1.0691665298 - 1.0835291213) = -0.0287251830
    assert loss.item() == pytest.approx(-0.0287251830, abs=1e-9)


def test_collapsed_batch_has_zero_loss():
    # every sample predicts (3/4, 1/4): L_ent = L_div, so the loss is 0
    # whatever eps is (both logs see the same numbers).
    logits = torch.tensor([[LN3, 0.0]] * 4)
    ent, div = info_max_terms(logits)
    assert torch.allclose(ent, div)
    assert InfoMaxLoss()(logits).abs().item() < 1e-6


def test_default_eps_is_inside_logs():
    logits = torch.tensor([[LN3, 0.0], [0.0, LN3]], dtype=torch.float64)
    eps = 1e-5
    ent, div = info_max_terms(logits)  # default eps 1e-5
    exp_ent = -(0.75 * math.log(0.75 + eps) + 0.25 * math.log(0.25 + eps))
    exp_div = -math.log(0.5 + eps)
    assert ent.item() == pytest.approx(exp_ent, abs=1e-12)
    assert div.item() == pytest.approx(exp_div, abs=1e-12)
    # and it differs from the eps=0 value (so eps really is used)
    assert abs(ent.item() - 0.5623351446) > 1e-6


def test_gradient_and_weight():
    torch.manual_seed(0)
    logits = torch.randn(5, 4, requires_grad=True)
    loss = InfoMaxLoss(loss_weight=0.5)(logits)
    assert loss.dim() == 0
    assert loss.item() == pytest.approx(0.5 * info_max_loss(logits).item())
    loss.backward()
    assert logits.grad is not None and torch.isfinite(logits.grad).all()
    assert logits.grad.abs().sum() > 0


def test_bad_shape_and_registry():
    with pytest.raises(ValueError, match=r'\(B, K\)'):
        info_max_terms(torch.randn(3))
    loss_fn = MODELS.build(dict(type='InfoMaxLoss', loss_weight=3.0))
    assert isinstance(loss_fn, InfoMaxLoss) and loss_fn.loss_weight == 3.0
