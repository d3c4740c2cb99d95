# Copyright (c) mmsocket contributors. All rights reserved.
"""Test subprocesses only: ``tests/conftest.py`` puts this folder on the
``PYTHONPATH`` of the tools the tests start. When (and only if) a process
imports mmengine's Runner, :func:`tests.runner_memo.memoize_runner_formatting`
caches its config formatting and environment report, exactly as in the test
process; nothing else is imported or changed.
"""
import importlib.abc
import importlib.machinery
import sys

_MODULE = 'mmengine.runner.runner'


class _AfterRunnerImport(importlib.abc.MetaPathFinder):

    def find_spec(self, name, path=None, target=None):
        if name != _MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_then_memoize(module):
            exec_module(module)
            try:
                from tests.runner_memo import memoize_runner_formatting
            except ImportError:  # the repository is not on the path
                return
            memoize_runner_formatting()

        spec.loader.exec_module = exec_then_memoize
        return spec


sys.meta_path.insert(0, _AfterRunnerImport())
