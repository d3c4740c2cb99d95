# Copyright (c) mmsocket contributors. All rights reserved.
"""Compute two pure parts of every mmengine Runner's set-up once per process.

A Runner formats its config with yapf (``Config.pretty_text``) for the log,
the dumped ``config.py``, the visualizer and every checkpoint's meta, and
collects the environment summary (``gcc --version``, torch's build) once.
In a cProfile of one tiny ``tools/train.py`` run on one core of the 2-core
test machine, yapf took 2.77 s of the run's 3.45 s (6 calls), and the run
took 1.21 s with this cache (docs/benchmarks.md). A grid or quick-start
process runs dozens of Runners on configs whose text repeats, in an
environment that does not change, so both results are cached:

* formatting is keyed by the exact text and yapf style: the same input
  gives the same string yapf would return (yapf is deterministic);
* the environment summary is keyed by ``torch.cuda.is_available()``.

In a grid every run's text is new (its work dir, seed and experiment name
differ), so a text that is not cached is formatted one top-level statement
at a time (``key = value``, as ``Config.pretty_text`` writes them), each
statement cached: the runs of one config share all but a few small
statements. yapf formats each top-level statement on its own, so the joined
statements are the text yapf returns for the whole
(``tests/test_utils/test_run_setup_cache.py`` compares them on the table
configs); a text that is not only top-level assignments is formatted whole.

Failures are not cached (they raise again). :func:`cache_run_setup` is
idempotent; :func:`uncache_run_setup` restores mmengine's functions.
"""
import collections
import json
import re
from typing import Callable, Dict, List, Optional

_ORIGINAL: Dict[str, Callable] = {}
#: Distinct config texts kept; a grid has a few dozen.
MAX_TEXTS = 1024
#: Distinct top-level statements kept (a few new ones per grid run).
MAX_STATEMENTS = 16384
# A top-level statement of Config.pretty_text's input: ``key=value`` at a
# line start, the value's further lines indented.
_STATEMENT_START = re.compile(r'\n(?=\S)')
_ASSIGNMENT = re.compile(r'[A-Za-z_]\w*=')


def split_statements(text: str) -> Optional[List[str]]:
    """``text``'s top-level statements, or None when one of them is not a
    ``key=...`` assignment (then the text is formatted whole)."""
    statements = _STATEMENT_START.split(text)
    if all(_ASSIGNMENT.match(s) for s in statements):
        return statements
    return None


def cache_run_setup() -> None:
    """Cache mmengine's config formatting and environment summary."""
    import torch
    from mmengine.config import config as mm_config
    from mmengine.runner import runner as mm_runner

    if _ORIGINAL:
        return
    format_code = mm_config.FormatCode
    collect_env = mm_runner.collect_env
    texts: 'collections.OrderedDict' = collections.OrderedDict()
    statements: 'collections.OrderedDict' = collections.OrderedDict()
    envs: Dict[bool, 'collections.OrderedDict'] = {}

    def cached(store, key, compute, limit):
        if key in store:
            store.move_to_end(key)
        else:
            store[key] = compute()
            if len(store) > limit:
                store.popitem(last=False)
        return store[key]

    def cached_format_code(text: str,
                           style_config: Optional[dict] = None,
                           **kwargs):
        options = (json.dumps(style_config, sort_keys=True,
                              default=str), tuple(sorted(kwargs.items())))

        def statement_wise():
            parts = split_statements(text)
            if parts is None or len(parts) == 1:
                return format_code(text, style_config=style_config, **kwargs)
            done = [
                cached(
                    statements, (s, *options),
                    lambda s=s: format_code(
                        s, style_config=style_config, **kwargs),
                    MAX_STATEMENTS) for s in parts
            ]
            # yapf returns (text, changed)
            return ''.join(d[0] for d in done), any(d[1] for d in done)

        return cached(texts, (text, *options), statement_wise, MAX_TEXTS)

    def cached_collect_env():
        key = torch.cuda.is_available()
        if key not in envs:
            envs[key] = collect_env()
        return collections.OrderedDict(envs[key])  # callers may edit it

    _ORIGINAL.update(format_code=format_code, collect_env=collect_env)
    mm_config.FormatCode = cached_format_code
    mm_runner.collect_env = cached_collect_env


def uncache_run_setup() -> None:
    """Put mmengine's own functions back (tests; a no-op if not cached)."""
    from mmengine.config import config as mm_config
    from mmengine.runner import runner as mm_runner
    if not _ORIGINAL:
        return
    mm_config.FormatCode = _ORIGINAL.pop('format_code')
    mm_runner.collect_env = _ORIGINAL.pop('collect_env')
