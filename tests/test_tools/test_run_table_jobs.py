# Copyright (c) mmsocket contributors. All rights reserved.
"""run_table --jobs: the shards in child processes, each bound to its own
cores; the same table as one process; a failing shard is reported and the
grid resumes."""
import json
import os

import pytest
from mmengine.config import Config

from mmsocket.apis import Run, grid_jobs, run_table
from mmsocket.apis.grid import shard_runs
from .test_run_table import tiny_table_configs, write_tiny_table_spec


def test_shards_keep_a_run_with_what_it_needs():
    a = [Run(f'configs/a/x{k}.py', f'w/a{k}') for k in range(4)]
    b = [Run(f'configs/b/x{k}.py', f'w/b{k}') for k in range(2)]
    # t0 needs a1; t1 needs a1 and a3 (which ties a1's and a3's groups).
    t0 = Run('configs/t/x.py', 'w/t0', needs=(a[1], ))
    t1 = Run('configs/t/y.py', 'w/t1', needs=(a[1], a[3]))
    runs = [a[0], a[1], b[0], t0, a[2], a[3], b[1], t1]
    shards = [shard_runs(runs, i, 2) for i in range(2)]
    assert sorted(map(id, shards[0] + shards[1])) == sorted(map(id, runs))
    home = {id(r): k for k, shard in enumerate(shards) for r in shard}
    for run in runs:
        for needed in run.needs:
            assert home[id(needed)] == home[id(run)]
            shard = shards[home[id(run)]]
            assert shard.index(needed) < shard.index(run)
    # Runs without needs: every n-th of each kind (config directory), so
    # both shards get one of configs/b.
    assert [home[id(r)] for r in b] == [0, 1]
    plain = [Run(f'configs/a/x{k}.py', f'w/p{k}') for k in range(5)]
    assert shard_runs(plain, 1, 2) == plain[1::2]


def test_more_jobs_than_cores_is_a_clear_error():
    cores = len(os.sched_getaffinity(0))
    with pytest.raises(ValueError, match=f'pass --jobs {cores} or fewer'):
        grid_jobs.core_shares(cores + 1)
    shares = grid_jobs.core_shares(cores)
    assert sorted(c for s in shares
                  for c in s) == sorted(os.sched_getaffinity(0))


@pytest.fixture
def tiny_spec(tmp_path):
    paths = tiny_table_configs(tmp_path)

    def write(name, shot_config):
        return write_tiny_table_spec(tmp_path / f'{name}.py', paths,
                                     shot_config)

    return tmp_path, write, paths


@pytest.fixture
def same_cores(monkeypatch):
    """Both jobs on this process's cores: the tests run pinned to one."""
    monkeypatch.setattr(grid_jobs, 'core_shares',
                        lambda jobs: [sorted(os.sched_getaffinity(0))] * jobs)


@pytest.mark.slow
def test_two_jobs_give_the_table_of_one(tiny_spec, same_cores, monkeypatch,
                                        capsys):
    root, write, paths = tiny_spec
    spec = write('tiny_table', paths['shot'])
    tables = {}
    for jobs in (2, 1):
        (root / f'jobs{jobs}').mkdir()
        monkeypatch.chdir(root / f'jobs{jobs}')  # its own source model
        assert run_table(spec, source_seeds=None, seeds=[0, 1], jobs=jobs) == 0
        tables[jobs] = json.loads(
            open('work_dirs/tables/tiny_table/table.json').read())['cells']
        out = capsys.readouterr().out
        if jobs == 2:
            # The source model trained in a child (one: one is missing),
            # then one shard of the runs (Unadapted + SHOT seed 1; SHOT
            # seed 0) per child.
            assert '1 source models to train in 1 jobs' in out
            assert '[job 0/1] [source] ' in out
            assert '3 runs, 0 already done; 3 in 2 jobs' in out
            assert '[job 0/2] [1/2] ' in out and '[job 1/2] [1/1] ' in out
            log = 'work_dirs/tables/tiny_table/jobs/runs1of2.log'
            assert 'seed 0' in open(log).read()
    assert tables[2] == tables[1]
    assert all(len(c['values']) == 2 for c in tables[2])
    # Everything done: a second call starts no child.
    monkeypatch.chdir(root / 'jobs2')
    assert run_table(spec, source_seeds=None, seeds=[0, 1], jobs=2) == 0
    out = capsys.readouterr().out
    assert '3 runs, 3 already done; 0 in 2 jobs' in out
    assert '[job' not in out


@pytest.mark.slow
def test_a_failing_shard_is_reported_and_the_grid_resumes(
        tiny_spec, same_cores, monkeypatch, capsys):
    root, write, paths = tiny_spec
    cfg = Config.fromfile(paths['shot'])
    cfg.train_dataloader.dataset.streams.target.ann_file = 'missing.json'
    broken = str(root / 'broken.py')
    cfg.dump(broken)
    spec = write('bad_table', broken)
    monkeypatch.chdir(root)
    assert run_table(spec, source_seeds=None, seeds=[0, 1], jobs=2) == 1
    out = capsys.readouterr().out
    work = root / 'work_dirs/tables/bad_table'
    # Both broken runs fail, one in each shard; Unadapted is kept.
    for seed in (0, 1):
        assert 'missing.json' in (work /
                                  f'broken/seed{seed}/error.txt').read_text()
        assert f'broken.py seed {seed}: FAILED' in out
    assert (work / 'unadapted/seed0/result.json').is_file()
    for i in (0, 1):
        assert (f'job {i}: exited with code 1; its log: '
                f'{os.path.join("work_dirs/tables/bad_table/jobs", "")}'
                f'runs{i}of2.log') in out
    assert '2 runs failed' in out and '1/2 cells complete' in out
    # Fixed, the same command runs only what is missing.
    Config.fromfile(paths['shot']).dump(broken)
    assert run_table(spec, source_seeds=None, seeds=[0, 1], jobs=2) == 0
    out = capsys.readouterr().out
    assert '3 runs, 1 already done; 2 in 2 jobs' in out
    assert '2/2 cells complete' in out
