# Copyright (c) mmsocket contributors. All rights reserved.
"""TGMB / TGKT: which parameters move under which optimizer, frozen parts,
loading the translator, several sources."""
import pytest
import torch
from mmengine.optim import build_optim_wrapper

from mmsocket.registry import MODELS, OPTIM_WRAPPER_CONSTRUCTORS
from .toy_socket import (FEAT, NUM_CLASSES, batch, build_socket, fill_banks,
                         tiny_source)

OPTIMS = dict(
    translator=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)),
    disc_inter=dict(optimizer=dict(type='Adam', lr=1e-2)),
    disc_intra=dict(optimizer=dict(type='Adam', lr=1e-2)),
    mixer=dict(optimizer=dict(type='SGD', lr=1.0)))


def build_tgmb(num_sources=1, **overrides):
    torch.manual_seed(0)
    cfg = dict(
        type='TGMB',
        sources=[dict(model=tiny_source()) for _ in range(num_sources)],
        discriminator=dict(
            type='MLPFeatureDiscriminator',
            in_channels=FEAT,
            hidden_channels=8))
    cfg.update(overrides)
    return MODELS.build(cfg)


def tgmb_batch(seed=0):
    data = batch(seed=seed)
    g = torch.Generator().manual_seed(seed + 1)
    rgb = torch.randint(0, 256, (4, 3, 32, 32), generator=g, dtype=torch.uint8)
    data['ti_source'] = dict(
        inputs=list(rgb), data_samples=data['ti']['data_samples'])
    return data


def optim(model, keys=OPTIMS):
    return OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type='MultiOptimWrapperConstructor', optim_wrapper_cfg=keys))(
            model)


def snapshot(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def changed(before, module):
    after = module.state_dict()
    return {k for k, v in before.items() if not torch.equal(v, after[k])}


def test_discriminators_read_each_sources_own_feature_width():
    """in_channels None (the base config's): D1 and D2 of each source take
    that source's feature width, e.g. a stock classifier without a
    bottleneck (512-d at full width) beside ours; a stated width that is
    not the source's is refused with the fix."""
    stock = dict(
        tiny_source(),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead', num_classes=NUM_CLASSES, in_channels=64))
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='TGMB',
            sources=[dict(model=tiny_source()),
                     dict(model=stock)],
            discriminator=dict(
                type='MLPFeatureDiscriminator',
                in_channels=None,
                hidden_channels=8)))
    for discs in (model.disc_inter, model.disc_intra):
        assert [d.layers[0].in_features for d in discs] == [FEAT, 64]
    feats = model.source_features(torch.rand(2, 3, 32, 32))
    assert [tuple(d(f).shape)
            for d, f in zip(model.disc_inter, feats)] == [(2, ), (2, )]
    with pytest.raises(ValueError) as err:
        MODELS.build(
            dict(
                type='TGMB',
                sources=[dict(model=stock)],
                discriminator=dict(
                    type='MLPFeatureDiscriminator', in_channels=FEAT)))
    assert f'in_channels is {FEAT}, but source 0 gives 64-d' in str(err.value)
    assert 'model.discriminator.in_channels=None' in str(err.value)


def test_translator_is_the_papers_2851_parameter_net():
    t = MODELS.build(dict(type='UNetStemTranslator'))
    assert sum(p.numel() for p in t.parameters()) == 2851
    y = t(torch.randn(2, 3, 8, 8))
    assert y.shape == (2, 3, 8, 8) and 0 <= y.min() and y.max() <= 1
    d = MODELS.build(dict(type='MLPFeatureDiscriminator', in_channels=4))
    assert d(torch.randn(5, 4)).shape == (5, )
    assert len([m for m in d.modules() if isinstance(m, torch.nn.Linear)]) == 3


def test_tgmb_step_moves_each_network_by_its_own_optimizer_only():
    model = build_tgmb()
    ow = optim(model)
    frozen_before = snapshot(model.encoders), snapshot(model.heads)
    parts = ('translator', 'disc_inter', 'disc_intra')
    before = {p: snapshot(getattr(model, p)) for p in parts}
    logs = model.train_step(tgmb_batch(), ow)
    for key in ('loss_rec', 'loss_adv_inter', 'loss_adv_intra', 'loss_im',
                'disc_inter.loss', 'disc_intra.loss'):
        assert torch.isfinite(torch.as_tensor(logs[key]))
    for p in parts:
        assert changed(before[p], getattr(model, p)), p
    # Frozen source parts: bit-identical, BN statistics included.
    assert not changed(frozen_before[0], model.encoders)
    assert not changed(frozen_before[1], model.heads)
    assert not model.encoders.training and model.translator.training
    # No stale gradients survive a step.
    for p in model.parameters():
        assert p.grad is None or not p.grad.any()


@pytest.mark.parametrize('step', ['translator', 'disc_inter', 'disc_intra'])
def test_without_a_networks_optimizer_step_it_does_not_move(step, monkeypatch):
    model = build_tgmb()
    ow = optim(model)
    monkeypatch.setattr(ow[step], 'step', lambda *a, **k: None)
    before = snapshot(getattr(model, step))
    others = {
        p: snapshot(getattr(model, p))
        for p in ('translator', 'disc_inter', 'disc_intra') if p != step
    }
    model.train_step(tgmb_batch(), ow)
    # BN running stats of T may move in the forward; weights may not.
    moved = {
        k
        for k in changed(before, getattr(model, step))
        if 'running' not in k and 'num_batches' not in k
    }
    assert not moved
    for p, snap in others.items():
        assert changed(snap, getattr(model, p)), p


def test_tgmb_ablation_switches_losses_off():
    model = build_tgmb(
        inter_gan_loss=None, intra_gan_loss=None, info_max_loss=None)
    d1, d2 = snapshot(model.disc_inter), snapshot(model.disc_intra)
    logs = model.train_step(tgmb_batch(), optim(model))
    assert set(k for k in logs if k.startswith('loss')) == {'loss', 'loss_rec'}
    assert not changed(d1, model.disc_inter)
    assert not changed(d2, model.disc_intra)


def test_tgmb_predicts_with_the_source_on_translations_two_sources():
    model = build_tgmb(num_sources=2)
    assert len(model.disc_inter) == 2
    ow = optim(model)
    w0 = model.mixer.weight.detach().clone()
    model.train_step(tgmb_batch(), ow)
    assert not torch.equal(w0, model.mixer.weight)  # zeta learns (L_IM)
    model.eval()
    out = model.predict(torch.randn(3, 3, 32, 32))
    assert out[0].pred_score.shape == (NUM_CLASSES, )
    assert out[0].source_scores.shape == (2, NUM_CLASSES)
    with pytest.raises(KeyError, match='ti_source'):
        data = tgmb_batch()
        data.pop('ti_source')
        model.train_step(data, ow)


def test_constructor_refuses_unknown_keys():
    with pytest.raises(KeyError, match='generator'):
        optim(build_tgmb(), dict(generator=OPTIMS['translator']))


@pytest.fixture
def tgmb_ckpt(tmp_path):

    def write(num_sources=1):
        model = build_tgmb(num_sources=num_sources)
        with torch.no_grad():
            model.mixer.weight.copy_(torch.arange(num_sources).float())
        path = str(tmp_path / f'tgmb{num_sources}.pth')
        torch.save(dict(meta={}, state_dict=model.state_dict()), path)
        return path, model

    return write


def build_tgkt(path, num_sources=1, **overrides):
    torch.manual_seed(1)
    cfg = dict(
        type='TGKT',
        sources=[dict(model=tiny_source()) for _ in range(num_sources)],
        translator_checkpoint=path)
    cfg.update(overrides)
    return MODELS.build(cfg)


def test_tgkt_loads_translator_and_keeps_teacher_frozen(tgmb_ckpt):
    path, tgmb = tgmb_ckpt(2)
    model = build_tgkt(path, 2)
    for k, v in tgmb.translator.state_dict().items():
        assert torch.equal(v, model.translator.state_dict()[k])
    assert torch.allclose(model.teacher_zeta, tgmb.mixer().detach())
    fill_banks(model, n_target=8, n_ti=6)
    ow = build_optim_wrapper(model, dict(optimizer=dict(type='SGD', lr=0.1)))
    teacher, translator = snapshot(model.teacher), snapshot(model.translator)
    heads, student = snapshot(model.heads), snapshot(model.encoders)
    for i in range(2):
        logs = model.train_step(batch(seed=i), ow)
    assert {'loss_kd', 'loss_self', 'loss_ti'} <= set(logs)
    assert not changed(teacher, model.teacher)
    assert not changed(translator, model.translator)
    assert not changed(heads, model.heads)
    assert changed(student, model.encoders)
    assert not model.teacher.training and not model.translator.training
    assert model.encoders.training


def test_tgkt_loads_a_tgmb_checkpoint_of_a_distributed_run(
        tgmb_ckpt, tmp_path):
    """Saved under MMSeparateDistributedDataParallel before the keys were
    made launch-independent: translator.module.*, mixer.module.weight (the
    mixer weight used to be skipped silently)."""
    path, tgmb = tgmb_ckpt(2)
    state = torch.load(path, weights_only=True)['state_dict']
    wrapped = {
        k.replace('translator.', 'translator.module.', 1).replace(
            'mixer.', 'mixer.module.', 1):
        v
        for k, v in state.items()
    }
    old = str(tmp_path / 'tgmb_ddp.pth')
    torch.save(dict(meta={}, state_dict=wrapped), old)
    model = build_tgkt(old, 2)
    for k, v in tgmb.translator.state_dict().items():
        assert torch.equal(v, model.translator.state_dict()[k])
    assert torch.equal(model.teacher_zeta, tgmb.mixer().detach())
    # zeta of the checkpoint (mixer.weight = [0, 1]), not of zeta_init.
    assert not torch.allclose(model.teacher_zeta, torch.full((2, ), 0.5))


def test_tgkt_kd_is_zero_at_start_when_translator_is_identity(tgmb_ckpt):
    """Student = source copy; if T reproduced the input exactly, teacher and
    student would agree: check the KD term through a swapped translator."""
    path, _ = tgmb_ckpt(1)
    model = build_tgkt(path, feature_loss=None, self_training_loss=None)
    model.eval()
    x = torch.randn(4, 3, 32, 32)
    model.translator.forward = lambda inp: inp  # noqa: E731 (test stub)
    model.source_preprocessor.mean.zero_()
    model.source_preprocessor.std.fill_(255.0)
    with torch.no_grad():
        losses, _ = model.tr_losses(x, torch.arange(4))
    assert losses['loss_kd'].item() == pytest.approx(0, abs=1e-6)


def test_tgkt_clear_errors(tgmb_ckpt, tmp_path):
    with pytest.raises(FileNotFoundError, match='train the TGMB stage'):
        build_tgkt(str(tmp_path / 'missing.pth'))
    with pytest.raises(ValueError, match='translator_checkpoint'):
        build_tgkt('')
    bad = str(tmp_path / 'bad.pth')
    torch.save(dict(state_dict={'x': torch.zeros(1)}), bad)
    with pytest.raises(KeyError, match='no translator'):
        build_tgkt(bad)
    path, _ = tgmb_ckpt(2)
    with pytest.raises(ValueError, match='2 source'):
        build_tgkt(path, 1)
    path, _ = tgmb_ckpt(1)
    with pytest.raises(RuntimeError, match='does not match'):
        build_tgkt(
            path, translator=dict(type='UNetStemTranslator', mid_channels=8))


class RunsCode:
    """Unpickling this calls ``os.system``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os
        return (os.system, (f'touch {self.marker}', ))


def test_tgkt_refuses_a_checkpoint_that_runs_code(tgmb_ckpt, tmp_path):
    from mmsocket.utils import UnsafeCheckpointError
    _, tgmb = tgmb_ckpt(1)
    marker = tmp_path / 'ran'
    evil = str(tmp_path / 'evil.pth')
    torch.save(
        dict(state_dict=tgmb.state_dict(), meta=dict(x=RunsCode(marker))),
        evil)
    with pytest.raises(UnsafeCheckpointError, match='system'):
        build_tgkt(evil)
    assert not marker.exists()


def test_tgkt_has_only_its_own_losses(tgmb_ckpt):
    path, _ = tgmb_ckpt(1)
    model = build_tgkt(path)
    children = dict(model.named_children())
    assert 'info_max_loss' not in children and model.info_max_loss is None
    assert not hasattr(model, 'bn_moment_loss')
    assert not any(k.startswith('source_bn') for k in model.state_dict())
    with_im = build_tgkt(path, info_max_loss=dict(type='InfoMaxLoss'))
    fill_banks(with_im, n_target=8, n_ti=6)
    losses, _ = with_im.tr_losses(torch.randn(4, 3, 32, 32), torch.arange(4))
    assert list(losses) == ['loss_kd', 'loss_self', 'loss_im']


def build_socket_like(algorithm):
    if algorithm == 'SHOT':
        return build_socket(2, ti_feature_loss=None, bn_moment_loss=None)
    return build_socket(2)


@pytest.mark.parametrize('algorithm', ['SOCKET', 'SHOT', 'TGMB', 'TGKT'])
def test_every_child_is_a_module_the_separate_ddp_can_wrap(
        algorithm, tgmb_ckpt):
    """MMSeparateDistributedDataParallel wraps each registered child with
    trainable parameters in a DDP, which is then only callable: a child
    may be neither None nor a container the algorithm iterates."""
    if algorithm == 'TGKT':
        model = build_tgkt(tgmb_ckpt(2)[0], 2)
    elif algorithm == 'TGMB':
        model = build_tgmb(2)
    else:
        model = build_socket_like(algorithm)
    # named_children() skips None entries; the wrapper's loop does not.
    for name, child in model._modules.items():
        assert child is not None, name
        trainable = any(p.requires_grad for p in child.parameters())
        assert not trainable or type(child) is not torch.nn.ModuleList, name
