# Copyright (c) mmsocket contributors. All rights reserved.
"""The DFDD table: its runs read the teacher's run, its cells."""
import os.path as osp

import pytest

from mmsocket.apis import DFDDTable, format_dfdd_table, run_dfdd_table
from mmsocket.apis.dfdd_table import ABLATIONS, TABLE2, TABLE5, TEACHER


def test_every_student_run_reads_the_teacher_run():
    table = DFDDTable(seeds=[0, 1], ablation_seeds=[2])
    teacher_ckpt = osp.join(table.teacher.work_dir, 'teacher.pth')
    assert table.teacher.work_dir == 'work_dirs/dfdd/synthetic/' + TEACHER
    assert table.configs()[0] == TEACHER
    for config in table.configs()[1:]:
        runs = table.runs(config)
        assert [r.seed
                for r in runs] == ([2] if config in ABLATIONS else [0, 1])
        for run in runs:
            assert run.needs == (table.teacher, )
            assert run.work_dir.endswith(f'{config}/seed{run.seed}')
    cfg = table.runs('dfdd_r18w16-r18w8_sim')[0].build_config()
    assert cfg.model.teacher_ckpt == teacher_ckpt
    # A supervised student has no teacher: its config is left alone.
    assert 'teacher_ckpt' not in table.runs(
        'student_r18w8_real')[0].build_config().model
    with pytest.raises(ValueError, match='not configs of the table'):
        run_dfdd_table(only=['no-such-config'])


def _records(values):
    return [
        dict(
            seed=s,
            seconds=30.0,
            metrics=dict(abs_rel=v, delta1=1 - v, rmse=2 * v, log10=v / 10))
        for s, v in enumerate(values)
    ]


def test_format():
    results = {c: _records([0.3, 0.5]) for _, c, _ in TABLE2}
    results[TEACHER] = _records([0.25])
    results['kd-ood_r18w16-r18w8_sim'] = _records([0.4, 0.4])
    for _, c in TABLE5[1:]:
        results[c] = _records([0.35])
    text = format_dfdd_table(results, [0, 1], [0])
    lines = text.split('\n')
    # 15 runs of 30 s.
    assert 'total training+test time 7.5 min.' in lines[2]
    # One run: its value; two: mean ± sample std (0.1414 for 0.3, 0.5).
    assert '| Teacher | real | 0.250 | 0.750 | 0.500 | 0.025 | 1 |' in lines
    assert ('| Ours | sim | 0.400 ± 0.141 | 0.600 ± 0.141 | 0.800 ± 0.283 | '
            '0.040 ± 0.014 | 2 |') in lines
    assert '| Without G | 0.350 | 0.650 | 1 |' in lines
    # Ablation rows keep only the ablation seeds of Ours (seed 0: 0.3).
    assert '| Original (ours) | 0.300 | 0.700 | 1 |' in lines
    assert ('Ours - KD-OOD (means): REL +0.0000, δ1 +0.0000; ours has the '
            'lower REL in 1 of 2 seeds (same seed = same student init and '
            'data order).') in lines
