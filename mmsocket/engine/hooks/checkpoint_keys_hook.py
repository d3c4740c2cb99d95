# Copyright (c) mmsocket contributors. All rights reserved.
"""The same checkpoint keys however a run was launched; strict loads where
a mismatch would go unnoticed."""
from mmengine.hooks import Hook
from mmengine.runner import BaseLoop

from mmsocket.registry import HOOKS
from mmsocket.utils import (compare_state_dict, describe_mismatch,
                            hide_wrapper_prefixes, map_wrapper_keys)
from .utils import unwrap


class CheckpointMismatchError(KeyError):
    """A checkpoint's weights do not fit the model they are loaded into."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


@HOOKS.register_module()
class CheckpointKeysHook(Hook):
    """Launch-independent checkpoint keys and strict loading.

    - Before anything is saved or loaded, the model's ``state_dict()`` is
      made to skip the ``module.`` level of the DDP wrappers that
      ``MMSeparateDistributedDataParallel`` puts around each trainable child
      (:func:`~mmsocket.utils.hide_wrapper_prefixes`): a 2-rank run's
      checkpoint has the keys of a 1-process run's.
    - A checkpoint saved by a distributed run before that
      (``encoders.module.*``) has its keys mapped onto the model's, and the
      log says so.
    - Evaluating (``tools/test.py``, ``runner.val()``/``test()``) and
      resuming load strictly: a missing, unexpected or differently shaped
      weight is a :class:`CheckpointMismatchError` naming the keys. mmengine
      would load non-strictly and evaluate whatever did not load as it was
      built (for a transfer method: the unadapted source model). Training
      from ``load_from`` (fine-tuning) stays non-strict, as in mmengine.

    Args:
        strict (bool): Refuse mismatching checkpoints when evaluating or
            resuming. Defaults to True.
    """

    priority = 'VERY_HIGH'

    def __init__(self, strict: bool = True) -> None:
        self.strict = strict

    def before_run(self, runner) -> None:
        hide_wrapper_prefixes(unwrap(runner.model))

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = unwrap(runner.model)
        hide_wrapper_prefixes(model)
        nested = isinstance(checkpoint.get('state_dict'), dict)
        state = checkpoint['state_dict'] if nested else checkpoint
        model_state = model.state_dict()
        mapped, renamed = map_wrapper_keys(state, model_state.keys())
        path = runner.cfg.get('load_from') or 'the checkpoint'
        if renamed:
            mapped._metadata = getattr(state, '_metadata', None) or {}
            old, new = next(iter(renamed.items()))
            runner.logger.info(
                f'{path}: mapped {len(renamed)} key(s) written under a '
                f'distributed wrapper onto the model\'s (e.g. {old} -> '
                f'{new}).')
            if nested:
                checkpoint['state_dict'] = mapped
            else:
                checkpoint.clear()
                checkpoint.update(mapped)
        if not self.strict or self._fine_tuning(runner):
            return
        mismatch = compare_state_dict(mapped, model_state)
        if any(mismatch.values()):
            what = 'resume' if self._resuming(runner) else 'evaluate'
            raise CheckpointMismatchError(
                f'Cannot {what} {path}: its weights do not fit the model '
                f'of this config ({describe_mismatch(mismatch)}). Loaded '
                'anyway, every weight that did not fit would keep the value '
                'it was built with (for a transfer method: the unadapted '
                'source model). Check that the checkpoint was trained with '
                'this config (method, backbone, number of sources and '
                'classes).')

    @staticmethod
    def _resuming(runner) -> bool:
        return bool(getattr(runner, '_resume', runner.cfg.get('resume')))

    def _fine_tuning(self, runner) -> bool:
        """Training, from load_from rather than a resumed checkpoint."""
        # runner.train() builds its loop before loading; val()/test() not.
        training = isinstance(getattr(runner, '_train_loop', None), BaseLoop)
        return training and not self._resuming(runner)
