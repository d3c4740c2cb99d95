import copy
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.structures import BaseDataElement

from mmsocket.registry import MODELS

NET = dict(
    type='DepthEstimator',
    data_preprocessor=dict(
        type='ImgDataPreprocessor', mean=[128.] * 3, std=[64.] * 3),
    backbone=dict(
        type='ResNet',
        depth=18,
        stem_channels=8,
        base_channels=8,
        out_indices=(0, 1, 2, 3)),
    decode_head=dict(
        type='MFFDepthDecoder',
        decoder_channels=32,
        mff_channels=4,
        refine_channels=8))
G = dict(type='TransformationNet', base_channels=4, dilations=(2, ))


def _data(n=4, h=32, w=32):
    g = torch.Generator().manual_seed(0)
    return dict(
        inputs=[
            torch.randint(0, 256, (3, h, w), dtype=torch.uint8, generator=g)
            for _ in range(n)
        ],
        data_samples=[
            BaseDataElement(gt_sem=torch.randint(0, 4, (h, w), generator=g))
            for _ in range(n)
        ])


def _wrappers(model):
    wrappers = dict(
        student=OptimWrapper(
            torch.optim.Adam(model.student.parameters(), lr=1e-2)))
    if model.generator is not None:
        wrappers['generator'] = OptimWrapper(
            torch.optim.Adam(model.generator.parameters(), lr=1e-2))
    return OptimWrapperDict(**wrappers)


def _dfdd(**kwargs):
    torch.manual_seed(0)
    cfg = dict(type='DFDD', teacher=NET, student=NET, generator=G)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_gradients_reach_each_network_only_through_its_own_loss():
    model = _dfdd()
    with torch.no_grad():  # make G non-identity so every path is live
        model.generator.out.weight.normal_(std=0.1)
    data = model.data_preprocessor(_data(), True)
    sem = model._sem(data['data_samples'])
    fw = model.forward_train(data['inputs'], sem)

    sum(model.student_losses(fw).values()).backward(retain_graph=True)
    assert all(p.grad is None for p in model.generator.parameters())
    assert all(p.grad is None for p in model.teacher.parameters())
    student_grads = [p.grad.clone() for p in model.student.parameters()]
    assert sum(g.abs().sum() for g in student_grads) > 0

    sum(model.generator_losses(fw).values()).backward()
    assert all(
        torch.equal(p.grad, g)
        for p, g in zip(model.student.parameters(), student_grads))
    assert all(p.grad is None for p in model.teacher.parameters())
    assert sum(p.grad.abs().sum() for p in model.generator.parameters()) > 0


def test_teacher_stays_bit_identical_and_in_eval_mode(tmp_path):
    model = _dfdd()
    ckpt = str(tmp_path / 'teacher.pth')
    torch.save(dict(state_dict=model.teacher.state_dict()), ckpt)
    model = _dfdd(teacher_ckpt=ckpt)
    before = copy.deepcopy(model.teacher.state_dict())
    loaded = torch.load(ckpt)['state_dict']
    assert all(torch.equal(before[k], loaded[k]) for k in loaded)
    student_before = copy.deepcopy(model.student.state_dict())
    wrappers = _wrappers(model)
    model.train()
    for _ in range(3):
        logs = model.train_step(_data(), wrappers)
    assert not model.teacher.training
    after = model.teacher.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert any(not torch.equal(student_before[k], v)
               for k, v in model.student.state_dict().items())
    assert {
        'student.loss_plain', 'student.loss_mixed', 'generator.loss_bn',
        'generator.loss_rec'
    } <= set(logs)


def test_train_step_equals_the_student_first_order():
    # train_step runs G's step before the student's; neither reads what the
    # other updates, so both networks must end bit-identical to Algorithm
    # 1's order (the step benchmark's "before" variant).
    from mmsocket.apis.benchmark.dfdd_step import student_first_dfdd_step
    shipped, reference = _dfdd(), _dfdd()
    with torch.no_grad():
        for m in (shipped, reference):
            m.generator.out.weight.normal_(
                std=0.1, generator=torch.Generator().manual_seed(1))
    g_before = [p.detach().clone() for p in shipped.generator.parameters()]
    w_shipped, w_reference = _wrappers(shipped), _wrappers(reference)
    shipped.train()
    reference.train()
    for i in range(3):
        torch.manual_seed(i)  # the same mixing permutation and classes
        logs = shipped.train_step(_data(), w_shipped)
        torch.manual_seed(i)
        expected = student_first_dfdd_step(reference, _data(), w_reference)
        assert list(logs) == list(expected)
        assert all(torch.equal(logs[k], v) for k, v in expected.items())
    a, b = shipped.state_dict(), reference.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(
        torch.equal(p, q) for p, q in zip(
            g_before, shipped.generator.parameters()))  # G's weights moved


@pytest.mark.parametrize('kwargs,keys', [
    (dict(generator=None, mixing=None,
          mixed_term=False), {'student.loss_plain'}),
    (dict(generator=None), {'student.loss_plain', 'student.loss_mixed'}),
    (dict(mixing=None), {'student.loss_mixed', 'generator.loss_bn'}),
    (dict(plain_term='generator'), {'student.loss_plain'}),
    (dict(rec_weight=0.0), {'generator.rec_l1'}),
])
def test_ablation_switches_run(kwargs, keys):
    model = _dfdd(**kwargs)
    data = _data()
    if kwargs.get('mixing', 1) is None or not kwargs.get('mixed_term', 1):
        for s in data['data_samples']:
            del s.gt_sem  # no semantic maps needed without mixing
    logs = model.train_step(data, _wrappers(model))
    assert keys <= set(logs)
    if not kwargs.get('rec_weight', 1):
        assert 'generator.loss_rec' not in logs


def test_bad_switches_and_wrappers():
    with pytest.raises(ValueError, match='KD-OOD'):
        _dfdd(mixed_term=False)
    with pytest.raises(ValueError, match='needs a generator'):
        _dfdd(generator=None, plain_term='generator')
    with pytest.raises(ValueError, match='plain_term'):
        _dfdd(plain_term='x')
    model = _dfdd()
    with pytest.raises(KeyError, match='generator'):
        model.train_step(_data(),
                         OptimWrapperDict(student=_wrappers(model)['student']))
    data = _data()
    for s in data['data_samples']:
        del s.gt_sem
    with pytest.raises(KeyError, match='gt_sem'):
        model.train_step(data, _wrappers(model))


def test_dfad_step_trains_student_and_generator_only():
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='DFAD',
            teacher=NET,
            student=NET,
            student_iters=2,
            generator=dict(
                type='NoiseImageGenerator',
                img_size=(32, 32),
                latent_dim=8,
                hidden_channels=8)))
    teacher = copy.deepcopy(model.teacher.state_dict())
    gen = copy.deepcopy(model.generator.state_dict())
    logs = model.train_step(
        dict(inputs=[torch.randn(8)] * 4), _wrappers(model))
    assert logs['generator.loss_adv'] <= 0
    assert all(
        torch.equal(teacher[k], v)
        for k, v in model.teacher.state_dict().items())
    assert any(not torch.equal(gen[k], v)
               for k, v in model.generator.state_dict().items())
    assert all(p.requires_grad for p in model.student.parameters())


def test_gaussian_noise_dataset():
    from mmsocket.datasets import GaussianNoiseDataset
    ds = GaussianNoiseDataset((3, 2, 2), 5, mean=[1., 2., 3.], std=0.0)
    assert len(ds) == 5
    assert ds[0]['inputs'][:, 0, 0].tolist() == [1., 2., 3.]
    fixed = GaussianNoiseDataset((4, ), 2, seed=1)
    assert torch.equal(fixed[1]['inputs'], fixed[1]['inputs'])
    with pytest.raises(ValueError, match='mean'):
        GaussianNoiseDataset((3, 2, 2), 5, mean=[1., 2.])


ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(__file__))))


@pytest.mark.parametrize(
    'path', sorted(glob.glob(osp.join(ROOT, 'configs', 'dfdd', '*', '*.py'))))
def test_configs_build(path):
    cfg = Config.fromfile(path)
    model = dict(cfg.model)
    if 'teacher' in model:
        model['teacher_ckpt'] = None
    assert MODELS.build(model) is not None
