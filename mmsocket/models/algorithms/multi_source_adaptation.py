# Copyright (c) mmsocket contributors. All rights reserved.
"""Adapting the source encoders on the target: pseudo-labels, a bank of
task-irrelevant source features, and the two-pass training step."""
import contextlib
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
from mmengine.optim import OptimWrapper

from mmsocket.registry import MODELS
from ..utils import backward_uncounted, gather_by_index
from .multi_source_classifier import MultiSourceClassifier

# Banks whose size is known only once the data are seen; resized on load so
# a resumed run restores them instead of recomputing them from the adapted
# (no longer original) source weights.
_BANKS = ('ti_bank', 'pl_features', 'pl_centroids', 'pl_labelset')


class MultiSourceAdaptation(MultiSourceClassifier):
    """Train the source encoders f_k (and zeta) on unlabeled target data.

    The frozen heads stay the hypothesis; what trains is the encoders and,
    with several sources, zeta. A subclass gives the losses of a
    task-relevant (TR) target batch (:meth:`tr_losses`); this class adds

    - pseudo-labels (``pseudo_label_loss``): the whole target set is
      clustered by ``pseudo_labeler`` whenever ``PseudoLabelHook`` calls
      :meth:`refresh_pseudo_labels`; :meth:`pseudo_label_loss_of` looks up
      a batch's labels;
    - the task-irrelevant (TI) feature loss (``ti_feature_loss``): the
      original source encoders' features psi of every TI source image,
      stored once by ``TIFeatureBankHook`` (:meth:`build_ti_bank`), matched
      by the target encoders' features of the paired TI target image.

    Both banks are buffers: a checkpoint carries them, and a resumed run
    restores them. One iteration (:meth:`train_step`) runs the TR losses'
    backward first, freeing that graph, then the TI loss's; gradients
    accumulate and one optimizer step follows. That is the gradient of the
    summed loss at about half the peak memory of one summed backward. Under
    DDP only the second backward synchronises.

    Args:
        sources (list[dict]): ``dict(model=..., checkpoint=...)`` per source.
        pseudo_label_loss (dict, optional): Cross entropy on the clustered
            pseudo-labels. None disables it and the clustering.
        ti_feature_loss (dict, optional): The TI feature loss; None
            disables it (and the TI stream).
        pseudo_labeler (dict): How pseudo-labels are clustered.
        zeta_init (float | str): Initial raw source weight.
        data_preprocessor (dict, optional): Target-modality normalisation.
        source_preprocessor (dict, optional): Source RGB normalisation (of
            the TI source images the bank is built from).
    """

    #: Name of the pseudo-label cross entropy in the losses and logs.
    pseudo_label_loss_name = 'loss_pl'

    def __init__(self,
                 sources: Sequence[dict],
                 pseudo_label_loss: Optional[dict],
                 ti_feature_loss: Optional[dict],
                 pseudo_labeler: dict = dict(type='ClusterPseudoLabeler'),
                 zeta_init: Union[float, str] = 1.0,
                 data_preprocessor: Optional[dict] = None,
                 source_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(sources, zeta_init, data_preprocessor,
                         source_preprocessor, init_cfg)
        self.pseudo_label_loss = (
            MODELS.build(pseudo_label_loss) if pseudo_label_loss else None)
        self.ti_feature_loss = (
            MODELS.build(ti_feature_loss) if ti_feature_loss else None)
        self.pseudo_labeler = MODELS.build(pseudo_labeler)
        for name in _BANKS:
            self.register_buffer(name, torch.zeros(0))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        for name in _BANKS:
            value = state_dict.get(prefix + name)
            if value is not None:
                setattr(self, name, torch.empty_like(value))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    # ------------------------------------------------- what the hooks read
    @property
    def needs_ti_bank(self) -> bool:
        return self.ti_feature_loss is not None

    @property
    def needs_pseudo_labels(self) -> bool:
        return self.pseudo_label_loss is not None

    @property
    def ti_bank_ready(self) -> bool:
        return self.ti_bank.numel() > 0

    @property
    def pseudo_labels_ready(self) -> bool:
        return self.pl_centroids.numel() > 0

    # ---------------------------------------------------------- forward parts
    @staticmethod
    def _indices(data_samples) -> torch.Tensor:
        return torch.tensor([s.sample_idx for s in data_samples],
                            dtype=torch.long)

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

    def pseudo_label_loss_of(self, mixed: torch.Tensor, indices: torch.Tensor,
                             zeta: torch.Tensor) -> torch.Tensor:
        """The pseudo-label cross entropy of a TR batch's mixed logits."""
        return self.pseudo_label_loss(mixed,
                                      self.batch_pseudo_labels(indices, zeta))

    def tr_losses(
            self, inputs: torch.Tensor, indices: torch.Tensor
    ) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
        """Losses of a task-relevant target batch.

        Returns:
            tuple: The loss dict and the mixed logits (for the log).
        """
        raise NotImplementedError

    def ti_loss(self, inputs: torch.Tensor,
                indices: torch.Tensor) -> torch.Tensor:
        """The TI feature loss of a TI target batch against the psi bank."""
        if not self.ti_bank_ready:
            raise RuntimeError('no task-irrelevant feature bank: add '
                               'TIFeatureBankHook to custom_hooks')
        feats = self.encoders(inputs)
        bank = self.ti_bank[:, indices.to(self.ti_bank.device)]
        return self.ti_feature_loss(feats, [b.to(feats[0]) for b in bank],
                                    self.mixer())

    @contextlib.contextmanager
    def _no_sync(self, enabled: bool):
        """Skip DDP's gradient all-reduce (a backward that is not the
        iteration's last, or an accumulation step that does not update)."""
        with contextlib.ExitStack() as stack:
            if enabled:
                for m in (self.encoders, self.mixer):
                    if hasattr(m, 'no_sync'):
                        stack.enter_context(m.no_sync())
            yield

    # ------------------------------------------------------------- training
    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapper) -> Dict[str, torch.Tensor]:
        """One iteration over ``{'target': ..., 'ti': ...}`` (the TI stream
        only when there is a TI loss).

        Under ``accumulative_counts`` both passes are scaled alike and the
        iteration counts once (the TR pass through
        :func:`~mmsocket.models.utils.backward_uncounted`).
        """
        target = self.data_preprocessor(data['target'], True)
        indices = self._indices(target['data_samples'])
        two_pass = self.ti_feature_loss is not None
        # should_sync() asks about the counted backward still to come.
        last_sync = optim_wrapper.should_sync()
        with self._no_sync(two_pass or not last_sync), \
                optim_wrapper.optim_context(self):
            losses, mixed = self.tr_losses(target['inputs'], indices)
            loss, log_vars = self.parse_losses(losses)
            if two_pass:
                # Frees the TR graph before the TI forward builds its own.
                backward_uncounted(optim_wrapper, loss)
        self._log_ensemble(log_vars, mixed)
        if not two_pass:
            optim_wrapper.update_params(loss)
            return log_vars

        ti = self.data_preprocessor(data['ti'], True)
        with self._no_sync(not last_sync), optim_wrapper.optim_context(self):
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
        source encoders, once before adaptation."""
        total = len(dataloader.dataset)
        idx, feats = self._extract(dataloader, self.source_preprocessor, False)
        (feats, ) = gather_by_index(idx, feats, total=total)
        self.ti_bank = feats.transpose(0,
                                       1).contiguous().to(self.ti_bank.device)

    def refresh_pseudo_labels(self, dataloader) -> torch.Tensor:
        """Cluster the whole target set with the current encoders.

        Returns:
            Tensor: (S, N, K) each source's softmax outputs of the pass, in
            dataset order (``PseudoLabelHook``'s monitor reads them).
        """
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
        return probs.transpose(0, 1)
