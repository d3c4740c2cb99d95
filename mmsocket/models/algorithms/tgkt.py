# Copyright (c) mmsocket contributors. All rights reserved.
"""TGKT: distil the source model on translated images into a target model.

Stage 2 of "Source-Free Cross-Modal Knowledge Transfer by Unleashing the
Potential of Task-Irrelevant Data" (arXiv 2401.05014); docs/methods/
tgmb_tgkt.md lists the choices where the paper is ambiguous.
"""
import copy
import os.path as osp
from typing import Optional, Sequence, Union

import torch
from mmengine.runner import CheckpointLoader

from mmsocket.registry import MODELS
from mmsocket.utils.state_dict_keys import map_wrapper_keys
from ..translators import to_source_input
from ..utils import freeze, mix
from .multi_source_adaptation import MultiSourceAdaptation


@MODELS.register_module()
class TGKT(MultiSourceAdaptation):
    """Task-irrelevant data guided knowledge transfer.

    The target model F_t starts as a copy of the source encoder(s) (the
    classifier C stays frozen, as in SOCKET) and minimises
    ``L_kd + beta_f L_f + beta_self L_self``:

    - ``L_kd``: KL divergence between the frozen source model's prediction
      on the translated target image C(F_s(T(x^t))) (teacher) and the
      target model's C(F_t(x^t)) (student);
    - ``L_f``: squared distance of F_t(x_TI^t) to F_s(x_TI^s) of the paired
      TI RGB image, stored once by ``TIFeatureBankHook``;
    - ``L_self``: cross entropy on SHOT-style clustered pseudo-labels,
      refreshed by ``PseudoLabelHook``.

    The encoders, zeta, banks, hooks and evaluation are
    :class:`MultiSourceAdaptation`'s (as SOCKET's); the frozen teacher is a
    copy of the original source encoders plus the translator T loaded from
    the TGMB checkpoint. With several sources the teacher's logits are
    mixed with the zeta TGMB learned (fixed here) and the student's with
    its own learnable zeta, initialised from the same values.

    Args:
        sources (list[dict]): ``dict(model=..., checkpoint=...)`` per source.
        translator_checkpoint (str): The TGMB checkpoint holding
            ``translator.*`` (and ``mixer.weight``), e.g. the ``tgmb.pth``
            a TGMB config exports.
        translator (dict): Architecture of T; must match the checkpoint.
        kd_loss (dict, optional): L_kd. None disables it (ablation).
        feature_loss (dict, optional): L_f (``TIFeatureLoss`` in
            ``'batch_mean'`` mode, beta_f = 0.2). None disables it.
        self_training_loss (dict, optional): L_self (beta_self = 1.0).
            None disables it.
        info_max_loss (dict, optional): Not in TGKT; an optional extra
            (SHOT's L_IM on the student). Defaults to None.
        pseudo_labeler (dict): SHOT's clustering (two rounds, cosine).
        zeta_init (float | str): Initial raw source weight when the TGMB
            checkpoint has none.
        data_preprocessor (dict, optional): Target-modality normalisation.
        source_preprocessor (dict, optional): Source RGB normalisation.
    """

    pseudo_label_loss_name = 'loss_self'

    def __init__(self,
                 sources: Sequence[dict],
                 translator_checkpoint: str,
                 translator: dict = dict(type='UNetStemTranslator'),
                 kd_loss: Optional[dict] = dict(type='KDLoss'),
                 feature_loss: Optional[dict] = dict(
                     type='TIFeatureLoss', loss_weight=0.2, mode='batch_mean'),
                 self_training_loss: Optional[dict] = dict(
                     type='CrossEntropyLoss', loss_weight=1.0),
                 info_max_loss: Optional[dict] = None,
                 pseudo_labeler: dict = dict(
                     type='ClusterPseudoLabeler',
                     rounds=2,
                     distance='cosine',
                     labelset_threshold=0),
                 zeta_init: Union[float, str] = 1.0,
                 data_preprocessor: Optional[dict] = None,
                 source_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        # L_self and L_f are the adaptation's pseudo-label and TI losses.
        super().__init__(sources, self_training_loss, feature_loss,
                         pseudo_labeler, zeta_init, data_preprocessor,
                         source_preprocessor, init_cfg)
        self.info_max_loss = (
            MODELS.build(info_max_loss) if info_max_loss else None)
        self.kd_loss = MODELS.build(kd_loss) if kd_loss else None
        # The teacher: the original source encoders, before F_t moves.
        self.teacher = freeze(copy.deepcopy(self.encoders))
        self.translator = freeze(MODELS.build(translator))
        self.register_buffer('teacher_zeta', self.mixer().detach().clone())
        self._load_tgmb(translator_checkpoint)
        self.train()

    def _load_tgmb(self, path: str) -> None:
        if not path:
            raise ValueError('TGKT needs translator_checkpoint: the '
                             'checkpoint of a trained TGMB stage')
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'translator_checkpoint {path} does not exist: train the '
                'TGMB stage first (its config exports tgmb.pth in its work '
                'dir), or point model.translator_checkpoint at its '
                'checkpoint')
        # mmsocket makes this loader weights-only: a checkpoint that
        # carries code is refused (UnsafeCheckpointError), never run.
        ckpt = CheckpointLoader.load_checkpoint(
            path, map_location='cpu', logger='silent')
        state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else {}
        prefix = 'translator.'
        # A TGMB checkpoint written by a distributed run before keys were
        # made launch-independent says translator.module.*, mixer.module.*.
        state, _ = map_wrapper_keys(
            state, [prefix + k
                    for k in self.translator.state_dict()] + ['mixer.weight'])
        weights = {
            k[len(prefix):]: v
            for k, v in state.items() if k.startswith(prefix)
        }
        if not weights:
            raise KeyError(f'{path} holds no translator.* weights; is it a '
                           'TGMB checkpoint?')
        try:
            self.translator.load_state_dict(weights, strict=True)
        except RuntimeError as e:
            raise RuntimeError(
                f'the translator in {path} does not match model.translator '
                f'{self.translator.__class__.__name__}: {e}') from e
        mixer = state.get('mixer.weight')
        if mixer is not None:
            if mixer.numel() != self.num_sources:
                raise ValueError(
                    f'{path} was trained with {mixer.numel()} source(s), '
                    f'this TGKT has {self.num_sources}')
            with torch.no_grad():
                self.mixer.weight.copy_(mixer)
            self.teacher_zeta = self.mixer().detach().clone()

    def train(self, mode: bool = True) -> 'TGKT':
        """The teacher (source copy and T) stays in eval mode."""
        super().train(mode)
        self.teacher.eval()
        self.translator.eval()
        return self

    @torch.no_grad()
    def teacher_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """C(F_s(T(x))) mixed with TGMB's zeta."""
        rgb = to_source_input(
            self.translator(inputs), self.source_preprocessor)
        return mix(self._logits(self.teacher(rgb)), self.teacher_zeta)

    def tr_losses(self, inputs: torch.Tensor, indices: torch.Tensor):
        """L_kd and L_self of a task-relevant target batch (``train_step``
        adds L_f from the TI stream)."""
        feats = self.encoders(inputs)
        zeta = self.mixer()
        mixed = mix(self._logits(feats), zeta)
        losses = {}
        if self.kd_loss is not None:
            losses['loss_kd'] = self.kd_loss(mixed,
                                             self.teacher_logits(inputs))
        if self.pseudo_label_loss is not None:
            losses[self.pseudo_label_loss_name] = self.pseudo_label_loss_of(
                mixed, indices, zeta)
        if self.info_max_loss is not None:
            losses['loss_im'] = self.info_max_loss(mixed)
        if not losses:
            raise ValueError('TGKT: every task-relevant loss is disabled')
        return losses, mixed
