# Copyright (c) mmsocket contributors. All rights reserved.
"""How far the target modality is from the source's, before adapting.

One command for a source model: its accuracy on held-out RGB of its own
domain, on the other domains' RGB (the cross-domain gap) and on every
domain's depth or NIR (the cross-modal gap), as in the SOCKET paper's
Table 7; and, on the task-irrelevant (TI) pairs a user has before adapting,
the linear CKA between the source encoder's features of each pair's RGB
and depth image (:func:`~mmsocket.apis.cka.linear_cka`; 1 = the same
representation up to rotation and scale), overall and per domain. A table
and a figure.
"""
import copy
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from ..utils import register_all_modules
from .cka import linear_cka
from .experiment import load_config
from .image_grid import save_figure
from .inference import eval_loader_cfg, init_model
from .table_format import markdown_table
from .transfer_matrix import transfer_matrix


@torch.no_grad()
def classifier_features(model, loader) -> np.ndarray:
    """The classifier's neck (encoder) features of every sample, in order."""
    feats = []
    for data in loader:
        data = model.data_preprocessor(data, False)
        out = model.extract_feat(data['inputs'])
        feats.append((out[-1] if isinstance(out, tuple) else out).float())
    return torch.cat(feats).numpy()


def ti_pair_cka(model, base_loader: dict, ann_file: str,
                modalities: Sequence[str],
                domains: Sequence[str]) -> Dict[str, object]:
    """Linear CKA of the paired TI features of ``modalities[0]`` (the
    source's) and each other modality, overall and per domain (the first
    component of a ``sample_id``)."""
    from mmengine.runner import Runner
    feats, ids = {}, None
    for modality in modalities:
        cfg = copy.deepcopy(base_loader)
        cfg.dataset.update(
            ann_file=ann_file, modality=modality, with_label=False)
        cfg.dataset.pop('metainfo', None)  # the TI classes are others
        loader = Runner.build_dataloader(cfg)
        dataset = loader.dataset
        order = [
            dataset.get_data_info(i)['sample_id'] for i in range(len(dataset))
        ]
        if ids is not None and order != ids:
            raise ValueError(f'{ann_file}: the {modality} images are not '
                             'paired record by record with the '
                             f'{modalities[0]} ones')
        ids = order
        feats[modality] = classifier_features(model, loader)
    groups = np.array([str(s).split('/')[0] for s in ids])
    out = OrderedDict(num_pairs=len(ids))
    for modality in modalities[1:]:
        x, y = feats[modalities[0]], feats[modality]
        per = OrderedDict(all=linear_cka(x, y))
        for domain in domains:
            sel = groups == domain
            if sel.sum() >= 3:
                per[domain] = linear_cka(x[sel], y[sel])
        out[modality] = per
    return out


def plot_modality_gap(rows, domains: Sequence[str], source_domain: str,
                      cka: Dict, chance: float, title: str):
    """Accuracy per domain and modality (bars, chance dashed) beside the
    TI-pair CKA per domain. Returns the matplotlib figure."""
    import matplotlib.pyplot as plt
    fig, (acc_ax, cka_ax) = plt.subplots(
        1, 2, figsize=(11, 4.2), gridspec_kw=dict(width_ratios=[1.4, 1]))
    x = np.arange(len(domains))
    width = 0.8 / len(rows)
    for k, (modality, values) in enumerate(rows):
        bars = acc_ax.bar(
            x + (k - (len(rows) - 1) / 2) * width,
            values,
            width,
            label=modality)
        for d, bar in zip(domains, bars):
            if d == source_domain and k == 0:
                bar.set_hatch('//')
        acc_ax.bar_label(bars, fmt='%.0f', fontsize=7)
    acc_ax.axhline(chance, ls='--', color='grey', lw=1, label='chance')
    acc_ax.set_xticks(
        x, [f'{d}\n(held out)' if d == source_domain else d for d in domains])
    acc_ax.set_xlabel('evaluated on domain')
    acc_ax.set_ylabel('top-1 accuracy (%)')
    acc_ax.set_title('source model, unadapted', fontsize=10)
    acc_ax.legend(fontsize=8)
    mods = [m for m in cka if m != 'num_pairs']
    keys = [d for d in domains if any(d in cka[m] for m in mods)] + ['all']
    xc = np.arange(len(keys))
    width = 0.8 / max(len(mods), 1)
    for k, modality in enumerate(mods):
        values = [cka[modality].get(d, np.nan) for d in keys]
        bars = cka_ax.bar(
            xc + (k - (len(mods) - 1) / 2) * width,
            values,
            width,
            label=f'RGB vs {modality}')
        cka_ax.bar_label(bars, fmt='%.2f', fontsize=7)
    cka_ax.set_xticks(xc, keys)
    cka_ax.set_ylim(0, 1.05)
    cka_ax.set_xlabel('TI pairs of domain')
    cka_ax.set_ylabel('linear CKA of encoder features')
    cka_ax.set_title(
        f'paired task-irrelevant images ({cka["num_pairs"]} pairs)',
        fontsize=10)
    cka_ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def modality_gap(config: str,
                 checkpoint: str,
                 out: Optional[str] = None,
                 source_domain: str = 'kv1',
                 domains: Sequence[str] = ('kv1', 'kv2', 'realsense', 'xtion'),
                 modalities: Sequence[str] = ('rgb', 'depth'),
                 held_out: str = 'tr_test',
                 split: str = 'tr',
                 ti_ann_file: str = 'annotations/ti.json',
                 data_root: Optional[str] = None,
                 batch_size: int = 128,
                 num_workers: int = 0) -> Dict:
    """Measure (and with ``out``, draw) the modality gap of a source model.

    Args:
        config (str): An unadapted (test) config: the model and the test
            pipeline (``configs/unadapted/...``).
        checkpoint (str): The source model's weights.
        source_domain (str): Its domain, evaluated on ``held_out``; the
            others on ``split``.
        modalities (Sequence[str]): The source's first, then the targets.
        ti_ann_file (str): The TI pairs' annotation file.

    Returns:
        dict: ``rows`` (modality, accuracy per domain), ``cka``
        (per target modality: ``'all'`` and per domain), ``domains``,
        ``source_domain``, ``chance``.
    """
    rows = transfer_matrix(
        config,
        checkpoint,
        source_domain=source_domain,
        domains=domains,
        modalities=modalities,
        held_out=held_out,
        split=split,
        data_root=data_root,
        batch_size=batch_size,
        num_workers=num_workers)
    register_all_modules(init_default_scope=True)
    cfg = load_config(config)
    model = init_model(cfg.model, checkpoint)
    base = eval_loader_cfg(cfg, batch_size=batch_size, num_workers=num_workers)
    if data_root:
        base.dataset.data_root = data_root
    cka = ti_pair_cka(model, base, ti_ann_file, modalities, domains)
    head = getattr(model, 'head', None)
    num_classes = getattr(head, 'num_classes', None) or \
        cfg.model.get('head', {}).get('num_classes', 1)
    result = dict(
        rows=rows,
        cka=cka,
        domains=list(domains),
        source_domain=source_domain,
        checkpoint=checkpoint,
        chance=100.0 / num_classes)
    if out:
        fig = plot_modality_gap(
            rows, domains, source_domain, cka, result['chance'],
            f'Modality gap of the {source_domain} {modalities[0]} source '
            f'model ({checkpoint})')
        save_figure(fig, out, dpi=110)
    return result


def format_modality_gap(result: Dict) -> str:
    """The accuracy table and the CKA table, as markdown."""
    from .transfer_matrix import format_transfer_matrix
    lines: List[str] = [
        format_transfer_matrix(result['rows'], result['domains'],
                               result['source_domain'], result['checkpoint'])
    ]
    cka = result['cka']
    mods = [m for m in cka if m != 'num_pairs']
    keys = list(OrderedDict.fromkeys(k for m in mods for k in cka[m]))
    lines += [
        f'\nLinear CKA between the source encoder\'s features of paired '
        f'task-irrelevant images ({cka["num_pairs"]} pairs; 1 = the same '
        'representation)\n'
    ]
    lines += markdown_table(
        ['pairs'] + keys,
        [[f'rgb vs {m}'] +
         [f'{cka[m][k]:.3f}' if k in cka[m] else '' for k in keys]
         for m in mods])
    return '\n'.join(lines)
