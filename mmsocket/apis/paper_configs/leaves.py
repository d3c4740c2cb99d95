# Copyright (c) mmsocket contributors. All rights reserved.
"""The text of one generated file: a source, transfer or ablation leaf, or a
table spec. Leaves name their bases and set only the settings their cell
changes (``domain``, ``source_checkpoints``...; the bases refer to them, see
:mod:`mmsocket.apis.config_settings`), so they stay short; yapf
(``setup.cfg``) lays them out."""
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

    ``domain`` (the target domain, if not the data base's) and
    ``target_modality`` (if not the data base's) are settings the leaf
    sets; ``ti_data_root`` takes the TI pairs from another data set,
    ``ti_note`` says why. ``papers``: the paper's numbers per method, for
    the leaf's first lines.
    """
    dataset: str
    name: str
    title: str
    sources: List[str]
    methods: Tuple[str, ...] = ()
    source_modality: str = 'rgb'
    domain: Optional[str] = None
    target_modality: Optional[str] = None
    ti_data_root: Optional[str] = None
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
    where = f'{DOMAIN_NAMES[domain]} ' if domain else ''
    text = (f'# Source model: {ds["net"]} trained on {ds["title"]} '
            f'{where}{modality.upper()}.\n# Exported (best validation '
            f'weights + class list) to {source_ckpt(dataset, name)}.\n'
            f'{HEADER}\n')
    text += bases(f'models/{ds["model"]}', f'datasets/{ds["source_data"]}',
                  'schedules/source_sgd_20e.py', 'default_runtime.py')
    text += assign('model', SOURCE_MODEL)
    if domain:
        text += assign('domain', domain)
    if modality != 'rgb':
        text += assign('source_modality', modality)
    return text + ds['source_extra']


def settings(task: Task) -> str:
    """The settings a transfer leaf changes in its data base."""
    text = ''
    if task.domain:
        text += assign('domain', task.domain)
    if task.target_modality:
        text += assign('target_modality', task.target_modality)
    if task.ti_data_root:
        text += assign('ti_data_root', task.ti_data_root, [task.ti_note])
    return text


def transfer_leaf(method: str, task: Task) -> str:
    """One adaptation (or, for ``unadapted``, evaluation) config."""
    ds, spec = DATASETS[task.dataset], METHODS[method]
    text = f'# {spec["title"]}, {ds["title"]}: {task.title}.\n'
    if task.papers.get(method):
        text += f'# Paper: {task.papers[method]}.\n'
    text += HEADER + '\n'
    data = f'datasets/{ds["transfer_data"][task.source_modality]}'
    if method == 'unadapted':
        text += ('# Evaluation only: python tools/test.py <this config> '
                 '(the source model is load_from).\n')
        text += bases(f'models/{ds["model"]}', data, 'default_runtime.py')
        text += assign('model', SOURCE_MODEL)
        text += assign('load_from', source_ckpt(task.dataset, task.sources[0]))
        text += settings(task)
        return text + ('train_dataloader = None\nval_dataloader = None\n'
                       'val_evaluator = None\ntest_cfg = dict()\n')
    tgmb = dict(dataset=task.dataset, task=task.name)
    text += '# Train the source model(s) first:\n' + ''.join(
        f'#   python tools/train.py {source_config(task.dataset, n)}\n'
        for n in task.sources)
    if method == 'tgkt':
        text += ('# and the TGMB stage:\n#   python tools/train.py '
                 f'{TGMB_CONFIG.format(**tgmb)}\n')
    text += bases(f'models/{ds["model"]}', f'methods/{spec["base"]}', data,
                  f'schedules/{spec["schedule"]}', 'default_runtime.py')
    text += assign('source_checkpoints',
                   Rows(source_ckpt(task.dataset, n) for n in task.sources))
    if method == 'tgkt':
        text += assign('model',
                       dict(translator_checkpoint=TGMB_CKPT.format(**tgmb)))
    text += settings(task)
    text += train_loader(method, task)
    return text + ds['transfer_extra']


def train_loader(method: str, task: Task) -> str:
    """The training set's overrides: no TI stream for the methods without
    TI data and, for TGMB, the source-modality half of each TI pair."""
    dataset, notes = {}, []
    if not METHODS[method]['ti']:
        dataset['streams'] = dict(ti=None)
        notes.append('No task-irrelevant data: drop the inherited TI stream.')
    if method == 'tgmb':
        dataset['paired'] = dict(
            ti_source=dict(stream='ti', modality='${source_modality}'))
        notes.append('T learns to render target images as the source '
                     'modality, against the\n# source-modality half of each '
                     'TI pair.')
    return assign('train_dataloader', dict(
        dataset=dataset), notes) if dataset else ''


def alias_leaf(path: str, target: str, why: str) -> str:
    """A config that is another one under a second name (``why``)."""
    rel = osp.relpath(target, osp.dirname(path))
    return (f'# {why}\n# An alias of {target}: everything comes from '
            f'there.\n{HEADER}\n' +
            assign('_base_', [rel if rel.startswith('.') else f'./{rel}']))


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
        '--source-seeds 0 1 2 --seeds 0',
        '# Each cell lists the configs whose results it averages (per '
        '(source seed, seed),', '# then mean +- std over them); `paper` is '
        'the published value, where there is one.', HEADER
    ]
    for key in ('title', 'dataset', 'row_title', 'rows', 'columns', 'methods',
                'metric', 'paper_note', 'sources', 'needs', 'cells'):
        if key not in spec:
            continue
        value = pprint.pformat(spec[key], width=76, sort_dicts=False)
        lines.append(f'{key} = {value}')
    return '\n'.join(lines) + '\n'
