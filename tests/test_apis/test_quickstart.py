# Copyright (c) mmsocket contributors. All rights reserved.
"""The quick-start pipelines: how they edit the configs, which runs they
plan, and their tables (the format the README quotes)."""
import os.path as osp

import pytest

from mmsocket.apis import Quickstart, quickstart_tgkt


def test_quickstart_table_format():
    qs = Quickstart(source_seeds=[0, 1, 2], seeds=[0])
    qs.results = {
        'Unadapted': [15.42, 16.11, 14.00],
        'SHOT': [19.31, 18.61, 19.58],
        'SOCKET': [33.19, 31.94, 29.03]
    }
    assert qs.table() == '\n'.join([
        'Synthetic benchmark, kv1 RGB -> kv1 depth, top-1 accuracy (%), '
        'mean ± std over source seeds [0, 1, 2] x adaptation seeds [0]', '',
        '| method | mean ± std | runs 0/0 / 1/0 / 2/0 |', '|---|---|---|',
        '| Unadapted | 15.18 ± 0.88 | 15.42 / 16.11 / 14.00 |',
        '| SHOT | 19.17 ± 0.41 | 19.31 / 18.61 / 19.58 |',
        '| SOCKET | 31.39 ± 1.74 | 33.19 / 31.94 / 29.03 |'
    ])


def test_quickstart_runs_every_source_seed_with_every_seed(
        tmp_path, monkeypatch):
    """A source model per source seed, trained with that seed; Unadapted
    once per source model; each method per (source seed, seed), reading
    the source model of its source seed."""
    qs = Quickstart(
        work_dir=str(tmp_path), source_seeds=[5, 6], seeds=[0, 1], quick=True)
    calls = []

    def fake_source(config, ckpt, name, seed=None):
        calls.append(('source', seed, ckpt))
        return ckpt

    def fake_accuracy(run):
        cfg = run.build_config()
        ckpt = cfg.load_from or cfg.model.sources[0].checkpoint
        calls.append((run.name, cfg.randomness.seed, ckpt))
        return float(len(calls))

    monkeypatch.setattr(qs, 'generate', lambda: None)
    monkeypatch.setattr(qs, 'source', fake_source)
    monkeypatch.setattr(qs, 'accuracy', fake_accuracy)
    results = qs.run()
    ckpt = {
        s: osp.join(str(tmp_path), 'source_kv1', f'seed{s}', 'source.pth')
        for s in (5, 6)
    }
    assert calls[:2] == [('source', 5, ckpt[5]), ('source', 6, ckpt[6])]
    assert [c[0]
            for c in calls[2:4]] == ['unadapted_source5', 'unadapted_source6']
    assert [c[2] for c in calls[2:4]] == [ckpt[5], ckpt[6]]
    socket = [c for c in calls if c[0].startswith('socket')]
    assert socket == [(f'socket_source{s}_seed{k}', k, ckpt[s]) for s in (5, 6)
                      for k in (0, 1)]
    # Evaluation only: the value of its source model for each seed.
    assert results['Unadapted'] == [3.0, 3.0, 4.0, 4.0]
    assert len(results['SHOT']) == len(results['SOCKET']) == 4
    assert 'source seeds [5, 6] x adaptation seeds [0, 1]' in (
        tmp_path / 'results.md').read_text()


def test_quickstart_points_configs_at_its_data(tmp_path):
    qs = Quickstart(data='my_data', domain='kv2', quick=True, seeds=[4])
    assert qs.work_dir == 'work_dirs/quickstart_quick'
    run = qs.run_of('socket/synthetic/kv1_to_kv1.py', 'socket_seed4', 4)
    assert run.work_dir == osp.join('work_dirs/quickstart_quick',
                                    'socket_seed4')
    cfg = run.build_config()
    streams = cfg.train_dataloader.dataset.streams
    for ds in [
            *(s for s in streams.values() if s), cfg.test_dataloader.dataset
    ]:
        assert ds.data_root == 'my_data'
    # The target domain's files; the shared TI pairs stay.
    assert streams.target.ann_file.startswith('annotations/kv2_')
    assert cfg.test_dataloader.dataset.ann_file.startswith('annotations/kv2_')
    assert streams.ti.ann_file == 'annotations/ti.json'
    assert cfg.train_cfg.max_epochs == 1
    assert cfg.randomness.seed == 4
    assert cfg.custom_hooks[-1] == dict(
        type='ProgressBarHook', desc='socket_seed4', keys=('loss', ))


def test_tgkt_quickstart_runs_the_cells_of_the_tgmb_specs(monkeypatch):
    import sys
    qt = sys.modules[
        'mmsocket.apis.quickstart_tgkt']  # the function shadows it
    from mmsocket.apis import TableSpec
    calls = []
    monkeypatch.setattr(qt, 'run_table', lambda spec, **kw: calls.append(
        (spec, kw)) or 0)
    monkeypatch.setattr('mmsocket.synthetic.generate_transfer_benchmark',
                        lambda root, seed: None)
    assert quickstart_tgkt(source_seeds=[0, 1], seeds=[0], work_dir='w') == 0
    assert [
        (spec, kw['rows'], kw['columns'], kw['work_dir']) for spec, kw in calls
    ] == [('configs/tables/tgmb_table2_synthetic.py', ['kv1'], ['kv1'],
           'w/tgmb_table2_synthetic'),
          ('configs/tables/tgmb_two_source_synthetic.py', ['kv1+kv2'], ['kv1'],
           'w/tgmb_two_source_synthetic')]
    assert calls[0][1]['source_seeds'] == [0, 1]
    for spec, kw in calls:  # the cells exist in the generated specs
        table = TableSpec(spec, kw['rows'], kw['columns'])
        assert 'TGKT' in table.methods and table.needs
    with pytest.raises(ValueError, match='unknown'):
        quickstart_tgkt(settings=['kv9 -> kv1'])
