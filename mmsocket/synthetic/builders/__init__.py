# Copyright (c) mmsocket contributors. All rights reserved.
"""Object builders: procedural furniture, fixtures and props.

Each builder samples one object (sizes, materials, sub-parts) in its local
frame (:mod:`.parts`); the scene catalogue refers to them by the names in
:data:`BUILDERS`.
"""
from . import fixtures, furniture, props, storage  # noqa: F401 (register)
from .parts import BUILDERS, BuildContext, Piece, move_shape

__all__ = ['BUILDERS', 'BuildContext', 'Piece', 'move_shape']
