# Copyright (c) mmsocket contributors. All rights reserved.
import datetime
import importlib
import warnings

from mmengine import DefaultScope

# Sub-packages whose import registers mmsocket's modules.
_REGISTERING_PACKAGES = ('mmsocket.datasets', 'mmsocket.engine',
                         'mmsocket.evaluation', 'mmsocket.models')


def register_all_modules(init_default_scope: bool = True) -> None:
    """Register all modules of mmsocket into the registries.

    Building from a config inside a Runner does not need this: the registries
    in :mod:`mmsocket.registry` import their package on the first look-up.
    Call it in scripts that build parts outside a Runner.

    Args:
        init_default_scope (bool): Whether to make ``mmsocket`` the global
            default scope, so that registries build from mmsocket's registry
            node (and fall back to mmpretrain's and mmengine's).
            Defaults to True.
    """
    for name in _REGISTERING_PACKAGES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as e:
            # Tolerate a sub-package that does not exist (yet), but never
            # hide a broken import *inside* one of them.
            if e.name != name:
                raise
            warnings.warn(f'{name} is missing; its modules are not '
                          'registered.')

    if not init_default_scope:
        return

    current_scope = DefaultScope.get_current_instance()
    if current_scope is None:
        DefaultScope.get_instance('mmsocket', scope_name='mmsocket')
    elif current_scope.scope_name != 'mmsocket':
        warnings.warn(
            f'The current default scope "{current_scope.scope_name}" is not '
            '"mmsocket", `register_all_modules` will force the current '
            'default scope to be "mmsocket". If this is not expected, please '
            'set `init_default_scope=False`.')
        # A new instance name avoids clashing with an existing instance.
        new_instance_name = f'mmsocket-{datetime.datetime.now()}'
        DefaultScope.get_instance(new_instance_name, scope_name='mmsocket')
