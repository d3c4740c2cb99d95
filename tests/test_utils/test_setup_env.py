# Copyright (c) mmsocket contributors. All rights reserved.
import importlib
import sys

import pytest
from mmengine.registry import DefaultScope

import mmsocket
from mmsocket.utils import register_all_modules, setup_env


def test_version_exported():
    from mmsocket.version import __version__
    assert mmsocket.__version__ == __version__


def test_register_all_modules_sets_scope(monkeypatch):
    # Only the packages that exist in this checkout (others are written
    # concurrently); a missing one is a warning, not an error.
    register_all_modules(init_default_scope=True)
    assert DefaultScope.get_current_instance().scope_name == 'mmsocket'
    register_all_modules(init_default_scope=False)


def test_tolerates_missing_package(monkeypatch):
    monkeypatch.setattr(setup_env, '_REGISTERING_PACKAGES',
                        ('mmsocket.no_such_subpackage', ))
    with pytest.warns(UserWarning, match='no_such_subpackage is missing'):
        register_all_modules(init_default_scope=False)


def test_reraises_broken_import_inside_package(tmp_path, monkeypatch):
    pkg = tmp_path / 'mmsocket_broken_pkg'
    pkg.mkdir()
    (pkg / '__init__.py').write_text('import a_module_that_does_not_exist\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    monkeypatch.setattr(setup_env, '_REGISTERING_PACKAGES',
                        ('mmsocket_broken_pkg', ))
    with pytest.raises(
            ModuleNotFoundError, match='a_module_that_does_not_exist'):
        register_all_modules(init_default_scope=False)
    sys.modules.pop('mmsocket_broken_pkg', None)
