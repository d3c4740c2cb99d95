# Copyright (c) mmsocket contributors. All rights reserved.
"""Run one config end to end in this process and keep its final metrics.

The grid runner (:mod:`mmsocket.apis.grid`) and the quick starts run
hundreds of short trainings back to back. Starting a fresh interpreter for
each would cost more than many of the runs themselves, so they share one
process; this module holds what that needs: a unique experiment name per run
(mmengine keys its message hub and visualizer by it), in-process data
loading (workers forked from a long-lived process inherit every earlier
run's loaders), evaluation once at the end (the papers report the final
model), and a ``result.json`` written atomically, so that a killed grid
resumes by skipping finished runs.
"""
import json
import os.path as osp
import time
from typing import Dict, Optional

from mmengine.config import Config

from ..datasets.decode_cache import DEFAULT_MAX_BYTES, decode_cache
from ..utils.atomic_backend import atomic_write
from ..utils.work_dir_lock import work_dir_lock
from .config_settings import merge_options, resolve_config
from .runner_args import drop_disabled_hooks, runner_from_cfg

RESULT_FILE = 'result.json'


def repo_root() -> str:
    """The source checkout this package runs from (it holds ``configs/``).

    Config paths of tables and quick starts (``configs/...``) are relative
    to it, so the tools work from any directory of an editable install.
    """
    return osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def find_config(config: str) -> str:
    """``config`` as given if it exists, else relative to :func:`repo_root`
    (table specs and quick starts name ``configs/...`` that way)."""
    if osp.isfile(config):
        return config
    path = osp.join(repo_root(), config)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'config {config} not found (nor {path}); configs ship with the '
            'source tree: run from a clone installed with `pip install -e .`'
            ', or pass the path of an existing config')
    return path


def load_config(config: str, cfg_options: Optional[dict] = None) -> Config:
    """Load ``config`` (see :func:`find_config`), merge ``cfg_options``
    into it and resolve its settings (:func:`.resolve_config`), so the
    edits a pipeline makes next see the nested values."""
    path = find_config(config)
    cfg = Config.fromfile(path)
    merge_options(cfg, cfg_options)
    return resolve_config(cfg)


def prepare_config(cfg: Config,
                   work_dir: str,
                   seed: Optional[int] = None,
                   num_workers: Optional[int] = 0,
                   log_level: str = 'WARNING',
                   final_eval_only: bool = True,
                   keep_checkpoints: bool = False) -> Config:
    """Adapt a config for an unattended run in a shared process.

    Args:
        cfg (Config): The loaded config; modified in place and returned.
        work_dir (str): Where the run writes.
        seed (int, optional): ``randomness.seed``; None keeps the config's.
        num_workers (int, optional): Dataloader workers; 0 loads in-process.
            None keeps the config's.
        log_level (str): mmengine log level. Defaults to 'WARNING'.
        final_eval_only (bool): Drop the validation loop; :func:`run_config`
            tests once after training. Keep it off for source models, whose
            export picks the best validation epoch. Defaults to True.
        keep_checkpoints (bool): Keep the per-epoch checkpoints rather than
            only the last one. Defaults to False.
    """
    cfg.work_dir = work_dir
    cfg.log_level = log_level
    cfg.launcher = 'none'
    drop_disabled_hooks(cfg)
    stem = osp.basename(osp.normpath(work_dir))
    cfg.experiment_name = f'{stem}_{time.strftime("%Y%m%d_%H%M%S")}_' \
                          f'{time.monotonic_ns() % 10**6}'
    if seed is not None:
        cfg.randomness = dict(seed=seed, deterministic=False)
    if num_workers is not None:
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            loader = cfg.get(key)
            if loader:
                loader.update(
                    num_workers=num_workers,
                    persistent_workers=num_workers > 0
                    and loader.get('persistent_workers', False))
    if final_eval_only and cfg.get('train_dataloader') and cfg.get(
            'train_cfg'):
        # Evaluate once, after training.
        cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
        cfg.train_cfg.pop('val_interval', None)
        cfg.train_cfg.pop('val_begin', None)
        if not keep_checkpoints:
            hooks = cfg.setdefault('default_hooks', {})
            ckpt = dict(hooks.get('checkpoint') or {})
            ckpt.update(
                type='CheckpointHook',
                interval=-1,
                save_last=True,
                save_best=None)
            hooks['checkpoint'] = ckpt
    return cfg


def run_config(cfg: Config,
               decode_cache_bytes: int = DEFAULT_MAX_BYTES,
               cache_setup: bool = True) -> Dict[str, float]:
    """Train (when the config trains) then test; return the test metrics.

    The settings are resolved again (a no-op for a resolved config): a
    config built in code may still hold references. What the run reads is
    checked first (:func:`.input_checks.check_inputs`). The work dir stays
    locked throughout (one live run per work dir), and is unlocked again
    when the run fails. Each image is decoded once in the run (up to
    ``decode_cache_bytes`` of them; 0 turns it off): the passes, the epochs
    and the evaluations reuse it (:mod:`mmsocket.datasets.decode_cache`;
    same values, so same results), and an enclosing
    :func:`~mmsocket.datasets.decode_cache` shares one cache across runs.
    The Runner's config formatting and environment summary are computed
    once per process (:mod:`mmsocket.utils.run_setup_cache`; same text);
    ``cache_setup=False`` turns that off (the benchmark's "before").
    """
    from ..utils import cache_run_setup, uncache_run_setup
    from .input_checks import check_inputs
    cfg = resolve_config(cfg)
    check_inputs(cfg, 'train' if cfg.get('train_dataloader') else 'test')
    if cache_setup:
        cache_run_setup()  # formatting + environment once per process
    else:
        uncache_run_setup()
    with work_dir_lock(cfg.work_dir), decode_cache(decode_cache_bytes):
        runner = runner_from_cfg(cfg)
        if cfg.get('train_dataloader'):
            runner.train()
        return dict(runner.test())


def read_result(work_dir: str) -> Optional[dict]:
    """The ``result.json`` of a finished run, or None."""
    path = osp.join(work_dir, RESULT_FILE)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


def write_result(work_dir: str, **record) -> dict:
    """Write a run's record atomically (a killed run leaves none)."""
    record = dict(record, finished=time.strftime('%Y-%m-%d %H:%M:%S'))
    atomic_write(json.dumps(record, indent=1), osp.join(work_dir, RESULT_FILE))
    return record
