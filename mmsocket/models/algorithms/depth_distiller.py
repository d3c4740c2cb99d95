# Copyright (c) mmsocket contributors. All rights reserved.
"""What the data-free depth distillers (DFDD, DFAD) share: a frozen teacher,
a trained student and an optional generator."""
from typing import List, Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModel, is_model_wrapper
from mmengine.optim import OptimWrapperDict
from mmengine.runner import load_checkpoint
from mmengine.structures import BaseDataElement
from torch import Tensor

from mmsocket.registry import MODELS
from ..utils import freeze


def build_frozen_teacher(teacher: dict,
                         teacher_ckpt: Optional[str]) -> nn.Module:
    """Build the teacher depth network, load its weights strictly, stop
    its gradients and put it in eval mode (its BN then uses the running
    statistics of the private training data)."""
    model = MODELS.build(teacher)
    if teacher_ckpt:
        load_checkpoint(
            model,
            teacher_ckpt,
            map_location='cpu',
            strict=True,
            logger='silent')
    # Without a checkpoint (tests, timing) the constructor's random weights
    # stay: init_weights could fetch pretrained weights for nothing.
    return freeze(model).eval()


class DepthDistillerBase(BaseModel):
    """Frozen teacher + trained student + optional generator network.

    Shared by :class:`DFDD` and :class:`DFAD`: the teacher is built from a
    ``DepthEstimator`` config, loaded from ``teacher_ckpt`` and kept frozen
    in eval mode (``train()`` does not switch it back); ``init_weights``
    initialises only the trained parts; ``predict`` and ``tensor`` run the
    student, so validation reports the student. The data preprocessor
    defaults to the teacher's, i.e. images are normalised the way the
    teacher was trained, which is the space G works in.
    """

    def __init__(self,
                 teacher: dict,
                 student: dict,
                 teacher_ckpt: Optional[str] = None,
                 generator: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = teacher.get('data_preprocessor')
        if data_preprocessor is None:
            from ..depth.depth_estimator import IMAGENET_PREPROCESSOR
            data_preprocessor = dict(IMAGENET_PREPROCESSOR)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.teacher = build_frozen_teacher(teacher, teacher_ckpt)
        self.teacher_ckpt = teacher_ckpt
        self.student = MODELS.build(student)
        self.generator = MODELS.build(generator) if generator else None

    def init_weights(self) -> None:
        # Never re-initialise the teacher (it holds the loaded weights). The
        # Runner calls this after MMSeparateDistributedDataParallel may have
        # put each trained network in a DDP wrapper of its own.
        for net in (self.student, self.generator):
            if net is not None:
                (net.module if is_model_wrapper(net) else net).init_weights()

    def train(self, mode: bool = True):
        super().train(mode)
        self.teacher.eval()
        return self

    @torch.no_grad()
    def teacher_depth(self, x: Tensor) -> Tensor:
        return self.teacher(x, mode='tensor')

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor'):
        if mode in ('tensor', 'predict'):
            return self.student(inputs, data_samples, mode=mode)
        raise RuntimeError(f'{type(self).__name__}: mode "{mode}" is not '
                           'supported; training goes through train_step')

    @staticmethod
    def _check_optim_wrapper(optim_wrapper, names) -> None:
        if not isinstance(optim_wrapper, OptimWrapperDict):
            raise TypeError('this distiller trains several networks; give '
                            'optim_wrapper as a dict keyed by '
                            f'{list(names)} (constructor '
                            "'MultiOptimWrapperConstructor')")
        missing = [n for n in names if n not in optim_wrapper]
        if missing:
            raise KeyError(f'optim_wrapper lacks the keys {missing}; it has '
                           f'{list(optim_wrapper.keys())}')
