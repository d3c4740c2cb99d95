# Copyright (c) mmsocket contributors. All rights reserved.
"""LossGradientScaleHook: per-term encoder gradient norms equal a plain
backward of each term, and measuring them changes nothing in training."""
import glob
import json
import math
import os.path as osp
from types import SimpleNamespace
from unittest.mock import MagicMock

import pytest
import torch
from mmengine.runner import Runner

from mmsocket.engine.hooks import LossGradientScaleHook
from mmsocket.engine.hooks.loss_gradient_scale_hook import loss_gradient_norms
from tests.test_engine.test_socket_runner import trained_state, transfer_cfg
from tests.test_models.test_algorithms.test_tgmb_tgkt import build_tgmb
from tests.test_models.test_algorithms.toy_socket import (batch, build_socket,
                                                          fill_banks)


def backward_norm(model, loss):
    model.zero_grad()
    loss.backward(retain_graph=True)
    grads = [
        p.grad for p in model.encoders.parameters()
        if p.requires_grad and p.grad is not None
    ]
    return math.sqrt(sum(float(g.pow(2).sum()) for g in grads))


def test_norms_equal_each_terms_own_backward():
    model = build_socket(2, seed=1)
    fill_banks(model, 8, 6)
    data = batch()
    buffers = {k: b.clone() for k, b in model.named_buffers()}
    rng = torch.get_rng_state()
    norms = loss_gradient_norms(model, data)
    # No trace: buffers (BN running statistics), RNG and .grad untouched.
    for k, b in model.named_buffers():
        assert torch.equal(b, buffers[k]), k
    assert torch.equal(torch.get_rng_state(), rng)
    assert all(p.grad is None for p in model.parameters())
    assert set(norms) == {'loss_im', 'loss_pl', 'loss_bn', 'loss_ti', 'total'}

    target = model.data_preprocessor(data['target'], True)
    losses, _ = model.tr_losses(target['inputs'],
                                model._indices(target['data_samples']))
    ti = model.data_preprocessor(data['ti'], True)
    losses['loss_ti'] = model.ti_loss(ti['inputs'],
                                      model._indices(ti['data_samples']))
    for name, loss in losses.items():
        assert norms[name] == pytest.approx(
            backward_norm(model, loss), rel=1e-5), name
    assert norms['total'] == pytest.approx(
        backward_norm(model, sum(losses.values())), rel=1e-5)


def test_hook_logs_a_line_and_scalars_every_interval():
    model = build_socket(1, seed=1)
    fill_banks(model, 8, 6)
    runner = SimpleNamespace(
        model=model, iter=0, logger=MagicMock(), visualizer=MagicMock())
    hook = LossGradientScaleHook(interval=2)
    hook.before_train(runner)
    for it in range(3):
        runner.iter = it
        hook.before_train_iter(runner, it, batch())
    assert runner.visualizer.add_scalars.call_count == 2  # iterations 0, 2
    scalars = runner.visualizer.add_scalars.call_args.args[0]
    assert set(scalars) == {
        'grad_norm/loss_im', 'grad_norm/loss_pl', 'grad_norm/loss_bn',
        'grad_norm/loss_ti', 'grad_norm/total'
    }
    line = runner.logger.info.call_args.args[0]
    assert line.startswith('Encoder gradient norm per loss at iteration 3: ')
    largest = max((k for k in scalars if k != 'grad_norm/total'),
                  key=scalars.get)
    assert line.split(': ')[1].startswith(largest.split('/')[1])


def test_hook_refuses_a_model_without_loss_terms():
    runner = SimpleNamespace(model=build_tgmb())
    with pytest.raises(TypeError, match='remove the hook'):
        LossGradientScaleHook().before_train(runner)


def test_measuring_changes_nothing_in_training(source_ckpt, tmp_path):
    data_root, ckpt, num_classes = source_ckpt
    states = []
    for hooked in (False, True):
        work = str(tmp_path / str(hooked))
        cfg = transfer_cfg('socket', data_root, ckpt, num_classes, work, 1)
        if hooked:
            cfg.custom_hooks.append(
                dict(type='LossGradientScaleHook', interval=1))
        runner = Runner.from_cfg(cfg)
        runner.train()
        states.append(trained_state(runner))
    for key, value in states[0].items():
        assert torch.equal(value, states[1][key]), key
    (path, ) = glob.glob(osp.join(work, '*', 'vis_data', 'scalars.json'))
    records = [json.loads(line) for line in open(path)]
    steps = [r['step'] for r in records if 'grad_norm/total' in r]
    assert steps == list(range(1, runner.iter + 1))
