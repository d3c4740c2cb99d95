# Copyright (c) mmsocket contributors. All rights reserved.
"""The text of one generated file: a source, transfer or ablation leaf, or a
table spec. Leaves name their bases and override only what their setting
changes, so they stay short; yapf (``setup.cfg``) lays them out."""
import functools
import os.path as osp
import pprint
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .settings import (DATASETS, DOMAIN_NAMES, HEADER, METHODS, SOURCE_CKPT,
                       SOURCE_CONFIG, TGMB_CKPT, TGMB_CONFIG)


@dataclass
class Task:
    """One transfer setting; each of ``methods`` gets one leaf,
    ``configs/<method>/<dataset>/<name>.py``.

    ``target_ann`` (train, val and test set of the target, if not the data
    base's) and ``target_modality`` (if not the data base's) are overrides;
    ``ti`` replaces the TI stream, ``ti_note`` says why. ``papers``: the
    paper's numbers per method, for the leaf's first lines.
    """
    dataset: str
    name: str
    title: str
    sources: List[str]
    methods: Tuple[str, ...] = ()
    source_modality: str = 'rgb'
    target_ann: Optional[str] = None
    target_modality: Optional[str] = None
    ti: Optional[dict] = None
    ti_note: str = ''
    papers: Dict[str, str] = field(default_factory=dict)


class Code(str):
    """Config text written as is by :func:`py` (``{{_base_.x}}``)."""


class Rows(list):
    """A list that :func:`py` writes one item a line (a trailing comma)."""


class Commented:
    """A dict value that :func:`py` follows with a ``# comment``."""

    def __init__(self, value, comment: str):
        self.value, self.comment = value, comment


def py(value) -> str:
    """``value`` as config source, dicts as ``dict(k=v)`` (as OpenMMLab
    configs write them)."""
    if isinstance(value, Code):
        return str(value)
    if isinstance(value, Commented):
        return py(value.value)
    if isinstance(value, dict):
        out = ''
        for i, (k, v) in enumerate(value.items()):
            out += f'{k}={py(v)}'
            if isinstance(v, Commented):  # the comment ends the line
                out += f',  # {v.comment}\n'
            elif i < len(value) - 1:
                out += ', '
        return f'dict({out})'
    if isinstance(value, Rows):
        return '[' + ''.join(f'{py(v)}, ' for v in value) + ']'
    if isinstance(value, (list, tuple)):
        return '[' + ', '.join(py(v) for v in value) + ']'
    return repr(value)


def assign(name: str, value, notes=()) -> str:
    return ''.join(f'# {n}\n' for n in notes if n) + f'{name} = {py(value)}\n'


def source_config(dataset: str, name: str) -> str:
    return SOURCE_CONFIG.format(dataset=dataset, name=name)


def source_ckpt(dataset: str, name: str) -> str:
    return SOURCE_CKPT.format(dataset=dataset, name=name)


def bases(*names: Optional[str]) -> str:
    return assign('_base_', [f'../../_base_/{n}' for n in names if n])


SOURCE_MODEL = Code('{{_base_.source_model}}')


def source_leaf(dataset: str, domain: Optional[str], modality: str) -> str:
    """A source model: trained on the domain's (or the data set's) TR
    classes in ``modality``, exported for the transfers."""
    ds = DATASETS[dataset]
    name = f'{domain}_{modality}' if domain else modality
    prefix = f'{domain}_' if domain else f'{dataset}_'
    where = f'{DOMAIN_NAMES[domain]} ' if domain else ''
    mod = {} if modality == 'rgb' else dict(modality=modality)
    text = (f'# Source model: {ds["net"]} trained on {ds["title"]} '
            f'{where}{modality.upper()}.\n# Exported (best validation '
            f'weights + class list) to {source_ckpt(dataset, name)}.\n'
            f'{HEADER}\n')
    text += bases(f'models/{ds["model"]}', f'datasets/{ds["source_data"]}',
                  'schedules/source_sgd_20e.py', 'default_runtime.py')
    text += assign('model', SOURCE_MODEL)
    for split, loader in (('train', 'train_dataloader'), ('val',
                                                          'val_dataloader')):
        ann_file = f'annotations/{prefix}tr_{split}.json'
        text += assign(loader, dict(dataset=dict(ann_file=ann_file, **mod)))
    return text + 'test_dataloader = val_dataloader\n' + ds['source_extra']


@functools.lru_cache()
def method_hooks(root: str, method: str) -> list:
    """The ``custom_hooks`` of a method's base config (a leaf that changes
    one hook restates the list: mmengine replaces lists)."""
    from mmengine.config import Config
    path = osp.join(root, 'configs/_base_/methods', METHODS[method]['base'])
    return Config.fromfile(path).to_dict().get('custom_hooks', [])


def transfer_leaf(method: str, task: Task, root: str) -> str:
    """One adaptation (or, for ``unadapted``, evaluation) config."""
    ds, spec = DATASETS[task.dataset], METHODS[method]
    text = f'# {spec["title"]}, {ds["title"]}: {task.title}.\n'
    if task.papers.get(method):
        text += f'# Paper: {task.papers[method]}.\n'
    text += HEADER + '\n'
    data = f'datasets/{ds["transfer_data"][task.source_modality]}'
    target = {} if task.target_modality is None else dict(
        modality=task.target_modality)
    if task.target_ann:
        target = dict(ann_file=task.target_ann, **target)
    if method == 'unadapted':
        text += ('# Evaluation only: python tools/test.py <this config> '
                 '(the source model is load_from).\n')
        text += bases(f'models/{ds["model"]}', data, 'default_runtime.py')
        text += assign('model', SOURCE_MODEL)
        text += assign('load_from', source_ckpt(task.dataset, task.sources[0]))
        text += ('train_dataloader = None\nval_dataloader = None\n'
                 'val_evaluator = None\ntest_cfg = dict()\n')
        if target:
            text += assign('test_dataloader', dict(dataset=target))
        return text
    tgmb = dict(dataset=task.dataset, task=task.name)
    text += '# Train the source model(s) first:\n' + ''.join(
        f'#   python tools/train.py {source_config(task.dataset, n)}\n'
        for n in task.sources)
    if method == 'tgkt':
        text += ('# and the TGMB stage:\n#   python tools/train.py '
                 f'{TGMB_CONFIG.format(**tgmb)}\n')
    text += bases(f'models/{ds["model"]}', f'methods/{spec["base"]}', data,
                  f'schedules/{spec["schedule"]}', 'default_runtime.py')
    model = dict(
        sources=Rows(
            dict(model=SOURCE_MODEL, checkpoint=source_ckpt(task.dataset, n))
            for n in task.sources))
    if method == 'tgkt':
        model['translator_checkpoint'] = TGMB_CKPT.format(**tgmb)
    text += assign('model', model)
    text += train_loader(method, task, target)
    if target:
        text += assign('val_dataloader', dict(dataset=target))
        text += assign('test_dataloader', dict(dataset=target))
    if task.source_modality != 'rgb':
        text += ti_bank_modality(method, task.source_modality, root)
    return text + ds['transfer_extra']


def ti_bank_modality(method: str, modality: str, root: str) -> str:
    """The method's hooks, with TI features from ``modality`` (the source
    model's) rather than RGB; nothing for a method without a TI bank."""
    hooks = method_hooks(root, method)
    bank = [h['type'] == 'TIFeatureBankHook' for h in hooks]
    if not any(bank):
        return ''
    hooks = Rows(
        dict(h, source_modality=modality) if is_bank else h
        for h, is_bank in zip(hooks, bank))
    src = modality.upper()
    return assign('custom_hooks', hooks, [
        f'The source saw {src}: its TI features come from the {src} half of '
        'each pair.'
    ])


def train_loader(method: str, task: Task, target: dict) -> str:
    """The training set's overrides: the target stream, the TI stream and,
    for TGMB, the source-modality half of each TI pair."""
    streams, notes = {}, []
    if not METHODS[method]['ti'] and target:
        streams['ti'] = Commented(None, 'no TI data')
    elif not METHODS[method]['ti']:
        streams['ti'] = None
        notes.append('No task-irrelevant data: drop the inherited TI stream.')
    elif task.ti:
        streams['ti'] = task.ti
        notes.append(task.ti_note)
    if target:
        streams['target'] = target
    dataset = dict(streams=streams) if streams else {}
    if method == 'tgmb':
        dataset['paired'] = dict(
            ti_source=dict(stream='ti', modality=task.source_modality))
        if task.source_modality != 'rgb':
            src = task.source_modality.upper()
            notes.append(f'The source saw {src}: T learns to render target '
                         f'images as {src}, against\n# the {src} half of '
                         'each TI pair.')
    return assign('train_dataloader', dict(
        dataset=dataset), notes) if dataset else ''


def ablation_leaf(method: str, dataset: str, task: str, note: str,
                  overrides: dict) -> str:
    """A task's leaf with loss terms switched off."""
    text = (f'# {METHODS[method]["title"]} ablation on {dataset} {task}: '
            f'{note}.\n{HEADER}\n')
    if method == 'tgkt':
        text += ('# Uses the full TGMB stage of the task (as the paper): '
                 f'{TGMB_CONFIG.format(dataset=dataset, task=task)}\n')
    return text + assign('_base_', [f'../{task}.py']) + assign(
        'model', overrides)


def table_text(name: str, spec: dict) -> str:
    """A table spec for tools/analysis/run_table.py."""
    lines = [
        f'# Table spec for tools/analysis/run_table.py: {spec["title"]}.',
        f'#   python tools/analysis/run_table.py configs/tables/{name}.py '
        '--seeds 0 1 2',
        '# Each cell lists the configs whose results it averages (per '
        'seed, then mean', '# +- std over seeds); `paper` is the published '
        'value, where there is one.', HEADER
    ]
    for key in ('title', 'dataset', 'row_title', 'rows', 'columns', 'methods',
                'metric', 'paper_note', 'sources', 'cells'):
        value = pprint.pformat(spec[key], width=76, sort_dicts=False)
        lines.append(f'{key} = {value}')
    return '\n'.join(lines) + '\n'
