# Copyright (c) mmsocket contributors. All rights reserved.
"""Test runs only: cache two pure functions that mmengine's Runner calls.

``tests/conftest.py`` applies it to the test process (and the tools it
forks); ``tests/test_engine/dist_runs.py`` to its torchrun ranks.
"""


def memoize_runner_formatting() -> None:
    """Compute mmengine's two costliest pure functions of a tiny run once.

    A Runner formats its config with yapf (``Config.pretty_text``) about six
    times per run (log, dump, visualizer, each checkpoint's meta) and
    collects the environment (``gcc --version``, torch's build) once: 80 %
    of a tiny training's time. The same text formats to the same text and
    the environment does not change within a session, so the results are
    cached: every output is what mmengine computes, bit for bit; failures
    are not cached (they raise again).
    """
    import collections
    import json

    import torch
    from mmengine.config import config as mm_config
    from mmengine.runner import runner as mm_runner

    if getattr(mm_config.FormatCode, 'memoized', False):
        return  # applied already
    format_code, formatted = mm_config.FormatCode, {}

    def cached_format_code(text, style_config=None, **kwargs):
        key = (text, json.dumps(style_config, sort_keys=True,
                                default=str), tuple(sorted(kwargs.items())))
        if key not in formatted:
            if len(formatted) > 4096:
                formatted.clear()
            formatted[key] = format_code(
                text, style_config=style_config, **kwargs)
        return formatted[key]

    collect_env, collected = mm_runner.collect_env, {}

    def cached_collect_env():
        key = torch.cuda.is_available()
        if key not in collected:
            collected[key] = collect_env()
        return collections.OrderedDict(collected[key])

    cached_format_code.memoized = True
    mm_config.FormatCode = cached_format_code
    mm_runner.collect_env = cached_collect_env
