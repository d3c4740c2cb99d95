# Copyright (c) mmsocket contributors. All rights reserved.
"""One live training run per work directory."""
import os.path as osp

from mmengine.hooks import Hook

from mmsocket.registry import HOOKS
from mmsocket.utils import (lock_work_dir, remove_leftovers, takeover_note,
                            unlock_work_dir)


@HOOKS.register_module()
class WorkDirLockHook(Hook):
    """Hold the work dir's run lock while training; clean up after the
    killed run it replaces.

    Before the first iteration the run takes ``<work_dir>/.run.lock``
    (:mod:`mmsocket.utils.work_dir_lock`): a second run in a work dir that
    a live run trains in stops with a
    :class:`~mmsocket.utils.WorkDirInUseError` naming the other run,
    before it writes a checkpoint. A killed run's lock does not block.
    Holding the lock, the run deletes the temp files that a run killed
    while saving a checkpoint left (and logs them). ``tools/train.py`` takes
    the same lock before it builds the Runner, so a refused run does not
    even start its log there; this hook covers every other way to train.

    Testing and validating do not lock: evaluating a checkpoint while the
    run that wrote it goes on is fine.

    Turn it off with ``default_hooks.work_dir_lock=None``.
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._locked = None

    def before_train(self, runner) -> None:
        lock_work_dir(runner.work_dir, runner.logger)
        self._locked = runner.work_dir
        note = takeover_note(runner.work_dir)
        if note and runner.rank == 0:
            # The tool took the lock before this log existed.
            runner.logger.info(note)
        dirs = {osp.abspath(runner.work_dir)}
        for hook in runner.hooks:
            out_dir = getattr(hook, 'out_dir', None)
            if type(hook).__name__ == 'CheckpointHook' and out_dir:
                # CheckpointHook.before_train (later) puts a custom out_dir's
                # checkpoints in <out_dir>/<work dir name>.
                name = osp.basename(runner.work_dir.rstrip(osp.sep))
                dirs.add(osp.abspath(osp.join(out_dir, name)))
        if runner.rank != 0:
            return
        for directory in sorted(dirs):
            removed = remove_leftovers(directory)
            if removed:
                runner.logger.info(
                    f'Removed {len(removed)} temp file(s) that a run killed '
                    f'while writing a checkpoint left: {removed}')

    def after_train(self, runner) -> None:
        if self._locked is not None:
            unlock_work_dir(self._locked)
            self._locked = None
