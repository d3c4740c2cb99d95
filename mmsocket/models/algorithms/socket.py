# Copyright (c) mmsocket contributors. All rights reserved.
"""SOCKET, and SHOT / DECISION as configurations of it.

Ahmed et al., "Cross-Modal Knowledge Transfer Without Task-Relevant Source
Data", ECCV 2022 (https://arxiv.org/abs/2209.04027). docs/methods/socket.md
lists where this implementation follows the paper, the official code, or
neither (and why).
"""
import contextlib
from typing import Optional, Sequence, Union

import torch

from mmsocket.registry import MODELS
from ..utils import BNStatsRecorder, NoBatchNormError, mix
from .multi_source_adaptation import MultiSourceAdaptation


def _bn_recorder(encoder, index: int) -> BNStatsRecorder:
    """The BN-input recorder of source ``index``; a source without
    BatchNorm2d cannot have L_d: say how to run it."""
    try:
        return BNStatsRecorder(encoder)
    except NoBatchNormError as e:
        raise NoBatchNormError(
            f'L_d (model.bn_moment_loss) matches the BatchNorm2d statistics '
            f'of the source models, but source {index} has no BatchNorm2d '
            f'({e}). Run without L_d: --cfg-options model.bn_moment_loss='
            'None (SOCKET without L_d, see '
            'docs/methods/socket.md#l_d-bn-moment-matching), or use a '
            'source backbone with BatchNorm2d.') from e


@MODELS.register_module()
class SOCKET(MultiSourceAdaptation):
    """Source-free cross-modal knowledge transfer with task-irrelevant data.

    Each source k contributes an encoder f_k (trained) and its classifier
    g_k (frozen); the target model is the zeta-weighted sum of their logits.
    The loss is L_ent - L_div + l_pl L_pl + l_d L_d + l_TI L_TI. Setting
    ``ti_feature_loss=None, bn_moment_loss=None`` gives SHOT (one source)
    or DECISION (several). The pseudo-labels, the TI bank and the two-pass
    step are :class:`MultiSourceAdaptation`'s.

    ``bn_moment_loss=dict(type='BNMomentLoss', legacy_socket_ld=True)``
    computes L_d as the official code does: with the unnormalised
    sigmoid(w) as source weights, so that with one source L_d is scaled by
    sigmoid(w) and w is trained (its gradient through L_d drives it down),
    while the logits still use zeta = 1.

    Args:
        sources (list[dict]): One ``dict(model=..., checkpoint=...)`` per
            source model (an mmpretrain ``ImageClassifier`` config and the
            path of its trained weights).
        info_max_loss (dict): L_ent - L_div. Defaults to ``InfoMaxLoss``.
        pseudo_label_loss (dict, optional): Cross entropy on clustered
            pseudo-labels (weight l_pl = 0.3). None disables it (SHOT-IM).
        ti_feature_loss (dict, optional): L_TI; None disables it.
        bn_moment_loss (dict, optional): L_d; None disables it.
        pseudo_labeler (dict): How pseudo-labels are clustered (SOCKET's
            code: one soft round, Euclidean).
        zeta_init (float): Initial raw source weight. Defaults to 1.0.
        data_preprocessor (dict, optional): Normalisation of the target
            modality.
        source_preprocessor (dict, optional): Normalisation of source-
            modality images (the TI RGB images); defaults to the first
            source model's own preprocessor, i.e. the statistics it was
            trained with.
    """

    def __init__(self,
                 sources: Sequence[dict],
                 info_max_loss: dict = dict(type='InfoMaxLoss'),
                 pseudo_label_loss: Optional[dict] = dict(
                     type='CrossEntropyLoss', loss_weight=0.3),
                 ti_feature_loss: Optional[dict] = dict(
                     type='TIFeatureLoss', loss_weight=0.5),
                 bn_moment_loss: Optional[dict] = dict(
                     type='BNMomentLoss', loss_weight=0.5),
                 pseudo_labeler: dict = dict(type='ClusterPseudoLabeler'),
                 zeta_init: Union[float, str] = 1.0,
                 data_preprocessor: Optional[dict] = None,
                 source_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(sources, pseudo_label_loss, ti_feature_loss,
                         pseudo_labeler, zeta_init, data_preprocessor,
                         source_preprocessor, init_cfg)
        self.info_max_loss = MODELS.build(info_max_loss)
        self.bn_moment_loss = (
            MODELS.build(bn_moment_loss) if bn_moment_loss else None)

        self.bn_recorders, self._bn_sizes = [], []
        if self.bn_moment_loss is None:
            return
        if self.legacy_ld:
            # The official code trains w through sigmoid(w) in L_d, also
            # with a single source (whose zeta is fixed at 1 otherwise).
            self.mixer.weight.requires_grad_(True)
        # Snapshot the source BN statistics now: BN layers keep updating
        # their running stats while adapting in train mode.
        self.bn_recorders = [
            _bn_recorder(e, j) for j, e in enumerate(self.encoders.encoders)
        ]
        for j, rec in enumerate(self.bn_recorders):
            stats = rec.running_stats()
            self.register_buffer(f'source_bn_mean_{j}',
                                 torch.cat([m for m, _ in stats]))
            self.register_buffer(f'source_bn_var_{j}',
                                 torch.cat([v for _, v in stats]))
            self._bn_sizes.append([m.numel() for m, _ in stats])

    @property
    def legacy_ld(self) -> bool:
        """Whether L_d takes the official code's form (unnormalised
        weights, one merged list of all sources' layers)."""
        return bool(getattr(self.bn_moment_loss, 'legacy_socket_ld', False))

    def _source_bn_stats(self):
        out = []
        for j in range(self.num_sources):
            sizes = self._bn_sizes[j]
            means = getattr(self, f'source_bn_mean_{j}').split(sizes)
            var = getattr(self, f'source_bn_var_{j}').split(sizes)
            out.append(list(zip(means, var)))
        return out

    @contextlib.contextmanager
    def _record_bn(self):
        with contextlib.ExitStack() as stack:
            for rec in self.bn_recorders:
                stack.enter_context(rec.record())
            yield

    def tr_losses(self, inputs: torch.Tensor, indices: torch.Tensor):
        """L_IM, L_pl and L_d of a task-relevant target batch (BN moments
        recorded during its forward)."""
        with self._record_bn():
            feats = self.encoders(inputs)
        zeta = self.mixer()
        mixed = mix(self._logits(feats), zeta)
        losses = dict(loss_im=self.info_max_loss(mixed))
        if self.pseudo_label_loss is not None:
            losses[self.pseudo_label_loss_name] = self.pseudo_label_loss_of(
                mixed, indices, zeta)
        if self.bn_moment_loss is not None:
            weights = self.mixer(normalised=False) if self.legacy_ld else zeta
            losses['loss_bn'] = self.bn_moment_loss(
                [rec.stats for rec in self.bn_recorders],
                self._source_bn_stats(), weights)
        return losses, mixed
