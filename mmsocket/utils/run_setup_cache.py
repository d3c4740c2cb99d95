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

Failures are not cached (they raise again). :func:`cache_run_setup` is
idempotent; :func:`uncache_run_setup` restores mmengine's functions.
"""
import collections
import json
from typing import Callable, Dict, Optional

_ORIGINAL: Dict[str, Callable] = {}
#: Distinct config texts kept; a grid has a few dozen.
MAX_TEXTS = 1024


def cache_run_setup() -> None:
    """Cache mmengine's config formatting and environment summary."""
    import torch
    from mmengine.config import config as mm_config
    from mmengine.runner import runner as mm_runner

    if _ORIGINAL:
        return
    format_code = mm_config.FormatCode
    collect_env = mm_runner.collect_env
    formatted: 'collections.OrderedDict' = collections.OrderedDict()
    envs: Dict[bool, 'collections.OrderedDict'] = {}

    def cached_format_code(text: str,
                           style_config: Optional[dict] = None,
                           **kwargs):
        key = (text, json.dumps(style_config, sort_keys=True,
                                default=str), tuple(sorted(kwargs.items())))
        if key in formatted:
            formatted.move_to_end(key)
        else:
            formatted[key] = format_code(
                text, style_config=style_config, **kwargs)
            if len(formatted) > MAX_TEXTS:
                formatted.popitem(last=False)
        return formatted[key]

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
