# Copyright (c) mmsocket contributors. All rights reserved.
from typing import Optional

import torch
from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from mmsocket.registry import HOOKS


@HOOKS.register_module()
class ProgressBarHook(Hook):
    """A tqdm bar over all training iterations, showing chosen log values.

    Meant for interactive runs (the quick start); the logger hook keeps
    writing the full log.

    Args:
        keys (tuple[str]): Log values to show, e.g. ``('loss', )``.
        desc (str, optional): Bar label. Defaults to the experiment name.
    """

    priority = 'LOWEST'

    def __init__(self, keys=('loss', ), desc: Optional[str] = None) -> None:
        self.keys = tuple(keys)
        self.desc = desc
        self._bar = None

    def before_train(self, runner) -> None:
        if not is_main_process():
            return
        from tqdm import tqdm
        self._bar = tqdm(
            total=runner.max_iters,
            initial=runner.iter,
            desc=self.desc or runner.experiment_name,
            leave=False,
            dynamic_ncols=True)

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None) -> None:
        if self._bar is None:
            return
        self._bar.update(1)
        if outputs:
            shown = {
                k: f'{float(torch.as_tensor(outputs[k]).detach()):.3f}'
                for k in self.keys if k in outputs
            }
            self._bar.set_postfix(shown, refresh=False)

    def after_train(self, runner) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
