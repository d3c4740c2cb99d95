# Copyright (c) mmsocket contributors. All rights reserved.
"""When does L_TI help? SOCKET's loss weights and L_TI's form, swept.

A grid of the kind of the SOCKET paper's Table 9: λ_TI and λ_d over
{0, 0.1, 0.25, 0.5, 1.0} (the other at the paper's 0.5), L_TI in the
official code's form, the paper's (eq. 2) and a scale-normalised one
(``TIFeatureLoss`` mode ``'mse'``), with Unadapted and SHOT beside them, on
one or more paired data sets. Every setting runs on a source model per
source seed (trained once, reused), so its mean ± std covers the whole
chain. The runs go through :func:`.runs.execute_all` (resume via
``result.json``, failures in ``error.txt``).
"""
import json
import os
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence, Tuple

from ..utils import register_all_modules
from .experiment import read_result
from .runs import Run, describe_metric, execute_all, log_flush, train_source
from .table_format import markdown_table, mean_std, per_seed
from .table_spec import redirect_paths, replicates

SOCKET = 'configs/socket/synthetic/kv1_to_kv1.py'
SOURCE = 'configs/source/synthetic/kv1_rgb.py'
SOURCE_CKPT = 'work_dirs/source/synthetic/kv1_rgb/source.pth'
PAPER = dict(ti=0.5, d=0.5, mode='code')


def socket_setting(ti: float = 0.5, d: float = 0.5, mode: str = 'code'):
    """The label and the options of one SOCKET setting."""
    label = f'SOCKET λ_TI {ti} ({mode}), λ_d {d}'
    if dict(ti=ti, d=d, mode=mode) == PAPER:
        label += ' [paper]'
    return label, (SOCKET, {
        'model.ti_feature_loss.loss_weight': ti,
        'model.ti_feature_loss.mode': mode,
        'model.bn_moment_loss.loss_weight': d
    })


WEIGHTS = (0.0, 0.1, 0.25, 0.5, 1.0)
# label -> (config, options), in table order.
SETTINGS: Dict[str, Tuple[str, dict]] = dict([
    ('Unadapted', ('configs/unadapted/synthetic/kv1_to_kv1.py', {})),
    ('SHOT', ('configs/shot/synthetic/kv1_to_kv1.py', {})),
    *(socket_setting(ti=w) for w in WEIGHTS),
    *(socket_setting(d=w) for w in WEIGHTS if w != 0.5),
    *(socket_setting(ti=w, mode='paper') for w in (0.1, 0.5)),
    # The mse form's gradient has norm 2 ||D||_F / (B D) against the code
    # form's 1: with the ||D||_F ~ 110 measured on Shapes RGB-D (B 32, D 256)
    # that is ~1/37, so 20 puts it near the code form's scale at 0.5.
    *(socket_setting(ti=w, mode='mse') for w in (0.5, 1.0, 20.0)),
])

# The data sets: name -> (title, the settings that point the synthetic
# configs at it).
DATASETS = dict(
    synthetic=('synthetic benchmark, kv1 RGB -> kv1 depth (12 classes)', {}),
    shapes=('Shapes RGB-D, kv1 RGB -> depth (8 classes: 4 by geometry, 4 by '
            'colour only)',
            dict(
                data_root='data/shapes_rgbd',
                num_classes=None,
                depth_range=None)),
)


def slug(label: str) -> str:
    """A folder name for a setting label."""
    keep = label.replace('λ_', '').replace(' [paper]', '')
    text = ''.join(c if c.isalnum() or c in '.-' else ' ' for c in keep)
    return '_'.join(text.split())


class Sensitivity:
    """The runs of the study and its table.

    Args:
        datasets: Keys of :data:`DATASETS`.
        source_seeds: One source model per seed and data set.
        seeds: Adaptation seeds, run on every source model.
        settings: Labels of :data:`SETTINGS` (default: all).
        work_dir (str): Where everything goes.
        data_roots (dict, optional): Data set -> its ``data_root``.
    """

    def __init__(self,
                 datasets: Sequence[str] = tuple(DATASETS),
                 source_seeds: Sequence[int] = (0, 1, 2),
                 seeds: Sequence[int] = (0, ),
                 settings: Optional[Sequence[str]] = None,
                 work_dir: str = 'work_dirs/ti_sensitivity',
                 data_roots: Optional[Dict[str, str]] = None) -> None:
        for what, given, known in (('datasets', datasets, DATASETS),
                                   ('settings', settings or [], SETTINGS)):
            unknown = sorted(set(given) - set(known))
            if unknown:
                raise ValueError(f'{what} {unknown} unknown; choose among '
                                 f'{list(known)}')
        self.datasets = list(datasets)
        self.source_seeds = list(source_seeds)
        self.seeds = list(seeds)
        self.settings = [s for s in SETTINGS if s in (settings or SETTINGS)]
        self.work_dir = work_dir
        roots = data_roots or {}
        self.options = {}
        for name in self.datasets:
            self.options[name] = dict(DATASETS[name][1])
            if name in roots:
                self.options[name]['data_root'] = roots[name]

    def source_ckpt(self, dataset: str, source_seed: int) -> str:
        return osp.join(self.work_dir, dataset, 'source', f'seed{source_seed}',
                        'source.pth')

    def source_run(self, dataset: str, source_seed: int) -> Run:
        return Run(
            SOURCE,
            osp.dirname(self.source_ckpt(dataset, source_seed)),
            seed=source_seed,
            label=f'{dataset} source seed {source_seed}',
            cfg_options=self.options[dataset])

    def run(self, dataset: str, label: str, source_seed: int,
            seed: int) -> Run:
        """One setting on one replicate (evaluation-only: seed ignored)."""
        config, options = SETTINGS[label]
        test_only = label == 'Unadapted'
        seed = self.seeds[0] if test_only else seed
        return Run(
            config,
            osp.join(self.work_dir, dataset, slug(label),
                     f'source{source_seed}', f'seed{seed}'),
            seed=seed,
            label=f'{dataset}: {label}, source seed {source_seed}, seed '
            f'{seed}',
            cfg_options=dict(self.options[dataset], **options),
            edits=(redirect_paths(
                {SOURCE_CKPT: self.source_ckpt(dataset, source_seed)}), ))

    def runs(self) -> List[Run]:
        """Every run, unique (Unadapted once per source model)."""
        seen: Dict[str, Run] = {}
        for dataset in self.datasets:
            for label in self.settings:
                for s, k in replicates(self.source_seeds, self.seeds):
                    run = self.run(dataset, label, s, k)
                    seen.setdefault(run.work_dir, run)
        return list(seen.values())

    def values(self, dataset: str, label: str) -> Optional[List[float]]:
        """Top-1 per replicate, or None while a run is missing."""
        out = []
        for s, k in replicates(self.source_seeds, self.seeds):
            record = read_result(self.run(dataset, label, s, k).work_dir)
            if record is None:
                return None
            out.append(record['metrics']['accuracy/top1'])
        return out

    def table(self) -> str:
        reps = replicates(self.source_seeds, self.seeds)
        reps = ' / '.join(f'{s}/{k}' for s, k in reps)
        lines = [
            '## When does L_TI help? SOCKET loss weights and L_TI forms', '',
            f'Top-1 (%), mean ± std (ddof 0) over source seeds '
            f'{self.source_seeds} x adaptation seeds {self.seeds}; runs '
            f'(source seed/seed) {reps}.', ''
        ]
        rows = []
        for label in self.settings:
            row = [label]
            for dataset in self.datasets:
                v = self.values(dataset, label)
                row += ['—', '—'] if v is None else [mean_std(v), per_seed(v)]
            rows.append(row)
        heads = ['setting']
        for dataset in self.datasets:
            heads += [f'{dataset}', f'{dataset} per run']
        lines += markdown_table(heads, rows)
        lines += [''] + [
            f'- {name}: {DATASETS[name][0]}' for name in self.datasets
        ]
        return '\n'.join(lines) + '\n'


def run_ti_sensitivity(collect: bool = False,
                       num_workers: int = 0,
                       verbose: bool = False,
                       log=log_flush,
                       **kwargs) -> int:
    """Train the missing source models and runs, then write the table to
    ``<work_dir>/sensitivity.md`` (and ``.json``). 1 if a run failed."""
    study = Sensitivity(**kwargs)
    register_all_modules(init_default_scope=True)
    prepare = dict(
        num_workers=num_workers, log_level='INFO' if verbose else 'WARNING')
    failures: List[str] = []
    if not collect:
        start = time.time()
        for dataset in study.datasets:
            for s in study.source_seeds:
                ckpt = study.source_ckpt(dataset, s)
                if not osp.isfile(ckpt):
                    log(f'[source] {dataset} source seed {s} -> {ckpt}')
                    train_source(study.source_run(dataset, s), ckpt, **prepare)
        _, failures = execute_all(study.runs(),
                                  describe_metric('accuracy/top1'), log,
                                  **prepare)
        log(f'{(time.time() - start) / 60:.1f} min')
    text = study.table()
    log('\n' + text)
    os.makedirs(study.work_dir, exist_ok=True)
    with open(osp.join(study.work_dir, 'sensitivity.md'), 'w') as f:
        f.write(text)
    with open(osp.join(study.work_dir, 'sensitivity.json'), 'w') as f:
        json.dump(
            dict(
                source_seeds=study.source_seeds,
                seeds=study.seeds,
                values={
                    d: {
                        label: study.values(d, label)
                        for label in study.settings
                    }
                    for d in study.datasets
                }),
            f,
            indent=1)
    if failures:
        log(f'{len(failures)} runs failed:\n  ' + '\n  '.join(failures))
        return 1
    return 0
