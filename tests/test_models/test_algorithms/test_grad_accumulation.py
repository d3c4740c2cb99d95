# Copyright (c) mmsocket contributors. All rights reserved.
"""``optim_wrapper=dict(accumulative_counts=2)`` through every train_step.

Accumulating over two iterations must give, after the second, one SGD step
on the mean of the two iterations' gradients (both taken at the starting
weights, since nothing steps in between), and no step after the first.
"""
import pytest
import torch
from mmengine.optim import OptimWrapper, OptimWrapperDict

from mmsocket.registry import MODELS
from .test_dfdd import NET
from .test_tgmb_tgkt import build_tgkt, build_tgmb, tgmb_batch
from .toy_socket import batch, build_socket, fill_banks

LR = 0.5


def trainable(model):
    return {n: p for n, p in model.named_parameters() if p.requires_grad}


def params(model):
    return {n: p.detach().clone() for n, p in trainable(model).items()}


def sgd(model, counts=1, lr=LR):
    return OptimWrapper(
        torch.optim.SGD(list(trainable(model).values()), lr=lr),
        accumulative_counts=counts)


def grads_at_start(model, data, wrapper):
    """The gradient each optimizer would step on, with its step a no-op."""
    names = {id(p): n for n, p in trainable(model).items()}
    grads = {}

    def capture(optimizer):
        for group in optimizer.param_groups:
            for p in group['params']:
                if p.grad is not None:
                    grads[names[id(p)]] = p.grad.clone()

    for w in getattr(wrapper, 'values', lambda: [wrapper])():
        w.step = lambda w=w, **kw: capture(w.optimizer)
    model.train_step(data, wrapper)
    return grads


def check_accumulation(build, make_wrapper, batches, lr=LR):
    model = build()
    p0 = params(model)
    wrapper = make_wrapper(model, 2)
    model.train_step(batches[0], wrapper)
    stepped = [
        n for n, p in params(model).items() if not torch.equal(p, p0[n])
    ]
    assert not stepped, f'stepped after one iteration: {stepped}'
    model.train_step(batches[1], wrapper)
    got = params(model)

    ref = build()
    g = [grads_at_start(ref, b, make_wrapper(ref, 1)) for b in batches]
    assert g[0] and set(g[0]) == set(g[1])
    moved = 0
    for n in g[0]:
        expected = p0[n] - lr * (g[0][n] + g[1][n]) / 2
        torch.testing.assert_close(got[n], expected, msg=n)
        moved += not torch.equal(got[n], p0[n])
    assert moved  # the second iteration did step
    return model


def socket_builder(num_sources, **kw):

    def build():
        model = build_socket(num_sources, seed=2, **kw)
        fill_banks(model, 8, 6)
        return model.train()

    return build


@pytest.mark.parametrize('num_sources', [1, 2])
def test_socket_two_backward_passes_accumulate(num_sources):
    check_accumulation(
        socket_builder(num_sources), sgd,
        [batch(seed=0), batch(seed=1)])


def test_shot_single_pass_accumulates():
    shot = socket_builder(1, ti_feature_loss=None, bn_moment_loss=None)
    check_accumulation(shot, sgd, [batch(seed=0), batch(seed=1)])


@pytest.fixture
def tgmb_path(tmp_path):
    path = str(tmp_path / 'tgmb.pth')
    torch.save(dict(state_dict=build_tgmb(2).state_dict()), path)
    return path


def test_tgkt_accumulates(tgmb_path):

    def build():
        model = build_tgkt(tgmb_path, 2)
        fill_banks(model, 8, 6)
        return model.train()

    check_accumulation(build, sgd, [batch(seed=0), batch(seed=1)])


def tgmb_wrappers(model, counts):
    """SGD everywhere (Adam's step is not linear in the gradient)."""
    return OptimWrapperDict(
        **{
            name:
            OptimWrapper(
                torch.optim.SGD(getattr(model, name).parameters(), lr=LR),
                accumulative_counts=counts)
            for name in ('translator', 'disc_inter', 'disc_intra', 'mixer')
        })


def test_tgmb_translator_discriminators_and_zeta_accumulate():
    model = check_accumulation(
        lambda: build_tgmb(2).train(), tgmb_wrappers,
        [tgmb_batch(seed=0), tgmb_batch(seed=1)])
    assert not any(n.startswith('encoders') for n in trainable(model))


def test_dfad_refuses_student_accumulation():
    model = MODELS.build(
        dict(
            type='DFAD',
            teacher=NET,
            student=NET,
            generator=dict(
                type='NoiseImageGenerator',
                img_size=(32, 32),
                latent_dim=8,
                hidden_channels=8)))
    student = model.student.state_dict()
    wrapper = OptimWrapperDict(
        student=sgd(model.student, 2), generator=sgd(model.generator))
    with pytest.raises(ValueError, match='accumulative_counts'):
        model.train_step(dict(inputs=[torch.randn(8)] * 2), wrapper)
    assert all(
        torch.equal(v,
                    model.student.state_dict()[k]) for k, v in student.items())
