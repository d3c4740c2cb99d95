# Copyright (c) mmsocket contributors. All rights reserved.
"""run_table on the two-stage and depth-distillation specs, end to end on
tiny data: TGKT reads the TGMB run of its own replicate; the DFDD students
read the teacher of their source seed."""
import json
import os.path as osp

import pytest
from mmengine.config import Config

from mmsocket.apis import TableSpec, plan_runs, run_table
from tests.fixtures import write_tiny_dataset
from .test_run_table import ROOT, dump_tiny


def write_spec(path, **spec):
    path.write_text('\n'.join(f'{k} = {v!r}' for k, v in spec.items()))
    return str(path)


def test_generated_tgmb_spec_chains_each_replicate():
    spec = TableSpec(
        osp.join(ROOT, 'configs/tables/tgmb_table2_synthetic.py'),
        rows=['kv1'],
        columns=['kv1'])
    assert spec.methods == ['Source-only', 'SHOT', 'SOCKET', 'TGMB', 'TGKT']
    # Filtered to one cell: only the source model it reads is trained.
    assert list(
        spec.sources) == ['work_dirs/source/synthetic/kv1_rgb/source.pth']
    runs, test_only = plan_runs(spec, [0, 1], 'w', source_seeds=[5])
    by = {r.name: r for r in runs}
    for k in (0, 1):
        tgkt = by[f'configs/tgkt/synthetic/kv1_to_kv1.py source seed 5, '
                  f'seed {k}']
        (tgmb, ) = tgkt.needs
        assert tgmb.work_dir == osp.join('w', 'tgmb/synthetic/kv1_to_kv1',
                                         'source5', f'seed{k}')
        cfg = tgkt.build_config()
        assert cfg.model.translator_checkpoint == osp.join(
            tgmb.work_dir, 'tgmb.pth')
        assert [s.checkpoint for s in cfg.model.sources
                ] == ['work_dirs/source/synthetic/kv1_rgb/seed5/source.pth']
        # The needed run comes first.
        assert runs.index(tgmb) < runs.index(tgkt)
    assert sum(test_only.values()) == 1  # Source-only


@pytest.mark.slow
def test_tgmb_then_tgkt_spec_end_to_end(tmp_path, monkeypatch):
    data = tmp_path / 'data'
    write_tiny_dataset(str(data), per_class=4, ti_per_class=2, size=(12, 16))
    ckpt = 'work_dirs/src/source.pth'
    src = dump_tiny('configs/source/synthetic/kv1_rgb.py',
                    str(tmp_path / 'src.py'), str(data), 3)
    stages = {}
    for method in ('tgmb', 'tgkt'):
        cfg = Config.fromfile(
            dump_tiny(f'configs/{method}/synthetic/kv1_to_kv1.py',
                      str(tmp_path / f'{method}.py'), str(data), 3, ckpt))
        if method == 'tgmb':
            cfg.model.discriminator.update(in_channels=256, hidden_channels=8)
        else:  # the default work dir of tgmb.py, as generated configs do
            cfg.model.translator_checkpoint = 'work_dirs/tgmb/tgmb.pth'
        stages[method] = str(tmp_path / f'{method}.py')
        cfg.dump(stages[method])
    spec = write_spec(
        tmp_path / 'stages.py',
        title='tiny two-stage table',
        rows=['kv1'],
        columns=['kv1'],
        methods=['TGMB', 'TGKT'],
        sources={ckpt: src},
        needs={stages['tgkt']: [stages['tgmb']]},
        cells=[
            dict(row='kv1', column='kv1', method=m, configs=[stages[k]])
            for m, k in (('TGMB', 'tgmb'), ('TGKT', 'tgkt'))
        ])
    monkeypatch.chdir(tmp_path)
    assert run_table(spec, source_seeds=[0], seeds=[0, 1]) == 0
    work = tmp_path / 'work_dirs/tables/stages'
    for k in (0, 1):
        tgmb_dir = work / 'tgmb' / 'source0' / f'seed{k}'
        assert (tgmb_dir / 'tgmb.pth').is_file()
        tgkt_dir = work / 'tgkt' / 'source0' / f'seed{k}'
        cfg = Config.fromfile(str(tgkt_dir / 'tgkt.py'))  # mmengine's dump
        assert cfg.model.translator_checkpoint == osp.join(
            'work_dirs/tables/stages/tgmb/source0', f'seed{k}', 'tgmb.pth')
        assert cfg.model.sources[0].checkpoint == \
            'work_dirs/src/seed0/source.pth'
    saved = json.loads((work / 'table.json').read_text())
    assert {
        c['method']: len(c['values'])
        for c in saved['cells']
    } == dict(
        TGMB=2, TGKT=2)


@pytest.mark.slow
def test_dfdd_spec_end_to_end(tmp_path, monkeypatch):
    from mmsocket.synthetic import generate_depth_domains
    data = tmp_path / 'depth'
    generate_depth_domains(
        str(data), n_real_train=8, n_real_test=4, n_sim=8, workers=0)
    teacher = 'work_dirs/teacher/teacher.pth'  # default work dir of teacher
    paths = {}
    for name, config in (('teacher', 'teacher_r18w16_real'),
                         ('teacher_eval', 'teacher_r18w16_real_eval'),
                         ('kd_ood', 'kd-ood_r18w16-r18w8_sim'),
                         ('ours', 'dfdd_r18w16-r18w8_sim')):
        cfg = Config.fromfile(
            osp.join(ROOT, f'configs/dfdd/synthetic/{config}.py'))
        cfg.merge_from_dict(dict(data_root=str(data)))
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            if cfg.get(key):
                cfg[key].update(
                    num_workers=0, persistent_workers=False, batch_size=4)
        if cfg.get('train_cfg'):
            cfg.train_cfg.update(max_epochs=1, val_interval=1)
        if 'teacher_ckpt' in cfg.model:
            cfg.model.teacher_ckpt = teacher
        if cfg.get('load_from'):
            cfg.load_from = teacher
        cfg.pop('teacher_ckpt', None)
        paths[name] = str(tmp_path / f'{name}.py')
        cfg.dump(paths[name])
    metrics = [('REL', 'depth/abs_rel'), ('RMSE', 'depth/rmse')]
    rows = [('Teacher', 'teacher_eval'), ('KD-OOD', 'kd_ood'),
            ('Ours', 'ours')]
    spec = write_spec(
        tmp_path / 'depth_table.py',
        title='tiny depth table',
        row_title='method',
        rows=[r for r, _ in rows],
        columns=[c for c, _ in metrics],
        methods=['synthetic'],
        metric='depth/abs_rel',
        unit='depth metrics',
        digits=3,
        average=False,
        sources={teacher: paths['teacher']},
        cells=[
            dict(
                row=r,
                column=c,
                method='synthetic',
                configs=[paths[k]],
                metric=m) for r, k in rows for c, m in metrics
        ])
    monkeypatch.chdir(tmp_path)
    assert run_table(spec, source_seeds=[0, 1], seeds=[0]) == 0
    for s in (0, 1):
        assert (tmp_path / f'work_dirs/teacher/seed{s}/teacher.pth').is_file()
    work = tmp_path / 'work_dirs/tables/depth_table'
    cfg = Config.fromfile(str(work / 'ours/source1/seed0/ours.py'))
    assert cfg.model.teacher_ckpt == 'work_dirs/teacher/seed1/teacher.pth'
    md = (work / 'table.md').read_text()
    assert '| method | REL | RMSE |' in md and 'Average' not in md
    assert '3/3 cells complete' not in md and '6/6 cells complete' in md
    saved = json.loads((work / 'table.json').read_text())
    cells = {(c['row'], c['column']): c for c in saved['cells']}
    # The teacher row: the exported teacher of each source seed, evaluated.
    assert len(cells[('Teacher', 'REL')]['values']) == 2
    assert cells[('Teacher',
                  'REL')]['values'][0] != cells[('Teacher',
                                                 'REL')]['values'][1]
