# Copyright (c) mmsocket contributors. All rights reserved.
"""Accuracy of one source model across domains and modalities.

The gap this toolbox closes, measured: a source model trained on one
domain's RGB, evaluated on held-out RGB of that domain, on the other
domains' RGB (cross-domain, SOCKET Table 7) and on every domain's depth (or
NIR) (cross-modal). Used to calibrate the synthetic benchmark.
"""
import copy
from typing import List, Optional, Sequence, Tuple

from ..utils import register_all_modules
from .experiment import load_config
from .inference import collect_predictions, eval_loader_cfg, init_model
from .table_format import markdown_table


def accuracy(model, loader) -> float:
    """Top-1 accuracy (%) of ``model`` over ``loader``."""
    from mmpretrain.evaluation import Accuracy
    scores, labels = collect_predictions(model, loader)
    return float(Accuracy.calculate(scores, labels)[0][0])


def transfer_matrix(config: str,
                    checkpoint: str,
                    source_domain: str = 'kv1',
                    domains: Sequence[str] = ('kv1', 'kv2', 'realsense',
                                              'xtion'),
                    modalities: Sequence[str] = ('rgb', 'depth'),
                    held_out: str = 'tr_test',
                    split: str = 'tr',
                    data_root: Optional[str] = None,
                    batch_size: int = 128,
                    num_workers: int = 2) -> List[Tuple[str, List[float]]]:
    """Accuracy per (modality, domain), a row per modality.

    Args:
        config (str): An unadapted (test) config: the model and the test
            pipeline.
        checkpoint (str): The source model's weights.
        source_domain (str): Its domain, evaluated on ``held_out`` (a split
            it did not train on); the others on ``split``.
    """
    register_all_modules(init_default_scope=True)
    cfg = load_config(config)
    model = init_model(cfg.model, checkpoint)
    base = eval_loader_cfg(cfg, batch_size=batch_size, num_workers=num_workers)
    if data_root:
        base.dataset.data_root = data_root
    from mmengine.runner import Runner
    rows = []
    for modality in modalities:
        row = []
        for domain in domains:
            part = held_out if domain == source_domain else split
            loader_cfg = copy.deepcopy(base)
            loader_cfg.dataset.update(
                ann_file=f'annotations/{domain}_{part}.json',
                modality=modality)
            row.append(accuracy(model, Runner.build_dataloader(loader_cfg)))
        rows.append((modality, row))
    return rows


def format_transfer_matrix(rows: List[Tuple[str, List[float]]],
                           domains: Sequence[str], source_domain: str,
                           checkpoint: str) -> str:
    """The matrix as markdown, with the mean over the other domains."""
    head = [
        f'{d}{" (held out)" if d == source_domain else ""}' for d in domains
    ]
    table = []
    for modality, row in rows:
        others = [a for d, a in zip(domains, row) if d != source_domain]
        mean = sum(others) / max(len(others), 1)
        table.append([modality] + [f'{a:.1f}' for a in row] + [f'{mean:.1f}'])
    return '\n'.join([
        f'\nSource: {source_domain} RGB ({checkpoint}); top-1 accuracy (%)\n'
    ] + markdown_table(['evaluated on', *head, 'other domains (mean)'], table))
