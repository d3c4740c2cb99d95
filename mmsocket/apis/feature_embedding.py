# Copyright (c) mmsocket contributors. All rights reserved.
"""Where the target images land in the source model's feature space, before
and after adaptation: a 2-D embedding of three sets of encoder features.

1. the source model's features of the labelled target set's *RGB* images
   (the modality it was trained on: where its classes lie);
2. the source model's features of the same scenes' target-modality images
   (depth, NIR): the gap before adaptation;
3. the adapted model's features of those target images.

All three are embedded jointly (t-SNE from scikit-learn, or PCA when it is
not installed or asked for), so their positions are comparable, and drawn
side by side coloured by the true class. The true labels are read from the
evaluation set for the picture only.
"""
import copy
import warnings
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from ..utils import register_all_modules
from .experiment import load_config
from .image_grid import save_figure
from .inference import dataset_classes, eval_loader_cfg, init_model

METHODS = ('auto', 'tsne', 'pca')


def pca_2d(x: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Project rows of ``x`` on its first two principal axes.

    Returns:
        tuple: (N, 2) coordinates and the two components' shares of the
        variance.
    """
    centred = x - x.mean(0, keepdims=True)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    var = s**2
    share = var[:2] / max(var.sum(), 1e-12)
    return centred @ vt[:2].T, share


def embed_2d(x: np.ndarray,
             method: str = 'auto',
             seed: int = 0) -> Tuple[np.ndarray, str]:
    """2-D coordinates of the rows of ``x`` and a label of the method used
    (``'t-SNE'`` or ``'PCA'``, with the PCA variance shares)."""
    if method not in METHODS:
        raise ValueError(f'method must be one of {METHODS}, got {method!r}')
    if method in ('auto', 'tsne'):
        try:
            from sklearn.manifold import TSNE
        except ImportError:
            if method == 'tsne':
                raise ImportError('t-SNE needs scikit-learn: pip install '
                                  'scikit-learn (or use --method pca)')
            warnings.warn('scikit-learn is not installed: embedding with '
                          'PCA instead of t-SNE')
        else:
            perplexity = float(min(30.0, max(2.0, (len(x) - 1) / 3)))
            tsne = TSNE(
                n_components=2,
                perplexity=perplexity,
                init='pca',
                random_state=seed)
            return tsne.fit_transform(x), 't-SNE'
    points, share = pca_2d(x)
    return points, (f'PCA (PC 1: {100 * share[0]:.0f} %, PC 2: '
                    f'{100 * share[1]:.0f} % of the variance)')


@torch.no_grad()
def encoder_features(model, loader, preprocessor, source: int):
    """Source ``source``'s encoder features (N, D), its head's predictions
    (N, ) and the true labels (N, ) over a labelled loader."""
    feats, preds, labels = [], [], []
    for data in loader:
        data = preprocessor(data, False)
        f = model.extract_feat(data['inputs'])[source]
        feats.append(f.float())
        preds.append(model.heads[source]((f, )).argmax(1))
        labels.append(torch.cat([s.gt_label for s in data['data_samples']]))
    return torch.cat(feats).numpy(), torch.cat(preds), torch.cat(labels)


def plot_embedding(points: Sequence[np.ndarray],
                   labels: Sequence[np.ndarray],
                   titles: Sequence[str],
                   classes: Sequence[str],
                   method: str,
                   suptitle: str = ''):
    """Panels of 2-D points on shared axes, coloured by class, one legend
    of class names. Returns the matplotlib figure."""
    import matplotlib.pyplot as plt
    cmap = plt.get_cmap('tab20' if len(classes) <= 20 else 'hsv')
    colours = [
        cmap(k / max(len(classes) - 1, 1)) if len(classes) > 20 else cmap(k %
                                                                          20)
        for k in range(len(classes))
    ]
    fig, axes = plt.subplots(
        1,
        len(points),
        figsize=(4.2 * len(points), 4.6),
        sharex=True,
        sharey=True,
        squeeze=False)
    axes = axes[0]
    axis = 't-SNE' if method.startswith('t-SNE') else 'PC'
    for ax, xy, y, title in zip(axes, points, labels, titles):
        for k in range(len(classes)):
            sel = y == k
            ax.scatter(
                xy[sel, 0],
                xy[sel, 1],
                s=7,
                color=colours[k],
                label=classes[k],
                linewidths=0)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(f'{axis} 1')
    axes[0].set_ylabel(f'{axis} 2')
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(
        handles,
        names,
        loc='upper center',
        ncol=min(len(classes), 6),
        markerscale=2.5,
        fontsize=9,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0))
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    fig.tight_layout()
    return fig


def _subsample(labels: torch.Tensor, per_class: Optional[int]) -> np.ndarray:
    keep = []
    for k in labels.unique().tolist():
        idx = (labels == k).nonzero()[:, 0]
        keep.append(idx if per_class is None else idx[:per_class])
    return torch.cat(keep).sort().values.numpy()


def feature_embedding(config: str,
                      checkpoint: str,
                      out: str,
                      source: int = 0,
                      method: str = 'auto',
                      per_class: Optional[int] = None,
                      source_modality: str = 'rgb',
                      source_ann_file: Optional[str] = None,
                      seed: int = 0,
                      batch_size: int = 64,
                      cfg_options: Optional[dict] = None) -> Dict:
    """Embed and draw the three feature sets of a transfer config.

    Args:
        config (str): A transfer config (SOCKET, SHOT, DECISION, TGKT):
            its source models (``model.sources``, loaded from their
            checkpoints: the "before") and its labelled ``test_dataloader``
            set.
        checkpoint (str): The adapted model's checkpoint (the "after").
        out (str): The PNG to write.
        source (int): Which source encoder's features. Defaults to 0.
        method (str): ``'tsne'``, ``'pca'`` or ``'auto'`` (t-SNE when
            scikit-learn is installed, else PCA with a warning).
        per_class (int, optional): At most this many samples per class.
        source_modality (str): The modality the source saw. Defaults to
            ``'rgb'``.
        source_ann_file (str, optional): The annotation file of the first
            panel's images; defaults to the test set's (the same scenes in
            the source modality, which a source model trained on that
            domain may have seen).

    Returns:
        dict: ``points`` and ``labels`` per panel (``'source'``,
        ``'before'``, ``'after'``), ``features`` (the encoder features
        embedded), ``accuracy`` (%) per panel, ``classes`` and ``method``.
    """
    from mmengine.runner import Runner
    register_all_modules(init_default_scope=True)
    cfg = load_config(config, cfg_options)
    if 'sources' not in cfg.model:
        raise ValueError(f'{config} is a {cfg.model.type} config: give a '
                         'transfer config (SOCKET, SHOT, DECISION, TGKT), '
                         'whose model has sources')
    classes = dataset_classes(cfg)
    before = init_model(cfg.model)
    after = init_model(cfg.model, checkpoint)
    loader_cfg = eval_loader_cfg(cfg, batch_size=batch_size)
    rgb_cfg = copy.deepcopy(loader_cfg)
    rgb_cfg.dataset.modality = source_modality
    if source_ann_file:
        rgb_cfg.dataset.ann_file = source_ann_file
    target = Runner.build_dataloader(loader_cfg)
    panels = [
        ('source', before, Runner.build_dataloader(rgb_cfg),
         before.source_preprocessor),
        ('before', before, target, before.data_preprocessor),
        ('after', after, target, after.data_preprocessor),
    ]
    feats, labels, accuracy = {}, {}, {}
    for name, model, loader, preprocessor in panels:
        f, pred, y = encoder_features(model, loader, preprocessor, source)
        keep = _subsample(y, per_class)
        feats[name], labels[name] = f[keep], y.numpy()[keep]
        accuracy[name] = 100.0 * float((pred == y).double().mean())
    names = list(feats)
    joint, used = embed_2d(
        np.concatenate([feats[n] for n in names]), method, seed)
    splits = np.cumsum([len(feats[n]) for n in names])[:-1]
    points = dict(zip(names, np.split(joint, splits)))
    modality = cfg.test_dataloader.dataset.get('modality', 'target')
    titles = [
        f'{source_modality.upper()} of '
        f'{"these scenes" if not source_ann_file else source_ann_file}, '
        f'source model\n(accuracy {accuracy["source"]:.1f} %)',
        f'{modality}, before adaptation\n'
        f'(accuracy {accuracy["before"]:.1f} %)',
        f'{modality}, after {cfg.model.type}\n'
        f'(accuracy {accuracy["after"]:.1f} %)'
    ]
    dim = feats['source'].shape[1]
    fig = plot_embedding([points[n] for n in names],
                         [labels[n] for n in names], titles, classes, used,
                         f'{used} of {dim}-d encoder features (source '
                         f'{source}), the three panels fitted jointly; '
                         f'{len(labels["after"])} test samples, coloured by '
                         'true class')
    save_figure(fig, out, dpi=110)
    return dict(
        points=points,
        labels=labels,
        features=feats,
        accuracy=accuracy,
        classes=classes,
        method=used)


__all__: List[str] = [
    'feature_embedding', 'plot_embedding', 'embed_2d', 'pca_2d',
    'encoder_features'
]
