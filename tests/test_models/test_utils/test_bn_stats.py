# Copyright (c) mmsocket contributors. All rights reserved.
import copy
import gc
import weakref

import pytest
import torch
import torch.distributed as dist
import torch.nn as nn

from mmsocket.models.utils.bn_stats import BNStatsRecorder


class TinyNet(nn.Module):
    """conv -> BN2d -> relu -> conv -> BN2d -> pool -> fc -> BN1d."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 5, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(5)
        self.fc = nn.Linear(5, 6)
        self.bn_fc = nn.BatchNorm1d(6)

    def forward(self, x):
        x = self.bn1(self.conv1(x)).relu()
        x = self.bn2(self.conv2(x))
        return self.bn_fc(self.fc(x.mean((2, 3))))


def test_stats_of_single_bn_by_hand():
    bn = nn.BatchNorm2d(2)
    # x: N=2, C=2, H=1, W=2
    # channel 0 values 1, 3, 5, 7 -> mean 4, var (9+1+1+9)/4 = 5
    # channel 1 values 0, 0, 2, 2 -> mean 1, var (1+1+1+1)/4 = 1
    x = torch.tensor([[[[1., 3.]], [[0., 0.]]], [[[5., 7.]], [[2., 2.]]]])
    rec = BNStatsRecorder(bn)
    assert rec.layer_names == ['']
    with rec.record():
        bn(x)
    (mean, var), = rec.stats
    assert torch.equal(mean, torch.tensor([4., 1.]))
    assert torch.equal(var, torch.tensor([5., 1.]))


def test_stats_equal_bn_inputs_and_keep_graph():
    torch.manual_seed(0)
    net = TinyNet().train()
    rec = BNStatsRecorder(net)
    assert rec.layer_names == ['bn1', 'bn2']  # BN1d excluded by default
    assert len(rec) == 2
    x = torch.randn(3, 3, 6, 6, requires_grad=True)
    with rec.record():
        net(x)
    h1 = net.conv1(x)
    h2 = net.conv2(net.bn1(h1).relu())
    for (mean, var), h in zip(rec.stats, (h1, h2)):
        assert mean.shape == var.shape == (h.shape[1], )
        assert torch.allclose(mean, h.mean((0, 2, 3)), atol=1e-6)
        assert torch.allclose(var, h.var((0, 2, 3), unbiased=False), atol=1e-6)
        assert mean.grad_fn is not None and var.grad_fn is not None
    loss = sum(m.sum() + v.sum() for m, v in rec.stats)
    loss.backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    assert net.conv1.weight.grad.abs().sum() > 0


def test_stats_follow_module_order_not_call_order():

    class Swapped(nn.Module):

        def __init__(self):
            super().__init__()
            self.bn_a = nn.BatchNorm2d(1)  # registered first, called last
            self.bn_b = nn.BatchNorm2d(1)

        def forward(self, x):
            return self.bn_a(self.bn_b(x) + 10)

    net = Swapped()
    rec = BNStatsRecorder(net)
    assert rec.layer_names == [n for n, _ in net.named_modules()][1:]
    x = torch.randn(4, 1, 2, 2)
    with rec.record():
        net(x)
    (mean_a, _), (mean_b, _) = rec.stats
    assert torch.allclose(mean_b, x.mean().reshape(1))
    # bn_a sees bn_b's normalised output (mean ~0) + 10
    assert torch.allclose(mean_a, torch.tensor([10.]), atol=1e-4)


def test_recording_only_inside_context():
    net = TinyNet()
    rec = BNStatsRecorder(net)
    with pytest.raises(RuntimeError, match='no completed record'):
        rec.stats
    x = torch.randn(2, 3, 4, 4)
    net(x)  # not recording: nothing stored
    assert not rec.is_recording
    with pytest.raises(RuntimeError, match='no completed record'):
        rec.stats
    with rec.record():
        assert rec.is_recording
        net(x)
    first = rec.stats
    net(torch.randn(2, 3, 4, 4) + 5)  # outside: stats must not change
    assert all(a[0] is b[0] for a, b in zip(first, rec.stats))
    # a new record replaces the previous statistics
    with rec.record():
        net(x + 1)
    assert rec.stats[0][0] is not first[0][0]
    assert torch.allclose(
        rec.stats[0][0], net.conv1(x + 1).mean((0, 2, 3)), atol=1e-6)
    rec.clear()
    with pytest.raises(RuntimeError):
        rec.stats


def test_fired_twice_and_not_fired():

    class Twice(nn.Module):

        def __init__(self):
            super().__init__()
            self.bn = nn.BatchNorm2d(2)

        def forward(self, x):
            return self.bn(self.bn(x))

    net = Twice()
    rec = BNStatsRecorder(net)
    with pytest.raises(RuntimeError, match='"bn" fired twice'):
        with rec.record():
            net(torch.randn(2, 2, 3, 3))
    assert not rec.is_recording
    with pytest.raises(RuntimeError, match='no completed record'):
        rec.stats
    # two forwards in one record are refused too
    tiny = TinyNet()
    rec2 = BNStatsRecorder(tiny)
    x = torch.randn(2, 3, 4, 4)
    with pytest.raises(RuntimeError, match='fired twice'):
        with rec2.record():
            tiny(x)
            tiny(x)
    # no forward at all
    with pytest.raises(RuntimeError, match=r"did not fire.*\['bn1', 'bn2'\]"):
        with rec2.record():
            pass
    # still usable afterwards
    with rec2.record():
        tiny(x)
    assert len(rec2.stats) == 2
    # not re-entrant
    with pytest.raises(RuntimeError, match='re-entrant'):
        with rec2.record():
            with rec2.record():
                pass


def test_exception_inside_block_propagates():
    net = TinyNet()
    rec = BNStatsRecorder(net)
    with pytest.raises(KeyError):
        with rec.record():
            raise KeyError('boom')
    assert not rec.is_recording


def test_layer_types_and_bn1d():
    net = TinyNet()
    rec = BNStatsRecorder(net, layer_types=nn.BatchNorm1d)
    assert rec.layer_names == ['bn_fc']
    x = torch.randn(4, 3, 4, 4)
    with rec.record():
        net(x)
    h = net.fc(net.bn2(net.conv2(net.bn1(net.conv1(x)).relu())).mean((2, 3)))
    (mean, var), = rec.stats
    assert torch.allclose(mean, h.mean(0), atol=1e-6)
    assert torch.allclose(var, h.var(0, unbiased=False), atol=1e-6)
    rec_all = BNStatsRecorder(
        net, layer_types=(nn.BatchNorm1d, nn.BatchNorm2d))
    assert rec_all.layer_names == ['bn1', 'bn2', 'bn_fc']
    with pytest.raises(ValueError, match='found no layer'):
        BNStatsRecorder(nn.Linear(2, 2))


def test_running_stats_snapshot_is_detached_copy():
    net = TinyNet().train()
    rec = BNStatsRecorder(net)
    snap = rec.running_stats()
    assert len(snap) == 2
    for (mean, var), layer in zip(snap, rec.layers):
        assert torch.equal(mean, torch.zeros(layer.num_features))
        assert torch.equal(var, torch.ones(layer.num_features))
        assert mean.data_ptr() != layer.running_mean.data_ptr()
        assert not mean.requires_grad
    net(torch.randn(4, 3, 4, 4) * 3 + 2)  # train mode: running stats move
    assert not torch.equal(net.bn1.running_mean, snap[0][0])
    assert torch.equal(snap[0][0], torch.zeros(4))
    no_running = nn.Sequential(nn.BatchNorm2d(2, track_running_stats=False))
    with pytest.raises(ValueError, match='"0" keeps no running'):
        BNStatsRecorder(no_running).running_stats()


def test_eval_mode_no_grad_keeps_no_input_alive():
    bn = nn.BatchNorm2d(3).eval()
    rec = BNStatsRecorder(bn)
    with torch.no_grad():
        x = torch.randn(2, 3, 4, 4)
        ref = weakref.ref(x)
        with rec.record():
            bn(x)
    mean, var = rec.stats[0]
    assert mean.grad_fn is None
    del x
    gc.collect()
    assert ref() is None


def test_remove():
    net = TinyNet()
    rec = BNStatsRecorder(net)
    assert len(net.bn1._forward_hooks) == 1
    rec.remove()
    assert len(net.bn1._forward_hooks) == 0
    assert len(net.bn2._forward_hooks) == 0
    with pytest.raises(RuntimeError, match='after remove'):
        with rec.record():
            pass
    rec.remove()  # idempotent


def test_deepcopy_of_network_does_not_feed_the_recorder():
    net = TinyNet()
    rec = BNStatsRecorder(net)
    clone = copy.deepcopy(net)
    x = torch.randn(2, 3, 4, 4)
    with rec.record():
        net(x)
        clone(x)  # its copied hooks are inert: no "fired twice"
    assert len(rec.stats) == 2
    with pytest.raises(RuntimeError, match='did not fire'):
        with rec.record():
            clone(x)


def test_mmpretrain_resnet18_has_20_bn2d_layers():
    from mmpretrain.models import ResNet
    net = ResNet(depth=18)
    net.init_weights()
    rec = BNStatsRecorder(net)
    # stem bn1 + 8 basic blocks x 2 + 3 downsample BNs = 20
    assert len(rec) == 20
    assert rec.layer_names[0] == 'bn1'
    assert sum('downsample' in n for n in rec.layer_names) == 3
    x = torch.randn(2, 3, 32, 32)
    for mode in (True, False):
        net.train(mode)
        with rec.record():
            out = net(x)
        assert len(rec.stats) == 20
    assert out[-1].shape == (2, 512, 1, 1)
    # first BN sees the stem conv output
    h = net.conv1(x)
    assert torch.allclose(rec.stats[0][0], h.mean((0, 2, 3)), atol=1e-5)
    assert torch.allclose(
        rec.stats[0][1], h.var((0, 2, 3), unbiased=False), atol=1e-4)
    channels = [m.shape[0] for m, _ in rec.stats]
    assert channels == [layer.num_features for layer in rec.layers]


@pytest.mark.skipif(
    not dist.is_available() or dist.is_initialized(),
    reason='needs torch.distributed and no existing process group')
def test_works_under_ddp(tmp_path):
    from torch.nn.parallel import DistributedDataParallel
    dist.init_process_group(
        'gloo', init_method=f'file://{tmp_path}/store', rank=0, world_size=1)
    try:
        torch.manual_seed(0)
        net = TinyNet().train()
        rec = BNStatsRecorder(net)  # attached before wrapping
        ddp = DistributedDataParallel(net)
        x = torch.randn(3, 3, 4, 4)
        with rec.record():
            out = ddp(x)
        h1 = net.conv1(x)
        assert torch.allclose(rec.stats[0][0], h1.mean((0, 2, 3)), atol=1e-6)
        loss = out.sum() + sum(m.sum() + v.sum() for m, v in rec.stats)
        loss.backward()
        assert net.conv1.weight.grad.abs().sum() > 0
        # a recorder built on the wrapper sees the same layers, prefixed
        rec2 = BNStatsRecorder(ddp)
        assert rec2.layer_names == ['module.bn1', 'module.bn2']
    finally:
        dist.destroy_process_group()


def test_channel_moments_match_var_mean_values_and_gradients():
    from mmsocket.models.utils.bn_stats import channel_moments
    g = torch.Generator().manual_seed(0)
    for shape in [(4, 3, 5, 6), (2, 5, 7), (3, 2, 2, 3, 2)]:
        x = torch.randn(*shape, generator=g, dtype=torch.float64) * 3 + 1
        x.requires_grad_(True)
        mean, var = channel_moments(x)
        dims = [0] + list(range(2, x.dim()))
        ref_var, ref_mean = torch.var_mean(x, dim=dims, correction=0)
        torch.testing.assert_close(mean, ref_mean)
        torch.testing.assert_close(var, ref_var)
        w_m = torch.randn(shape[1], generator=g, dtype=torch.float64)
        w_v = torch.randn(shape[1], generator=g, dtype=torch.float64)
        grad, = torch.autograd.grad(
            (w_m * mean).sum() + (w_v * var).sum(), x, retain_graph=True)
        ref, = torch.autograd.grad(
            (w_m * ref_mean).sum() + (w_v * ref_var).sum(), x)
        torch.testing.assert_close(grad, ref)
        # only one output used
        grad_m, = torch.autograd.grad(mean.sum(), x)
        torch.testing.assert_close(
            grad_m, torch.full_like(x, 1 / (x.numel() // shape[1])))
    x = torch.randn(3, 2, 4, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(channel_moments, (x, ))


def test_training_bn_moments_are_read_back_not_recomputed(monkeypatch):
    """In training mode the recorder takes the moments BN computed for its
    backward: no second statistics pass, same values and gradients as
    var_mean; in eval mode (running statistics) it computes them."""
    g = torch.Generator().manual_seed(3)
    net = nn.Sequential(
        nn.Conv2d(2, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(),
        nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4)).double()
    x = torch.randn(5, 2, 6, 7, generator=g, dtype=torch.float64) * 2 + 1
    rec = BNStatsRecorder(net)
    inputs = []
    handles = [
        m.register_forward_hook(lambda m, i, o: inputs.append(i[0]))
        for m in rec.layers
    ]
    calls = []
    original = torch.batch_norm_update_stats

    def counting(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(torch, 'batch_norm_update_stats', counting)
    for training, expected_calls in [(True, 0), (False, 2)]:
        net.train(training)
        inputs.clear()
        calls.clear()
        with rec.record():
            net(x)
        assert len(calls) == expected_calls
        weights = [
            torch.randn(m.num_features, generator=g, dtype=torch.float64)
            for m in rec.layers for _ in range(2)
        ]
        loss = sum(
            (w * s).sum()
            for w, s in zip(weights, [t for pair in rec.stats for t in pair]))
        refs = []
        for h in inputs:
            var, mean = torch.var_mean(h, dim=[0, 2, 3], correction=0)
            refs += [mean, var]
        for got, ref in zip([t for p in rec.stats for t in p], refs):
            torch.testing.assert_close(got, ref, rtol=1e-10, atol=1e-12)
        ref_loss = sum((w * r).sum() for w, r in zip(weights, refs))
        params = list(net.parameters())
        got = torch.autograd.grad(
            loss, params, allow_unused=True, retain_graph=True)
        want = torch.autograd.grad(ref_loss, params, allow_unused=True)
        for a, b in zip(got, want):
            if b is not None:
                torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-12)
    for h in handles:
        h.remove()


def test_moments_saved_by_batch_norm_only_for_its_own_training_input():
    from mmsocket.models.utils.bn_stats import moments_saved_by_batch_norm
    bn = nn.BatchNorm2d(3)
    x = torch.randn(4, 3, 5, 5, requires_grad=True)
    saved = moments_saved_by_batch_norm(x, bn(x))
    assert saved is not None and saved[0].shape == (3, )
    var, mean = torch.var_mean(x.detach(), dim=[0, 2, 3], correction=0)
    torch.testing.assert_close(saved[0], mean)
    torch.testing.assert_close(saved[1], var, rtol=1e-5, atol=1e-6)
    assert not saved[0].requires_grad and not saved[1].requires_grad
    other = torch.randn(4, 3, 5, 5)
    assert moments_saved_by_batch_norm(other, bn(x)) is None  # not its input
    with torch.no_grad():
        assert moments_saved_by_batch_norm(x, bn(x)) is None
    bn.eval()
    assert moments_saved_by_batch_norm(x, bn(x)) is None  # running stats
    assert moments_saved_by_batch_norm(x, torch.relu(x)) is None
