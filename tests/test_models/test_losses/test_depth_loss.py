import math

import pytest
import torch

from mmsocket.models.losses import DepthLoss, depth_loss, depth_loss_terms
from mmsocket.models.losses.depth_loss import sobel_gradients


def test_sobel_of_a_point_is_the_flipped_kernel():
    s = torch.zeros(1, 1, 3, 3)
    s[0, 0, 1, 1] = 1.0
    dx, dy = sobel_gradients(s)
    assert dx[0, 0].tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    assert dy[0, 0].tolist() == [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]


def test_hand_computed_point_vs_zero():
    t = torch.zeros(1, 1, 3, 3)
    s = torch.zeros(1, 1, 3, 3)
    s[0, 0, 1, 1] = 1.0
    terms = depth_loss_terms(s, t)
    ln = math.log
    assert terms['depth'].item() == pytest.approx(
        (8 * ln(0.5) + ln(1.5)) / 9, abs=1e-6)
    # |dx| = |dy| = {1 x4, 2 x2, 0 x3}
    one = (4 * ln(1.5) + 2 * ln(2.5) + 3 * ln(0.5)) / 9
    assert terms['grad'].item() == pytest.approx(2 * one, abs=1e-6)
    # n_s = (-dx, -dy, 1) vs (0, 0, 1): cos = 1/sqrt(|g|^2 + 1)
    normal = (4 * (1 - 1 / math.sqrt(3)) + 4 * (1 - 1 / math.sqrt(5))) / 9
    assert terms['normal'].item() == pytest.approx(normal, abs=1e-6)
    assert depth_loss(s, t).item() == pytest.approx(
        sum(v.item() for v in terms.values()), abs=1e-6)


def test_perfect_prediction_gives_the_minimum():
    t = torch.rand(2, 1, 5, 6) * 4
    terms = depth_loss_terms(t.clone(), t)
    assert terms['depth'].item() == pytest.approx(math.log(0.5), abs=1e-6)
    assert terms['grad'].item() == pytest.approx(2 * math.log(0.5), abs=1e-6)
    assert terms['normal'].item() == pytest.approx(0.0, abs=1e-6)


def test_zero_padding_makes_a_constant_offset_visible_at_the_border():
    t = torch.zeros(1, 1, 4, 4)
    dx, _ = sobel_gradients(t + 1.0)
    assert dx[0, 0, 1:3, 1:3].abs().sum() == 0  # interior: no gradient
    assert dx[0, 0, :, 0].tolist() == [-3.0, -4.0, -4.0, -3.0]


def test_mask_ignores_invalid_pixels_and_all_valid_equals_unmasked():
    torch.manual_seed(0)
    t = torch.rand(1, 1, 8, 8) + 1
    s = torch.rand(1, 1, 8, 8) + 1
    full = torch.ones_like(t, dtype=torch.bool)
    assert depth_loss(s, t, full).item() == pytest.approx(
        depth_loss(s, t).item(), abs=1e-6)
    t[..., 0, :2] = 0  # missing ground truth
    loss = DepthLoss()
    s2 = s.clone()
    s2[..., 0, :2] = 100.0  # garbage where there is no ground truth
    assert loss(s2, t).item() == pytest.approx(loss(s, t).item(), abs=1e-6)
    # the depth term is the mean over the valid pixels only
    valid = t > 0
    expect = torch.log((s - t).abs() + 0.5)[valid].mean()
    assert depth_loss_terms(s, t, valid)['depth'].item() == pytest.approx(
        expect.item(), abs=1e-6)


def test_weight_none_mask_and_errors():
    t = torch.rand(1, 1, 4, 4) + 1
    s = torch.rand(1, 1, 4, 4) + 1
    assert DepthLoss(loss_weight=2.0)(s, t, None).item() == pytest.approx(
        2 * depth_loss(s, t).item(), abs=1e-6)
    with pytest.raises(ValueError, match='same'):
        depth_loss(s, t[..., :3])
    with pytest.raises(ValueError, match='valid_mask'):
        DepthLoss()(s, t, 'all')
