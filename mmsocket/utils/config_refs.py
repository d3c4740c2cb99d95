# Copyright (c) mmsocket contributors. All rights reserved.
"""Refuse a config value that is still a ``${setting}`` reference.

Our base configs refer to their settings (``data_root='${data_root}'``);
:func:`mmsocket.apis.resolve_config` replaces the references, and every
entry point of ours calls it. Code that builds a Runner from a config on
its own and skips it would hand the literal string to a dataset or a head;
the components that receive settings call :func:`check_resolved`, so that
mistake fails with what to do instead of a file-not-found or type error.
"""
from typing import Any

__all__ = ['check_resolved']


def check_resolved(value: Any, where: str) -> None:
    """Raise if ``value`` (or a string inside it) holds ``${...}``."""
    if isinstance(value, (list, tuple)):
        for v in value:
            check_resolved(v, where)
    elif isinstance(value, str) and '${' in value:
        raise ValueError(
            f'{where} is {value!r}, a reference to a config setting that '
            'was never resolved: resolve the config before building from it '
            '(cfg = mmsocket.apis.resolve_config(cfg); tools/train.py, '
            'tools/test.py, mmsocket.apis.load_config and run_config do), '
            'see docs/get_started.md#the-settings-of-a-config')
