# Copyright (c) mmsocket contributors. All rights reserved.
"""The Runner set-up cache: the same text as mmengine's, computed once."""
import pytest
from mmengine.config import Config
from mmengine.config import config as mm_config
from mmengine.runner import runner as mm_runner

from mmsocket.utils import cache_run_setup, uncache_run_setup


@pytest.fixture
def counted():
    """mmengine's functions wrapped in call counters, the cache off; the
    cache state of the session (tests/conftest.py) is restored after."""
    from mmsocket.utils import run_setup_cache
    was_cached = bool(run_setup_cache._ORIGINAL)
    uncache_run_setup()
    calls = dict(format=0, env=0)
    format_code, collect_env = mm_config.FormatCode, mm_runner.collect_env

    def counting_format(*args, **kwargs):
        calls['format'] += 1
        return format_code(*args, **kwargs)

    def counting_env():
        calls['env'] += 1
        return collect_env()

    mm_config.FormatCode = counting_format
    mm_runner.collect_env = counting_env
    try:
        yield calls
    finally:
        uncache_run_setup()
        mm_config.FormatCode = format_code
        mm_runner.collect_env = collect_env
        if was_cached:
            cache_run_setup()


def test_same_text_formatted_once(counted):
    cfg = Config(dict(model=dict(type='M', depth=18), lr=0.1, seeds=[1, 2]))
    plain = cfg.pretty_text
    assert counted['format'] == 1
    cache_run_setup()
    cache_run_setup()  # idempotent: one layer of caching
    first = cfg.pretty_text
    again = Config(cfg.to_dict()).pretty_text  # a new object, same text
    assert first == again == plain
    assert counted['format'] == 2  # one miss, then hits
    other = Config(dict(lr=0.2)).pretty_text
    assert other != plain and counted['format'] == 3


def test_environment_collected_once_and_callers_get_a_copy(counted):
    cache_run_setup()
    env = mm_runner.collect_env()
    env['edited'] = 1
    again = mm_runner.collect_env()
    assert 'edited' not in again and counted['env'] == 1
    assert 'Python' in again


def test_failures_are_not_cached_and_uncache_restores(counted):
    cache_run_setup()
    wrapped = mm_config.FormatCode
    with pytest.raises(Exception):
        wrapped('def (:\n', style_config=dict(based_on_style='pep8'))
    with pytest.raises(Exception):
        wrapped('def (:\n', style_config=dict(based_on_style='pep8'))
    assert counted['format'] == 2  # the bad text was tried twice
    uncache_run_setup()
    assert mm_config.FormatCode is not wrapped
    assert mm_config.FormatCode.__name__ == 'counting_format'
