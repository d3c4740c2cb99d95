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
    # One miss, formatted a statement at a time (3), then hits.
    assert counted['format'] == 1 + 3
    other = Config(dict(lr=0.2)).pretty_text
    assert other != plain and counted['format'] == 5
    # A text that differs in one statement formats only that one.
    seeded = Config(dict(cfg.to_dict(), lr=0.3)).pretty_text
    assert counted['format'] == 6
    uncache_run_setup()
    assert seeded == Config(dict(cfg.to_dict(), lr=0.3)).pretty_text


def test_statement_wise_text_is_what_yapf_gives_for_the_whole(counted):
    """The configs of the tables (one run each of several methods, with the
    edits the grid makes) and a text that is not only assignments."""
    from mmsocket.apis import TableSpec, plan_runs, repo_root
    from mmsocket.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    configs = []
    for spec in ('socket_table3_synthetic', 'socket_table4_synthetic',
                 'tgmb_table2_synthetic', 'dfdd_table2_synthetic'):
        runs, _ = plan_runs(
            TableSpec(f'{repo_root()}/configs/tables/{spec}.py'), [0, 1],
            'work_dirs/x',
            source_seeds=[None])
        by_config = {r.config: r for r in runs}  # one run per config
        configs += [r.build_config() for r in list(by_config.values())[:3]]
    whole = [c.pretty_text for c in configs]
    cache_run_setup()
    assert [c.pretty_text for c in configs] == whole
    style = dict(based_on_style='pep8')
    code = 'x=1\ndef f( a ):\n    return a\n'
    assert mm_config.FormatCode(code, style_config=style)[0] == \
        'x = 1\n\n\ndef f(a):\n    return a\n'


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
