# Copyright (c) mmsocket contributors. All rights reserved.
import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from mmpretrain.models import ImageClassifier
from mmpretrain.structures import DataSample

from mmsocket.models.heads import WeightNormClsHead
from mmsocket.models.necks import FeatureBottleneck
from mmsocket.registry import MODELS


@pytest.fixture(autouse=True)
def scope():
    init_default_scope('mmsocket')


# ----------------------------------------------------------------- neck ---
def test_bottleneck_shapes_and_registry():
    neck = MODELS.build(
        dict(type='FeatureBottleneck', in_channels=6, out_channels=8))
    assert isinstance(neck, FeatureBottleneck)
    out = neck(torch.rand(4, 6, 3, 5))  # 4-D: pooled first
    assert isinstance(out, tuple) and len(out) == 1
    assert out[0].shape == (4, 8)
    assert neck(torch.rand(4, 6))[0].shape == (4, 8)  # 2-D: no pooling
    # a tuple of stages: only the last one is used
    out = neck((torch.rand(4, 3, 2, 2), torch.rand(4, 6, 2, 2)))
    assert out[0].shape == (4, 8)
    assert FeatureBottleneck(2048)(torch.rand(2, 2048))[0].shape == (2, 256)


def test_bottleneck_pools_by_hand():
    neck = FeatureBottleneck(in_channels=2, out_channels=2).eval()
    with torch.no_grad():
        neck.fc.weight.copy_(torch.tensor([[1., 0.], [1., -1.]]))
    # channel 0 = [[1, 2], [3, 6]] -> mean 3; channel 1 all 4 -> mean 4
    x = torch.tensor([[[[1., 2.], [3., 6.]], [[4., 4.], [4., 4.]]]])
    # fc: (3, 3 - 4) = (3, -1); eval BN1d with running mean 0, var 1:
    # y = x / sqrt(1 + 1e-5)
    expected = torch.tensor([[3., -1.]]) / math.sqrt(1 + 1e-5)
    torch.testing.assert_close(neck(x)[0], expected)
    # 4-D input == its spatial mean as 2-D input; last of a tuple
    torch.testing.assert_close(neck(x.mean((2, 3)))[0], expected)
    torch.testing.assert_close(neck([x * 0, x])[0], expected)


def test_bottleneck_train_mode_uses_batch_stats():
    neck = FeatureBottleneck(in_channels=1, out_channels=1).train()
    with torch.no_grad():
        neck.fc.weight.fill_(1.)
    # pooled values 1 and 3: batch mean 2, biased var 1 ->
    # (1-2)/sqrt(1+1e-5), (3-2)/sqrt(1+1e-5)
    out = neck(torch.tensor([[[[1.]]], [[[3.]]]]))[0]
    torch.testing.assert_close(out.flatten(),
                               torch.tensor([-1., 1.]) / math.sqrt(1 + 1e-5))


def test_bottleneck_init_is_shot_like():
    torch.manual_seed(0)
    neck = FeatureBottleneck(in_channels=2048, out_channels=256)
    w = neck.fc.weight.detach().clone()
    assert (neck.fc.bias == 0).all()
    # xavier_normal: std = sqrt(2 / (fan_in + fan_out)) = sqrt(2 / 2304)
    #              = 0.02946
    assert abs(w.std().item() - math.sqrt(2 / 2304)) < 0.001
    assert abs(w.mean().item()) < 0.001
    neck.init_weights()  # no init_cfg: keeps SHOT's init
    assert torch.equal(neck.fc.weight, w)
    assert neck.bn.weight.shape == (256, ) and neck.bn.affine
    # An init_cfg from a config still applies.
    neck = FeatureBottleneck(
        in_channels=4,
        out_channels=3,
        init_cfg=dict(type='Constant', layer='Linear', val=0.5, bias=0.25))
    neck.init_weights()
    assert (neck.fc.weight == 0.5).all() and (neck.fc.bias == 0.25).all()


# ----------------------------------------------------------------- head ---
def make_head(**kwargs):
    head = WeightNormClsHead(num_classes=3, in_channels=2, **kwargs)
    wn = head.fc.parametrizations.weight
    with torch.no_grad():
        # v rows (1,0), (0,1), (3,4); g = 2, 1, 5 -> effective weight
        # 2 (1,0) = (2,0); 1 (0,1) = (0,1); 5 (3,4)/5 = (3,4)
        wn.original1.copy_(torch.tensor([[1., 0.], [0., 1.], [3., 4.]]))
        wn.original0.copy_(torch.tensor([[2.], [1.], [5.]]))
    return head


def test_head_weight_norm_parametrisation():
    head = MODELS.build(
        dict(type='WeightNormClsHead', num_classes=5, in_channels=7))
    assert isinstance(head, WeightNormClsHead)
    wn = head.fc.parametrizations.weight
    g, v = wn.original0, wn.original1
    assert g.shape == (5, 1) and v.shape == (5, 7)
    # init: g = |v_row| -> effective rows equal v's rows
    torch.testing.assert_close(head.fc.weight, v)
    assert (head.fc.bias == 0).all()
    # each row of the effective weight has norm g, whatever v's scale
    with torch.no_grad():
        g.copy_(torch.arange(1., 6.)[:, None])
        v.mul_(torch.tensor([[0.1], [10.], [1.], [3.], [0.5]]))
    torch.testing.assert_close(
        head.fc.weight.norm(dim=1), torch.arange(1., 6.))
    torch.testing.assert_close(head.fc.weight,
                               g * v / v.norm(dim=1, keepdim=True))
    names = {n for n, _ in head.named_parameters()}
    assert names == {
        'fc.bias', 'fc.parametrizations.weight.original0',
        'fc.parametrizations.weight.original1'
    }


def test_head_forward_by_hand():
    head = make_head()
    torch.testing.assert_close(head.fc.weight,
                               torch.tensor([[2., 0.], [0., 1.], [3., 4.]]))
    feats = torch.tensor([[1., 0.], [0., 1.]])
    # logits = W x + 0: (2, 0, 3) and (0, 1, 4)
    expected = torch.tensor([[2., 0., 3.], [0., 1., 4.]])
    torch.testing.assert_close(head((feats, )), expected)
    # a tuple of several stages: the last is used (ClsHead.pre_logits)
    torch.testing.assert_close(head((feats * 7, feats)), expected)


def test_head_4d_input_through_the_bottleneck():
    # A backbone's 4-D map is pooled by the neck, then classified.
    neck = FeatureBottleneck(in_channels=6, out_channels=2).eval()
    head = make_head()
    x = torch.rand(3, 6, 4, 4)
    logits = head(neck(x))
    assert logits.shape == (3, 3)
    torch.testing.assert_close(logits, head(neck(x.mean((2, 3)))))


LS_LOSS = dict(
    type='LabelSmoothLoss',
    label_smooth_val=0.1,
    num_classes=3,
    mode='original')


def smooth_ce_by_hand():
    # K = 3, eps = 0.1: q = 0.9 onehot(y) + 0.1/3; loss_i = LSE(z) - q.z
    # with q.z = 0.9 z_y + (0.1/3) sum(z).
    # sample 1: z = (2, 0, 3), y = 0: LSE = ln(e^2 + 1 + e^3)
    #           = ln(28.4746) = 3.34899; q.z = 1.8 + 5/30 = 1.96667
    #           -> 1.38232
    # sample 2: z = (0, 1, 4), y = 1: LSE = ln(1 + e + e^4)
    #           = ln(58.3164) = 4.06588; q.z = 0.9 + 5/30 = 1.06667
    #           -> 2.99921
    # mean = 2.19077
    l1 = math.log(math.e**2 + 1 + math.e**3) - (1.8 + 5 / 30)
    l2 = math.log(1 + math.e + math.e**4) - (0.9 + 5 / 30)
    assert abs((l1 + l2) / 2 - 2.19077) < 1e-4
    return (l1 + l2) / 2


def test_head_label_smooth_loss_by_hand():
    head = make_head(loss=LS_LOSS)
    samples = [DataSample().set_gt_label(0), DataSample().set_gt_label(1)]
    feats = (torch.tensor([[1., 0.], [0., 1.]]), )
    losses = head.loss(feats, samples)
    assert abs(losses['loss'].item() - smooth_ce_by_hand()) < 1e-5


def build_classifier():
    # LeNet5 (1x32x32 -> 120x1x1) -> bottleneck 120->2 -> wn head 2->3
    return MODELS.build(
        dict(
            type='ImageClassifier',
            backbone=dict(type='LeNet5'),
            neck=dict(
                type='FeatureBottleneck', in_channels=120, out_channels=2),
            head=dict(
                type='WeightNormClsHead',
                num_classes=3,
                in_channels=2,
                loss=LS_LOSS,
                topk=(1, ))))


def test_head_inside_image_classifier():
    torch.manual_seed(0)
    model = build_classifier()
    assert isinstance(model, ImageClassifier)
    assert isinstance(model.head, WeightNormClsHead)
    with torch.no_grad():
        wn = model.head.fc.parametrizations.weight
        wn.original1.copy_(torch.tensor([[1., 0.], [0., 1.], [3., 4.]]))
        wn.original0.copy_(torch.tensor([[2.], [1.], [5.]]))
    x = torch.rand(4, 1, 32, 32)
    samples = [DataSample().set_gt_label(y) for y in (0, 1, 2, 1)]

    model.train()
    losses = model(x, samples, mode='loss')
    logits = model.head(model.neck(model.backbone(x)))
    assert logits.shape == (4, 3)
    y = torch.tensor([0, 1, 2, 1])
    q = 0.9 * F.one_hot(y, 3) + 0.1 / 3
    expected = -(q * F.log_softmax(logits, 1)).sum(1).mean()
    torch.testing.assert_close(losses['loss'], expected)
    losses['loss'].backward()
    assert model.head.fc.parametrizations.weight.original0.grad is not None

    model.eval()
    preds = model(x, samples, mode='predict')
    assert len(preds) == 4
    with torch.no_grad():
        probs = F.softmax(model.head(model.neck(model.backbone(x))), 1)
    for i, p in enumerate(preds):
        torch.testing.assert_close(p.pred_score, probs[i])
        assert int(p.pred_label) == int(probs[i].argmax())


def test_image_classifier_hand_made_loss():
    # End to end through ImageClassifier.loss: make the bottleneck output a
    # fixed feature (fc weight 0, bias (1, 0); eval BN1d divides by
    # sqrt(1 + 1e-5)), so every image's logits are (2, 0, 3) / 1.000005.
    model = build_classifier().eval()
    with torch.no_grad():
        model.neck.fc.weight.zero_()
        model.neck.fc.bias.copy_(torch.tensor([1., 0.]))
        wn = model.head.fc.parametrizations.weight
        wn.original1.copy_(torch.tensor([[1., 0.], [0., 1.], [3., 4.]]))
        wn.original0.copy_(torch.tensor([[2.], [1.], [5.]]))
    x = torch.rand(2, 1, 32, 32)
    samples = [DataSample().set_gt_label(0), DataSample().set_gt_label(2)]
    # y = 0: LSE(2,0,3) - (0.9*2 + 5/30) = 3.34899 - 1.96667 = 1.38232
    # y = 2: LSE(2,0,3) - (0.9*3 + 5/30) = 3.34899 - 2.86667 = 0.48232
    # mean = 0.93232
    lse = math.log(math.e**2 + 1 + math.e**3)
    expected = ((lse - 1.8 - 5 / 30) + (lse - 2.7 - 5 / 30)) / 2
    assert abs(expected - 0.93232) < 1e-4
    loss = model(x, samples, mode='loss')['loss'].item()
    assert abs(loss - expected) < 1e-4
