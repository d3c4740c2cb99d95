# Copyright (c) mmsocket contributors. All rights reserved.
import os
import os.path as osp
import sys

_TESTS = osp.dirname(osp.abspath(__file__))
# The repository (tests run against this checkout even before `pip install
# -e .`) and tests/test_tools, home of toy_parts, which toy configs import by
# that top-level name (`custom_imports=dict(imports=['toy_parts'])`).
for _path in (osp.join(_TESTS, 'test_tools'), osp.dirname(_TESTS)):
    if _path not in sys.path:
        sys.path.insert(0, _path)
# ... and so do the scripts the tests start (`python tools/...`), which would
# otherwise import the installed mmsocket, whichever checkout that is.
os.environ['PYTHONPATH'] = os.pathsep.join(
    [osp.dirname(_TESTS)] + [p for p in [os.environ.get('PYTHONPATH')] if p])

# Under pytest-xdist (`-n 2`) each worker gets its share of the cores as
# threads, for itself and the tools it starts, unless the caller set a count:
# two workers each spinning 2 OpenMP threads on 2 cores run several times
# slower than with 1 thread each (docs/benchmarks.md, CPU sharing). Set
# before torch is imported; mmsocket's thread policy reads it.
if os.environ.get('PYTEST_XDIST_WORKER_COUNT'):
    _share = max(
        1,
        len(os.sched_getaffinity(0)) //
        int(os.environ['PYTEST_XDIST_WORKER_COUNT']))
    for _key in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
        os.environ.setdefault(_key, str(_share))

from mmengine.registry import init_default_scope  # noqa: E402

from mmsocket.utils import cache_run_setup  # noqa: E402

init_default_scope('mmsocket')

# Runners built by the tests themselves format their config and collect the
# environment once per worker, as run_config and the tools do
# (mmsocket/utils/run_setup_cache.py: the same text, seconds less per run).
cache_run_setup()

import pytest  # noqa: E402


# Built once per session (per worker under pytest-xdist) instead of once per
# module that uses them: a dozen modules train on the same tiny source model.
# Tests read these; none may write into them.
@pytest.fixture(scope='session')
def source_ckpt(tmp_path_factory):
    """``(data_root, checkpoint, num_classes)``: the tiny data set and the
    RGB source model trained on it (tests/test_engine/test_socket_runner)."""
    from tests.test_engine.test_socket_runner import train_tiny_source
    return train_tiny_source(tmp_path_factory.mktemp('data'))


@pytest.fixture(scope='session')
def depth_data(tmp_path_factory):
    """A tiny synthetic depth-domains data set (its data_root)."""
    from tests.test_engine.test_exact_resume import make_depth_data
    return make_depth_data(tmp_path_factory.mktemp('depth') / 'data')


@pytest.fixture(scope='session')
def stock_classifier(tmp_path_factory):
    """The stock mmpretrain classifier (``config``, ``checkpoint``), trained
    in a process that never imports mmsocket (tests/stock_mmpretrain.py)."""
    from tests.stock_mmpretrain import train_stock_classifier
    return train_stock_classifier(str(tmp_path_factory.mktemp('stock')))
