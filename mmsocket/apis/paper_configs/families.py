# Copyright (c) mmsocket contributors. All rights reserved.
"""Which leaves exist: every source model, every transfer task with the
methods that run it and the paper numbers they cite, the TGMB/TGKT
ablations, and the cells of the SOCKET table specs."""
import itertools
from typing import Dict, List, Optional

from .leaves import (Task, ablation_leaf, alias_leaf, source_ckpt,
                     source_config, source_leaf, table_text, transfer_leaf)
from .settings import (ABLATION_TASKS, ABLATIONS, DATASETS, DOMAIN_NAMES,
                       DOMAINS, METHODS, MODALITY_NAMES, PAIRS, PAPER_NOTE,
                       SOCKET_T3, SOCKET_T4, SOCKET_T5, SOCKET_T6, SOCKET_T7,
                       STAND_IN_NOTE, TABLES, TGMB_COLUMNS, TGMB_T2, TGMB_T3)

ALL = ('unadapted', 'shot', 'socket', 'tgmb', 'tgkt')

#: Second names of configs: alias -> (config, why it exists).
ALIASES = {
    'configs/socket/kv1_to_kv1.py':
    ('configs/socket/sunrgbd/kv1_to_kv1.py',
     'SOCKET, SUN RGB-D Kinect v1 RGB -> Kinect v1 depth (Table 3): the '
     'entry point\n# of the design card, python tools/train.py '
     'configs/socket/kv1_to_kv1.py.'),
}


def socket_paper(table: int, values, names) -> str:
    return f'SOCKET Table {table}, ' + ', '.join(
        f'{n} {v}' for n, v in zip(names, values))


def tgmb_paper(table: int, values) -> str:
    return f'TGMB Table {table}, ' + ' / '.join(
        f'{n} {v}' for n, v in zip(TGMB_COLUMNS, values))


class Tables:
    """The SOCKET table specs, filled cell by cell with the leaves."""

    def __init__(self):
        self.specs: Dict[str, dict] = {}

    def add(self,
            table: str,
            task: Task,
            row: str,
            column: str,
            method: str,
            leaves: List[str],
            paper: Optional[float],
            needs: Optional[Dict[str, List[str]]] = None) -> None:
        """One cell: the mean of ``leaves``' results (they run ``task`` or,
        for Table 7's cross-domain cell, tasks from the same sources);
        ``needs``: leaf -> the leaves whose output it reads."""
        name = f'{table}_{task.dataset}'
        if name not in self.specs:
            t = TABLES[table]
            self.specs[name] = dict(
                title=f'{t["title"]}, '
                f'{DATASETS[task.dataset]["title"]} (top-1 %)',
                dataset=task.dataset,
                row_title=t['row_title'],
                rows=list(t['rows']),
                columns=list(t['columns']),
                methods=list(t['methods']),
                metric='accuracy/top1',
                paper_note=PAPER_NOTE
                if DATASETS[task.dataset]['paper'] else STAND_IN_NOTE,
                cells=[],
                sources={})
        spec = self.specs[name]
        cell = dict(row=row, column=column, method=method, configs=leaves)
        if paper is not None:
            cell['paper'] = paper
        spec['cells'].append(cell)
        if needs:
            spec.setdefault('needs', {}).update(needs)
        for n in task.sources:
            spec['sources'][source_ckpt(task.dataset,
                                        n)] = source_config(task.dataset, n)


def leaf_path(method: str, task: Task) -> str:
    return f'configs/{method}/{task.dataset}/{task.name}.py'


def domain_task(dataset: str,
                srcs,
                tgt: str,
                modality: str = 'depth',
                **papers: Optional[str]) -> Task:
    """``srcs`` RGB -> ``tgt`` in ``modality`` (depth, or RGB across
    domains: Table 7); ``papers``: method -> paper note, if any."""
    suffix = '' if modality == 'depth' else f'_{modality}'
    return Task(
        dataset=dataset,
        name=f'{"+".join(srcs)}_to_{tgt}{suffix}',
        title=(' + '.join(DOMAIN_NAMES[s] for s in srcs) +
               f' RGB -> {DOMAIN_NAMES[tgt]} {MODALITY_NAMES[modality]}'),
        sources=[f'{s}_rgb' for s in srcs],
        domain=tgt,
        target_modality=None if modality == 'depth' else modality,
        papers={
            k: v
            for k, v in papers.items() if v
        })


def domain_tasks(dataset: str, tables: Tables) -> List[Task]:
    """SOCKET Tables 3, 4 and 7 and TGMB Table 2, on a data set of sensor
    domains (the synthetic one carries no paper numbers)."""
    cite = DATASETS[dataset]['paper']
    out = []
    names = TABLES['socket_table3']['methods']
    for s, t in itertools.product(DOMAINS, DOMAINS):
        paper = SOCKET_T3[s][t]
        note = socket_paper(3, paper, names) if cite else None
        tgmb = tgmb_paper(2, TGMB_T2[s][t]) if cite else None
        task = domain_task(
            dataset, [s],
            t,
            unadapted=note,
            shot=note,
            socket=note,
            tgmb=tgmb,
            tgkt=tgmb)
        task.methods = ALL
        out.append(task)
        for m, value in zip(('unadapted', 'shot', 'socket'), paper):
            tables.add('socket_table3', task, s, t, METHODS[m]['title'],
                       [leaf_path(m, task)], value)
        stages = {leaf_path('tgkt', task): [leaf_path('tgmb', task)]}
        for column, m, value in zip(
                TGMB_COLUMNS, ('unadapted', 'shot', 'socket', 'tgmb', 'tgkt'),
                TGMB_T2[s][t]):
            tables.add('tgmb_table2', task, s, t, column, [leaf_path(m, task)],
                       value, stages)
    names = TABLES['socket_table4']['methods']
    for (a, b), t in itertools.product(PAIRS, DOMAINS):
        paper = SOCKET_T4[f'{a}+{b}'][t]
        note = socket_paper(4, paper, names) if cite else None
        task = domain_task(dataset, [a, b], t, decision=note, socket=note)
        # TGMB/TGKT with two sources are our extension: CPU scale only.
        task.methods = ('decision', 'socket') + (() if cite else
                                                 ('tgmb', 'tgkt'))
        out.append(task)
        for m, value in zip(('decision', 'socket'), paper):
            tables.add('socket_table4', task, f'{a}+{b}', t,
                       METHODS[m]['title'], [leaf_path(m, task)], value)
        if not cite:
            stages = {leaf_path('tgkt', task): [leaf_path('tgmb', task)]}
            for m in task.methods:
                tables.add('tgmb_two_source', task, f'{a}+{b}', t,
                           METHODS[m]['title'], [leaf_path(m, task)], None,
                           stages)
    note = ('SOCKET Table 7 (cross-domain SHOT, mean over the other three '
            'domains)') if cite else None
    for s in DOMAINS:
        others = [
            domain_task(dataset, [s], t, 'rgb', unadapted=note, shot=note)
            for t in DOMAINS if t != s
        ]
        for task in others:
            task.methods = ('unadapted', 'shot')
        out += others
        own, paper = domain_task(dataset, [s], s), SOCKET_T7[s]
        tables.add('socket_table7', own, s, 'Cross-Modal', 'SHOT',
                   [leaf_path('shot', own)], paper[0])
        tables.add('socket_table7', own, s, 'Cross-Domain', 'SHOT',
                   [leaf_path('shot', t) for t in others], paper[1])
    return out


def diml_tasks(tables: Tables) -> List[Task]:
    """SOCKET Table 5 and TGMB Table 3 (DIML): TI pairs from DIML or from
    SUN RGB-D."""
    tgmb = tgmb_paper(3, TGMB_T3['diml'])
    own = Task(
        'diml',
        'rgb_to_depth',
        'RGB -> depth', ['rgb'],
        methods=ALL,
        papers=dict(tgmb=tgmb, tgkt=tgmb))
    sun = Task(
        'diml',
        'rgb_to_depth_ti_sunrgbd',
        'RGB -> depth, task-irrelevant pairs from SUN RGB-D', ['rgb'],
        methods=('socket', 'tgmb', 'tgkt'),
        ti_data_root='data/sunrgbd',
        ti_note=('Task-irrelevant pairs from SUN RGB-D instead (the same '
                 '1709 pairs as\n# the SUN RGB-D experiments; python '
                 'tools/dataset_converters/sunrgbd.py).'))
    for task, m, column in zip((own, own, own, sun),
                               ('unadapted', 'shot', 'socket', 'socket'),
                               SOCKET_T5):
        task.papers[m] = f'SOCKET Table 5, {column} {SOCKET_T5[column]}'
        tables.add('socket_table5', task, 'RGB->Depth', column, 'top-1',
                   [leaf_path(m, task)], SOCKET_T5[column])
    return [own, sun]


def rgb_nir_tasks(tables: Tables) -> List[Task]:
    """SOCKET Table 6 and TGMB Table 3 (RGB-NIR Scene), both directions."""
    out = []
    for src, tgt in (('rgb', 'nir'), ('nir', 'rgb')):
        task = Task(
            'rgb_nir',
            f'{src}_to_{tgt}',
            f'{src.upper()} -> {tgt.upper()}', [src],
            methods=ALL,
            source_modality=src)
        if src == 'rgb':  # the TGMB paper has RGB -> NIR only
            task.papers['tgmb'] = task.papers['tgkt'] = tgmb_paper(
                3, TGMB_T3['rgb_nir'])
        for m, value in zip(('unadapted', 'shot', 'socket'),
                            SOCKET_T6[task.name]):
            title = METHODS[m]['title']
            task.papers[m] = f'SOCKET Table 6, {title} {value}'
            tables.add('socket_table6', task, f'{src.upper()}->{tgt.upper()}',
                       title, 'top-1', [leaf_path(m, task)], value)
        out.append(task)
    return out


def own_tasks() -> List[Task]:
    """The user's own converted data: RGB -> the target modality of its
    data base (depth unless ``target_modality`` says otherwise); DECISION
    too, for several sources (tools/adapt.py gives it them)."""
    return [
        Task(
            'own',
            'rgb_to_depth',
            'RGB -> depth (or NIR)', ['rgb'],
            methods=ALL + ('decision', ))
    ]


def build_configs(root: str) -> Dict[str, str]:
    """Every generated file: repository-relative path -> text (before
    yapf). ``root`` is the repository (its method bases are read)."""
    files: Dict[str, str] = {}
    tables = Tables()
    tasks = diml_tasks(tables) + rgb_nir_tasks(tables) + own_tasks()
    for dataset, ds in DATASETS.items():
        for d in ds['domains'] or [None]:
            for modality in ds['source_modalities']:
                name = f'{d}_{modality}' if d else modality
                files[source_config(dataset,
                                    name)] = source_leaf(dataset, d, modality)
        if not ds['domains']:
            continue
        tasks += domain_tasks(dataset, tables)
        for method, variants in ABLATIONS.items():
            for task in ABLATION_TASKS:
                for v, (note, off) in variants.items():
                    path = f'configs/{method}/{dataset}/ablation/{task}_{v}.py'
                    files[path] = ablation_leaf(method, dataset, task, note,
                                                off)
    for task in tasks:
        for m in task.methods:
            files[leaf_path(m, task)] = transfer_leaf(m, task)
    for name, spec in sorted(tables.specs.items()):
        files[f'configs/tables/{name}.py'] = table_text(name, spec)
    for alias, (target, why) in ALIASES.items():
        files[alias] = alias_leaf(alias, target, why)
    return files
