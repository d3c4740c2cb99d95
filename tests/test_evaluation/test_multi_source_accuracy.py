# Copyright (c) mmsocket contributors. All rights reserved.
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmengine.registry import init_default_scope
from mmpretrain.structures import DataSample

from mmsocket.evaluation import MultiSourceAccuracy
from mmsocket.registry import METRICS, MODELS

GT = [0, 1, 2, 1]
ENSEMBLE = [
    [.7, .2, .1],  # -> 0, gt 0: right
    [.1, .6, .3],  # -> 1, gt 1: right
    [.5, .1, .4],  # -> 0, gt 2: wrong
    [.2, .5, .3],  # -> 1, gt 1: right        ensemble 3/4 = 75 %
]
SOURCES = [
    # source 0          source 1
    [[.6, .3, .1], [.1, .8, .1]],  # s0: 0 right, 1 wrong
    [[.5, .4, .1], [.2, .7, .1]],  # s1: 0 wrong, 1 right
    [[.2, .2, .6], [.6, .3, .1]],  # s2: 2 right, 0 wrong
    [[.7, .2, .1], [.3, .3, .4]],  # s3: 0 wrong, 2 wrong
]  # source 0: 2/4 = 50 %, source 1: 1/4 = 25 %


@pytest.fixture(autouse=True)
def scope():
    init_default_scope('mmsocket')


def samples(with_sources=True):
    out = []
    for i, y in enumerate(GT):
        s = DataSample().set_gt_label(y).set_pred_score(
            torch.tensor(ENSEMBLE[i]))
        if with_sources:
            s.set_field(torch.tensor(SOURCES[i]), 'source_scores')
        out.append(s)
    return out


def test_ensemble_and_per_source_accuracy_by_hand():
    evaluator = Evaluator(dict(type='MultiSourceAccuracy'))
    data = samples()
    evaluator.process(data[:3])  # two batches: results accumulate
    evaluator.process(data[3:])
    metrics = evaluator.evaluate(4)
    assert metrics == pytest.approx({
        'accuracy/top1': 75.0,
        'accuracy/source_0': 50.0,
        'accuracy/source_1': 25.0,
    })


def test_direct_use_on_dicts():
    metric = METRICS.build(dict(type='MultiSourceAccuracy'))
    assert isinstance(metric, MultiSourceAccuracy)
    metric.process(None, [s.to_dict() for s in samples()])
    # compute_metrics returns bare keys; evaluate() adds the prefix
    assert metric.compute_metrics(metric.results) == pytest.approx(
        dict(top1=75.0, source_0=50.0, source_1=25.0))


def test_without_source_scores():
    evaluator = Evaluator(dict(type='MultiSourceAccuracy'))
    evaluator.process(samples(with_sources=False))
    assert evaluator.evaluate(4) == pytest.approx({'accuracy/top1': 75.0})


def test_plain_image_classifier_predictions():
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=dict(type='LeNet5'),
            neck=dict(
                type='FeatureBottleneck', in_channels=120, out_channels=8),
            head=dict(type='WeightNormClsHead', num_classes=3,
                      in_channels=8))).eval()
    x = torch.rand(10, 1, 32, 32)
    gt = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]
    with torch.no_grad():
        preds = model(
            x, [DataSample().set_gt_label(y) for y in gt], mode='predict')
    assert all('source_scores' not in p for p in preds)
    right = sum(int(p.pred_score.argmax()) == y for p, y in zip(preds, gt))
    ours = Evaluator(dict(type='MultiSourceAccuracy'))
    ours.process(preds)
    theirs = Evaluator(dict(type='Accuracy', topk=(1, )))
    theirs.process(preds)
    result = ours.evaluate(10)
    assert set(result) == {'accuracy/top1'}
    assert result['accuracy/top1'] == pytest.approx(100.0 * right / 10)
    # same number, same key as mmpretrain's Accuracy
    assert result == pytest.approx(theirs.evaluate(10))
