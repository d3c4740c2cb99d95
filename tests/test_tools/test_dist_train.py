# Copyright (c) mmsocket contributors. All rights reserved.
"""Real 2-process distributed training on CPU (gloo) through torchrun."""
import json
import os.path as osp
import sys

import pytest
import torch
from toy_parts import (REPO_ROOT, free_port, run_checked, subprocess_env,
                       write_toy_config)

# The venv's torchrun script; the same entry point as a module otherwise.
_TORCHRUN_SCRIPT = osp.join(osp.dirname(sys.executable), 'torchrun')
TORCHRUN = [_TORCHRUN_SCRIPT] if osp.isfile(_TORCHRUN_SCRIPT) else [
    sys.executable, '-m', 'torch.distributed.run'
]
PROBE = "custom_hooks = [dict(type='ToolsToyProbeHook')]\n"


def _run(cmd, env, work_dir):
    run_checked(cmd, cwd=REPO_ROOT, env=env)
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
    probes, ckpt = _run([
        'bash',
        osp.join(REPO_ROOT, 'tools', 'dist_train.sh'), config, '2',
        '--work-dir', work_dir
    ], env, work_dir)
    for probe in probes:
        assert probe['wrapper'] == 'MMDistributedDataParallel'
        assert probe['top_device_ids'] is None
    # The saved weights carry no DDP 'module.' prefix.
    assert 'net.0.weight' in ckpt['state_dict']


@pytest.mark.slow
@pytest.mark.skipif(
    torch.cuda.is_available(), reason='checks the CPU (gloo) path')
def test_torchrun_separate_wrapper_own_train_step(tmp_path):
    """torchrun + MMSeparateDistributedDataParallel + OptimWrapperDict."""
    config = write_toy_config(
        str(tmp_path / 'two.py'), 'two_optim', extra=PROBE)
    work_dir = str(tmp_path / 'work')
    probes, ckpt = _run([
        *TORCHRUN, '--nnodes=1', '--nproc_per_node=2',
        '--master_addr=127.0.0.1', f'--master_port={free_port()}',
        osp.join(REPO_ROOT, 'tools', 'train.py'), config, '--work-dir',
        work_dir, '--launcher', 'pytorch'
    ], subprocess_env(), work_dir)
    for probe in probes:
        assert probe['wrapper'] == 'MMSeparateDistributedDataParallel'
        # Each trainable child is its own CPU DDP, without device ids.
        for name in ('generator', 'student'):
            assert probe['children'][name] == 'MMDistributedDataParallel'
            assert probe['device_ids'][name] is None
    assert set(ckpt['optimizer']) == {'generator', 'student'}
    assert set(ckpt['param_schedulers']) == {'generator', 'student'}
