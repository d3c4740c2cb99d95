"""The grid runner: runs a table's cells over seeds, resumes, renders."""
import json
import os.path as osp

import pytest
from mmengine.config import Config

from mmsocket.apis import run_table
from tests.fixtures import write_tiny_dataset
from tests.test_engine.test_socket_runner import tiny

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def dump_tiny(src: str,
              dst: str,
              data_root: str,
              num_classes: int,
              ckpt: str = None) -> str:
    cfg = tiny(
        Config.fromfile(osp.join(ROOT, src)), data_root, 'unused', 'unused')
    models = [s.model for s in cfg.model.sources] if 'sources' in cfg.model \
        else [cfg.model]
    for m in models:  # read from the data by tiny()
        assert m.head.num_classes == num_classes
    if 'sources' in cfg.model:
        for s in cfg.model.sources:
            s.checkpoint = ckpt
    elif not cfg.get('train_dataloader'):
        cfg.load_from = ckpt
    if cfg.get('train_cfg'):
        cfg.train_cfg.update(max_epochs=1, val_interval=1)
    for key in ('work_dir', 'experiment_name'):
        cfg.pop(key, None)
    cfg.dump(dst)
    return dst


CKPT = 'work_dirs/src/source.pth'  # default work dir of src.py, from cwd


def tiny_table_configs(root) -> dict:
    """A tiny data set in ``root/data`` and the three configs of a one-cell
    grid on it (3 classes): its source model, Unadapted and SHOT."""
    data = str(root / 'data')
    write_tiny_dataset(data, per_class=4, ti_per_class=2, size=(12, 16))
    return dict(
        src=dump_tiny('configs/source/synthetic/kv1_rgb.py',
                      str(root / 'src.py'), data, 3),
        unadapted=dump_tiny('configs/unadapted/synthetic/kv1_to_kv1.py',
                            str(root / 'unadapted.py'), data, 3, CKPT),
        shot=dump_tiny('configs/shot/synthetic/kv1_to_kv1.py',
                       str(root / 'shot.py'), data, 3, CKPT))


def write_tiny_table_spec(path, paths: dict, shot_config: str = None) -> str:
    """The table spec of that grid (kv1 -> kv1, Unadapted and SHOT; SHOT
    from ``shot_config`` if given) written to ``path``."""
    spec = dict(
        title='tiny table',
        row_title='Source',
        rows=['kv1'],
        columns=['kv1'],
        methods=['Unadapted', 'SHOT'],
        metric='accuracy/top1',
        sources={CKPT: paths['src']},
        cells=[
            dict(
                row='kv1',
                column='kv1',
                method='Unadapted',
                configs=[paths['unadapted']],
                paper=14.8),
            dict(
                row='kv1',
                column='kv1',
                method='SHOT',
                configs=[shot_config or paths['shot']],
                paper=16.7),
        ])
    path.write_text('\n'.join(f'{k} = {v!r}' for k, v in spec.items()))
    return str(path)


@pytest.fixture(scope='module')
def table(tmp_path_factory):
    root = tmp_path_factory.mktemp('grid')
    paths = tiny_table_configs(root)
    return root, write_tiny_table_spec(root / 'tiny_table.py', paths), paths


def test_plan_reads_the_source_model_of_its_source_seed(table):
    """Every run of a replicate reads the checkpoints of its source seed;
    evaluation-only configs run once per source seed."""
    from mmsocket.apis import TableSpec, plan_runs
    _, spec, paths = table
    runs, test_only = plan_runs(
        TableSpec(spec), [0, 1], 'w', source_seeds=[3, 4])
    assert test_only == {paths['unadapted']: True, paths['shot']: False}
    assert [r.name for r in runs] == [
        f'{paths["unadapted"]} source seed 3, seed 0',
        f'{paths["unadapted"]} source seed 4, seed 0',
    ] + [
        f'{paths["shot"]} source seed {s}, seed {k}' for s in (3, 4)
        for k in (0, 1)
    ]
    unadapted = runs[1].build_config()
    assert unadapted.load_from == 'work_dirs/src/seed4/source.pth'
    assert runs[1].work_dir == osp.join('w', 'unadapted', 'source4', 'seed0')
    shot = runs[3].build_config()
    assert [s.checkpoint
            for s in shot.model.sources] == ['work_dirs/src/seed3/source.pth']
    assert shot.randomness.seed == 1
    # Without source seeds: the checkpoints the spec names, as before.
    runs, _ = plan_runs(TableSpec(spec), [0], 'w', source_seeds=[None])
    assert runs[0].build_config().load_from == 'work_dirs/src/source.pth'
    assert runs[0].work_dir == osp.join('w', 'unadapted', 'seed0')


@pytest.mark.slow
def test_runs_every_cell_then_resumes(table, monkeypatch, capsys):
    import torch
    root, spec, paths = table
    monkeypatch.chdir(root)
    assert run_table(spec, source_seeds=[0, 1], seeds=[0, 1]) == 0
    out = capsys.readouterr().out
    assert out.count('[source]') == 2
    # One source model per source seed, trained with that seed.
    weights = [
        torch.load(f'work_dirs/src/seed{s}/source.pth',
                   weights_only=False)['state_dict'] for s in (0, 1)
    ]
    key = next(k for k in weights[0] if k.endswith('weight'))
    assert not torch.equal(weights[0][key], weights[1][key])
    work = root / 'work_dirs' / 'tables' / 'tiny_table'

    def done(name):
        return sorted(
            str(p.parent.relative_to(work / name))
            for p in (work / name).rglob('result.json'))

    # Unadapted is evaluation-only: one run per source model; SHOT one run
    # per (source seed, seed).
    assert done('unadapted') == ['source0/seed0', 'source1/seed0']
    assert done('shot') == [
        'source0/seed0', 'source0/seed1', 'source1/seed0', 'source1/seed1'
    ]
    saved = json.loads((work / 'table.json').read_text())
    assert saved['source_seeds'] == [0, 1] and saved['seeds'] == [0, 1]
    cells = {c['method']: c for c in saved['cells']}
    assert len(cells['SHOT']['values']) == 4
    assert len(cells['Unadapted']['values']) == 4
    assert cells['SHOT']['paper'] == 16.7
    md = (work / 'table.md').read_text()
    assert 'over source seeds [0, 1] x seeds [0, 1]' in md
    assert '| Source | kv1 Unadapted | kv1 SHOT |' in md
    assert '2/2 cells complete' in md and "Paper (the authors' numbers)" in md
    # A second call finds every run done and trains nothing.
    assert run_table(spec, source_seeds=[0, 1], seeds=[0, 1]) == 0
    out = capsys.readouterr().out
    assert '6 runs, 6 already done' in out and '[source]' not in out
    # --collect renders the same table without running anything.
    assert run_table(
        spec, source_seeds=[0, 1], seeds=[0, 1], collect=True) == 0
    assert (work / 'table.md').read_text() == md


@pytest.mark.slow
def test_failed_run_is_reported_and_others_kept(table, monkeypatch, capsys):
    root, spec, paths = table
    monkeypatch.chdir(root)
    cfg = Config.fromfile(paths['shot'])
    cfg.train_dataloader.dataset.streams.target.ann_file = 'missing.json'
    broken = str(root / 'broken.py')
    cfg.dump(broken)
    spec_cfg = Config.fromfile(spec)
    cells = list(spec_cfg.cells)
    cells[1] = dict(cells[1], configs=[broken])
    bad_spec = root / 'bad_table.py'
    bad_spec.write_text('\n'.join(
        f'{k} = {v!r}'
        for k, v in dict(spec_cfg.to_dict(), cells=cells).items()))
    assert run_table(str(bad_spec), source_seeds=None, seeds=[0]) == 1
    out = capsys.readouterr().out
    assert 'FAILED' in out and '1 runs failed' in out
    err = root / 'work_dirs/tables/bad_table/broken/seed0/error.txt'
    assert 'missing.json' in err.read_text()
    md = (root / 'work_dirs/tables/bad_table/table.md').read_text()
    assert '1/2 cells complete' in md


def test_bad_filters_and_specs_give_clear_errors(table, tmp_path):
    _, spec, _ = table
    with pytest.raises(ValueError, match=r"rows \['kv9'\] not in"):
        run_table(spec, rows=['kv9'], dry_run=True)
    not_a_spec = tmp_path / 'x.py'
    not_a_spec.write_text('a = 1\n')
    with pytest.raises(ValueError, match='not a table spec'):
        run_table(str(not_a_spec))
    with pytest.raises(ValueError, match='0 <= i < n'):
        run_table(spec, shard='3/2')


@pytest.mark.slow
def test_cli_lists_the_runs(table, tmp_path):
    """tools/analysis/run_table.py maps its options onto run_table."""
    from toy_parts import run_checked
    _, spec, _ = table
    out = run_checked([
        osp.join(ROOT, 'tools', 'analysis',
                 'run_table.py'), spec, '--source-seeds', '0', '1', '--seeds',
        '0', '1', '--dry-run', '--work-dir',
        str(tmp_path / 'empty')
    ],
                      cwd=str(tmp_path))
    todo = [line for line in out.splitlines() if line[:4] == 'todo']
    # Unadapted once per source model (evaluation only), SHOT once per
    # (source seed, seed).
    assert len(todo) == 6 and sum(', seed 1' in t for t in todo) == 2
    assert "6 runs; source models to train: ['work_dirs/src/seed0/" in out
