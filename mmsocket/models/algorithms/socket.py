# Copyright (c) mmsocket contributors. All rights reserved.
"""SOCKET, and SHOT / DECISION as configurations of it.

Ahmed et al., "Cross-Modal Knowledge Transfer Without Task-Relevant Source
Data", ECCV 2022 (https://arxiv.org/abs/2209.04027). docs/methods/socket.md
gives the formulas and where this implementation follows the paper, the
official code, or neither (and why).
"""
import contextlib
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from mmsocket.registry import MODELS
from ..losses import info_max_terms
from ..utils import (BNStatsRecorder, build_preprocessors, build_sources,
                     freeze, gather_by_index, mix)

# Banks whose size is known only once the data are seen; resized on load so
# a resumed run restores them instead of recomputing them from the adapted
# (no longer original) source weights.
_BANKS = ('ti_bank', 'pl_features', 'pl_centroids', 'pl_labelset')


@MODELS.register_module()
class SOCKET(BaseModel):
    """Source-free cross-modal knowledge transfer with task-irrelevant data.

    Each source k contributes an encoder f_k (trained) and its classifier
    g_k (frozen); the target model is the zeta-weighted sum of their logits.
    The loss is L_ent - L_div + l_pl L_pl + l_d L_d + l_TI L_TI. Setting
    ``ti_feature_loss=None, bn_moment_loss=None`` gives SHOT (one source)
    or DECISION (several).

    One iteration runs two backward passes: the task-relevant (TR) losses
    first, freeing that graph, then the TI loss; gradients accumulate and
    one optimizer step follows. That is the gradient of the summed loss at
    about half the peak memory of one summed backward. Under DDP only the
    second backward synchronises.

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
        if not sources:
            raise ValueError('SOCKET needs at least one source model')
        data_preprocessor, source_preprocessor = build_preprocessors(
            sources, data_preprocessor, source_preprocessor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.source_preprocessor = source_preprocessor

        built = build_sources(sources, zeta_init)
        encoders = list(built.encoders.encoders)
        self.encoders = built.encoders
        # The classifier is the source's hypothesis: never trained.
        self.heads = nn.ModuleList(freeze(h) for h in built.heads)
        self.mixer = built.mixer
        self.num_classes = built.num_classes
        self.classes = built.classes

        self.info_max_loss = MODELS.build(info_max_loss)
        self.pseudo_label_loss = (
            MODELS.build(pseudo_label_loss) if pseudo_label_loss else None)
        self.ti_feature_loss = (
            MODELS.build(ti_feature_loss) if ti_feature_loss else None)
        self.bn_moment_loss = (
            MODELS.build(bn_moment_loss) if bn_moment_loss else None)
        self.pseudo_labeler = MODELS.build(pseudo_labeler)

        self.bn_recorders, self._bn_sizes = [], []
        if self.bn_moment_loss is not None:
            # Snapshot the source BN statistics now: BN layers keep updating
            # their running stats while adapting in train mode.
            self.bn_recorders = [BNStatsRecorder(e) for e in encoders]
            for j, rec in enumerate(self.bn_recorders):
                stats = rec.running_stats()
                self.register_buffer(f'source_bn_mean_{j}',
                                     torch.cat([m for m, _ in stats]))
                self.register_buffer(f'source_bn_var_{j}',
                                     torch.cat([v for _, v in stats]))
                self._bn_sizes.append([m.numel() for m, _ in stats])
        for name in _BANKS:
            self.register_buffer(name, torch.zeros(0))

    # ------------------------------------------------------------------ setup
    def check_dataset_classes(self, classes: Optional[Sequence[str]],
                              where: str) -> None:
        """Refuse a target set whose classes differ from the sources'."""
        if classes is None:
            return
        if len(classes) != self.num_classes or (self.classes is not None and
                                                list(classes) != self.classes):
            raise ValueError(
                f'{where} has classes {list(classes)}, but the source models '
                f'were trained on {self.classes or self.num_classes}')

    def init_weights(self) -> None:
        """Weights come from the source checkpoints, loaded at build time;
        re-initialising here would erase them."""

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        for name in _BANKS:
            value = state_dict.get(prefix + name)
            if value is not None:
                setattr(self, name, torch.empty_like(value))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    @property
    def num_sources(self) -> int:
        return len(self.heads)

    @property
    def ti_bank_ready(self) -> bool:
        return self.ti_bank.numel() > 0

    @property
    def pseudo_labels_ready(self) -> bool:
        return self.pl_centroids.numel() > 0

    @property
    def needs_ti_bank(self) -> bool:
        return self.ti_feature_loss is not None

    @property
    def needs_pseudo_labels(self) -> bool:
        return self.pseudo_label_loss is not None

    # ---------------------------------------------------------- forward parts
    def _logits(self, feats: List[torch.Tensor]) -> List[torch.Tensor]:
        return [head((f, )) for head, f in zip(self.heads, feats)]

    def _source_bn_stats(self):
        out = []
        for j in range(self.num_sources):
            sizes = self._bn_sizes[j]
            means = getattr(self, f'source_bn_mean_{j}').split(sizes)
            var = getattr(self, f'source_bn_var_{j}').split(sizes)
            out.append(list(zip(means, var)))
        return out

    @staticmethod
    def _indices(data_samples) -> torch.Tensor:
        return torch.tensor([s.sample_idx for s in data_samples],
                            dtype=torch.long)

    @contextlib.contextmanager
    def _record_bn(self):
        with contextlib.ExitStack() as stack:
            for rec in self.bn_recorders:
                stack.enter_context(rec.record())
            yield

    @contextlib.contextmanager
    def _no_sync(self, enabled: bool):
        """Skip DDP's gradient all-reduce (first of two backward passes)."""
        with contextlib.ExitStack() as stack:
            if enabled:
                for m in (self.encoders, self.mixer):
                    if hasattr(m, 'no_sync'):
                        stack.enter_context(m.no_sync())
            yield

    def batch_pseudo_labels(self, indices: torch.Tensor,
                            zeta: torch.Tensor) -> torch.Tensor:
        """Pseudo-labels of the samples at ``indices`` (dataset order)."""
        if not self.pseudo_labels_ready:
            raise RuntimeError(
                'no pseudo-labels yet: add PseudoLabelHook to custom_hooks '
                '(it clusters the target set before the first iteration)')
        idx = indices.to(self.pl_features.device)
        return self.pseudo_labeler.assign(self.pl_features[:, idx],
                                          self.pl_centroids, self.pl_labelset,
                                          zeta).to(zeta.device)

    # ------------------------------------------------------------- training
    def tr_losses(self, inputs: torch.Tensor, indices: torch.Tensor):
        """Losses of a task-relevant target batch (BN moments recorded).

        Returns:
            tuple: The loss dict and the ensemble logits.
        """
        with self._record_bn():
            feats = self.encoders(inputs)
        zeta = self.mixer()
        mixed = mix(self._logits(feats), zeta)
        losses = dict(loss_im=self.info_max_loss(mixed))
        if self.pseudo_label_loss is not None:
            labels = self.batch_pseudo_labels(indices, zeta)
            losses['loss_pl'] = self.pseudo_label_loss(mixed, labels)
        if self.bn_moment_loss is not None:
            losses['loss_bn'] = self.bn_moment_loss(
                [rec.stats for rec in self.bn_recorders],
                self._source_bn_stats(), zeta)
        return losses, mixed

    def ti_loss(self, inputs: torch.Tensor,
                indices: torch.Tensor) -> torch.Tensor:
        """L_TI of a task-irrelevant target batch against the psi bank."""
        if not self.ti_bank_ready:
            raise RuntimeError('no task-irrelevant feature bank: add '
                               'TIFeatureBankHook to custom_hooks')
        feats = self.encoders(inputs)
        bank = self.ti_bank[:, indices.to(self.ti_bank.device)]
        return self.ti_feature_loss(feats, [b.to(feats[0]) for b in bank],
                                    self.mixer())

    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapper) -> Dict[str, torch.Tensor]:
        """One SOCKET iteration over ``{'target': ..., 'ti': ...}``."""
        target = self.data_preprocessor(data['target'], True)
        indices = self._indices(target['data_samples'])
        two_pass = self.ti_feature_loss is not None
        with self._no_sync(two_pass), optim_wrapper.optim_context(self):
            losses, mixed = self.tr_losses(target['inputs'], indices)
            loss, log_vars = self.parse_losses(losses)
            if two_pass:
                # Frees the TR graph before the TI forward builds its own.
                optim_wrapper.backward(loss)
        ent, div = info_max_terms(mixed.detach())
        log_vars.update(entropy=ent, diversity=div)
        for j, z in enumerate(self.mixer().detach()):
            log_vars[f'zeta_{j}'] = z
        if not two_pass:
            optim_wrapper.update_params(loss)
            return log_vars

        ti = self.data_preprocessor(data['ti'], True)
        with optim_wrapper.optim_context(self):
            loss_ti = self.ti_loss(ti['inputs'],
                                   self._indices(ti['data_samples']))
        optim_wrapper.update_params(loss_ti)
        log_vars['loss_ti'] = loss_ti.detach()
        log_vars['loss'] = log_vars['loss'] + log_vars['loss_ti']
        return log_vars

    # ------------------------------------------------------ periodic passes
    @torch.no_grad()
    def _extract(self, dataloader, preprocessor, with_probs: bool):
        """Features (and probabilities) of a whole, label-free pass."""
        was_training = self.training
        self.eval()
        indices, feats, probs = [], [], []
        try:
            for data in dataloader:
                data = preprocessor(data, False)
                f = self.encoders(data['inputs'])
                indices.append(self._indices(data['data_samples']))
                feats.append(torch.stack(f, 1).float().cpu())
                if with_probs:
                    p = [lg.softmax(1) for lg in self._logits(f)]
                    probs.append(torch.stack(p, 1).float().cpu())
        finally:
            self.train(was_training)
        out = [torch.cat(indices), torch.cat(feats)]
        if with_probs:
            out.append(torch.cat(probs))
        return out

    def build_ti_bank(self, dataloader) -> None:
        """psi_j = f_j(x_TI^source) of every TI pair, with the *original*
        source encoders, once before adaptation (SOCKET eq. 1, Alg. 1)."""
        total = len(dataloader.dataset)
        idx, feats = self._extract(dataloader, self.source_preprocessor, False)
        (feats, ) = gather_by_index(idx, feats, total=total)
        self.ti_bank = feats.transpose(0,
                                       1).contiguous().to(self.ti_bank.device)

    def refresh_pseudo_labels(self, dataloader) -> None:
        """Cluster the whole target set with the current encoders."""
        total = len(dataloader.dataset)
        idx, feats, probs = self._extract(dataloader, self.data_preprocessor,
                                          True)
        feats, probs = gather_by_index(idx, feats, probs, total=total)
        centroids, aug, labelset = self.pseudo_labeler.fit(
            feats.transpose(0, 1), probs.transpose(0, 1))
        device = self.pl_features.device
        self.pl_centroids = centroids.to(device)
        self.pl_features = aug.to(device)
        self.pl_labelset = labelset.to(device)

    # ------------------------------------------------------------ inference
    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        if mode == 'tensor':
            feats = self.encoders(inputs)
            return mix(self._logits(feats), self.mixer())
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'{type(self).__name__} trains through its own '
                           f'train_step (two data streams); mode={mode!r} '
                           'is not supported')

    @torch.no_grad()
    def predict(
            self,
            inputs: torch.Tensor,
            data_samples: Optional[List[DataSample]] = None
    ) -> List[DataSample]:
        """Ensemble prediction; each source's scores ride along as
        ``source_scores`` (S, K) for per-source accuracy."""
        feats = self.encoders(inputs)
        logits = self._logits(feats)
        mixed = mix(logits, self.mixer()).softmax(1)
        per_source = torch.stack([lg.softmax(1) for lg in logits], 1)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(len(inputs))]
        for sample, score, src in zip(data_samples, mixed, per_source):
            sample.set_pred_score(score)
            sample.set_field(src, 'source_scores')
        return data_samples
