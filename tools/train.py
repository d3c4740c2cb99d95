# Copyright (c) mmsocket contributors. All rights reserved.
"""Train a model from a config (mmpretrain-style ``tools/train.py``).

Examples::

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]]
    bash tools/dist_train.sh CONFIG 8            # torchrun, GPUs or CPUs
"""
import argparse
import os

from mmengine.config import Config, ConfigDict, DictAction
from mmengine.logging import print_log
from mmengine.runner import Runner

import mmsocket  # noqa: F401  (checkpoint allow-list, atomic backend)
from mmsocket.registry import RUNNERS
from mmsocket.utils import (cleanup_distributed, default_work_dir,
                            find_latest_checkpoint, is_accelerator_available,
                            setup_distributed)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint; without a value, resume '
        'from the latest complete checkpoint in the work directory')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic-mixed-precision training (needs a GPU)')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the actual batch size over '
        '`auto_scale_lr.base_batch_size`')
    parser.add_argument(
        '--no-pin-memory',
        action='store_true',
        help='disable pin_memory in the dataloaders')
    parser.add_argument(
        '--no-persistent-workers',
        action='store_true',
        help='disable persistent_workers in the dataloaders')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs merged '
        'into it before the other options apply. A list value is written '
        'key="[a,b]" or key=a,b; nested lists/tuples as '
        'key="[(a,b),(c,d)]". Quotes are needed and spaces are not allowed.')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # torch.distributed.launch passes --local-rank; torchrun sets LOCAL_RANK.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def enable_amp(cfg: Config) -> None:
    """Switch the optimizer wrapper(s) to ``AmpOptimWrapper``.

    A single wrapper (``optim_wrapper.optimizer`` is set) gets the type
    itself. A multi-optimizer config (a ``constructor`` plus one sub-dict per
    optimizer) gets it on every sub-wrapper, so the constructor still builds
    an ``OptimWrapperDict``.
    """
    if not is_accelerator_available():
        raise SystemExit(
            'error: --amp needs a GPU (or NPU/MLU/MUSA): mmengine\'s '
            'AmpOptimWrapper supports no CPU training. Run without --amp on '
            'this machine.')

    def to_amp(wrapper: ConfigDict, name: str) -> None:
        current = wrapper.get('type', 'OptimWrapper')
        if current not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise SystemExit(f'error: --amp only converts OptimWrapper, but '
                             f'{name}.type is {current!r}')
        wrapper.type = 'AmpOptimWrapper'
        wrapper.setdefault('loss_scale', 'dynamic')

    optim_wrapper = cfg.optim_wrapper
    if 'optimizer' in optim_wrapper:
        to_amp(optim_wrapper, 'optim_wrapper')
        return
    subs = [(k, v) for k, v in optim_wrapper.items()
            if isinstance(v, dict) and 'optimizer' in v]
    if not subs:
        raise SystemExit('error: --amp found no optimizer in optim_wrapper')
    for name, sub in subs:
        to_amp(sub, f'optim_wrapper.{name}')


def merge_args(cfg: Config, args) -> Config:
    """Merge CLI arguments into the config.

    ``--cfg-options`` is merged first, so the dedicated flags below win and
    see the final config (e.g. ``--amp`` after an optimizer override).
    """
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.setdefault('default_scope', 'mmsocket')

    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None

    # work_dir priority: CLI > config file > ./work_dirs/<path below configs/>
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = default_work_dir(args.config)

    if args.amp:
        enable_amp(cfg)

    if args.resume == 'auto':
        # mmengine's own lookup trusts `last_checkpoint` blindly; ours skips
        # a missing or truncated file.
        latest = find_latest_checkpoint(cfg.work_dir)
        if latest is None:
            print_log(
                f'No checkpoint to resume in {cfg.work_dir}; training from '
                'scratch.',
                logger='current')
            cfg.resume = False
        else:
            cfg.resume = True
            cfg.load_from = latest
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume

    if args.auto_scale_lr:
        if 'base_batch_size' not in cfg.get('auto_scale_lr', {}):
            raise SystemExit('error: --auto-scale-lr needs '
                             '`auto_scale_lr.base_batch_size` in the config')
        cfg.auto_scale_lr.enable = True

    # Dataloader defaults as in mmpretrain's tool; pinning only helps (and
    # only works quietly) with a GPU, persistent workers need workers.
    for field in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if cfg.get(field, None) is None:
            continue
        loader = ConfigDict(collate_fn=dict(type='default_collate'))
        loader.update(cfg[field])
        if args.no_pin_memory:
            loader.pin_memory = False
        else:
            loader.setdefault('pin_memory', is_accelerator_available())
        if args.no_persistent_workers or not loader.get('num_workers', 0):
            loader.persistent_workers = False
        else:
            loader.setdefault('persistent_workers', True)
        cfg[field] = loader
    return cfg


def main(argv=None):
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    cfg = merge_args(cfg, args)
    # Before the Runner: on CPU this opens a gloo process group and makes
    # the DDP wrapper pass no CUDA device ids.
    initialized = setup_distributed(cfg, args.launcher)
    try:
        if 'runner_type' not in cfg:
            runner = Runner.from_cfg(cfg)
        else:
            runner = RUNNERS.build(cfg)
        runner.train()
    finally:
        cleanup_distributed(initialized)
    return runner


if __name__ == '__main__':
    main()
