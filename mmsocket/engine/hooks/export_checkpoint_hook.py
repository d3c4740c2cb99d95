# Copyright (c) mmsocket contributors. All rights reserved.
import copy
import io
import os.path as osp
from typing import Optional

import torch
from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from mmsocket.registry import HOOKS
from mmsocket.utils import atomic_write
from .utils import unwrap


@HOOKS.register_module()
class ExportCheckpointHook(Hook):
    """Write the best (or final) weights to a fixed file after training.

    Source models are consumed by later stages (SOCKET, SHOT, TGMB...) whose
    configs name the checkpoint by path; mmengine's best-checkpoint names
    carry the epoch, so this hook publishes ``<work_dir>/<filename>``: the
    weights alone plus ``meta.dataset_meta`` (the class list the transfer
    configs check), no optimizer state. Written atomically. The best
    weights so far ride along in the run's checkpoints, so a resumed run
    exports what the uninterrupted one would.

    Args:
        filename (str): Output name in the work dir. Defaults to
            ``'source.pth'``.
        save_best (str, optional): Validation metric that selects the
            weights (SHOT keeps the best validation accuracy); None exports
            the final weights. Defaults to ``'accuracy/top1'``.
        rule (str): ``'greater'`` or ``'less'``. Defaults to ``'greater'``.
    """

    priority = 'LOW'

    def __init__(self,
                 filename: str = 'source.pth',
                 save_best: Optional[str] = 'accuracy/top1',
                 rule: str = 'greater') -> None:
        if rule not in ('greater', 'less'):
            raise ValueError(f"rule must be 'greater' or 'less', got {rule}")
        self.filename = filename
        self.save_best = save_best
        self.rule = rule
        self._best = None
        self._best_state = None
        self._best_meta = {}

    def _better(self, value: float) -> bool:
        if self._best is None:
            return True
        # Ties go to the later model, as SHOT's ">=" does.
        return value >= self._best if self.rule == 'greater' \
            else value <= self._best

    def after_val_epoch(self, runner, metrics=None) -> None:
        if not self.save_best or not metrics or self.save_best not in metrics:
            return
        value = float(metrics[self.save_best])
        if self._better(value):
            self._best = value
            state = unwrap(runner.model).state_dict()
            self._best_state = {
                k: v.detach().cpu().clone()
                for k, v in state.items()
            }
            self._best_meta = dict(
                epoch=runner.epoch,
                iter=runner.iter,
                metric={self.save_best: value})

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self._best_state is not None:
            checkpoint['export_best'] = dict(
                value=self._best,
                meta=copy.deepcopy(self._best_meta),
                state_dict=self._best_state)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        best = checkpoint.get('export_best')
        if best is not None and getattr(runner, '_resume', False):
            self._best = best['value']
            self._best_meta = dict(best['meta'])
            self._best_state = dict(best['state_dict'])

    def after_train(self, runner) -> None:
        if not is_main_process():
            return
        state, meta = self._best_state, dict(self._best_meta)
        if state is None:
            state = {
                k: v.detach().cpu()
                for k, v in unwrap(runner.model).state_dict().items()
            }
            meta = dict(epoch=runner.epoch, iter=runner.iter)
        meta['dataset_meta'] = copy.deepcopy(
            runner.train_dataloader.dataset.metainfo)
        meta['experiment_name'] = runner.experiment_name
        path = osp.join(runner.work_dir, self.filename)
        buffer = io.BytesIO()
        torch.save(dict(meta=meta, state_dict=state), buffer)
        atomic_write(buffer.getvalue(), path)
        runner.logger.info(
            f'Exported {"best" if self._best_state else "final"}'
            f' weights to {path}')
