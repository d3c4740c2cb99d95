# Copyright (c) mmsocket contributors. All rights reserved.
"""Training curves of a run from its ``scalars.json``.

mmengine's ``LocalVisBackend`` writes one JSON record per line: training
logs (``loss*``, ``zeta_*``, ``lr``... with ``iter``, ``epoch`` and
``step`` = iteration), validation results (``step`` = epoch in an
epoch-based run), the pseudo-label monitor's ``pseudo_label/*`` (``step`` =
iteration of the refresh) and ``grad_norm/*`` of ``LossGradientScaleHook``.
Everything is put on one iteration axis (a validation epoch at the
iteration that ended it) and drawn as small multiples.
"""
import glob
import json
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .image_grid import save_figure

Curve = Tuple[np.ndarray, np.ndarray]

#: Panels drawn by default: (title, y label, keys or key prefix, log y).
PANELS = (
    ('accuracy', 'top-1 accuracy (%)',
     ('accuracy/top1', 'pseudo_label/accuracy',
      'pseudo_label/prediction_accuracy'), False),
    ('pseudo-labels', 'fraction',
     ('pseudo_label/flip_rate', 'pseudo_label/max_class_share',
      'pseudo_label/prediction_max_class_share',
      'pseudo_label/class_entropy_normalised', 'pseudo_label/mean_max_prob'),
     False),
    ('source weights zeta', 'zeta', 'zeta_', False),
    ('encoder gradient norm per loss', 'gradient norm', 'grad_norm/', True),
)
#: What the loss terms of the transfer methods are (weights included).
LOSS_TITLES = {
    'loss': 'loss: the total',
    'loss_im': 'loss_im: L_ent - L_div',
    'loss_pl': 'loss_pl: pseudo-label CE (weighted)',
    'loss_bn': 'loss_bn: L_d, BN moments (weighted)',
    'loss_ti': 'loss_ti: L_TI (weighted)',
    'loss_kd': 'loss_kd: L_kd',
    'loss_self': 'loss_self: L_self (weighted)',
}
LABELS = {
    'accuracy/top1': 'validation',
    'pseudo_label/accuracy': 'pseudo-labels',
    'pseudo_label/prediction_accuracy': 'predictions at the refresh',
    'pseudo_label/flip_rate': 'changed since last refresh',
    'pseudo_label/max_class_share': 'largest pseudo-class share',
    'pseudo_label/prediction_max_class_share': 'largest predicted share',
    'pseudo_label/class_entropy_normalised': 'class entropy / log K',
    'pseudo_label/mean_max_prob': 'mean max-probability',
}


def find_scalars(path: str) -> str:
    """``path`` itself, or the newest ``*/vis_data/scalars.json`` of a work
    dir."""
    if osp.isfile(path):
        return path
    found = sorted(glob.glob(osp.join(path, '*', 'vis_data', 'scalars.json')))
    if not found:
        raise FileNotFoundError(
            f'no scalars.json in {path}: give a run\'s work dir (mmengine\'s '
            'LocalVisBackend writes <work_dir>/<timestamp>/vis_data/'
            'scalars.json) or the file itself')
    return found[-1]


def read_curves(path: str) -> Dict[str, Curve]:
    """Every scalar of a ``scalars.json`` as (iterations, values)."""
    with open(path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    end_of_epoch = {}
    for r in records:
        if 'iter' in r and 'epoch' in r:
            end_of_epoch[r['epoch']] = max(r['iter'],
                                           end_of_epoch.get(r['epoch'], 0))
    points: Dict[str, List[Tuple[float, float]]] = OrderedDict()
    for r in records:
        step = r.get('step', r.get('iter', 0))
        if 'iter' not in r and 'accuracy/top1' in r and end_of_epoch:
            # A validation record: step is the epoch it followed.
            step = end_of_epoch.get(step, step)
        for key, value in r.items():
            if key in ('step', 'iter',
                       'epoch') or not isinstance(value, (int, float)):
                continue
            points.setdefault(key, []).append((step, float(value)))
    return {k: tuple(np.array(v).T) for k, v in points.items()}


def _panels(curves: Dict[str, Curve], keys: Optional[Sequence[str]]):
    if keys:
        missing = [k for k in keys if k not in curves]
        if missing:
            raise KeyError(f'{missing} are not in the scalars; there are '
                           f'{sorted(curves)}')
        return [(k, k, [k], False) for k in keys]
    losses = [k for k in curves if k.startswith('loss')]
    panels = [(LOSS_TITLES.get(k, k), 'loss', [k], False) for k in losses]
    for title, ylabel, which, log in PANELS:
        if isinstance(which, str):
            chosen = [k for k in curves if k.startswith(which)]
        else:
            chosen = [k for k in which if k in curves]
        if chosen:
            panels.append((title, ylabel, chosen, log))
    return panels


def plot_training_curves(curves: Dict[str, Curve],
                         keys: Optional[Sequence[str]] = None,
                         title: str = '',
                         ncols: int = 3):
    """Small multiples of the curves: one panel per loss term, then
    accuracies, pseudo-label statistics, zeta and gradient norms (those
    present), or one panel per key of ``keys``. Returns the figure."""
    import matplotlib.pyplot as plt
    panels = _panels(curves, keys)
    if not panels:
        raise ValueError('nothing to plot: the scalars hold no loss, '
                         'accuracy, pseudo-label or zeta values')
    ncols = min(ncols, len(panels))
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4.3 * ncols, 3.6 * nrows), squeeze=False)
    for ax, (name, ylabel, which, log) in zip(axes.flat, panels):
        for key in which:
            x, y = curves[key]
            ax.plot(
                x,
                y,
                marker='o' if len(x) < 30 else None,
                markersize=3,
                label=LABELS.get(key,
                                 key.split('/')[-1]))
        ax.set_title(name, fontsize=10)
        ax.set_xlabel('iteration')
        ax.set_ylabel(ylabel)
        if log:
            ax.set_yscale('log')
        if len(which) > 1:
            ax.legend(
                fontsize=7,
                loc='upper center',
                bbox_to_anchor=(0.5, -0.22),
                ncol=2,
                frameon=False)
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(panels):]:
        ax.set_axis_off()
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def training_curves(path: str,
                    out: str,
                    keys: Optional[Sequence[str]] = None,
                    title: Optional[str] = None) -> Dict[str, Curve]:
    """Plot a run's ``scalars.json`` (or its work dir's newest) to
    ``out``; return the curves."""
    path = find_scalars(path)
    curves = read_curves(path)
    fig = plot_training_curves(curves, keys,
                               title if title is not None else path)
    save_figure(fig, out)
    return curves
