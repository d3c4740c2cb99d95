# Copyright (c) mmsocket contributors. All rights reserved.
"""Distributed training on machines with and without GPUs.

mmengine 0.10.7 assumes an accelerator when launched distributed: its
``init_dist`` calls ``torch.cuda.set_device`` ("Found no NVIDIA driver") and
``Runner.wrap_model`` passes ``device_ids=[LOCAL_RANK]`` to DDP wrappers,
which DDP rejects for a CPU module. On a CPU-only machine
:func:`setup_distributed` therefore

1. initialises the process group itself with ``gloo`` from the launcher's
   environment variables (``Runner.setup_env`` then skips ``init_dist``,
   because the group already exists),
2. sets ``cfg.env_cfg.dist_cfg.backend = 'gloo'``, and
3. makes the model wrapper pass ``device_ids=None``.

With an accelerator it changes nothing: mmengine's usual (nccl) path runs.
"""
import datetime
import gc
import hashlib
import json
import logging
import os
import subprocess
from typing import Optional

import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.device import (is_cuda_available, is_mlu_available,
                             is_musa_available, is_npu_available)
from mmengine.logging import print_log
from torch.nn.parallel import DistributedDataParallel

__all__ = [
    'is_accelerator_available', 'init_cpu_dist', 'cpu_model_wrapper_cfg',
    'setup_distributed', 'cleanup_distributed', 'check_same_config',
    'stop_persistent_workers'
]


def is_accelerator_available() -> bool:
    """Whether mmengine's accelerator-only code paths can run here."""
    return (is_cuda_available() or is_npu_available() or is_mlu_available()
            or is_musa_available())


def _env_from_slurm(port: Optional[int]) -> None:
    """Fill torch's env:// variables from SLURM's (as mmengine does)."""
    os.environ['RANK'] = os.environ['SLURM_PROCID']
    os.environ['WORLD_SIZE'] = os.environ['SLURM_NTASKS']
    os.environ['LOCAL_RANK'] = os.environ.get('SLURM_LOCALID', '0')
    if port is not None:
        os.environ['MASTER_PORT'] = str(port)
    os.environ.setdefault('MASTER_PORT', '29500')
    if 'MASTER_ADDR' not in os.environ:
        node_list = os.environ['SLURM_NODELIST']
        os.environ['MASTER_ADDR'] = subprocess.getoutput(
            f'scontrol show hostname {node_list} | head -n1')


def _env_from_mpi() -> None:
    """Fill torch's env:// variables from Open MPI's."""
    os.environ['RANK'] = os.environ['OMPI_COMM_WORLD_RANK']
    os.environ['WORLD_SIZE'] = os.environ['OMPI_COMM_WORLD_SIZE']
    os.environ['LOCAL_RANK'] = os.environ['OMPI_COMM_WORLD_LOCAL_RANK']
    os.environ.setdefault('MASTER_PORT', '29500')
    if 'MASTER_ADDR' not in os.environ:
        raise KeyError('The environment variable MASTER_ADDR is not set')


def init_cpu_dist(launcher: str,
                  backend: str = 'gloo',
                  timeout: Optional[float] = None,
                  port: Optional[int] = None,
                  **kwargs) -> None:
    """Initialise the default process group without touching CUDA.

    Args:
        launcher (str): ``'pytorch'`` (torchrun: ``RANK``, ``WORLD_SIZE``,
            ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``), ``'slurm'`` or
            ``'mpi'``.
        backend (str): Process-group backend. Defaults to 'gloo'.
        timeout (float, optional): Timeout in seconds, as in mmengine's
            ``dist_cfg``. Defaults to None (torch's default).
        port (int, optional): Master port for ``'slurm'``, as in mmengine.
        **kwargs: Passed to :func:`torch.distributed.init_process_group`.
    """
    if launcher == 'slurm':
        _env_from_slurm(port)
    elif launcher == 'mpi':
        _env_from_mpi()
    elif launcher != 'pytorch':
        raise ValueError(f'Invalid launcher type: {launcher}')
    if timeout is not None:
        kwargs['timeout'] = datetime.timedelta(seconds=timeout)
    torch_dist.init_process_group(
        backend=backend,
        init_method='env://',
        rank=int(os.environ['RANK']),
        world_size=int(os.environ['WORLD_SIZE']),
        **kwargs)


def _wrapper_is_ddp(wrapper_type) -> Optional[bool]:
    """Whether a ``model_wrapper_cfg`` type is a DDP subclass (None: unknown).
    """
    if isinstance(wrapper_type, str):
        from mmsocket.registry import MODEL_WRAPPERS
        wrapper_type = MODEL_WRAPPERS.get(wrapper_type)
    if not isinstance(wrapper_type, type):
        return None
    return issubclass(wrapper_type, DistributedDataParallel)


def cpu_model_wrapper_cfg(cfg: Config) -> dict:
    """The ``model_wrapper_cfg`` that makes ``Runner.wrap_model`` CPU-safe.

    Without a ``model_wrapper_cfg`` mmengine builds
    ``MMDistributedDataParallel(device_ids=[LOCAL_RANK])``; we return the same
    wrapper with ``device_ids=None`` (keeping mmengine's
    ``broadcast_buffers=False`` and ``cfg.find_unused_parameters``). With one
    (e.g. ``MMSeparateDistributedDataParallel`` for methods with their own
    ``train_step``), its type and arguments are kept; if the type is a DDP
    subclass, ``device_ids=None`` is set, because ``wrap_model`` only adds its
    CUDA ``device_ids`` when the config has none.

    Args:
        cfg (Config): The full config.

    Returns:
        dict: The model wrapper config to use.
    """
    wrapper_cfg = cfg.get('model_wrapper_cfg', None)
    if wrapper_cfg is None:
        return dict(
            type='MMDistributedDataParallel',
            device_ids=None,
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper_cfg = dict(wrapper_cfg)
    wrapper_cfg.setdefault('type', 'MMDistributedDataParallel')
    is_ddp = _wrapper_is_ddp(wrapper_cfg['type'])
    if is_ddp is None:
        print_log(
            f'Cannot resolve model wrapper {wrapper_cfg["type"]!r}; leaving '
            'its device_ids untouched.',
            logger='current',
            level=logging.WARNING)
    elif is_ddp:
        if wrapper_cfg.get('device_ids') is not None:
            print_log(
                'Ignoring model_wrapper_cfg.device_ids='
                f'{wrapper_cfg["device_ids"]} on a machine without GPUs.',
                logger='current',
                level=logging.WARNING)
        wrapper_cfg['device_ids'] = None
    return wrapper_cfg


def setup_distributed(cfg: Config, launcher: str) -> bool:
    """Prepare ``cfg`` (and the process group) for a distributed launch.

    Call it after merging CLI options and before building the Runner. It sets
    ``cfg.launcher``. On a machine without an accelerator and with a
    launcher other than ``'none'``, it also initialises a ``gloo`` process
    group and adapts ``cfg`` (see the module docstring).

    Args:
        cfg (Config): The config; modified in place.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.

    Returns:
        bool: Whether this call initialised the process group (pass it to
        :func:`cleanup_distributed`).
    """
    cfg.launcher = launcher
    if launcher == 'none' or is_accelerator_available():
        return False
    if cfg.get('env_cfg', None) is None:
        cfg.env_cfg = dict()
    if cfg.env_cfg.get('dist_cfg', None) is None:
        cfg.env_cfg.dist_cfg = dict()
    dist_cfg = cfg.env_cfg.dist_cfg
    if dist_cfg.get('backend', 'nccl') != 'gloo':
        dist_cfg.backend = 'gloo'
    cfg.model_wrapper_cfg = cpu_model_wrapper_cfg(cfg)
    if torch_dist.is_available() and torch_dist.is_initialized():
        return False
    init_args = {k: v for k, v in dist_cfg.items() if k != 'init_backend'}
    init_cpu_dist(launcher, **init_args)
    return True


def _config_items(cfg: Config) -> dict:
    from .config_diff import flatten_config
    return {k: repr(v) for k, v in flatten_config(cfg.to_dict()).items()}


def check_same_config(cfg: Config) -> None:
    """Refuse a distributed run whose ranks were given different configs.

    Every rank of a job must train the same model the same way; a rank
    started with another config (a multi-node job with another checkout or
    other ``--cfg-options`` on one node) would otherwise train silently in
    lockstep with the others on different settings. Call on every rank
    after the process group is up; a no-op in one process.

    Raises:
        RuntimeError: On every rank, naming the ranks and settings that
            differ from rank 0's.
    """
    if not (torch_dist.is_available() and torch_dist.is_initialized()):
        return
    world_size = torch_dist.get_world_size()
    if world_size == 1:
        return
    items = _config_items(cfg)
    digest = hashlib.sha256(json.dumps(items,
                                       sort_keys=True).encode()).hexdigest()
    digests = [None] * world_size
    torch_dist.all_gather_object(digests, digest)
    if len(set(digests)) == 1:
        return
    configs = [None] * world_size
    torch_dist.all_gather_object(configs, items)
    reference = configs[0]
    lines = []
    for rank, other in enumerate(configs[1:], start=1):
        keys = sorted(
            k for k in set(reference) | set(other)
            if reference.get(k) != other.get(k))
        if keys:
            shown = ', '.join(f'{k.rstrip(".")}={other.get(k, "<unset>")} '
                              f'(rank 0: {reference.get(k, "<unset>")})'
                              for k in keys[:5])
            lines.append(f'rank {rank}: {shown}')
    raise RuntimeError(
        'The ranks of this distributed run were given different configs: ' +
        '; '.join(lines) + '. Start every rank with the same config file '
        'and options.')


def stop_persistent_workers() -> int:
    """Stop the workers of every DataLoader that keeps them
    (``persistent_workers=True``) and is still alive; return how many
    loaders there were.

    A finished Runner is a reference cycle: its loaders' worker iterators
    are freed by ``gc.collect()``, when torch can no longer reach the
    workers (their queues went with the cycle), so it waits
    ``MP_STATUS_CHECK_INTERVAL`` (5 s) per worker before killing it: 10-15
    s idle at the end of every CPU DDP run (tests/test_utils/
    test_dist_utils.py). Stopped while the loaders are alive, the workers
    exit at once. torch's own shutdown is called (the one the iterator's
    ``__del__`` calls); a loader used again starts new workers.
    """
    from torch.utils.data import DataLoader
    loaders = [
        # type(), not isinstance(): no object's __class__ is asked (some
        # of torch's deprecated module proxies warn on it).
        obj for obj in gc.get_objects() if issubclass(type(obj), DataLoader)
        and getattr(obj, '_iterator', None) is not None
        and hasattr(obj._iterator, '_shutdown_workers')
    ]
    for loader in loaders:
        loader._iterator._shutdown_workers()
        loader._iterator = None
    return len(loaders)


def cleanup_distributed(initialized: bool, clean_exit: bool = True) -> None:
    """Destroy the process group if :func:`setup_distributed` created it.

    On a clean exit every rank first drops what still references the group
    (DDP reducers of finished runners) and waits for the others, then the
    group is destroyed. After an error nothing is waited for: the peers may
    be inside another collective, which a barrier here would be matched
    with; the launcher stops them.
    """
    if not (initialized and clean_exit and torch_dist.is_initialized()):
        return
    stop_persistent_workers()
    gc.collect()
    # Let every rank finish its last collective first: a rank that tears
    # the group down while a peer still uses it aborts that peer
    # ("terminate called without an active exception").
    torch_dist.barrier()
    torch_dist.destroy_process_group()
