# Copyright (c) mmsocket contributors. All rights reserved.
"""The synthetic scene catalogue, as data: scene classes, palettes, object
classes. Adding a scene class or a palette means adding a row here; the code
that turns rows into scenes lives in :mod:`~mmsocket.synthetic.palettes`,
:mod:`~mmsocket.synthetic.builders`, :mod:`~mmsocket.synthetic.layout` and
:mod:`~mmsocket.synthetic.scene_classes`."""
from .objects import OBJECT_CLASSES, WALL_ITEMS
from .palettes import DEFAULT_APPEARANCE, PALETTE_TABLE
from .scenes import TI_SCENES, TR_SCENES

__all__ = [
    'OBJECT_CLASSES', 'WALL_ITEMS', 'DEFAULT_APPEARANCE', 'PALETTE_TABLE',
    'TR_SCENES', 'TI_SCENES'
]
