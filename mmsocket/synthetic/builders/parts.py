# Copyright (c) mmsocket contributors. All rights reserved.
"""What the object builders are made of.

A builder is ``f(ctx, avail, **params) -> Piece``: it draws sizes and
materials from a :class:`BuildContext` and returns a :class:`Piece`, a
footprint plus semantic groups of shapes, where ``avail`` is the length
available along the local x axis (a wall, a row, the room). Builders
register themselves in :data:`BUILDERS` under the ``kind`` names the scene
catalogue uses.

Local object frame: centred on the origin in ``x, z``, standing on
``y = 0``, with the *user side* (where one sits or stands, the open face of
a shelf) towards local ``-z``.
"""
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Tuple

import numpy as np

from ..catalogue import DEFAULT_APPEARANCE
from ..palettes import PALETTES, role_pool
from ..scene import Box, Cylinder, Material, Sphere

__all__ = [
    'BUILDERS', 'register', 'Piece', 'BuildContext', 'box_at', 'cylinder_at',
    'move_shape'
]

#: Builder name -> builder; filled by :func:`register`.
BUILDERS: Dict[str, Callable[..., 'Piece']] = {}


def register(name: str) -> Callable:
    """Register a builder under ``name`` (a ``kind`` of the catalogue)."""

    def add(fn: Callable) -> Callable:
        if name in BUILDERS:
            raise KeyError(f'builder {name!r} is registered twice')
        BUILDERS[name] = fn
        return fn

    return add


def box_at(x: float,
           y0: float,
           z: float,
           sx: float,
           sy: float,
           sz: float,
           m: Material,
           yaw: float = 0.0) -> Box:
    """Box given by its bottom-centre point."""
    return Box((x, y0 + sy / 2, z), (sx, sy, sz), m, yaw)


def cylinder_at(x: float, z: float, y0: float, y1: float, r: float,
                m: Material) -> Cylinder:
    """Vertical cylinder on axis ``(x, z)`` from ``y0`` to ``y1``."""
    return Cylinder((x, z), (y0, y1), r, m)


def move_shape(shape, x: float, z: float, yaw: float, y: float = 0.0):
    """Rotate a local shape about +y by ``yaw`` and translate it."""
    a = np.deg2rad(yaw)
    c, s = np.cos(a), np.sin(a)

    def tr(px, pz):
        return x + c * px + s * pz, z - s * px + c * pz

    if isinstance(shape, Box):
        cx, cy, cz = shape.center
        nx, nz = tr(cx, cz)
        return Box((nx, cy + y, nz), shape.size, shape.material,
                   shape.yaw + yaw)
    if isinstance(shape, Cylinder):
        nx, nz = tr(*shape.center)
        return Cylinder((nx, nz), (shape.y_range[0] + y, shape.y_range[1] + y),
                        shape.radius, shape.material)
    cx, cy, cz = shape.center
    nx, nz = tr(cx, cz)
    return Sphere((nx, cy + y, nz), shape.radius, shape.material)


@dataclass
class Piece:
    """A placeable unit: a footprint and semantic groups of local shapes."""
    w: float
    d: float
    groups: List[Tuple[str, List[Any]]]

    def add(self, other: 'Piece', x: float, z: float, yaw: float) -> None:
        """Add ``other``'s shapes, turned by ``yaw`` and moved to x, z."""
        for kind, shapes in other.groups:
            self.groups.append(
                (kind, [move_shape(s, x, z, yaw) for s in shapes]))


class BuildContext:
    """Per-scene sampling context: random generator and material cache."""

    def __init__(self,
                 rng: np.random.Generator,
                 appearance: Dict[str, Tuple[str, ...]],
                 room: Tuple[float, float, float],
                 typicality: float = 1.0) -> None:
        self.rng = rng
        self.appearance = appearance
        self.room = room
        self.typicality = typicality
        self._cache: Dict[str, Material] = {}

    def mat(self, role: str, shared: bool = True) -> Material:
        """Material of a role; shared roles reuse one draw per scene."""
        if shared and role in self._cache:
            return self._cache[role]
        names = self.appearance.get(role, DEFAULT_APPEARANCE[role])
        if self.rng.random() >= self.typicality:
            # An atypical choice: any palette some class uses for the role.
            names = role_pool().get(role, names)
        m = PALETTES[names[self.rng.integers(len(names))]].sample(self.rng)
        if shared:
            self._cache[role] = m
        return m

    def u(self, lo: float, hi: float) -> float:
        """A uniform draw from ``[lo, hi)``."""
        return float(self.rng.uniform(lo, hi))

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return bool(self.rng.random() < p)
