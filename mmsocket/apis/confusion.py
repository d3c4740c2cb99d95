# Copyright (c) mmsocket contributors. All rights reserved.
"""A confusion matrix with class names, as a PNG.

From a ``tools/test.py --out preds.pkl --out-item pred`` dump, or from a
checkpoint (the config's test set is then evaluated here), as mmpretrain's
``tools/analysis_tools/confusion_matrix.py`` accepts either. The counting
is mmpretrain's ``ConfusionMatrix.calculate``; the drawing is ours
(``ConfusionMatrix.plot`` writes integer cells only): the class names of
the config's test set, row normalisation (per-class recall on the
diagonal) and a title that says what was evaluated.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import torch

from ..utils import register_all_modules
from .experiment import load_config
from .image_grid import save_figure
from .inference import (collect_predictions, dataset_classes, eval_loader_cfg,
                        init_model)
from .prediction_dump import load_prediction_dump

DUMP_EXTENSIONS = ('.pkl', '.pickle')


def labels_of_dump(results: Sequence[dict]):
    """Predicted and true labels (N, ) of a prediction dump."""
    preds, gts = [], []
    for i, r in enumerate(results):
        if 'gt_label' not in r:
            raise KeyError(f'prediction {i} has no gt_label: dump a '
                           'labelled test set (a test config, not the '
                           'unlabeled training stream)')
        if 'pred_label' in r:
            preds.append(torch.as_tensor(r['pred_label']).reshape(-1)[0])
        else:
            preds.append(torch.as_tensor(r['pred_score']).argmax())
        gts.append(torch.as_tensor(r['gt_label']).reshape(-1)[0])
    return torch.stack(preds).long(), torch.stack(gts).long()


def plot_confusion_matrix(matrix: torch.Tensor,
                          classes: Sequence[str],
                          normalize: bool = True,
                          title: str = ''):
    """The matrix as a figure: true classes as rows, predicted classes as
    columns, each cell's value written in it, a labelled colour bar and
    ``title``; rows normalised to sum to 1 (recall on the diagonal) with
    ``normalize``. Returns the matplotlib figure."""
    import matplotlib.pyplot as plt
    k = len(classes)
    shown = matrix.double()
    if normalize:
        shown = shown / shown.sum(1, keepdim=True).clamp(min=1)
    size = 2.5 + 0.5 * k
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    image = ax.imshow(
        shown.numpy(),
        cmap='Blues',
        vmin=0,
        vmax=1 if normalize else None,
        interpolation='nearest')
    bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label('fraction of the true class' if normalize else 'samples')
    middle = (1.0 if normalize else float(shown.max())) / 2
    for i in range(k):
        for j in range(k):
            value = float(shown[i, j])
            if normalize:
                text = f'{value:.2f}'.lstrip('0') if value else '0'
            else:
                text = f'{int(value)}'
            ax.text(
                j,
                i,
                text,
                ha='center',
                va='center',
                fontsize=8,
                color='white' if value > middle else 'black')
    ax.set_xticks(
        range(k),
        list(classes),
        rotation=45,
        ha='right',
        rotation_mode='anchor')
    ax.set_yticks(range(k), list(classes))
    ax.set_xlabel('Predicted class')
    ax.set_ylabel('True class')
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def confusion_matrix(config: str,
                     result: str,
                     out: str,
                     normalize: bool = True,
                     title: Optional[str] = None,
                     cfg_options: Optional[dict] = None,
                     batch_size: int = 64) -> Dict:
    """Save the confusion matrix of ``result`` on ``config``'s test set.

    Args:
        config (str): The config whose ``test_dataloader`` set was (or is
            to be) evaluated; its class names label the axes.
        result (str): A ``--out-item pred`` dump (``.pkl``) or a checkpoint
            of the config's model.
        out (str): The PNG to write.
        normalize (bool): Rows as fractions of the true class. Defaults to
            True.
        title (str, optional): Defaults to the config's name and accuracy.

    Returns:
        dict: ``matrix`` (K, K) counts (rows: true class), ``classes``,
        ``accuracy`` (%) and ``num_samples``.
    """
    from mmpretrain.evaluation import ConfusionMatrix
    register_all_modules(init_default_scope=True)
    cfg = load_config(config, cfg_options)
    classes = dataset_classes(cfg)
    if result.endswith(DUMP_EXTENSIONS):
        preds, gts = labels_of_dump(load_prediction_dump(result))
    else:
        from mmengine.runner import Runner
        model = init_model(cfg.model, result)
        loader = Runner.build_dataloader(
            eval_loader_cfg(cfg, batch_size=batch_size))
        scores, gts = collect_predictions(model, loader)
        preds = scores.argmax(1)
    if int(max(preds.max(), gts.max())) >= len(classes):
        raise ValueError(f'{result} has labels up to '
                         f'{int(max(preds.max(), gts.max()))}, but the test '
                         f'set of {config} has {len(classes)} classes: is it '
                         'the config the predictions were made with?')
    matrix = ConfusionMatrix.calculate(preds, gts, num_classes=len(classes))
    accuracy = 100.0 * float(matrix.diag().sum()) / max(len(gts), 1)
    if title is None:
        name = osp.splitext(osp.basename(config))[0]
        modality = cfg.test_dataloader.dataset.get('modality', '')
        title = (f'{cfg.model.type}, {osp.basename(osp.dirname(config))}/'
                 f'{name} ({modality}): top-1 {accuracy:.1f} % over '
                 f'{len(gts)} test samples')
    fig = plot_confusion_matrix(matrix, classes, normalize, title)
    save_figure(fig, out)
    return dict(
        matrix=matrix,
        classes=classes,
        accuracy=accuracy,
        num_samples=len(gts))


__all__: List[str] = [
    'confusion_matrix',
    'plot_confusion_matrix',
    'labels_of_dump',
]
