# Copyright (c) mmsocket contributors. All rights reserved.
"""run_tasks shows mmengine's progress bar, in-process and in a pool."""
import pytest

from mmsocket.synthetic.generation import run_tasks


@pytest.mark.parametrize('workers', [0, 2])
def test_run_tasks_shows_a_progress_bar(capsys, workers):
    run_tasks(abs, list(range(-10, 10)), workers=workers)
    out = capsys.readouterr().out
    assert out.startswith('[')
    assert ' 20/20, ' in out and 'ETA' in out
    assert out.endswith('\n')


def test_run_tasks_quiet(capsys):
    run_tasks(abs, list(range(20)), workers=0, progress=False)
    assert capsys.readouterr().out == ''


@pytest.mark.parametrize('cores, pool_size', [({0}, None), ({0, 1, 2}, 3),
                                              (set(range(8)), 4)])
def test_default_workers_are_the_usable_cores(monkeypatch, cores, pool_size):
    """Up to 4 processes, counted on the cores this process may use: one
    core (taskset -c 0) runs in-process, whatever the machine has."""
    from mmsocket.synthetic import generation
    pools = []

    class Pool:

        def __init__(self, n, *args):
            pools.append(n)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def map(self, fn, tasks, chunksize=1):
            return map(fn, tasks)

    monkeypatch.setattr(generation.os, 'sched_getaffinity', lambda pid: cores)
    monkeypatch.setattr(generation.os, 'cpu_count', lambda: 64)
    monkeypatch.setattr(generation, 'ProcessPoolExecutor', Pool)
    run_tasks(abs, list(range(20)), progress=False)
    assert pools == ([] if pool_size is None else [pool_size])
