# Copyright (c) mmsocket contributors. All rights reserved.
"""What a pseudo-label refresh found, and a warning when it collapsed.

Source-free adaptation fails silently: the model can put every target image
into one class at confidence 1.0 while the losses look fine. At every
refresh :class:`PseudoLabelMonitor` logs, from what the refresh computed
anyway (no extra pass, no randomness consumed, so training is unchanged):

- the number of samples per pseudo-class and the entropy of that split;
- the fraction of pseudo-labels that changed since the previous refresh;
- the mean max-probability of the model's (zeta-mixed) predictions;
- pseudo-label and prediction accuracy, only when an *evaluation* set with
  labels lists the same samples (matched by ``sample_id``). The training
  sets stay ``with_label=False``: the labels are read from a separate
  dataset built from the val (or test) dataloader's config, never from a
  training stream, and go to the log only.

The scalars go to the visualizer (``scalars.json`` and any TensorBoard /
WandB / MLflow backend). Every rank computes the same values (the refresh
gathered the whole set on every rank); only rank 0 logs. A resumed run has
no flip rate at its first refresh (the previous labels are not saved).
"""
import copy
import math
from typing import Dict, List, Optional, Sequence, Tuple

import torch

from mmsocket.datasets import sample_ids

#: Where the labels for the accuracy come from by default: the first of
#: these dataloaders the config has.
EVAL_LOADERS = ('val_dataloader', 'test_dataloader')


def ensemble_probs(probs: torch.Tensor, zeta: torch.Tensor) -> torch.Tensor:
    """The zeta-mixed prediction from per-source softmax outputs.

    ``softmax(sum_k zeta_k logits_k)`` equals ``softmax(sum_k zeta_k log
    p_k)``: the per-sample log-normalisers only shift every class alike.

    Args:
        probs (Tensor): (S, N, K) each source's softmax outputs.
        zeta (Tensor): (S, ) source weights.
    """
    zeta = zeta.detach().to(probs)
    return torch.einsum('s,snk->nk', zeta, probs.log()).softmax(-1)


def class_split(labels: torch.Tensor,
                num_classes: int) -> Tuple[torch.Tensor, float, float]:
    """Counts per class, the entropy of the split (nats) and that entropy
    over its maximum log(K) (1 = even, 0 = one class)."""
    counts = torch.bincount(labels, minlength=num_classes)
    share = counts.double() / max(int(counts.sum()), 1)
    nonzero = share[share > 0]
    entropy = max(0.0, float(-(nonzero * nonzero.log()).sum()))
    normalised = entropy / math.log(num_classes) if num_classes > 1 else 1.0
    return counts, entropy, normalised


def collapse_share(num_classes: int, threshold: float) -> float:
    """The share of the largest class above which the split has collapsed:
    ``threshold`` of the way from an even split (1/K) to one class (1)."""
    even = 1.0 / num_classes
    return even + threshold * (1.0 - even)


def pseudo_label_statistics(labels: torch.Tensor,
                            probs: torch.Tensor,
                            previous: Optional[torch.Tensor] = None,
                            gt: Optional[torch.Tensor] = None) -> Dict:
    """Statistics of one refresh over the whole target set.

    Args:
        labels (Tensor): (N, ) pseudo-labels.
        probs (Tensor): (N, K) the model's predicted probabilities.
        previous (Tensor, optional): (N, ) the previous refresh's labels.
        gt (Tensor, optional): (N, ) true labels, -1 where unknown.

    Returns:
        dict: ``counts``, ``class_entropy``, ``class_entropy_normalised``,
        ``max_class``, ``max_class_share`` of the pseudo-labels; the same
        ``prediction_*`` keys of the predictions' argmax; ``classes_used``,
        ``mean_max_prob`` and ``non_finite`` (samples whose probabilities
        are NaN/Inf); ``flip_rate`` with ``previous``; ``labelled``,
        ``accuracy`` and ``prediction_accuracy`` (%) with ``gt``.
    """
    n, num_classes = probs.shape
    labels = labels.long().cpu()
    probs = probs.detach().double().cpu()
    finite = torch.isfinite(probs).all(1)
    preds = probs.nan_to_num(-1.0).argmax(1)
    stats = dict(non_finite=int((~finite).sum()))
    for prefix, values in (('', labels), ('prediction_', preds)):
        counts, entropy, normalised = class_split(values, num_classes)
        stats[f'{prefix}counts'] = counts
        stats[f'{prefix}class_entropy'] = entropy
        stats[f'{prefix}class_entropy_normalised'] = normalised
        stats[f'{prefix}max_class'] = int(counts.argmax())
        stats[f'{prefix}max_class_share'] = float(counts.max()) / max(n, 1)
    stats['classes_used'] = int((stats['counts'] > 0).sum())
    stats['mean_max_prob'] = float(probs[finite].max(1).values.mean()) \
        if finite.any() else float('nan')
    if previous is not None and len(previous) == n:
        stats['flip_rate'] = float((previous.cpu() != labels).double().mean())
    if gt is not None:
        known = gt.cpu() >= 0
        stats['labelled'] = int(known.sum())
        if known.any():
            for key, values in (('accuracy', labels), ('prediction_accuracy',
                                                       preds)):
                hits = (values[known] == gt.cpu()[known]).double().mean()
                stats[key] = 100.0 * float(hits)
    return stats


def non_finite_terms(outputs: Dict) -> List[str]:
    """The logged values of a training step that are NaN/Inf (one host
    sync for all of them); the total ``loss`` only when no term is."""
    keys = [
        k for k, v in outputs.items()
        if torch.is_tensor(v) and v.numel() == 1 and v.is_floating_point()
    ]
    if not keys:
        return []
    values = torch.stack([outputs[k].detach().reshape(()) for k in keys])
    finite = torch.isfinite(values)
    if bool(finite.all()):
        return []
    bad = [k for k, ok in zip(keys, finite.tolist()) if not ok]
    terms = [k for k in bad if k != 'loss']
    return terms or bad


class PseudoLabelMonitor:
    """Log the statistics of every refresh; warn when they collapsed.

    Args:
        labels (str | dict | None): The labelled *evaluation* set the
            accuracies are computed on, matched to the target samples by
            ``sample_id``: ``'auto'`` (the val dataloader's set, else the
            test dataloader's), ``'val'``, ``'test'``, a dataset config, or
            None (no accuracy). Defaults to ``'auto'``.
        collapse_threshold (float): Warn when the largest class holds more
            than this fraction of the way from an even split (1/K) to every
            sample (1), among the pseudo-labels or the predictions: 0.5 is
            75 % of the samples with 2 classes, 54 % with 12. Defaults to
            0.5.
    """

    def __init__(self,
                 labels: Optional[object] = 'auto',
                 collapse_threshold: float = 0.5) -> None:
        if not 0 < collapse_threshold < 1:
            raise ValueError('collapse_threshold must lie in (0, 1), got '
                             f'{collapse_threshold}')
        if not (labels is None or isinstance(labels, dict)
                or labels in ('auto', 'val', 'test')):
            raise ValueError("labels must be 'auto', 'val', 'test', a "
                             f'dataset config or None, got {labels!r}')
        self.labels = labels
        self.collapse_threshold = collapse_threshold
        self._gt: Optional[torch.Tensor] = None
        self._gt_source = ''
        self._classes: Optional[List[str]] = None
        self._previous: Optional[torch.Tensor] = None
        # (terms, iteration) of the first non-finite step: ever, and since
        # the last refresh.
        self._first_non_finite: Optional[Tuple[List[str], int]] = None
        self._recent_non_finite: Optional[Tuple[List[str], int]] = None

    # ------------------------------------------------------------ set-up
    def _label_set_cfg(self, runner) -> Tuple[Optional[dict], str]:
        if self.labels is None:
            return None, ''
        if isinstance(self.labels, dict):
            return self.labels, 'the monitor\'s labels set'
        keys = EVAL_LOADERS if self.labels == 'auto' \
            else (f'{self.labels}_dataloader', )
        for key in keys:
            loader = runner.cfg.get(key)
            dataset = loader.get('dataset') if loader else None
            if dataset:
                return dataset, f'the {key}\'s set'
        return None, ''

    def setup(self, runner, target_set, classes: Optional[Sequence[str]]):
        """Read the evaluation labels of ``target_set``'s samples (once)."""
        from mmsocket.registry import DATASETS
        self._classes = list(classes) if classes else None
        cfg, where = self._label_set_cfg(runner)
        if cfg is None:
            return
        cfg = copy.deepcopy(cfg)
        if not cfg.get('with_label', True):
            runner.logger.info(f'Pseudo-label accuracy: {where} has no '
                               'labels (with_label=False); not reported')
            return
        # Labels only: nothing of the set is loaded or transformed.
        cfg['pipeline'] = []
        labelled = DATASETS.build(cfg)
        lookup = {}
        for i in range(len(labelled)):
            info = labelled.get_data_info(i)
            if 'gt_label' in info:
                lookup[info.get('sample_id')] = int(info['gt_label'])
        ids = sample_ids(target_set) or []
        gt = torch.tensor([lookup.get(s, -1) for s in ids], dtype=torch.long)
        matched = int((gt >= 0).sum())
        if not matched:
            runner.logger.warning(
                f'Pseudo-label accuracy: {where} shares no sample_id with '
                'the target set; not reported (set the PseudoLabelHook\'s '
                'monitor=dict(labels=...) to a labelled set of the same '
                'samples, or labels=None)')
            return
        self._gt, self._gt_source = gt, where
        if matched < len(ids):
            self._gt_source += f' ({matched} of {len(ids)} samples)'

    def watch(self, outputs: Optional[Dict], iteration: int) -> None:
        """Remember the first training step (ever, and since the last
        refresh) whose logged losses are NaN/Inf, to name them at the next
        refresh."""
        if self._recent_non_finite is not None or not outputs:
            return
        terms = non_finite_terms(outputs)
        if terms:
            self._recent_non_finite = (terms, iteration)
            if self._first_non_finite is None:
                self._first_non_finite = self._recent_non_finite

    # ------------------------------------------------------------ refresh
    def _name(self, k: int) -> str:
        if self._classes and k < len(self._classes):
            return self._classes[k]
        return str(k)

    def scalars(self, stats: Dict) -> Dict[str, float]:
        """The values sent to the visualizer (``pseudo_label/...``)."""
        keys = ('class_entropy', 'class_entropy_normalised', 'max_class_share',
                'prediction_max_class_share', 'classes_used', 'mean_max_prob',
                'flip_rate', 'accuracy', 'prediction_accuracy')
        out = {f'pseudo_label/{k}': stats[k] for k in keys if k in stats}
        for k, count in enumerate(stats['counts'].tolist()):
            out[f'pseudo_label/count/{self._name(k)}'] = count
        return out

    def describe(self, stats: Dict, when: str) -> str:
        """The INFO line of a refresh."""
        counts = stats['counts'].tolist()
        per_class = ', '.join(f'{self._name(k)} {c}'
                              for k, c in enumerate(counts))
        parts = [
            f'Pseudo-labels {when}: {sum(counts)} target samples; per '
            f'class: {per_class}',
            f'class entropy {stats["class_entropy"]:.3f} nats '
            f'({stats["class_entropy_normalised"]:.2f} of an even split)',
        ]
        if 'flip_rate' in stats:
            parts.append(f'{100 * stats["flip_rate"]:.1f} % changed since '
                         'the last refresh')
        parts.append(f'mean max-probability {stats["mean_max_prob"]:.3f}')
        if 'accuracy' in stats:
            parts.append(
                f'accuracy {stats["accuracy"]:.2f} % (pseudo-labels), '
                f'{stats["prediction_accuracy"]:.2f} % (predictions) on the '
                f'labels of {self._gt_source}')
        return '; '.join(parts)

    def warnings(self, stats: Dict) -> List[str]:
        """What went wrong since the last refresh, as warning messages."""
        n = int(stats['counts'].sum())
        out = []
        recent, self._recent_non_finite = self._recent_non_finite, None
        if stats['non_finite']:
            cause = ''
            if self._first_non_finite is not None:
                terms, it = self._first_non_finite
                cause = (f' The first non-finite loss was {", ".join(terms)}'
                         f' at iteration {it}.')
            out.append(
                f'The model\'s predictions are NaN/Inf on '
                f'{stats["non_finite"]} of {n} target samples: the '
                f'pseudo-labels are meaningless.{cause} Lower the learning '
                'rate (optim_wrapper.optimizer.lr) or the weight of that '
                'loss.')
            return out
        if recent is not None:
            terms, it = recent
            out.append(
                f'{", ".join(terms)} became NaN/Inf at iteration {it} (the '
                'first such step since the last refresh; the predictions are '
                'still finite). Lower the learning rate '
                '(optim_wrapper.optimizer.lr) or the weight of that loss.')
        limit = collapse_share(len(stats['counts']), self.collapse_threshold)
        collapsed = []
        for what, prefix in (('predictions', 'prediction_'), ('pseudo-labels',
                                                              '')):
            share = stats[f'{prefix}max_class_share']
            if share > limit:
                name = self._name(stats[f'{prefix}max_class'])
                collapsed.append(f'{100 * share:.1f} % of the {what} are '
                                 f'{name!r}')
        if collapsed:
            out.append(
                f'Collapse: of the {n} target samples, '
                f'{" and ".join(collapsed)} (an even split is '
                f'{100 / len(stats["counts"]):.1f} %; warning above '
                f'{100 * limit:.1f} %), mean max-probability '
                f'{stats["mean_max_prob"]:.3f}. The adaptation is likely '
                'diverging: check the learning rate and the loss weights '
                '(docs/visualization.md#collapse).')
        return out

    @torch.no_grad()
    def update(self, runner, model, probs: torch.Tensor) -> Dict:
        """Log what the refresh that returned ``probs`` produced.

        Args:
            runner: The runner (logger, visualizer, epoch and iteration).
            model: The algorithm after its refresh.
            probs (Tensor): (S, N, K) the refresh's per-source softmax
                outputs over the whole target set.

        Returns:
            dict: The statistics (:func:`pseudo_label_statistics`).
        """
        zeta = model.mixer().detach().cpu()
        mixed = ensemble_probs(probs.cpu(), zeta)
        labels = model.batch_pseudo_labels(torch.arange(mixed.shape[0]),
                                           zeta).cpu()
        gt = self._gt if self._gt is not None \
            and len(self._gt) == len(labels) else None
        stats = pseudo_label_statistics(labels, mixed, self._previous, gt)
        self._previous = labels
        when = f'at iteration {runner.iter} (epoch {runner.epoch + 1})'
        runner.logger.info(self.describe(stats, when))
        for message in self.warnings(stats):
            runner.logger.warning(f'Pseudo-labels {when}: {message}')
        runner.visualizer.add_scalars(self.scalars(stats), step=runner.iter)
        return stats
