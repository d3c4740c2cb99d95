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
