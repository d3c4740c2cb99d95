import math

import pytest
import torch

from mmsocket.evaluation import DepthMetric
from mmsocket.evaluation.metrics.depth_metric import image_depth_errors


def _sample(pred, gt):
    return dict(
        pred_depth=torch.tensor(pred).unsqueeze(0),
        gt_depth=torch.tensor(gt).unsqueeze(0))


def test_hand_computed_values_over_two_images():
    metric = DepthMetric()
    # image 1: valid d = [1, 2, 4], g = [1, 1, 2] (the 0 is missing GT)
    metric.process(None, [
        _sample([[1., 2.], [4., 1.]], [[1., 1.], [2., 0.]]),
        _sample([[1., 1.], [1., 1.]], [[1., 1.], [1., 1.]]),
    ])
    res = metric.compute_metrics(metric.results)
    assert res['abs_rel'] == pytest.approx((2 / 3 + 0) / 2)
    assert res['rmse'] == pytest.approx(math.sqrt((5 / 3 + 0) / 2))
    assert res['log10'] == pytest.approx((2 * math.log10(2) / 3) / 2)
    # ratios [1, 2, 2]: only the first is within 1.25, 1.25^2, 1.25^3
    for k in ('delta1', 'delta2', 'delta3'):
        assert res[k] == pytest.approx((1 / 3 + 1) / 2)


def test_delta_thresholds_are_inclusive_and_distinct():
    gt = torch.ones(1, 1, 4)
    pred = torch.tensor([[[1.25, 1.5, 1.9, 3.0]]])
    e = image_depth_errors(pred, gt)
    assert (e['delta1'], e['delta2'], e['delta3']) == (0.25, 0.5, 0.75)


def test_prediction_is_bilinearly_upsampled_to_gt():
    pred = torch.full((1, 2, 2), 3.0)
    gt = torch.full((1, 8, 8), 3.0)
    e = image_depth_errors(pred, gt)
    assert e['abs_rel'] == pytest.approx(0.0) and e['delta1'] == 1.0


def test_crop_and_errors():
    gt = torch.ones(1, 4, 4)
    pred = torch.ones(1, 4, 4)
    pred[0, 2:] = 2.0  # wrong only in the bottom half
    assert DepthMetric(crop=(0, 0.5, 0, 1)).crop == (0, 0.5, 0, 1)
    top = image_depth_errors(pred, gt, crop=(0, 0.5, 0, 1))
    assert top['abs_rel'] == 0.0
    assert image_depth_errors(pred, gt)['abs_rel'] == pytest.approx(0.5)
    assert DepthMetric(crop='eigen').crop[0] == pytest.approx(45 / 480)
    assert image_depth_errors(pred, torch.zeros(1, 4, 4)) is None
    with pytest.raises(ValueError, match='crop'):
        DepthMetric(crop='nyu')
    with pytest.raises(ValueError, match='crop'):
        DepthMetric(crop=(0.5, 0.2, 0, 1))
    with pytest.raises(KeyError, match='pred_depth'):
        DepthMetric().process(None, [dict(gt_depth=gt)])
