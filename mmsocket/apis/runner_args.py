# Copyright (c) mmsocket contributors. All rights reserved.
"""The options of ``tools/train.py`` and ``tools/test.py`` and how they
change a config (mmpretrain's tools, with our work-dir rule, safe resume,
AMP for multi-optimizer configs and CPU-aware dataloader defaults).

The tools stay scripts a user reads top to bottom: parse, merge into the
config, build the Runner, train or test. The parsing and merging live here,
shared by both and importable by the tests.
"""
import argparse
import contextlib
import os
import os.path as osp
from typing import Optional, Sequence

from mmengine.config import Config, ConfigDict, DictAction
from mmengine.logging import print_log

from ..utils import (DiskFullError, WorkDirInUseError, check_same_config,
                     cleanup_distributed, default_work_dir,
                     find_latest_checkpoint, is_accelerator_available,
                     setup_distributed, unusable_checkpoints)
from ..utils.thread_policy import apply_thread_policy
from .config_settings import ConfigSettingsError, merge_options, resolve_config

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
OUT_EXTENSIONS = ('.json', '.yaml', '.yml', '.pkl', '.pickle')

# The run-safety hooks of configs/_base_/default_runtime.py, by their
# default_hooks names: the tools add the ones a config does not mention (a
# config that sets one to None keeps it off).
TRAIN_SAFETY_HOOKS = dict(
    work_dir_lock=dict(type='WorkDirLockHook'),
    divergence_guard=dict(type='DivergenceGuardHook'),
    exact_resume=dict(type='ExactResumeHook'),
    checkpoint_keys=dict(type='CheckpointKeysHook'),
    sync_buffers=dict(type='SyncBuffersHook'))
TEST_SAFETY_HOOKS = dict(checkpoint_keys=dict(type='CheckpointKeysHook'))


# ----------------------------------------------------------------- parsing
def _parser(description: str, config_help: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('config', help=config_help)
    return parser


def add_cfg_options(parser: argparse.ArgumentParser,
                    what: str = 'override settings of the config') -> None:
    """``--cfg-options key=value ...`` (mmengine's ``DictAction``), with the
    same syntax help in every tool; ``what`` says what it overrides."""
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help=f'{what}: key=value pairs, e.g. data_root=data/other (a '
        'setting: docs/get_started.md#the-settings-of-a-config). A list '
        'value is written key="[a,b]" or key=a,b; nested lists/tuples as '
        'key="[(a,b),(c,d)]". Quotes are needed and spaces are not allowed.')


def _add_shared_args(parser: argparse.ArgumentParser, amp_help: str) -> None:
    """The options both tools have (after their own)."""
    parser.add_argument('--amp', action='store_true', help=amp_help)
    parser.add_argument(
        '--no-pin-memory',
        action='store_true',
        help='disable pin_memory in the dataloaders')
    add_cfg_options(
        parser, 'override settings of the config, merged into it before '
        'the other options apply')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # torch.distributed.launch passes --local-rank; torchrun sets LOCAL_RANK.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def _finish(parser: argparse.ArgumentParser,
            argv: Optional[Sequence[str]]) -> argparse.Namespace:
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    # Threads from the cores this process may use and the local ranks,
    # before the Runner's first parallel op (mmsocket/utils/thread_policy).
    apply_thread_policy()
    return args


def parse_train_args(argv: Optional[Sequence[str]] = None):
    """The options of ``tools/train.py``."""
    parser = _parser('Train a model', 'train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint; without a value, resume '
        'from the latest complete checkpoint in the work directory')
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
        '--deterministic',
        action='store_true',
        help="deterministic algorithms (mmengine's randomness."
        'deterministic=True): the same environment and seed give the same '
        'weights and metrics, at some cost in speed')
    parser.add_argument(
        '--no-persistent-workers',
        action='store_true',
        help='disable persistent_workers in the dataloaders')
    parser.add_argument(
        '--global-batch',
        action='store_true',
        help='distributed: compute BatchNorm and the batch statistics of '
        'the losses over all ranks (GlobalBatchHook), so a step on N ranks '
        'equals the 1-process step on their N batches')
    _add_shared_args(
        parser, 'enable automatic-mixed-precision training (needs a GPU)')
    return _finish(parser, argv)


def parse_test_args(argv: Optional[Sequence[str]] = None):
    """The options of ``tools/test.py``; a bad ``--out`` is refused here,
    before anything is built."""
    parser = _parser('Test (and eval) a model from a checkpoint',
                     'test config file path')
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
        '--show-dir',
        help='save the test images with their true and predicted class '
        'drawn on them to this directory')
    parser.add_argument(
        '--interval',
        type=int,
        default=1,
        help='with --show-dir, draw one test image in this many. Defaults '
        'to 1 (all).')
    _add_shared_args(
        parser, 'test under autocast (fp16 on GPU; bf16 on CPU, where '
        'mmengine\'s autocast supports only bfloat16)')
    args = _finish(parser, argv)
    if args.out is not None:
        ext = osp.splitext(args.out)[1]
        if ext not in OUT_EXTENSIONS:
            raise SystemExit(f'error: --out must end with .json, .yaml, '
                             f'.yml or .pkl, got {args.out!r}')
        if args.out_item == 'pred' and ext not in ('.pkl', '.pickle'):
            raise SystemExit('error: --out-item pred dumps a .pkl file')
    return args


# ----------------------------------------------------------------- merging
def _merge_common(cfg: Config, args) -> None:
    """``--cfg-options`` first (the dedicated flags then win and see the
    final config), the default scope, and the work dir: CLI > config file >
    ``./work_dirs/<path below configs/>``. The settings are resolved last
    (:func:`resolve_settings`), after every option is merged."""
    merge_options(cfg, args.cfg_options)
    cfg.setdefault('default_scope', 'mmsocket')
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = default_work_dir(args.config)


def resolve_settings(cfg: Config) -> Config:
    """:func:`resolve_config` for the tools: a bad setting ends the tool
    with its message instead of a traceback."""
    try:
        return resolve_config(cfg)
    except ConfigSettingsError as e:
        raise SystemExit(f'error: {e}') from None


def preflight(cfg: Config, mode: str) -> Config:
    """:func:`.input_checks.check_inputs` for the tools: a missing input
    ends the tool with the commands to run instead of a traceback."""
    from .input_checks import InputError, check_inputs
    try:
        check_inputs(cfg, mode)
    except InputError as e:
        raise SystemExit(f'error: {e}') from None
    return cfg


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


def resolve_resume(cfg: Config, resume: Optional[str]) -> None:
    """``'auto'``: the latest usable checkpoint of the work dir (mmengine's
    own lookup trusts ``last_checkpoint`` blindly and ignores torch's legacy
    format); a path: that one.

    A checkpoint the user has is never trained over: if the work dir holds
    ``*.pth`` files of which none is usable (truncated, not a checkpoint),
    or a legacy-format one that carries code, this stops with an error
    instead of training from scratch (which would overwrite them).
    """
    if resume == 'auto':
        latest = find_latest_checkpoint(cfg.work_dir)
        if latest is None:
            unusable = unusable_checkpoints(cfg.work_dir)
            if unusable:
                raise SystemExit(
                    f'error: --resume found no usable checkpoint in '
                    f'{cfg.work_dir}, but it holds {len(unusable)} '
                    f'file(s) that training from scratch would overwrite: '
                    f'{unusable}. They are truncated or not torch '
                    'checkpoints. Pass --resume PATH to resume from another '
                    'checkpoint, or move them away (or pick another '
                    '--work-dir) to train from scratch.')
            print_log(
                f'No checkpoint to resume in {cfg.work_dir}; training from '
                'scratch.',
                logger='current')
            cfg.resume = False
        else:
            cfg.resume = True
            cfg.load_from = latest
    elif resume is not None:
        cfg.resume = True
        cfg.load_from = resume


def dataloader_defaults(cfg: Config,
                        keys: Sequence[str] = LOADERS,
                        pin_memory: bool = True,
                        persistent_workers: bool = True) -> None:
    """mmpretrain's dataloader defaults, where the config leaves them open.

    Pinning only helps (and only works quietly) with a GPU; persistent
    workers need workers. ``pin_memory``/``persistent_workers`` False force
    them off.
    """
    for key in keys:
        if cfg.get(key, None) is None:
            continue
        loader = ConfigDict(collate_fn=dict(type='default_collate'))
        loader.update(cfg[key])
        if not pin_memory:
            loader.pin_memory = False
        else:
            loader.setdefault('pin_memory', is_accelerator_available())
        if persistent_workers is not None:
            if not persistent_workers or not loader.get('num_workers', 0):
                loader.persistent_workers = False
            else:
                loader.setdefault('persistent_workers', True)
        cfg[key] = loader


# The default hooks that mmengine's Runner itself registers (only these
# may be None in `default_hooks` there).
MMENGINE_DEFAULT_HOOKS = ('runtime_info', 'timer', 'sampler_seed', 'logger',
                          'param_scheduler', 'checkpoint')


def drop_disabled_hooks(cfg: Config) -> None:
    """Remove the ``default_hooks`` a config set to None that mmengine does
    not know (its Runner asserts on those): ``default_hooks.
    divergence_guard=None`` turns the guard off."""
    hooks = cfg.get('default_hooks', None)
    if not hooks:
        return
    for name in [k for k, v in hooks.items() if v is None]:
        if name not in MMENGINE_DEFAULT_HOOKS:
            hooks.pop(name)


def add_safety_hooks(cfg: Config, hooks: dict) -> None:
    """Add each of ``hooks`` to ``cfg.default_hooks`` unless the config
    names it (a config's ``None`` keeps it off), then drop the disabled
    ones."""
    if cfg.get('default_hooks', None) is None:
        cfg.default_hooks = ConfigDict()
    for name, hook in hooks.items():
        if name not in cfg.default_hooks:
            cfg.default_hooks[name] = ConfigDict(hook)
    drop_disabled_hooks(cfg)


def merge_train_args(cfg: Config, args) -> Config:
    """Merge the options of :func:`parse_train_args` into ``cfg``."""
    _merge_common(cfg, args)
    add_safety_hooks(cfg, TRAIN_SAFETY_HOOKS)
    if getattr(args, 'global_batch', False):
        cfg.default_hooks.global_batch = ConfigDict(type='GlobalBatchHook')
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    if args.amp:
        enable_amp(cfg)
    resolve_resume(cfg, args.resume)
    if args.auto_scale_lr:
        if 'base_batch_size' not in cfg.get('auto_scale_lr', {}):
            raise SystemExit('error: --auto-scale-lr needs '
                             '`auto_scale_lr.base_batch_size` in the config')
        cfg.auto_scale_lr.enable = True
    if args.deterministic:
        # mmengine's set_random_seed: torch.use_deterministic_algorithms.
        cfg.randomness = dict(cfg.get('randomness') or {}, deterministic=True)
    dataloader_defaults(
        cfg,
        pin_memory=not args.no_pin_memory,
        persistent_workers=not args.no_persistent_workers)
    return resolve_settings(cfg)


def add_dump_results(cfg: Config, out_file: str) -> None:
    """Append mmengine's ``DumpResults`` (the predictions, as a pickle) to
    the test evaluator, whatever form the evaluator takes."""
    dump = dict(type='DumpResults', out_file_path=out_file)
    evaluator = cfg.test_evaluator
    if isinstance(evaluator, (list, tuple)):
        cfg.test_evaluator = [*evaluator, dump]
    elif 'metrics' in evaluator:
        metrics = evaluator.metrics
        metrics = metrics if isinstance(metrics, list) else [metrics]
        evaluator.metrics = [*metrics, dump]
    else:
        cfg.test_evaluator = [evaluator, dump]


def add_show_dir(cfg: Config, show_dir: str, interval: int = 1) -> None:
    """Draw every ``interval``-th test prediction onto its image, saved in
    ``show_dir`` (mmpretrain's ``tools/test.py --show-dir``): mmpretrain's
    ``UniversalVisualizer`` (the config's backends kept) and our
    ``PredictionVisualizationHook``."""
    if interval < 1:
        raise SystemExit(f'error: --interval must be >= 1, got {interval}')
    visualizer = dict(cfg.get('visualizer', None) or {})
    visualizer['type'] = 'mmpretrain.UniversalVisualizer'
    cfg.visualizer = visualizer
    hooks = list(cfg.get('custom_hooks', None) or [])
    hooks.append(
        dict(
            type='PredictionVisualizationHook',
            out_dir=show_dir,
            interval=interval))
    cfg.custom_hooks = hooks


def merge_test_args(cfg: Config, args) -> Config:
    """Merge the options of :func:`parse_test_args` into ``cfg``."""
    _merge_common(cfg, args)
    add_safety_hooks(cfg, TEST_SAFETY_HOOKS)
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
        add_dump_results(cfg, args.out)
    if getattr(args, 'show_dir', None):
        add_show_dir(cfg, args.show_dir, args.interval)
    dataloader_defaults(
        cfg, ('test_dataloader', ),
        pin_memory=not args.no_pin_memory,
        persistent_workers=None)
    return resolve_settings(cfg)


# ----------------------------------------------------------------- running
def runner_from_cfg(cfg: Config):
    """mmengine's Runner, or the config's ``runner_type`` (a registered
    Runner class): what every tool, grid and quick start builds."""
    if 'runner_type' not in cfg:
        from mmengine.runner import Runner
        return Runner.from_cfg(cfg)
    from ..registry import RUNNERS
    return RUNNERS.build(cfg)


def build_runner(cfg: Config):
    """:func:`runner_from_cfg`, its config text formatted once however
    many checkpoints it writes (:mod:`mmsocket.utils.run_setup_cache`)."""
    from ..utils import cache_run_setup
    cache_run_setup()
    return runner_from_cfg(cfg)


@contextlib.contextmanager
def launched(cfg: Config, launcher: str):
    """Open the process group of ``launcher`` for the body (before the
    Runner: on CPU it is a gloo group and the DDP wrapper gets no CUDA
    device ids), check that every rank got the same config, and close the
    group after a clean exit. After an error it is left to the launcher,
    which stops the other ranks (waiting for them here could hang)."""
    initialized = setup_distributed(cfg, launcher)
    clean = False
    try:
        check_same_config(cfg)
        yield
        clean = True
    finally:
        cleanup_distributed(initialized, clean)


def user_errors() -> tuple:
    """Errors a tool reports as one message instead of a traceback: they
    say what went wrong and what to do."""
    from ..engine.hooks import CheckpointMismatchError, DivergenceError
    return (WorkDirInUseError, DivergenceError, CheckpointMismatchError,
            DiskFullError)


def report_metrics(metrics: dict, args) -> None:
    """Print the test metrics; dump them with ``--out`` (``--out-item
    metrics``)."""
    import mmengine
    print('\n'.join(f'{k}: {v}' for k, v in metrics.items()))
    if args.out and args.out_item == 'metrics':
        mmengine.dump(metrics, args.out)
