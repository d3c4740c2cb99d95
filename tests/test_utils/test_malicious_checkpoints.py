# Copyright (c) mmsocket contributors. All rights reserved.
"""Every entry point that reads a checkpoint refuses one that carries code.

The checkpoint's pickle holds a callable (``exec``) that would create a
marker file; each entry point must stop with ``UnsafeCheckpointError``
naming it, and the marker must not exist. Tools run as scripts (their
``__main__``), in this process, with ``sys.argv`` set.
"""
import os.path as osp
import runpy
import sys
import uuid

import pytest
import torch
from mmengine.config import Config
from toy_parts import REPO_ROOT, write_toy_config

from mmsocket import apis
from mmsocket.registry import MODELS
from mmsocket.utils import UnsafeCheckpointError
from tests.test_models.test_algorithms.toy_socket import tiny_source


class WritesMarker:
    """Unpickling this runs ``exec``, which creates ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f'open({self.marker!r}, "w").close()', ))


@pytest.fixture(params=['zip', 'legacy'])
def evil(request, tmp_path):
    marker = tmp_path / 'pwned'
    path = str(tmp_path / f'evil_{request.param}.pth')
    torch.save(
        dict(state_dict={'w': torch.ones(1)}, meta=WritesMarker(marker)),
        path,
        _use_new_zipfile_serialization=request.param == 'zip')
    yield path
    assert not marker.exists(), 'the checkpoint ran code'


def _refused():
    return pytest.raises(UnsafeCheckpointError, match='builtins.exec')


def _run_script(script, *argv):
    old = sys.argv
    sys.argv = [script, *argv]
    try:
        runpy.run_path(osp.join(REPO_ROOT, script), run_name='__main__')
    finally:
        sys.argv = old


def _name():
    return f'experiment_name={uuid.uuid4().hex}'


def test_tools_test(evil, tmp_path):
    config = write_toy_config(str(tmp_path / 'toy.py'))
    with _refused():
        _run_script('tools/test.py', config, evil, '--work-dir',
                    str(tmp_path / 'w'), '--cfg-options', _name())


@pytest.mark.parametrize('how', ['resume', 'load_from'])
def test_tools_train_resume_and_load_from(evil, tmp_path, how):
    config = write_toy_config(str(tmp_path / 'toy.py'))
    extra = ['--resume', evil
             ] if how == 'resume' else ['--cfg-options', f'load_from={evil}']
    options = ['--cfg-options', _name()] if how == 'resume' else [_name()]
    with _refused():
        _run_script('tools/train.py', config, '--work-dir',
                    str(tmp_path / 'w'), *extra, *options)


@pytest.mark.parametrize('algorithm', ['SOCKET', 'TGMB'])
def test_sources(evil, algorithm):
    cfg = dict(
        type=algorithm, sources=[dict(model=tiny_source(), checkpoint=evil)])
    if algorithm == 'TGMB':
        cfg['discriminator'] = dict(
            type='MLPFeatureDiscriminator', in_channels=16)
    with _refused():
        MODELS.build(cfg)


def test_tgkt_translator(evil):
    with _refused():
        MODELS.build(
            dict(
                type='TGKT',
                sources=[dict(model=tiny_source())],
                translator_checkpoint=evil))


@pytest.mark.parametrize('algorithm', ['DFDD', 'DFAD'])
def test_depth_distiller_teacher(evil, algorithm):
    cfg = Config.fromfile(
        osp.join(
            REPO_ROOT, 'configs/dfdd/synthetic/'
            'dfdd_r18w16-r18w8_sim.py' if algorithm == 'DFDD' else
            'configs/dfdd/synthetic/dfad_r18w16-r18w8.py'))
    cfg.model.teacher_ckpt = evil
    with _refused():
        MODELS.build(cfg.model)


def test_pretrained_init_cfg(evil):
    model = MODELS.build(
        dict(
            type='ResNet',
            depth=18,
            base_channels=8,
            init_cfg=dict(type='Pretrained', checkpoint=evil)))
    with _refused():
        model.init_weights()


@pytest.mark.parametrize('prefix', [None, 'student.'])
def test_init_model(evil, prefix):
    with _refused():
        apis.init_model(tiny_source(), evil, prefix=prefix)


def test_visualize_depth(evil, tmp_path):
    config = osp.join(REPO_ROOT,
                      'configs/dfdd/synthetic/dfdd_r18w16-r18w8_sim.py')
    with _refused():
        _run_script('tools/analysis/visualize_depth.py', config, evil, '--out',
                    str(tmp_path / 'vis.png'))
    good = str(tmp_path / 'student.pth')
    student = MODELS.build(Config.fromfile(config).model.student)
    torch.save(student.state_dict(), good)
    with _refused():
        _run_script('tools/analysis/visualize_depth.py', config, good,
                    '--teacher-ckpt', evil, '--out', str(tmp_path / 'vis.png'))
    assert not osp.exists(tmp_path / 'vis.png')


def test_visualize_translation(evil, tmp_path):
    config = osp.join(REPO_ROOT, 'configs/tgmb/synthetic/kv1_to_kv1.py')
    with _refused():
        _run_script('tools/analysis/visualize_translation.py', config, evil,
                    '--out', str(tmp_path / 'grid.png'))


def test_mmpretrain_get_model_and_inferencer(evil):
    from mmpretrain.apis import ImageClassificationInferencer, get_model
    cfg = Config(dict(model=tiny_source()))
    with _refused():
        get_model(cfg, pretrained=evil)
    with _refused():
        ImageClassificationInferencer(cfg, pretrained=evil)


@pytest.mark.parametrize(
    'script', ['strip_checkpoint.py', 'torchvision_resnet.py', 'export.py'])
def test_model_converters(evil, tmp_path, script):
    out = str(tmp_path / 'out.pth')
    args = [evil, out]
    if script == 'export.py':
        args = [
            osp.join(REPO_ROOT, 'configs/socket/synthetic/kv1_to_kv1.py'),
            evil, '--out-dir',
            str(tmp_path / 'export')
        ]
    with _refused():
        _run_script(f'tools/model_converters/{script}', *args)
    assert not osp.exists(out)
