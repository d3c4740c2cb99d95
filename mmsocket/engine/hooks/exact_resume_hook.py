# Copyright (c) mmsocket contributors. All rights reserved.
"""A resumed run continues exactly where its checkpoint left off."""
from typing import Optional

import torch
from mmengine.dist import all_gather_object, get_dist_info
from mmengine.hooks import Hook

from mmsocket.registry import HOOKS
from mmsocket.utils import (EpochSeededWorkers, config_changes, derive_seed,
                            get_rng_state, set_rng_state)

# Keys that legitimately differ between a run and its resumption.
_RUN_KEYS = ('work_dir', 'resume', 'load_from', 'launcher', 'experiment_name',
             'log_level', 'model_wrapper_cfg')


def _sampler(loader):
    sampler = getattr(loader, 'sampler', None)
    if not hasattr(sampler, 'seed'):
        sampler = getattr(
            getattr(loader, 'batch_sampler', None), 'sampler', None)
    return sampler if hasattr(sampler, 'seed') else None


@HOOKS.register_module()
class ExactResumeHook(Hook):
    """Save and restore what mmengine's checkpoints leave out.

    mmengine's checkpoint holds the weights (with SOCKET's banks), the
    optimizer, the schedulers, the message hub and the epoch/iteration, and
    the sampler's order follows from (seed, epoch). A run resumed from
    epoch e's checkpoint still drew other random numbers than the
    uninterrupted one, because these were not saved:

    - the global RNG states of the main process (torch, NumPy, Python):
      augmentations without workers, the loaders' worker base seeds, the
      pseudo-label pass's transforms. Saved after each epoch (per rank),
      restored before the resumed epoch starts.
    - the state of the training dataset's own random streams
      (``dataset.state_dict()``, e.g. the order of
      :class:`~mmsocket.datasets.MultiStreamDataset`'s task-irrelevant
      stream), likewise.
    - the RNG states of persistent loader workers, which no process could
      save: instead every worker re-seeds at each epoch from (seed, epoch,
      rank, worker) (:class:`~mmsocket.utils.EpochSeededWorkers`).

    Validation inside training runs on a forked RNG, so evaluating (or
    not) cannot change what training draws next. A resumed run also keeps
    the seed its checkpoint was trained with for the sampler (mmengine
    adopts the checkpoint's seed but leaves the already built sampler on
    the config's), and a config that differs from the checkpoint's is named
    in a warning. ``meta.config`` in a checkpoint, which mmengine's
    ``Runner.resume`` would execute as Python, is dropped.

    Exact only for ``EpochBasedTrainLoop`` with checkpoints saved at epoch
    ends (every config here): a run killed mid-epoch resumes from the last
    epoch checkpoint and replays that epoch's iterations identically.

    Args:
        reseed_workers (bool): Re-seed loader workers every epoch. Defaults
            to True.
        isolate_validation (bool): Fork the RNG around validation.
            Defaults to True.
    """

    priority = 'HIGHEST'

    def __init__(self,
                 reseed_workers: bool = True,
                 isolate_validation: bool = True) -> None:
        self.reseed_workers = reseed_workers
        self.isolate_validation = isolate_validation
        self._workers: Optional[EpochSeededWorkers] = None
        self._latest: Optional[dict] = None
        self._loaded: Optional[dict] = None
        self._restore: Optional[dict] = None
        self._val_rng: Optional[dict] = None

    # ------------------------------------------------------------ saving
    def after_train_epoch(self, runner) -> None:
        state = dict(rng=get_rng_state())
        dataset_state = getattr(runner.train_dataloader.dataset, 'state_dict',
                                None)
        if callable(dataset_state):
            state['dataset'] = dataset_state()
        _, world_size = get_dist_info()
        ranks = all_gather_object(state) if world_size > 1 else [state]
        # runner.epoch is incremented after these hooks.
        self._latest = dict(
            epoch=runner.epoch + 1, iter=runner.iter, ranks=ranks)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        latest = self._latest
        if latest is not None and \
                checkpoint.get('meta', {}).get('iter') == latest['iter']:
            checkpoint['resume_state'] = latest

    # ----------------------------------------------------------- loading
    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        meta = checkpoint.get('meta')
        if isinstance(meta, dict) and 'config' in meta:
            # Runner.resume runs Config.fromstring(meta['config']): Python
            # from the checkpoint. mmengine itself writes 'cfg', never this.
            meta.pop('config')
            runner.logger.warning(
                'Dropped meta.config from the checkpoint: mmengine would '
                'execute it as Python while resuming.')
        meta = meta if isinstance(meta, dict) else {}
        self._loaded = dict(
            state=checkpoint.get('resume_state'),
            iter=meta.get('iter'),
            seed=meta.get('seed'),
            cfg=meta.get('cfg'))

    def before_train(self, runner) -> None:
        loader = runner.train_dataloader
        if self.reseed_workers and loader.num_workers > 0 and \
                not isinstance(loader.worker_init_fn, EpochSeededWorkers):
            self._workers = EpochSeededWorkers(loader.worker_init_fn,
                                               runner.seed, runner.rank)
            loader.worker_init_fn = self._workers
            # Starting workers draws their base seed (which the re-seeding
            # makes irrelevant) from the loader's generator: a private one,
            # so that persistent workers, started once by the uninterrupted
            # run and again by a resumed one, leave the global RNG alone.
            loader.generator = torch.Generator().manual_seed(
                derive_seed(runner.seed, runner.rank))
        loaded, self._loaded = self._loaded, None
        if runner.iter == 0 or loaded is None:
            return
        self._check_config(runner, loaded.get('cfg'))
        sampler = _sampler(loader)
        if sampler is not None and sampler.seed != runner.seed:
            runner.logger.info(
                f'Sampler seed set to the checkpoint\'s seed {runner.seed} '
                f'(the config says {sampler.seed}).')
            sampler.seed = runner.seed
        state = loaded.get('state')
        if state is None or loaded.get('iter') != runner.iter or \
                state.get('iter') != runner.iter:
            runner.logger.warning(
                'The checkpoint holds no random-number state for iteration '
                f'{runner.iter} (saved mid-epoch, or by an older mmsocket): '
                'the resumed run continues, but will not repeat the '
                'uninterrupted run exactly.')
            return
        rank, world_size = get_dist_info()
        ranks = state['ranks']
        if len(ranks) != world_size:
            runner.logger.warning(
                f'The checkpoint was trained on {len(ranks)} process(es), '
                f'this run has {world_size}: each rank continues rank 0\'s '
                'random-number state, so the run will not repeat the '
                'uninterrupted one exactly.')
        self._restore = ranks[rank if len(ranks) == world_size else 0]

    def before_train_epoch(self, runner) -> None:
        if self._workers is not None:
            self._workers.set_epoch(runner.epoch)
        restore, self._restore = self._restore, None
        if restore is None:
            return
        set_rng_state(restore['rng'])
        dataset = runner.train_dataloader.dataset
        if 'dataset' in restore and hasattr(dataset, 'load_state_dict'):
            dataset.load_state_dict(restore['dataset'])
        runner.logger.info(
            f'Restored the random-number state of epoch {runner.epoch}.')

    def _check_config(self, runner, saved_cfg: Optional[str]) -> None:
        if not saved_cfg:
            return
        try:
            changes = config_changes(saved_cfg, runner.cfg.pretty_text,
                                     _RUN_KEYS)
        except (SyntaxError, ValueError):
            return
        if not changes:
            return
        shown = '; '.join(f'{key}: {old!r} -> {new!r}'
                          for key, old, new in changes[:10])
        more = f' (and {len(changes) - 10} more)' if len(changes) > 10 else ''
        runner.logger.warning(
            'Resuming with a config that differs from the checkpoint\'s: '
            f'{shown}{more}. Weights, optimizer and schedulers continue '
            'from the checkpoint (a changed learning rate, for one, does not '
            'apply), so the run will not repeat the uninterrupted one. To '
            'train with new settings from these weights, use a new work dir '
            'and load_from=<checkpoint> instead of --resume.')

    # -------------------------------------------------------- validation
    def before_val(self, runner) -> None:
        if self.isolate_validation:
            self._val_rng = get_rng_state()

    def after_val(self, runner) -> None:
        state, self._val_rng = self._val_rng, None
        if state is not None:
            set_rng_state(state)
