# Copyright (c) mmsocket contributors. All rights reserved.
"""What `pip wheel .` ships: the library, not the tests."""
import shutil
import sys
import zipfile

import pytest
from toy_parts import REPO_ROOT, run_checked


@pytest.mark.slow
def test_wheel_ships_only_mmsocket(tmp_path):
    # A clean copy: a stale build/ of the checkout would go into the wheel.
    src = tmp_path / 'src'
    shutil.copytree(
        REPO_ROOT,
        src,
        ignore=shutil.ignore_patterns('.git', 'data', 'work_dirs', 'build',
                                      'dist', '*.egg-info', '__pycache__',
                                      '.venv', '.pytest_cache'))
    out = tmp_path / 'wheel'
    run_checked([
        sys.executable, '-m', 'pip', 'wheel', '.', '--no-deps',
        '--no-build-isolation', '-q', '-w',
        str(out)
    ],
                cwd=str(src),
                timeout=600)
    wheels = list(out.glob('mmsocket-*.whl'))
    assert len(wheels) == 1, list(out.iterdir())
    with zipfile.ZipFile(wheels[0]) as whl:
        names = whl.namelist()
    top = {
        n.split('/')[0]
        for n in names if not n.split('/')[0].endswith(('.dist-info', '.data'))
    }
    assert top == {'mmsocket'}
    # The whole library is there, configs and tests are not.
    assert 'mmsocket/apis/__init__.py' in names
    assert 'mmsocket/models/__init__.py' in names
    assert not any(
        n.startswith(('tests/', 'configs/', 'tools/')) for n in names)


def _requirements(path):
    from packaging.requirements import Requirement
    with open(path) as f:
        lines = [line.split('#')[0].strip() for line in f]
    return [Requirement(line) for line in lines if line]


def test_constraints_pin_every_requirement_within_its_range():
    """requirements/constraints.txt pins (==) every package setup.py asks
    for, at a version inside setup.py's range; README and CI install with
    it."""
    from packaging.utils import canonicalize_name
    root = REPO_ROOT
    pins = {}
    for req in _requirements(f'{root}/requirements/constraints.txt'):
        spec = list(req.specifier)
        assert len(spec) == 1 and spec[0].operator == '==', str(req)
        pins[canonicalize_name(req.name)] = spec[0].version
    for name in ('runtime.txt', 'tests.txt'):
        for req in _requirements(f'{root}/requirements/{name}'):
            pinned = pins.get(canonicalize_name(req.name))
            assert pinned is not None, f'{req.name} not in constraints.txt'
            assert req.specifier.contains(pinned), (
                f'constraints.txt pins {req.name}=={pinned}, outside '
                f'{name}: {req}')
    command = 'pip install -e ".[tests]" -c requirements/constraints.txt'
    for doc in ('README.md', '.ci/run', 'docs/get_started.md'):
        with open(f'{root}/{doc}') as f:
            assert command in f.read(), doc


def test_ci_runs_the_readme_test_command_on_two_workers():
    """README, CI and get_started run the suite with pytest-xdist's
    ``-n 2``, which requirements/tests.txt installs."""
    root = REPO_ROOT
    command = 'python -m pytest tests -q -n 2'
    for doc in ('README.md', '.ci/run', 'docs/get_started.md'):
        with open(f'{root}/{doc}') as f:
            assert command in f.read(), doc
    names = [r.name for r in _requirements(f'{root}/requirements/tests.txt')]
    assert 'pytest-xdist' in names
