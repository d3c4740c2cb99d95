# Copyright (c) mmsocket contributors. All rights reserved.
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmsocket.registry import MODELS

_DIRECTIONS = ('teacher_student', 'student_teacher')


def kd_loss(student_logits: Tensor,
            teacher_logits: Tensor,
            tau: float = 1.0,
            direction: str = 'teacher_student') -> Tensor:
    """KL divergence between softened teacher and student predictions.

    With :math:`p_T = \\mathrm{softmax}(t/\\tau)` and :math:`p_S =
    \\mathrm{softmax}(s/\\tau)`:

    - ``'teacher_student'``: :math:`\\mathrm{KL}(p_T\\Vert p_S) =
      \\sum_k p_T \\log(p_T/p_S)`, standard knowledge distillation;
    - ``'student_teacher'``: :math:`\\mathrm{KL}(p_S\\Vert p_T)`, TGKT's
      eq. 7 read literally.

    Summed over classes, averaged over the batch, scaled by
    :math:`\\tau^2` (Hinton et al.; 1 at the default temperature). The
    teacher is detached.

    Args:
        student_logits (Tensor): ``(B, K)``.
        teacher_logits (Tensor): ``(B, K)``.
        tau (float): Temperature. Defaults to 1.
        direction (str): See above. Defaults to ``'teacher_student'``.

    Returns:
        Tensor: Scalar loss.
    """
    if direction not in _DIRECTIONS:
        raise ValueError(f'direction must be one of {_DIRECTIONS}, '
                         f'got {direction!r}')
    if student_logits.shape != teacher_logits.shape \
            or student_logits.dim() != 2:
        raise ValueError('student and teacher logits must both be (B, K), '
                         f'got {tuple(student_logits.shape)} and '
                         f'{tuple(teacher_logits.shape)}')
    log_s = F.log_softmax(student_logits / tau, dim=1)
    log_t = F.log_softmax(teacher_logits.detach() / tau, dim=1)
    if direction == 'teacher_student':
        kl = (log_t.exp() * (log_t - log_s)).sum(1)
    else:
        kl = (log_s.exp() * (log_s - log_t)).sum(1)
    return kl.mean() * tau**2


@MODELS.register_module()
class KDLoss(nn.Module):
    """TGKT's knowledge-distillation loss :math:`L_{kd}` (eq. 7).

    The paper writes KL(student || teacher) yet says it follows prior
    cross-modal KD, which uses KL(teacher || student); the latter is the
    default here and ``direction='student_teacher'`` gives the literal
    eq. 7 (docs/methods/tgmb_tgkt.md#tgkt-losses). The teacher is the
    frozen source model on the
    translated target image, the student the target model on the raw one.

    Args:
        tau (float): Temperature. Defaults to 1.0.
        direction (str): ``'teacher_student'`` or ``'student_teacher'``.
            Defaults to ``'teacher_student'``.
        loss_weight (float): Weight. Defaults to 1.0.
    """

    def __init__(self,
                 tau: float = 1.0,
                 direction: str = 'teacher_student',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if direction not in _DIRECTIONS:
            raise ValueError(f'direction must be one of {_DIRECTIONS}, '
                             f'got {direction!r}')
        self.tau = tau
        self.direction = direction
        self.loss_weight = loss_weight

    def forward(self, student_logits: Tensor,
                teacher_logits: Tensor) -> Tensor:
        return self.loss_weight * kd_loss(student_logits, teacher_logits,
                                          self.tau, self.direction)

    def extra_repr(self) -> str:
        return (f'tau={self.tau}, direction={self.direction!r}, '
                f'loss_weight={self.loss_weight}')
