# Copyright (c) mmsocket contributors. All rights reserved.
import pytest
import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper

from mmsocket.engine.schedulers import (InverseDecayLR,
                                        InverseDecayParamScheduler,
                                        inverse_decay_factor)
from mmsocket.registry import PARAM_SCHEDULERS

BASE_LR = 0.01
BACKBONE_LR = 0.001  # backbone lr = 0.1 x base, as in SHOT


def _optimizer():
    backbone, head = nn.Linear(2, 2), nn.Linear(2, 1)
    return torch.optim.SGD([
        dict(params=backbone.parameters(), lr=BACKBONE_LR),
        dict(params=head.parameters()),
    ],
                           lr=BASE_LR,
                           momentum=0.9,
                           nesterov=True,
                           weight_decay=1e-3)


def _lrs(optimizer):
    return [g['lr'] for g in optimizer.param_groups]


def _expected(t, total, gamma=10.0, power=0.75):
    return [
        lr * (1 + gamma * t / total)**(-power) for lr in (BACKBONE_LR, BASE_LR)
    ]


def test_factor_by_hand():
    # T = 10: (1 + 10 t / 10)^-0.75 = (1 + t)^-0.75
    assert inverse_decay_factor(0, 10) == 1.0
    assert inverse_decay_factor(1, 10) == pytest.approx(0.5946035575)  # 2^-.75
    assert inverse_decay_factor(3, 10) == pytest.approx(0.3535533906)  # 4^-.75
    assert inverse_decay_factor(9, 10) == pytest.approx(0.1778279410)
    assert inverse_decay_factor(10, 10) == pytest.approx(0.1655600261)


def test_two_param_groups_against_hand_formula():
    optimizer = _optimizer()
    sched = InverseDecayLR(optimizer, begin=0, end=10, by_epoch=False)
    assert sched.total_steps == 10
    hand = {0: 1.0, 1: 0.5946035575, 3: 0.3535533906, 9: 0.1778279410}
    for t in range(10):
        assert _lrs(optimizer) == pytest.approx(_expected(t, 10), rel=1e-9)
        assert _lrs(optimizer) == pytest.approx(
            sched._get_closed_form(), rel=1e-9)
        if t in hand:
            assert _lrs(optimizer) == pytest.approx(
                [BACKBONE_LR * hand[t], BASE_LR * hand[t]], rel=1e-9)
        optimizer.step()
        sched.step()
    # after `end` the value is left at the last scheduled one (t = 9)
    for _ in range(3):
        optimizer.step()
        sched.step()
        assert _lrs(optimizer) == pytest.approx(
            [BACKBONE_LR * 0.1778279410, BASE_LR * 0.1778279410], rel=1e-9)
    # the backbone keeps its 0.1 ratio throughout
    assert _lrs(optimizer)[0] / _lrs(optimizer)[1] == pytest.approx(0.1)


def test_one_based_matches_shot_loop():
    # SHOT: iter_num += 1; lr = lr0 * (1 + 10 * iter_num / max_iter)^-0.75;
    # then optimizer.step(), for iter_num = 1..max_iter
    optimizer = _optimizer()
    sched = InverseDecayLR(optimizer, end=10, by_epoch=False, one_based=True)
    for iter_num in range(1, 11):
        assert _lrs(optimizer) == pytest.approx(
            _expected(iter_num, 10), rel=1e-9)
        assert _lrs(optimizer) == pytest.approx(
            sched._get_closed_form(), rel=1e-9)
        optimizer.step()
        sched.step()
    # last SHOT step: 11^-0.75 = 0.1655600261
    assert _lrs(optimizer)[1] == pytest.approx(BASE_LR * 0.1655600261)


def test_begin_offset():
    optimizer = _optimizer()
    sched = InverseDecayLR(optimizer, begin=2, end=6, by_epoch=False)
    seen = []
    for _ in range(8):
        seen.append(_lrs(optimizer)[1])
        optimizer.step()
        sched.step()
    # T = 4, t = step - 2: steps 0-2 lr0; step 3: (1 + 10/4)^-.75 = 3.5^-.75
    assert seen[:3] == [BASE_LR] * 3
    assert seen[3] == pytest.approx(BASE_LR * 0.3907949714)
    assert seen[5] == pytest.approx(BASE_LR * (1 + 10 * 3 / 4)**-0.75)
    assert seen[6] == seen[7] == seen[5]


def test_runner_free_epoch_loop_with_convert_to_iter_based():
    # a config written in epochs, converted to per-iteration decay (SHOT)
    epochs, iters_per_epoch = 3, 4
    optim_wrapper = OptimWrapper(_optimizer())
    sched = PARAM_SCHEDULERS.build(
        dict(
            type='InverseDecayLR',
            by_epoch=True,
            begin=0,
            end=epochs,
            convert_to_iter_based=True),
        default_args=dict(
            optimizer=optim_wrapper, epoch_length=iters_per_epoch))
    assert isinstance(sched, InverseDecayLR)
    assert not sched.by_epoch
    assert (sched.begin, sched.end) == (0, 12)
    assert sched.total_steps == epochs * iters_per_epoch == 12
    model = nn.Linear(2, 1)
    it = 0
    for _ in range(epochs):
        for _ in range(iters_per_epoch):
            assert _lrs(optim_wrapper.optimizer) == pytest.approx(
                _expected(it, 12), rel=1e-9)
            # with several groups mmengine's wrapper also tracks a base lr
            # (what the logger shows); it decays the same way
            assert optim_wrapper.get_lr()['base_lr'][0] == pytest.approx(
                BASE_LR * (1 + 10 * it / 12)**-0.75)
            loss = model(torch.ones(1, 2)).sum()
            optim_wrapper.update_params(loss)
            # what mmengine's ParamSchedulerHook does after each iteration
            if not sched.by_epoch:
                sched.step()
            it += 1
    # last step used t = 11: (1 + 110/12)^-0.75
    assert _lrs(optim_wrapper.optimizer)[1] == pytest.approx(
        BASE_LR * (1 + 10 * 11 / 12)**-0.75)


def test_by_epoch_without_conversion_steps_per_epoch():
    optimizer = _optimizer()
    sched = PARAM_SCHEDULERS.build(
        dict(type='InverseDecayLR', end=4),
        default_args=dict(optimizer=optimizer, epoch_length=100))
    assert sched.by_epoch and sched.total_steps == 4
    for epoch in range(4):
        for _ in range(3):  # constant within the epoch
            assert _lrs(optimizer) == pytest.approx(
                _expected(epoch, 4), rel=1e-9)
            optimizer.step()
        sched.step()


def test_resume_from_state_dict():
    optimizer = _optimizer()
    sched = InverseDecayLR(optimizer, end=10, by_epoch=False)
    for _ in range(4):
        optimizer.step()
        sched.step()
    # the Runner's resume order: build on a fresh optimizer, then load the
    # optimizer state (lrs) and the scheduler state
    optimizer2 = _optimizer()
    sched2 = InverseDecayLR(optimizer2, end=10, by_epoch=False)
    optimizer2.load_state_dict(optimizer.state_dict())
    sched2.load_state_dict(sched.state_dict())
    for t in range(4, 10):
        assert _lrs(optimizer2) == pytest.approx(_expected(t, 10), rel=1e-9)
        optimizer2.step()
        sched2.step()


def test_generic_param_scheduler_and_custom_gamma_power():
    optimizer = _optimizer()
    sched = InverseDecayParamScheduler(
        optimizer,
        param_name='momentum',
        gamma=1.0,
        power=1.0,
        end=4,
        by_epoch=False)
    for t in range(4):
        # 0.9 / (1 + t / 4)
        assert optimizer.param_groups[0]['momentum'] == pytest.approx(
            0.9 / (1 + t / 4))
        optimizer.step()
        sched.step()


def test_errors():
    optimizer = _optimizer()
    with pytest.raises(ValueError, match='finite `end`'):
        InverseDecayLR(optimizer, by_epoch=False)
    with pytest.raises(ValueError, match='end should be larger'):
        InverseDecayLR(optimizer, begin=5, end=5)
    with pytest.raises(ValueError, match='non-negative'):
        InverseDecayLR(optimizer, end=5, gamma=-1)


def test_runner_fills_end_and_converts(tmp_path):
    # a real Runner: `end` defaults to max_epochs, then epochs -> iters
    from mmengine.hooks import Hook
    from mmengine.model import BaseModel
    from mmengine.runner import Runner

    class Toy(BaseModel):

        def __init__(self):
            super().__init__()
            self.backbone, self.head = nn.Linear(2, 2), nn.Linear(2, 1)

        def forward(self, x, mode='loss'):
            return dict(loss=self.head(self.backbone(x)).pow(2).mean())

    class RecordLR(Hook):

        def __init__(self):
            self.lrs = []

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            self.lrs.append(
                [g['lr'] for g in runner.optim_wrapper.optimizer.param_groups])

    record = RecordLR()
    runner = Runner(
        model=Toy(),
        work_dir=str(tmp_path),
        default_scope='mmsocket',
        train_dataloader=dict(
            dataset=[dict(x=torch.randn(2)) for _ in range(8)],
            batch_size=2,  # 4 iterations per epoch
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='default_collate')),
        train_cfg=dict(by_epoch=True, max_epochs=3),
        optim_wrapper=dict(
            optimizer=dict(type='SGD', lr=BASE_LR, momentum=0.9),
            paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)})),
        param_scheduler=dict(
            type='InverseDecayLR', by_epoch=True, convert_to_iter_based=True),
        custom_hooks=[record],
        default_hooks=dict(checkpoint=None, logger=None),
        log_level='WARNING')
    runner.train()
    sched = runner.param_schedulers[0]
    assert isinstance(sched, InverseDecayLR)
    assert (sched.begin, sched.end, sched.total_steps) == (0, 12, 12)
    assert len(record.lrs) == 12
    for it, lrs in enumerate(record.lrs):
        decay = (1 + 10 * it / 12)**-0.75
        # backbone weight and bias groups at 0.1x, head groups at 1x
        assert lrs == pytest.approx(
            [BACKBONE_LR * decay] * 2 + [BASE_LR * decay] * 2, rel=1e-9)
