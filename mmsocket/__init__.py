# Copyright (c) mmsocket contributors. All rights reserved.
"""mmsocket: source-free cross-modal knowledge transfer on OpenMMLab.

Importing the package only does what every checkpoint load and save needs:
it allow-lists the globals of mmengine checkpoints for torch's weights-only
loader (and makes mmengine refuse anything else with a clear error), and
registers the ``'atomic_local'`` file backend. Models, datasets and hooks are
imported lazily by the registries (see :mod:`mmsocket.registry`).
"""
from .utils import register_checkpoint_safe_globals
from .version import __version__

register_checkpoint_safe_globals()

__all__ = ['__version__']
