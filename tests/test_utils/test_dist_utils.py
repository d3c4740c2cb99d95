# Copyright (c) mmsocket contributors. All rights reserved.
"""CPU/GPU-aware distributed set-up (the torchrun runs are in test_tools)."""
import os

import pytest
import torch.distributed as torch_dist
from mmengine.config import Config
from torch.utils.data import DataLoader
from toy_parts import free_port, write_toy_config

from mmsocket.utils import dist as dist_utils
from tests.gloo_ranks import on_gloo_ranks


def _cfg(tmp_path, kind='single', extra=''):
    return Config.fromfile(
        write_toy_config(str(tmp_path / f'{kind}.py'), kind, extra))


def test_default_wrapper_gets_no_device_ids(tmp_path):
    cfg = _cfg(tmp_path, extra='find_unused_parameters = True\n')
    # What mmengine builds without a model_wrapper_cfg, minus device ids.
    assert dist_utils.cpu_model_wrapper_cfg(cfg) == dict(
        type='MMDistributedDataParallel',
        device_ids=None,
        broadcast_buffers=False,
        find_unused_parameters=True)


def test_separate_wrapper_keeps_type_and_options(tmp_path):
    cfg = _cfg(tmp_path, 'two_optim')
    cfg.model_wrapper_cfg.find_unused_parameters = True
    wrapper = dist_utils.cpu_model_wrapper_cfg(cfg)
    assert wrapper == dict(
        type='MMSeparateDistributedDataParallel',
        find_unused_parameters=True,
        device_ids=None)


def test_explicit_cuda_device_ids_are_dropped(tmp_path):
    cfg = _cfg(
        tmp_path,
        extra="model_wrapper_cfg = dict(type='MMDistributedDataParallel', "
        'device_ids=[0])\n')
    assert dist_utils.cpu_model_wrapper_cfg(cfg)['device_ids'] is None


def test_non_ddp_wrapper_is_left_alone(tmp_path):
    # FSDP takes no device_ids; mmengine adds none, so neither do we.
    cfg = _cfg(
        tmp_path,
        extra="model_wrapper_cfg = dict(type='MMFullyShardedDataParallel')\n")
    assert dist_utils.cpu_model_wrapper_cfg(cfg) == dict(
        type='MMFullyShardedDataParallel')
    cfg.model_wrapper_cfg = dict(type='NoSuchWrapperAnywhere')
    assert 'device_ids' not in dist_utils.cpu_model_wrapper_cfg(cfg)


def test_accelerator_keeps_mmengine_path(tmp_path, monkeypatch):
    monkeypatch.setattr(dist_utils, 'is_accelerator_available', lambda: True)
    cfg = _cfg(tmp_path)
    assert dist_utils.setup_distributed(cfg, 'pytorch') is False
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert 'model_wrapper_cfg' not in cfg
    assert not torch_dist.is_initialized()


def test_cpu_pytorch_launcher_inits_gloo(tmp_path, monkeypatch):
    """A 1-process world from torchrun-style env vars, in this process."""
    monkeypatch.setattr(dist_utils, 'is_accelerator_available', lambda: False)
    for key, value in dict(
            RANK='0',
            WORLD_SIZE='1',
            LOCAL_RANK='0',
            MASTER_ADDR='127.0.0.1',
            MASTER_PORT=str(free_port())).items():
        monkeypatch.setenv(key, value)
    cfg = _cfg(tmp_path, extra="env_cfg['dist_cfg'].update(timeout=60)\n")
    assert not torch_dist.is_initialized()
    initialized = dist_utils.setup_distributed(cfg, 'pytorch')
    try:
        assert initialized and torch_dist.is_initialized()
        assert torch_dist.get_backend() == 'gloo'
        assert cfg.launcher == 'pytorch'
        assert cfg.env_cfg.dist_cfg.backend == 'gloo'
        assert cfg.model_wrapper_cfg.type == 'MMDistributedDataParallel'
        assert cfg.model_wrapper_cfg.device_ids is None
        # A group that already exists is reused, not re-created.
        assert dist_utils.setup_distributed(cfg, 'pytorch') is False
    finally:
        dist_utils.cleanup_distributed(initialized)
    assert not torch_dist.is_initialized()


def test_slurm_env_translation(monkeypatch):
    for key, value in dict(
            SLURM_PROCID='3',
            SLURM_NTASKS='4',
            SLURM_LOCALID='1',
            SLURM_NODELIST='node[1-2]',
            MASTER_ADDR='10.0.0.1').items():
        monkeypatch.setenv(key, value)
    for key in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_PORT'):
        monkeypatch.delenv(key, raising=False)
    dist_utils._env_from_slurm(port=None)
    assert (os.environ['RANK'], os.environ['WORLD_SIZE'],
            os.environ['LOCAL_RANK']) == ('3', '4', '1')
    assert os.environ['MASTER_PORT'] == '29500'
    assert os.environ['MASTER_ADDR'] == '10.0.0.1'


def test_invalid_launcher():
    with pytest.raises(ValueError, match='Invalid launcher'):
        dist_utils.init_cpu_dist('ssh')


def _check(rank, lrs):
    cfg = Config(
        dict(
            model=dict(type='SOCKET'),
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=lrs[rank]))))
    try:
        dist_utils.check_same_config(cfg)
    except RuntimeError as e:
        return str(e)
    return 'same'


@pytest.mark.parametrize('lrs', [(0.1, 0.1), (0.1, 0.5)])
def test_ranks_with_different_configs_stop_together(lrs):
    """A 2-rank job whose rank 1 got another config (another checkout or
    other --cfg-options on one node) is refused on both ranks."""
    answers = on_gloo_ranks(_check, lrs)
    if lrs[0] == lrs[1]:
        assert answers == ['same', 'same']
    else:
        assert answers[0] == answers[1]
        assert 'rank 1: optim_wrapper.optimizer.lr=0.5 (rank 0: 0.1)' in \
            answers[0]


def test_persistent_workers_stop_before_the_group_closes():
    # A finished Runner is a reference cycle; its persistent-worker
    # iterator freed by gc.collect() would wait 5 s per worker.
    class Holder:
        pass

    holder = Holder()
    holder.self = holder
    holder.loader = DataLoader(
        list(range(4)), batch_size=2, num_workers=1, persistent_workers=True)
    assert [b.tolist() for b in holder.loader] == [[0, 1], [2, 3]]
    workers = list(holder.loader._iterator._workers)
    assert all(w.is_alive() for w in workers)
    assert dist_utils.stop_persistent_workers() >= 1
    assert holder.loader._iterator is None
    assert not any(w.is_alive() for w in workers)
    # The loader still works: it starts new workers.
    assert [b.tolist() for b in holder.loader] == [[0, 1], [2, 3]]
    dist_utils.stop_persistent_workers()
