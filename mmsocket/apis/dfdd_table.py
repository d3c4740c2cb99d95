# Copyright (c) mmsocket contributors. All rights reserved.
"""The synthetic analogue of Tables II and V of data-free dense depth
distillation.

Trains the teacher once (seed 0) on the "real" synthetic domain, then every
row over the given seeds, each student reading that teacher. Each run writes
``result.json`` into ``work_dirs/dfdd/synthetic/<config>/seed<k>`` (the
teacher: ``.../<config>``); finished runs are skipped, so a killed table
resumes. The table reports REL, delta1 (mean ± sample std over seeds), RMSE
and log10.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.config import Config

from ..utils import register_all_modules
from .runs import Run, execute_all
from .table_format import markdown_table, mean_std

CFG_DIR = 'configs/dfdd/synthetic'
WORK_ROOT = 'work_dirs/dfdd/synthetic'
TEACHER = 'teacher_r18w16_real'
# (row label, config, data) in Table II order, then Table V.
TABLE2 = [
    ('Teacher', TEACHER, 'real'),
    ('Student', 'student_r18w8_real', 'real'),
    ('Random noise', 'kd-noise_r18w16-r18w8', 'none'),
    ('DFAD', 'dfad_r18w16-r18w8', 'none'),
    ('KD-OOD', 'kd-ood_r18w16-r18w8_sim', 'sim'),
    ('Ours', 'dfdd_r18w16-r18w8_sim', 'sim'),
]
TABLE5 = [
    ('Original (ours)', 'dfdd_r18w16-r18w8_sim'),
    ('Without l_rec', 'dfdd-no-rec_r18w16-r18w8_sim'),
    ('Without G', 'dfdd-no-g_r18w16-r18w8_sim'),
    ('Without image mixing', 'dfdd-no-mix_r18w16-r18w8_sim'),
    ('With G(x\')', 'dfdd-with-gx_r18w16-r18w8_sim'),
]
ABLATIONS = [c for _, c in TABLE5[1:]]


def short(metrics: dict) -> dict:
    """``depth/abs_rel`` -> ``abs_rel``."""
    return {k.split('/')[-1]: v for k, v in metrics.items()}


def describe(metrics: dict) -> str:
    m = short(metrics)
    return f'REL {m["abs_rel"]:.4f} delta1 {m["delta1"]:.4f}'


class DFDDTable:
    """The runs of the table: the teacher, then each config over seeds."""

    def __init__(
        self,
        seeds: Sequence[int] = (0, 1, 2),
        ablation_seeds: Sequence[int] = (0, )
    ) -> None:
        self.seeds = list(seeds)
        self.ablation_seeds = list(ablation_seeds)
        self.teacher = Run(
            osp.join(CFG_DIR, TEACHER + '.py'),
            osp.join(WORK_ROOT, TEACHER),
            seed=0,
            label=f'{TEACHER} seed 0')
        self._runs: Dict[str, List[Run]] = {TEACHER: [self.teacher]}

    def seeds_of(self, config: str) -> List[int]:
        if config == TEACHER:
            return [0]
        return self.ablation_seeds if config in ABLATIONS else self.seeds

    def runs(self, config: str) -> List[Run]:
        """The runs of ``config`` (a name in ``configs/dfdd/synthetic``)."""
        if config not in self._runs:
            ckpt = osp.join(self.teacher.work_dir, 'teacher.pth')

            def read_teacher(cfg: Config) -> None:
                if 'teacher_ckpt' in cfg.model:
                    cfg.model.teacher_ckpt = ckpt

            self._runs[config] = [
                Run(osp.join(CFG_DIR, config + '.py'),
                    osp.join(WORK_ROOT, config, f'seed{s}'),
                    seed=s,
                    label=f'{config} seed {s}',
                    edits=(read_teacher, ),
                    needs=(self.teacher, )) for s in self.seeds_of(config)
            ]
        return self._runs[config]

    def configs(self) -> List[str]:
        """Every config of the table, teacher first."""
        return [c for _, c, _ in TABLE2] + (
            ABLATIONS if self.ablation_seeds else [])

    def markdown(self, records: Dict[Run, dict]) -> str:
        """The table from the records of :func:`execute_all`."""
        results = {
            c: [
                dict(records[r], metrics=short(records[r]['metrics']))
                for r in self.runs(c)
            ]
            for c in self.configs()
        }
        return format_dfdd_table(results, self.seeds, self.ablation_seeds)


def _col(results: List[dict], key: str) -> List[float]:
    return [r['metrics'][key] for r in results]


def _cell(results: List[dict], key: str) -> str:
    return mean_std(_col(results, key), 3, ddof=1, single=True)


def format_dfdd_table(results: Dict[str, List[dict]], seeds: Sequence[int],
                      ablation_seeds: Sequence[int]) -> str:
    """The table from each config's records (metrics with short keys)."""
    total = sum(r['seconds'] for rs in results.values() for r in rs)
    lines = [
        '# Data-free dense depth distillation, synthetic domains', '',
        'Teacher: MFF depth net, ResNet-18 w16 (1.50 M params), trained '
        'once (seed 0) on the "real" domain with ground truth. Student: '
        'ResNet-18 w8 (0.38 M). Evaluation: the real test split (150 '
        'images, 64x48 centre crops). Mean ± sample std over seeds '
        f'{list(seeds)} (teacher: one run). Command: '
        '`python tools/analysis/run_dfdd_table.py`; '
        f'total training+test time {total / 60:.1f} min.', ''
    ]
    lines += markdown_table([
        'method', 'data', 'REL ↓', 'δ1 ↑', 'RMSE ↓', 'log10 ↓', 'runs'
    ], [[label, data] +
        [_cell(results[c], k)
         for k in ('abs_rel', 'delta1', 'rmse', 'log10')] + [len(results[c])]
        for label, c, data in TABLE2])
    if ablation_seeds:
        lines += [
            '', '## Ablations (Table V)', '',
            f'Seeds {list(ablation_seeds)} (the "Original" row: the '
            'same seeds of Ours).', ''
        ]
        rows = []
        for label, config in TABLE5:
            rs = [r for r in results[config] if r['seed'] in ablation_seeds]
            rows.append(
                [label,
                 _cell(rs, 'abs_rel'),
                 _cell(rs, 'delta1'),
                 len(rs)])
        lines += markdown_table(['variant', 'REL ↓', 'δ1 ↑', 'runs'], rows)
    ours, ood = results[TABLE2[-1][1]], results[TABLE2[-2][1]]
    d_rel = np.mean(_col(ours, 'abs_rel')) - np.mean(_col(ood, 'abs_rel'))
    d_d1 = np.mean(_col(ours, 'delta1')) - np.mean(_col(ood, 'delta1'))
    wins = sum(o['metrics']['abs_rel'] < k['metrics']['abs_rel']
               for o, k in zip(ours, ood))
    lines += [
        '', f'Ours - KD-OOD (means): REL {d_rel:+.4f}, δ1 '
        f'{d_d1:+.4f}; ours has the lower REL in {wins} of '
        f'{len(ours)} seeds (same seed = same student init and data '
        'order).', ''
    ]
    return '\n'.join(lines)


def run_dfdd_table(seeds: Sequence[int] = (0, 1, 2),
                   ablation_seeds: Sequence[int] = (0, ),
                   out: Optional[str] = 'work_dirs/dfdd_table.md',
                   only: Optional[Sequence[str]] = None) -> int:
    """Run the table's missing runs and write it to ``out``.

    ``only``: run just these configs (and the teacher they read) and skip
    the table, so that a shell loop can take a shared lock per config.
    Returns 1 if a run failed.
    """
    register_all_modules()
    table = DFDDTable(seeds, ablation_seeds)
    configs = list(only) if only else table.configs()
    unknown = sorted(set(configs) - {c for _, c, _ in TABLE2} - set(ABLATIONS))
    if unknown:
        raise ValueError(f'{unknown} are not configs of the table; choose '
                         f'among {table.configs()}')
    runs = [table.teacher
            ] + [r for c in configs if c != TEACHER for r in table.runs(c)]

    def log(msg: str) -> None:
        print(f'[run_dfdd_table] {msg}', flush=True)

    records, failures = execute_all(runs, describe, log)
    if failures:
        log(f'{len(failures)} runs failed:\n  ' + '\n  '.join(failures))
        return 1
    if only:
        return 0
    text = table.markdown(records)
    with open(out, 'w') as f:
        f.write(text)
    print(text)
    return 0
