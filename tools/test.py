# Copyright (c) mmsocket contributors. All rights reserved.
"""Test a checkpoint and print (and optionally dump) its metrics.

Examples::

    python tools/test.py CONFIG CHECKPOINT [--out results.json]
    bash tools/dist_test.sh CONFIG CHECKPOINT 8
"""
import argparse
import os
import os.path as osp

import mmengine
from mmengine.config import Config, ConfigDict, DictAction
from mmengine.dist import is_main_process
from mmengine.runner import Runner

import mmsocket  # noqa: F401  (checkpoint allow-list, atomic backend)
from mmsocket.registry import RUNNERS
from mmsocket.utils import (cleanup_distributed, default_work_dir,
                            is_accelerator_available, setup_distributed)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Test (and eval) a model from a checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument(
        'checkpoint',
        nargs='?',
        help='checkpoint file; defaults to the config\'s load_from (the '
        'unadapted configs name their source model there)')
    parser.add_argument(
        '--work-dir',
        help='the directory to save the file containing evaluation metrics')
    parser.add_argument(
        '--out',
        help='dump the metrics (or, with --out-item pred, the predictions) '
        'to this file; .json, .yaml/.yml or .pkl')
    parser.add_argument(
        '--out-item',
        choices=['metrics', 'pred'],
        default='metrics',
        help='what --out holds. Defaults to metrics.')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs merged '
        'into it before the other options apply (see tools/train.py).')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='test under autocast (fp16 on GPU; bf16 on CPU, where '
        'mmengine\'s autocast supports only bfloat16)')
    parser.add_argument(
        '--no-pin-memory',
        action='store_true',
        help='disable pin_memory in the dataloader')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg: Config, args) -> Config:
    """Merge CLI arguments into the config (``--cfg-options`` first)."""
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.setdefault('default_scope', 'mmsocket')

    # work_dir priority: CLI > config file > ./work_dirs/<path below configs/>
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = default_work_dir(args.config)

    if args.checkpoint is not None:
        cfg.load_from = args.checkpoint
    if not cfg.get('load_from'):
        raise ValueError(f'No checkpoint to test: pass one after the config '
                         f'or set load_from in {args.config}')
    # Testing only loads weights; never resume a training state.
    cfg.resume = False

    if args.amp:
        cfg.test_cfg = cfg.get('test_cfg', None) or ConfigDict()
        cfg.test_cfg.fp16 = True

    if args.out and args.out_item == 'pred':
        dump = dict(type='DumpResults', out_file_path=args.out)
        evaluator = cfg.test_evaluator
        if isinstance(evaluator, (list, tuple)):
            cfg.test_evaluator = [*evaluator, dump]
        elif 'metrics' in evaluator:
            metrics = evaluator.metrics
            metrics = metrics if isinstance(metrics, list) else [metrics]
            evaluator.metrics = [*metrics, dump]
        else:
            cfg.test_evaluator = [evaluator, dump]

    if cfg.get('test_dataloader', None) is not None:
        loader = ConfigDict(collate_fn=dict(type='default_collate'))
        loader.update(cfg.test_dataloader)
        if args.no_pin_memory:
            loader.pin_memory = False
        else:
            loader.setdefault('pin_memory', is_accelerator_available())
        cfg.test_dataloader = loader
    return cfg


def main(argv=None):
    args = parse_args(argv)
    if args.out is not None:
        ext = osp.splitext(args.out)[1]
        if ext not in ('.json', '.yaml', '.yml', '.pkl', '.pickle'):
            raise SystemExit(f'error: --out must end with .json, .yaml, '
                             f'.yml or .pkl, got {args.out!r}')
        if args.out_item == 'pred' and ext not in ('.pkl', '.pickle'):
            raise SystemExit('error: --out-item pred dumps a .pkl file')
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)
    initialized = setup_distributed(cfg, args.launcher)
    try:
        if 'runner_type' not in cfg:
            runner = Runner.from_cfg(cfg)
        else:
            runner = RUNNERS.build(cfg)
        metrics = runner.test()
        # Ask before the process group is gone (then every rank is 0).
        is_main = is_main_process()
    finally:
        cleanup_distributed(initialized)

    if is_main:
        print('\n'.join(f'{k}: {v}' for k, v in metrics.items()))
        if args.out and args.out_item == 'metrics':
            mmengine.dump(metrics, args.out)
    return metrics


if __name__ == '__main__':
    main()
