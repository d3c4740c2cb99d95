# Copyright (c) mmsocket contributors. All rights reserved.
"""The first non-finite loss or gradient stops the run with an error that
names it; no checkpoint with a non-finite tensor is ever written."""
import glob
import hashlib
import os.path as osp
import subprocess
import sys
import uuid

import pytest
import torch
from mmengine.config import Config
from toy_parts import REPO_ROOT, subprocess_env, write_toy_config

from mmsocket.apis import build_runner, merge_train_args, parse_train_args
from mmsocket.engine.hooks import DivergenceError
from tests.test_engine.fault_injection import ENV, load, run_tool
from tools.train import main as train
from .test_socket_runner import transfer_cfg

FAULTY = ("custom_imports = dict(imports=['toy_parts', "
          "'tests.test_engine.fault_injection'], allow_failed_imports=False)\n"
          "custom_hooks = [dict(type='FaultInjectionHook')]\n")


def _runner(config, work_dir, *options):
    args = parse_train_args([
        config, '--work-dir', work_dir, '--cfg-options',
        f'experiment_name={uuid.uuid4().hex}', *options
    ])
    return build_runner(merge_train_args(Config.fromfile(config), args))


def _finite(state: dict) -> bool:
    return all(
        bool(v.isfinite().all()) for v in state.values()
        if isinstance(v, torch.Tensor) and v.is_floating_point())


@pytest.mark.parametrize('kind,where', [
    ('single', 'parameter group 0 (lr=0.01): net.0.weight'),
    ('two_optim', 'optimizer "generator" parameter group 0 (lr=0.005): '
     'generator.weight'),
])
def test_a_nan_gradient_is_not_applied_and_stops_the_run(
        tmp_path, monkeypatch, kind, where):
    config = write_toy_config(str(tmp_path / 'toy.py'), kind, extra=FAULTY)
    monkeypatch.setenv(ENV, 'nan_grad:6')  # epoch 2, batch 2
    runner = _runner(config, str(tmp_path / 'work'))
    with pytest.raises(DivergenceError) as error:
        runner.train()
    message = str(error.value)
    assert 'Training diverged at iteration 6 (epoch 2, batch 2)' in message
    assert f'non-finite gradient in {where}' in message
    assert 'epoch_1.pth' in message  # the last good checkpoint
    assert 'default_hooks.divergence_guard=None' in message
    # The bad update was skipped: the weights in memory are still finite.
    assert _finite(runner.model.state_dict())
    assert not osp.exists(tmp_path / 'work' / 'epoch_2.pth')
    assert _finite(load(str(tmp_path / 'work' / 'epoch_1.pth'))['state_dict'])


def test_the_guard_is_off_by_config(tmp_path, monkeypatch):
    """Without it the run ends 'successfully' with NaN weights saved."""
    config = write_toy_config(str(tmp_path / 'toy.py'), extra=FAULTY)
    monkeypatch.setenv(ENV, 'nan_grad:6')
    runner = _runner(config, str(tmp_path / 'work'),
                     'default_hooks.divergence_guard=None')
    runner.train()
    assert not _finite(
        load(str(tmp_path / 'work' / 'epoch_2.pth'))['state_dict'])


def _digests(work_dir):
    """The checkpoints and the pointer to the last one."""
    out = {}
    for path in sorted(glob.glob(osp.join(
            work_dir, '*.pth'))) + [osp.join(work_dir, 'last_checkpoint')]:
        with open(path, 'rb') as f:
            out[osp.basename(path)] = hashlib.sha256(f.read()).hexdigest()
    return out


@pytest.mark.slow
def test_lr_1e6_stops_socket_and_keeps_the_good_checkpoint(
        source_ckpt, tmp_path):
    """The issue's command line on a tiny SOCKET config, as a user runs it,
    in a work dir that holds a good checkpoint from an earlier run."""
    data_root, ckpt, num_classes = source_ckpt
    cfg = transfer_cfg('socket', data_root, ckpt, num_classes,
                       str(tmp_path / 'work'))
    cfg.log_level = 'INFO'
    config = str(tmp_path / 'socket.py')
    cfg.dump(config)
    work_dir = str(tmp_path / 'work')
    assert run_tool(train, [
        config, '--work-dir', work_dir, '--cfg-options',
        'train_cfg.max_epochs=1'
    ]) == 0
    before = _digests(work_dir)
    assert 'epoch_1.pth' in before

    proc = subprocess.run([
        sys.executable,
        osp.join(REPO_ROOT, 'tools', 'train.py'), config, '--work-dir',
        work_dir, '--cfg-options', 'optim_wrapper.optimizer.lr=1e6'
    ],
                          cwd=str(tmp_path),
                          env=subprocess_env(),
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True,
                          timeout=600)
    assert proc.returncode != 0, proc.stdout[-3000:]
    assert 'Traceback' not in proc.stdout, proc.stdout[-3000:]
    line = next(ln for ln in proc.stdout.splitlines()
                if ln.startswith('error: Training diverged at iteration'))
    assert 'non-finite loss term(s)' in line and 'loss_' in line, line
    # Nothing the first run wrote changed, and nothing non-finite was added.
    assert _digests(work_dir) == before
    for path in glob.glob(osp.join(work_dir, '*.pth')):
        assert _finite(load(path)['state_dict']), path
