# Copyright (c) mmsocket contributors. All rights reserved.
"""Real 2-process distributed training on CPU (gloo): tools/dist_train.sh
(torchrun) and tools/train.py on forked ranks of one gloo group."""
import json
import os.path as osp
import runpy

import pytest
import torch
from toy_parts import (REPO_ROOT, free_port, run_checked, subprocess_env,
                       write_toy_config)

from tests.gloo_ranks import on_gloo_ranks

PROBE = "custom_hooks = [dict(type='ToolsToyProbeHook')]\n"


def _probes_and_checkpoint(work_dir):
    probes = []
    for rank in range(2):
        with open(osp.join(work_dir, f'probe_rank{rank}.json')) as f:
            probes.append(json.load(f))
    ckpt = torch.load(
        osp.join(work_dir, 'epoch_2.pth'),
        map_location='cpu',
        weights_only=True)
    # 16 samples, batch 4 per rank, 2 ranks: 2 iterations per epoch.
    assert ckpt['meta']['iter'] == 4
    # Both ranks ran in one world and ended with identical weights, which
    # only holds if DDP averaged the gradients.
    assert [p['rank'] for p in probes] == [0, 1]
    assert all(p['world_size'] == 2 for p in probes)
    assert probes[0]['weights'] == pytest.approx(probes[1]['weights'])
    return probes, ckpt


@pytest.mark.slow
@pytest.mark.skipif(
    torch.cuda.is_available(), reason='checks the CPU (gloo) path')
def test_dist_train_sh_default_wrapper(tmp_path):
    """tools/dist_train.sh, no model_wrapper_cfg in the config."""
    config = write_toy_config(str(tmp_path / 'toy.py'), extra=PROBE)
    work_dir = str(tmp_path / 'work')
    env = subprocess_env()
    env.update(NNODES='1', NODE_RANK='0', PORT=str(free_port()))
    run_checked([
        'bash',
        osp.join(REPO_ROOT, 'tools', 'dist_train.sh'), config, '2',
        '--work-dir', work_dir
    ],
                cwd=REPO_ROOT,
                env=env)
    probes, ckpt = _probes_and_checkpoint(work_dir)
    for probe in probes:
        assert probe['wrapper'] == 'MMDistributedDataParallel'
        assert probe['top_device_ids'] is None
    # The saved weights carry no DDP 'module.' prefix.
    assert 'net.0.weight' in ckpt['state_dict']


def _train_on_rank(rank, argv):
    """tools/train.py's main() on a rank whose gloo group is open already
    (as under torchrun once launched() has opened it)."""
    runpy.run_path(osp.join(REPO_ROOT, 'tools', 'train.py'))['main'](argv)


@pytest.mark.slow
@pytest.mark.skipif(
    torch.cuda.is_available(), reason='checks the CPU (gloo) path')
def test_separate_wrapper_own_train_step_on_two_ranks(tmp_path):
    """MMSeparateDistributedDataParallel + OptimWrapperDict + the model's own
    train_step, tools/train.py on 2 forked gloo ranks (the torchrun launch
    itself is test_dist_train_sh_default_wrapper's)."""
    config = write_toy_config(
        str(tmp_path / 'two.py'), 'two_optim', extra=PROBE)
    work_dir = str(tmp_path / 'work')
    on_gloo_ranks(_train_on_rank,
                  [config, '--work-dir', work_dir, '--launcher', 'pytorch'])
    probes, ckpt = _probes_and_checkpoint(work_dir)
    for probe in probes:
        assert probe['wrapper'] == 'MMSeparateDistributedDataParallel'
        # Each trainable child is its own CPU DDP, without device ids.
        for name in ('generator', 'student'):
            assert probe['children'][name] == 'MMDistributedDataParallel'
            assert probe['device_ids'][name] is None
    assert set(ckpt['optimizer']) == {'generator', 'student'}
    assert set(ckpt['param_schedulers']) == {'generator', 'student'}
