# Copyright (c) mmsocket contributors. All rights reserved.
"""Global-batch statistics: plain BatchNorm in one process; on 2 gloo ranks
a SOCKET step equals the 1-process step on the union of their batches."""
import copy

import pytest
import torch
import torch.nn as nn
from mmengine.model import MMSeparateDistributedDataParallel
from mmengine.optim import OptimWrapper

from mmsocket.models.utils import (GlobalBatchNorm2d, batch_mean,
                                   convert_global_batchnorm, global_batch,
                                   global_batch_active, global_moments)
from mmsocket.utils import hide_wrapper_prefixes
from tests.gloo_ranks import on_gloo_ranks
from tests.test_models.test_algorithms.toy_socket import (batch, build_socket,
                                                          fill_banks)

STEPS = 2


def test_outside_a_distributed_step_nothing_changes():
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
        nn.Linear(4 * 6 * 6, 2), nn.BatchNorm1d(2))
    plain = copy.deepcopy(net)
    keys = list(net.state_dict())
    bn = net[1]
    assert convert_global_batchnorm(net) == 2
    assert net[1] is bn and isinstance(bn, GlobalBatchNorm2d)
    assert isinstance(bn, nn.BatchNorm2d)  # BNStatsRecorder still finds it
    assert list(net.state_dict()) == keys
    x = torch.randn(5, 3, 8, 8)
    # One process: global_batch() is inactive, the layers are plain BN.
    with global_batch():
        assert not global_batch_active()
        for mode in (True, False):
            net.train(mode), plain.train(mode)
            assert torch.equal(net(x), plain(x))
    for a, b in zip(net.state_dict().values(), plain.state_dict().values()):
        assert torch.equal(a, b)
    p = torch.rand(5, 3)
    assert torch.equal(batch_mean(p), p.mean(0))
    mean, var = torch.rand(4), torch.rand(4)
    assert global_moments(mean, var, 10)[0] is mean


def _split(data, rank, world):
    return {
        name:
        dict(
            inputs=s['inputs'][rank::world],
            data_samples=s['data_samples'][rank::world])
        for name, s in data.items()
    }


def _model():
    model = build_socket(2, seed=0)
    fill_banks(model, n_target=8, n_ti=8)
    return model


def _train(model, wrapped, data, use_global):
    params = [p for p in model.parameters() if p.requires_grad]
    optim = OptimWrapper(torch.optim.SGD(params, lr=0.05, momentum=0.9))
    logs = []
    for _ in range(STEPS):
        with global_batch(use_global):
            logs.append(wrapped.train_step(copy.deepcopy(data), optim))
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _rank(rank, use_global):
    model = _model()
    convert_global_batchnorm(model)
    wrapped = MMSeparateDistributedDataParallel(model, device_ids=None)
    hide_wrapper_prefixes(model)  # the 1-process keys
    data = _split(batch(n=8, n_target=8, n_ti=8, seed=3), rank, 2)
    return _train(model, wrapped, data, use_global)


def _two_ranks(use_global):
    return on_gloo_ranks(_rank, use_global)[0]


@pytest.mark.slow
def test_two_rank_socket_step_is_the_one_process_step():
    """Two SOCKET steps (2 sources: BN in the encoders, L_d, L_div, L_TI,
    zeta) on 2 gloo ranks with 4 + 4 samples vs one process with the 8."""
    torch.set_num_threads(1)
    model = _model()
    single = _train(model, model, batch(n=8, n_target=8, n_ti=8, seed=3),
                    False)
    start = _model().state_dict()
    moved = [k for k in single if not torch.equal(single[k], start[k])]
    assert any('bn' in k and 'running' in k for k in moved)
    assert any(k.endswith('conv1.weight') for k in moved)

    distributed = _two_ranks(True)
    worst = max((distributed[k] - single[k]).abs().max().item() for k in single
                if single[k].is_floating_point())
    # Float rounding only: sums over ranks are not the 1-process order.
    assert worst < 1e-5, worst
    for key in single:
        torch.testing.assert_close(
            distributed[key], single[key], rtol=1e-4, atol=1e-5, msg=key)

    # Without global statistics the ranks normalise and match moments on
    # their own 4 samples: another step.
    per_rank = _two_ranks(False)
    per_rank_worst = max((per_rank[k] - single[k]).abs().max().item()
                         for k in single if single[k].is_floating_point())
    assert per_rank_worst > 100 * max(worst, 1e-7), (per_rank_worst, worst)
