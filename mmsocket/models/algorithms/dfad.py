# Copyright (c) mmsocket contributors. All rights reserved.
"""Data-free adversarial distillation (DFAD) for depth, a baseline.

Fang et al., "Data-Free Adversarial Distillation" (arXiv 1912.11006), as
mmrazor implements it (docs/methods/dfdd.md#dfad-as-we-adapt-it), with
the logit L1 replaced by the
L1 between the depth maps of teacher and student.
"""
from typing import Dict, Optional

import torch
from mmengine.optim import OptimWrapperDict
from torch import Tensor

from mmsocket.registry import MODELS
from ..utils import accumulates, add_prefix, match_size, temporarily_frozen
from .depth_distiller import DepthDistillerBase


def depth_discrepancy(student_depth: Tensor, teacher_depth: Tensor) -> Tensor:
    """Mean absolute difference of two depth maps (student resized to the
    teacher's output if needed)."""
    return (match_size(student_depth, teacher_depth) -
            teacher_depth).abs().mean()


@MODELS.register_module()
class DFAD(DepthDistillerBase):
    """A generator maps noise to images on which student and teacher
    disagree most; the student learns to agree on them.

    Each ``train_step``: ``student_iters`` student iterations, each on
    ``G(z)`` (detached) of a fresh code, minimising
    ``mean |N_s - N_t|``; then one generator iteration maximising it
    (gradients through the frozen teacher and the student, whose
    parameters are frozen meanwhile). The loader yields the latent codes
    (``GaussianNoiseDataset`` with ``shape=(latent_dim,)``): the first
    student iteration uses them, the others and the generator draw fresh
    codes of the same shape, as mmrazor does. No image is read.

    Args:
        teacher (dict): ``DepthEstimator`` config of the teacher.
        student (dict): ``DepthEstimator`` config of the student.
        generator (dict): Noise-to-image generator, e.g.
            ``NoiseImageGenerator``; its images live in the normalised
            input space.
        teacher_ckpt (str, optional): Teacher weights.
        student_iters (int): Student iterations per generator iteration.
            Defaults to 5.
        data_preprocessor (dict, optional): Normalises validation images;
            defaults to the teacher's. Training codes bypass it.
    """

    def __init__(self,
                 teacher: dict,
                 student: dict,
                 generator: dict,
                 teacher_ckpt: Optional[str] = None,
                 student_iters: int = 5,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if student_iters < 1:
            raise ValueError(f'DFAD: student_iters must be >= 1, got '
                             f'{student_iters}')
        super().__init__(teacher, student, teacher_ckpt, generator,
                         data_preprocessor, init_cfg)
        self.student_iters = student_iters

    @staticmethod
    def _codes(data: dict) -> Tensor:
        z = data['inputs']
        z = torch.stack(list(z)) if isinstance(z, (list, tuple)) else z
        if z.dim() != 2:
            raise ValueError('DFAD expects latent codes of shape (N, D) '
                             '(GaussianNoiseDataset with shape=(D,)), got '
                             f'{tuple(z.shape)}')
        return z.float()

    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        self._check_optim_wrapper(optim_wrapper, ['student', 'generator'])
        if accumulates(optim_wrapper['student']):
            raise ValueError(
                f'DFAD takes student_iters={self.student_iters} optimizer '
                'steps of the student per iteration, which mmengine\'s '
                'gradient accumulation cannot count: remove '
                'accumulative_counts from optim_wrapper.student (a larger '
                'train_dataloader.batch_size enlarges every student step)')
        z = self._codes(data)
        logs = {}
        for k in range(self.student_iters):
            code = z if k == 0 else torch.randn_like(z)
            with torch.no_grad():
                fake = self.generator(code)
            t = self.teacher_depth(fake)
            with optim_wrapper['student'].optim_context(self.student):
                loss, vars_ = self.parse_losses(
                    dict(
                        loss_kd=depth_discrepancy(
                            self.student(fake, mode='tensor'), t)))
            optim_wrapper['student'].update_params(loss)
        logs.update(add_prefix(vars_, 'student'))
        with optim_wrapper['generator'].optim_context(self.generator), \
                temporarily_frozen(self.student):
            fake = self.generator(torch.randn_like(z))
            gap = depth_discrepancy(
                self.student(fake, mode='tensor'),
                self.teacher(fake, mode='tensor'))
            loss, vars_ = self.parse_losses(dict(loss_adv=-gap))
        optim_wrapper['generator'].update_params(loss)
        logs.update(add_prefix(vars_, 'generator'))
        return logs
