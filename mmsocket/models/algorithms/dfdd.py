# Copyright (c) mmsocket contributors. All rights reserved.
"""Data-free dense depth distillation with simulated images.

Hu, Fan, Ozay, Jiang, Lam, "Data-free Dense Depth Distillation".
The formulas: docs/methods/dfdd.md#losses; the choices where the paper is
vague: docs/methods/dfdd.md#choices-where-the-paper-is-vague.
"""
import contextlib
from typing import Dict, Optional

import torch
from mmengine.optim import OptimWrapperDict
from torch import Tensor

from mmsocket.registry import MODELS
from ..utils import BNStatsRecorder, add_prefix, match_size
from .depth_distiller import DepthDistillerBase

_PLAIN_TERMS = ('input', 'generator', None)


@MODELS.register_module()
class DFDD(DepthDistillerBase):
    """Data-free dense depth distillation (Algorithm 1 of Hu et al.).

    Per iteration, on a batch ``x'`` of simulated images with semantic
    maps: mix ``x'`` with a shuffled copy object-wise (``x_hat``), transform
    it by G, then

    1. student step: ``L(N_t(x'), N_s(x')) + L(N_t(G(x_hat)),
       N_s(G(x_hat)))`` (eq. 10) with G's output detached;
    2. G step: ``alpha * l_BN(G(x_hat)) + beta * |x_hat - G(x_hat)|_1``
       (eq. 9), ``l_BN`` matching the teacher's BN-input moments to its
       running statistics; only G is updated.

    The teacher's forward on ``G(x_hat)`` is run once and serves both
    steps: its output (detached) is the student's target, its recorded BN
    statistics drive G's loss; G is unchanged between the two, exactly as
    in Algorithm 1. Neither step reads what the other updates, so
    ``train_step`` runs G's step first: the same updates, with the
    teacher's graph freed before the student's forward.

    The switches give the baselines and Table V's ablations:

    ============================  =========================================
    KD-OOD                        ``generator=None, mixing=None,
                                  mixed_term=False``
    random-noise KD               KD-OOD on ``GaussianNoiseDataset``
    without l_rec                 ``rec_weight=0``
    without G                     ``generator=None`` (KD on x' and x_hat)
    without mixing                ``mixing=None`` (G applied to x')
    with G(x')                    ``plain_term='generator'``
    ============================  =========================================

    Args:
        teacher (dict): ``DepthEstimator`` config of the teacher.
        student (dict): ``DepthEstimator`` config of the student.
        teacher_ckpt (str, optional): Trained teacher weights (e.g. the
            ``teacher.pth`` its config exports). None leaves the teacher
            randomly initialised (tests only).
        generator (dict, optional): The transformation network G.
            Defaults to ``TransformationNet``; None disables G.
        mixing (dict, optional): Object-wise mixing. Defaults to
            ``ObjectMix``; None feeds ``x'`` itself to the second term.
        distill_loss (dict): ``L`` of eq. 10. Defaults to ``DepthLoss``
            (teacher depth as ground truth, every pixel valid).
        bn_loss (dict): ``alpha * l_BN``; ``BNMomentLoss`` with the
            first-layer multiplier 1 is eq. 6 exactly. alpha = 0.001.
        rec_weight (float): beta of ``l_rec`` (per-element mean L1).
            Defaults to 0.001.
        plain_term (str, optional): What the first term of eq. 10 sees:
            ``'input'`` (``x'``), ``'generator'`` (``G(x')``, Table V's
            "with G(x')") or None (no first term). Defaults to ``'input'``.
        mixed_term (bool): Whether the second term of eq. 10 is used.
            Defaults to True.
        data_preprocessor (dict, optional): Defaults to the teacher's.
    """

    def __init__(self,
                 teacher: dict,
                 student: dict,
                 teacher_ckpt: Optional[str] = None,
                 generator: Optional[dict] = dict(type='TransformationNet'),
                 mixing: Optional[dict] = dict(type='ObjectMix'),
                 distill_loss: dict = dict(type='DepthLoss'),
                 bn_loss: dict = dict(
                     type='BNMomentLoss',
                     loss_weight=0.001,
                     first_layer_weight=1.0),
                 rec_weight: float = 0.001,
                 plain_term: Optional[str] = 'input',
                 mixed_term: bool = True,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if plain_term not in _PLAIN_TERMS:
            raise ValueError(f'DFDD: plain_term must be one of '
                             f'{_PLAIN_TERMS}, got {plain_term!r}')
        if not mixed_term and (generator or mixing):
            raise ValueError('DFDD: generator and mixing only feed the '
                             'second (mixed) term; with mixed_term=False '
                             'set generator=None and mixing=None (KD-OOD)')
        if plain_term == 'generator' and not generator:
            raise ValueError("DFDD: plain_term='generator' needs a "
                             'generator')
        if plain_term is None and not mixed_term:
            raise ValueError('DFDD: no distillation term left')
        super().__init__(teacher, student, teacher_ckpt, generator,
                         data_preprocessor, init_cfg)
        self.mixing = MODELS.build(mixing) if mixing else None
        self.distill_loss = MODELS.build(distill_loss)
        self.plain_term = plain_term
        self.mixed_term = mixed_term
        self.rec_weight = rec_weight
        if self.generator is not None:
            self.bn_loss = MODELS.build(bn_loss)
            self.bn_recorder = BNStatsRecorder(self.teacher)

    # -- the two phases, split so tests can check where gradients go ----
    def forward_train(self,
                      x: Tensor,
                      sem: Optional[Tensor] = None) -> Dict[str, Tensor]:
        """Build every image and teacher target of one iteration.

        Returns a dict with ``plain`` / ``t_plain`` (first term's input and
        teacher depth), ``mixed`` (``x_hat``), ``transformed``
        (``G(x_hat)``, with graph), ``t_mixed`` (teacher depth of it,
        detached) and ``bn_stats`` (teacher BN-input moments on it, with
        graph); absent entries are omitted.
        """
        out: Dict[str, Tensor] = {}
        if self.plain_term == 'input':
            out['plain'] = x
        elif self.plain_term == 'generator':
            with torch.no_grad():
                out['plain'] = self.generator(x)
        if 'plain' in out:
            out['t_plain'] = self.teacher_depth(out['plain'])
        if not self.mixed_term:
            return out
        if self.mixing is not None:
            if sem is None:
                raise KeyError('DFDD: object mixing needs gt_sem in the data '
                               'samples (the simulated domain provides it)')
            mixed, _ = self.mixing(x, sem.to(x.device))
        else:
            mixed = x
        out['mixed'] = mixed
        if self.generator is None:
            out['transformed'] = mixed
            out['t_mixed'] = self.teacher_depth(mixed)
            return out
        transformed = self.generator(mixed)
        with self.bn_recorder.record():
            t_mixed = self.teacher(transformed, mode='tensor')
        out.update(
            transformed=transformed,
            t_mixed=t_mixed.detach(),
            bn_stats=self.bn_recorder.stats)
        self.bn_recorder.clear()
        return out

    def student_losses(self, fw: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """Eq. 10 on detached inputs and targets: reaches the student
        only."""
        losses = {}
        if 'plain' in fw:
            s = self.student(fw['plain'].detach(), mode='tensor')
            losses['loss_plain'] = self.distill_loss(
                match_size(s, fw['t_plain']), fw['t_plain'].detach(), None)
        if 'transformed' in fw:
            s = self.student(fw['transformed'].detach(), mode='tensor')
            losses['loss_mixed'] = self.distill_loss(
                match_size(s, fw['t_mixed']), fw['t_mixed'].detach(), None)
        return losses

    def generator_losses(self, fw: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """Eq. 9: alpha l_BN + beta l_rec, through the frozen teacher into
        G only (the student is not involved)."""
        running = [(layer.running_mean, layer.running_var)
                   for layer in self.bn_recorder.layers]
        losses = dict(
            loss_bn=self.bn_loss([fw['bn_stats']], [running],
                                 layer_names=self.bn_recorder.layer_names))
        rec = (fw['mixed'] - fw['transformed']).abs().mean()
        if self.rec_weight:
            losses['loss_rec'] = self.rec_weight * rec
        else:
            losses['rec_l1'] = rec.detach()  # logged, not optimised
        return losses

    @staticmethod
    def _sem(data_samples) -> Optional[Tensor]:
        if not data_samples or not all(
                hasattr(s, 'gt_sem') for s in data_samples):
            return None
        return torch.stack([
            s.gt_sem.reshape(s.gt_sem.shape[-2:]) for s in data_samples
        ]).long()

    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        names = ['student'] + (['generator'] if self.generator else [])
        self._check_optim_wrapper(optim_wrapper, names)
        data = self.data_preprocessor(data, True)
        x = data['inputs']
        sem = self._sem(data.get('data_samples')) if self.mixing else None

        with (optim_wrapper['generator'].optim_context(self.generator)
              if self.generator else contextlib.nullcontext()):
            fw = self.forward_train(x, sem)
        # G's step first frees the teacher's graph on G(x_hat) before the
        # student runs. Both steps read only tensors computed above, so the
        # updates equal Algorithm 1's student-first order (tested).
        g_vars = {}
        if self.generator is not None:
            with optim_wrapper['generator'].optim_context(self.generator):
                loss, g_vars = self.parse_losses(self.generator_losses(fw))
            optim_wrapper['generator'].update_params(loss)
            del fw['bn_stats']
        with optim_wrapper['student'].optim_context(self.student):
            loss, vars_ = self.parse_losses(self.student_losses(fw))
        optim_wrapper['student'].update_params(loss)
        logs = add_prefix(vars_, 'student')
        logs.update(add_prefix(g_vars, 'generator'))
        return logs
