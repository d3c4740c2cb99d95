# Copyright (c) mmsocket contributors. All rights reserved.
"""A distributed step that is the 1-process step on the global batch."""
import functools

from mmengine.hooks import Hook

from mmsocket.models.utils import convert_global_batchnorm, global_batch
from mmsocket.registry import HOOKS
from .utils import unwrap


@HOOKS.register_module()
class GlobalBatchHook(Hook):
    """Compute every batch statistic of a training step over all ranks.

    Converts the model's BatchNorm layers to
    :class:`~mmsocket.models.utils.GlobalBatchNorm2d` (and 1d/3d) and runs
    each ``train_step`` inside
    :func:`~mmsocket.models.utils.global_batch`, so BatchNorm in the
    trained networks, SOCKET's L_d and L_div, L_TI's norm and DFDD's l_BN
    see the union of the ranks' batches: a step on 2 ranks with 4 images
    each computes the 1-process step on those 8 images (to float rounding).
    One process: nothing changes. ``tools/train.py --global-batch`` adds
    it; the distributed examples in docs/get_started.md use it.

    What stays per rank even then: the data each rank draws (augmentation
    random numbers and task-irrelevant samples come from each rank's own
    streams), and DFDD's object mixing (pairs within a rank's batch).
    """

    priority = 'NORMAL'

    def before_train(self, runner) -> None:
        converted = convert_global_batchnorm(unwrap(runner.model))
        model = runner.model
        if getattr(model, '_global_batch_step', False):
            return
        step = model.train_step

        @functools.wraps(step)
        def train_step(*args, **kwargs):
            with global_batch():
                return step(*args, **kwargs)

        model.train_step = train_step
        model._global_batch_step = True
        runner.logger.info(
            f'Global-batch statistics: {converted} BatchNorm layer(s) and '
            'the losses\' batch statistics are computed over all ranks.')
