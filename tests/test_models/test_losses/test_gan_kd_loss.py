# Copyright (c) mmsocket contributors. All rights reserved.
import math

import pytest
import torch

from mmsocket.models.losses import (GANLoss, KDLoss, TIFeatureLoss, gan_loss,
                                    kd_loss)


def test_gan_loss_by_hand():
    logits = torch.tensor([0.0, math.log(3.0)])  # D = 0.5, 0.75
    real = gan_loss(logits, True)
    assert real.item() == pytest.approx(-(math.log(0.5) + math.log(0.75)) / 2)
    fake = gan_loss(logits, False)
    assert fake.item() == pytest.approx(-(math.log(0.5) + math.log(0.25)) / 2)
    ls = gan_loss(torch.tensor([0.5, 2.0]), True, 'lsgan')
    assert ls.item() == pytest.approx((0.25 + 1.0) / 2)
    assert GANLoss(loss_weight=2.0)(logits, True).item() == pytest.approx(
        2 * real.item())
    with pytest.raises(ValueError, match='gan_type'):
        GANLoss(gan_type='wgan')


def test_kd_loss_by_hand_both_directions():
    s = torch.log(torch.tensor([[0.5, 0.5]]))
    t = torch.log(torch.tensor([[0.75, 0.25]]))
    kl_ts = 0.75 * math.log(0.75 / 0.5) + 0.25 * math.log(0.25 / 0.5)
    kl_st = 0.5 * math.log(0.5 / 0.75) + 0.5 * math.log(0.5 / 0.25)
    assert kd_loss(s, t).item() == pytest.approx(kl_ts, abs=1e-6)
    assert kd_loss(s, t, direction='student_teacher').item() == \
        pytest.approx(kl_st, abs=1e-6)
    # batch mean, temperature squared
    s2, t2 = torch.cat([s, t]), torch.cat([t, t])
    assert kd_loss(s2, t2).item() == pytest.approx(kl_ts / 2, abs=1e-6)
    assert KDLoss(tau=2.0, loss_weight=3.0)(s, s).item() == pytest.approx(0)
    # the teacher gets no gradient
    s, t = s.clone().requires_grad_(), t.clone().requires_grad_()
    kd_loss(s, t).backward()
    assert t.grad is None and s.grad is not None
    with pytest.raises(ValueError, match='direction'):
        KDLoss(direction='sideways')
    with pytest.raises(ValueError, match=r'\(B, K\)'):
        kd_loss(torch.zeros(2, 3), torch.zeros(2, 4))


def test_feature_loss_batch_mean_by_hand():
    f = [torch.zeros(2, 2)]
    psi = [torch.tensor([[1.0, 1.0], [3.0, 0.0]])]  # squared norms 2 and 9
    loss = TIFeatureLoss(loss_weight=0.2, mode='batch_mean')(f, psi, [1.0])
    assert loss.item() == pytest.approx(0.2 * 11 / 2)
