# Copyright (c) mmsocket contributors. All rights reserved.
"""Scene classes: layout recipes plus appearance recipes.

A :class:`SceneClass` samples a :class:`~.renderer.Scene` and a camera pose
from a random generator. It is made of

* a **layout recipe**: room size ranges and a list of :class:`ObjectSpec`
  (object type, count, probability, placement rule such as ``'wall'``,
  ``'rows'``, ``'grid'``, ``'centre'``, ``'scatter'`` or
  ``'wall_mounted'``), plus camera and lighting ranges;
* an **appearance recipe**: a palette name (or several) per material role
  (``'wall'``, ``'floor'``, ``'chair'``, ...), with colour jitter and
  optional procedural textures.

Object types are shared between classes (chairs, tables, shelves appear in
many rooms), so neither colour nor a single object type gives a class away;
room proportions and the arrangement of objects differ, so depth alone
carries class information too.

Local object frame used by the builders: centred on the origin in ``x, z``,
standing on ``y = 0``, with the *user side* (where one sits or stands, the
open face of a shelf) towards local ``-z``.
"""
import colorsys
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .scene import (Box, Camera, Cylinder, Material, PointLight, Room, Scene,
                    SceneObject, Sphere)

__all__ = [
    'OBJECT_CLASSES', 'Palette', 'PALETTES', 'ObjectSpec', 'SceneClass',
    'SCENE_CLASSES', 'TR_CLASSES', 'TI_CLASSES', 'get_scene_class'
]

#: Object classes of the semantic maps; the id is the index.
OBJECT_CLASSES: Tuple[str,
                      ...] = ('void', 'wall', 'floor', 'ceiling', 'light',
                              'door', 'window', 'board', 'picture', 'mirror',
                              'table', 'chair', 'desk', 'monitor', 'computer',
                              'bookshelf', 'shelf', 'cabinet', 'counter',
                              'fridge', 'stove', 'sink', 'toilet', 'bathtub',
                              'sofa', 'tv', 'bed', 'partition', 'plant',
                              'lamp', 'column', 'stairs', 'box', 'machine',
                              'rug', 'bench', 'equipment', 'piano', 'printer',
                              'bin')
_SEM = {name: i for i, name in enumerate(OBJECT_CLASSES)}

Range = Tuple[float, float]

#: Global scale of texture contrast. Calibrated with the modality gap
#: (docs/synthetic_benchmark.md): strong textures let an RGB classifier
#: rely on cues depth does not have.
TEXTURE_GAIN = 0.5


# --------------------------------------------------------------------------
# Palettes
# --------------------------------------------------------------------------
def _hex(c: str) -> Tuple[float, float, float]:
    c = c.lstrip('#')
    return tuple(int(c[i:i + 2], 16) / 255.0 for i in (0, 2, 4))


@dataclass(frozen=True)
class Palette:
    """A family of materials to draw one material from.

    Args:
        colors (tuple[str]): Base colours as sRGB hex strings.
        nir (tuple[float]): Range of the NIR reflectance.
        texture (tuple[str]): Texture choices. Defaults to ``('none',)``.
        texture_scale (tuple[float]): Range of the pattern period (m).
            Defaults to ``(0.1, 0.3)``.
        texture_contrast (tuple[float]): Range of the pattern contrast.
            Defaults to ``(0.1, 0.3)``.
        texture_axis (tuple[int]): Stripe axis choices. Defaults to (0,).
        second (tuple[str], optional): Choices for the pattern's second
            colour (hex); None darkens the base colour.
        jitter (tuple[float]): Hue shift, relative saturation and relative
            value jitter (uniform +-). Defaults to ``(0.02, 0.15, 0.15)``.
        emission (float): Emission of the material. Defaults to 0.
        nir_texture (bool): Whether the texture shows in NIR.
            Defaults to False.
    """
    colors: Tuple[str, ...]
    nir: Range
    texture: Tuple[str, ...] = ('none', )
    texture_scale: Range = (0.1, 0.3)
    texture_contrast: Range = (0.1, 0.3)
    texture_axis: Tuple[int, ...] = (0, )
    second: Optional[Tuple[str, ...]] = None
    jitter: Tuple[float, float, float] = (0.02, 0.15, 0.15)
    emission: float = 0.0
    nir_texture: bool = False

    def _color(self, rng: np.random.Generator, hexes: Sequence[str]):
        r, g, b = _hex(hexes[rng.integers(len(hexes))])
        h, s, v = colorsys.rgb_to_hsv(r, g, b)
        dh, ds, dv = self.jitter
        h = (h + rng.uniform(-dh, dh)) % 1.0
        s = float(np.clip(s * (1 + rng.uniform(-ds, ds)), 0, 1))
        v = float(np.clip(v * (1 + rng.uniform(-dv, dv)), 0.02, 1))
        # Palettes are written in sRGB; the renderer shades in linear RGB.
        return tuple(float(c)**2.2 for c in colorsys.hsv_to_rgb(h, s, v))

    def sample(self, rng: np.random.Generator) -> Material:
        """Draw one material.

        Args:
            rng (np.random.Generator): Random generator.

        Returns:
            Material: The material.
        """
        tex = self.texture[rng.integers(len(self.texture))]
        return Material(
            albedo=self._color(rng, self.colors),
            nir=float(rng.uniform(*self.nir)),
            texture=tex,
            texture_scale=float(rng.uniform(*self.texture_scale)),
            texture_contrast=float(rng.uniform(*self.texture_contrast)) *
            TEXTURE_GAIN,
            texture_axis=int(self.texture_axis[rng.integers(
                len(self.texture_axis))]),
            albedo2=(self._color(rng, self.second)
                     if self.second is not None else None),
            emission=self.emission,
            nir_texture=self.nir_texture,
            seed=int(rng.integers(1 << 30)))


def _p(colors: str, nir: Range, **kwargs) -> Palette:
    return Palette(tuple(colors.split()), nir, **kwargs)


#: The palette library; scene classes refer to palettes by name.
PALETTES: Dict[str, Palette] = {
    # walls
    'wall_white':
    _p('f2f0ea e8e8e4 f4efe6', (0.75, 0.9)),
    'wall_beige':
    _p('e6d8b8 dccba4 efe2c6', (0.7, 0.85)),
    'wall_warm':
    _p('e8c9a0 d9b48f f0d2b0 c9a77f', (0.65, 0.85)),
    'wall_cool':
    _p('c8d6e0 b8c8d0 d4dde6', (0.7, 0.85)),
    'wall_green':
    _p('c9d8b6 b7c9a0 d3dcc0', (0.7, 0.85)),
    'wall_grey':
    _p('b8b8b4 a8aaaa c4c2bc', (0.65, 0.8)),
    'wall_accent':
    _p('c85a3c 3c6e9a 4f8a5b d9a23c', (0.55, 0.75)),
    'wall_tile':
    _p('f2f2f0 dfe8ee e6f0ea', (0.75, 0.9),
       texture=('checker', ),
       texture_scale=(0.1, 0.2),
       texture_contrast=(0.08, 0.2)),
    'wall_brick':
    _p('9a5a44 a8684c 8a5040', (0.55, 0.7),
       texture=('stripes', ),
       texture_axis=(1, ),
       texture_scale=(0.15, 0.25),
       texture_contrast=(0.2, 0.4),
       second=('d8d0c0', )),
    'wall_wood':
    _p('a87a4c 8e6238 b88a58', (0.6, 0.75),
       texture=('stripes', ),
       texture_axis=(0, 2),
       texture_scale=(0.12, 0.2),
       texture_contrast=(0.15, 0.3)),
    'ceiling':
    _p('f6f6f4 eeeeea', (0.8, 0.9), jitter=(0.01, 0.1, 0.05)),
    # floors
    'floor_wood':
    _p('9c6b3c b0804c 7a5030 c4965e', (0.55, 0.75),
       texture=('stripes', ),
       texture_axis=(0, 2),
       texture_scale=(0.12, 0.22),
       texture_contrast=(0.15, 0.35)),
    'floor_tile':
    _p('b0aca4 a0a09c c4beb4 8c9498', (0.65, 0.8),
       texture=('checker', ),
       texture_scale=(0.25, 0.5),
       texture_contrast=(0.1, 0.3)),
    'floor_tile_small':
    _p('f0f0ee d8e4ec c8d0d0 2c3a48', (0.6, 0.8),
       texture=('checker', ),
       texture_scale=(0.1, 0.2),
       texture_contrast=(0.15, 0.4)),
    'floor_lino':
    _p('8c948a 7c8890 988c7c 6c7870', (0.55, 0.7),
       texture=('noise', ),
       texture_scale=(0.2, 0.5),
       texture_contrast=(0.1, 0.2)),
    'carpet_grey':
    _p('6c6c70 5a5e64 7c7a78', (0.6, 0.75),
       texture=('noise', ),
       texture_scale=(0.05, 0.15),
       texture_contrast=(0.15, 0.3)),
    'carpet_blue':
    _p('3c4c6c 34506e 4a5a78', (0.6, 0.75),
       texture=('noise', ),
       texture_scale=(0.05, 0.15),
       texture_contrast=(0.15, 0.3)),
    'carpet_warm':
    _p('8c3c34 7a4c3c 9a6a4c', (0.6, 0.8),
       texture=('noise', ),
       texture_scale=(0.05, 0.15),
       texture_contrast=(0.15, 0.3)),
    'concrete':
    _p('9a9a96 8a8c8c a8a49c', (0.5, 0.65),
       texture=('noise', ),
       texture_scale=(0.3, 0.8),
       texture_contrast=(0.15, 0.3)),
    'rubber_floor':
    _p('2c2c30 38383c 2a3440', (0.25, 0.4),
       texture=('noise', ),
       texture_scale=(0.05, 0.1),
       texture_contrast=(0.2, 0.3)),
    # furniture
    'wood_light':
    _p('c8a070 d4b080 b89060', (0.6, 0.75),
       texture=('stripes', 'none'),
       texture_axis=(0, 2),
       texture_scale=(0.02, 0.05),
       texture_contrast=(0.05, 0.15)),
    'wood_dark':
    _p('5c3c24 4a2e1c 6e4a2c', (0.5, 0.7),
       texture=('stripes', 'none'),
       texture_axis=(0, 2),
       texture_scale=(0.02, 0.05),
       texture_contrast=(0.05, 0.15)),
    'white':
    _p('f0f0ee e8e8e6 f6f4ee', (0.75, 0.9), jitter=(0.01, 0.1, 0.05)),
    'laminate':
    _p('e0dcd0 c8c4bc d0c8b4', (0.65, 0.8)),
    'grey_metal':
    _p('8c9094 a0a4a8 747880', (0.4, 0.55)),
    'steel':
    _p('c0c4c8 b0b4b8', (0.5, 0.6), jitter=(0.01, 0.1, 0.05)),
    'black':
    _p('202022 2a2a2c 18181a', (0.08, 0.3)),
    'plastic_bright':
    _p('d04030 2c70c0 f0b020 30a060 e06c20', (0.4, 0.7)),
    'plastic_dark':
    _p('303440 283038 40404a', (0.15, 0.35)),
    'fabric_grey':
    _p('6a6c70 5a5c60 80807c', (0.6, 0.8),
       texture=('noise', ),
       texture_scale=(0.03, 0.08),
       texture_contrast=(0.1, 0.2)),
    'fabric_blue':
    _p('2c4a7c 3a5a8a 24406a', (0.6, 0.8),
       texture=('noise', ),
       texture_scale=(0.03, 0.08),
       texture_contrast=(0.1, 0.2)),
    'fabric_warm':
    _p('a8503c c08040 8a6a4c b0a080 6a4a3c', (0.6, 0.85),
       texture=('noise', ),
       texture_scale=(0.03, 0.08),
       texture_contrast=(0.1, 0.2)),
    'fabric_accent':
    _p('e07020 40a050 d0c020 c03060 3090c0', (0.6, 0.85)),
    'leather_black':
    _p('1c1c1e 2a2220 302824', (0.2, 0.4)),
    'bedding':
    _p('f0f0ec e0e8f0 e8dcc8 c8d8e8', (0.75, 0.9),
       texture=('none', 'stripes'),
       texture_axis=(0, 2),
       texture_scale=(0.05, 0.15),
       texture_contrast=(0.1, 0.3)),
    'rug':
    _p('8c3030 30508c 8c7040 406040 6a3c6a', (0.6, 0.8),
       texture=('checker', 'stripes', 'noise'),
       texture_scale=(0.1, 0.3),
       texture_contrast=(0.3, 0.6),
       second=('e0d0b0', '202020', 'c0a060'),
       nir_texture=True),
    'books':
    _p('8c2c2c 2c4c8c 2c6c3c c0a040 6c3c6c 402c20', (0.4, 0.7),
       texture=('stripes', ),
       texture_scale=(0.03, 0.06),
       texture_contrast=(0.5, 0.9),
       second=('d8c8a0', '2c2c2c', 'c04030', '3060a0'),
       nir_texture=True),
    'board_white':
    _p('f4f6f6 eef0f0', (0.8, 0.9), jitter=(0.01, 0.05, 0.03)),
    'board_green':
    _p('2c4c3c 345a44 1e3c30', (0.3, 0.5)),
    'screen':
    _p('1c2838 202c40 283040', (0.05, 0.15), emission=0.9),
    'screen_off':
    _p('101214 16181c', (0.05, 0.1)),
    'window':
    _p('c8dcf0 d8e8f8 b8d0e8', (0.3, 0.5),
       emission=1.4,
       jitter=(0.02, 0.2, 0.1)),
    'light_panel':
    _p('fffaf0 f8f8ff', (0.5, 0.6), emission=3.0, jitter=(0.0, 0.05, 0.0)),
    'door_wood':
    _p('8c5c34 a8784c 6a4428 c09868', (0.55, 0.7),
       texture=('stripes', 'none'),
       texture_axis=(1, ),
       texture_scale=(0.05, 0.1),
       texture_contrast=(0.05, 0.15)),
    'door_paint':
    _p('e8e8e0 6c7c8c 8c3c2c 405c40', (0.6, 0.8)),
    'ceramic':
    _p('f8f8f6 eef2f4', (0.8, 0.9), jitter=(0.01, 0.05, 0.03)),
    'stone':
    _p('3c3c3c 8c8680 c8c0b0 5a4c44', (0.4, 0.7),
       texture=('noise', ),
       texture_scale=(0.05, 0.15),
       texture_contrast=(0.2, 0.4)),
    'plant':
    _p('3c7c34 2c6c2c 4c8c3c 5a7c2c', (0.8, 0.95),
       texture=('noise', ),
       texture_scale=(0.04, 0.08),
       texture_contrast=(0.3, 0.5),
       nir_texture=True),
    'pot':
    _p('b0603c e8e4dc 3c3c3c', (0.4, 0.7)),
    'cardboard':
    _p('b08c5c c09c68 a07c50', (0.6, 0.75)),
    'glass_dark':
    _p('30404c 28343c', (0.1, 0.2), emission=0.2),
    'lamp_shade':
    _p('f0e8d0 e8dcc0', (0.7, 0.85), emission=1.2),
    'machine_white':
    _p('f0f0ee e4e6e8', (0.75, 0.9)),
    'gym_red':
    _p('b02020 202020 c04020', (0.2, 0.5)),
}

#: Palette(s) of every material role unless a class overrides it.
DEFAULT_APPEARANCE: Dict[str, Tuple[str, ...]] = {
    'wall': ('wall_white', 'wall_beige', 'wall_grey'),
    'floor': ('floor_tile', 'floor_lino'),
    'ceiling': ('ceiling', ),
    'light': ('light_panel', ),
    'door': ('door_wood', 'door_paint'),
    'frame': ('grey_metal', ),
    'window': ('window', ),
    'board': ('board_white', ),
    'picture': ('plastic_bright', 'rug'),
    'mirror': ('steel', ),
    'table': ('wood_light', 'laminate'),
    'table_leg': ('grey_metal', 'black'),
    'chair': ('plastic_dark', 'fabric_grey', 'fabric_blue'),
    'chair_leg': ('grey_metal', 'black'),
    'desk': ('laminate', 'wood_light'),
    'screen': ('screen', ),
    'device': ('black', 'plastic_dark'),
    'computer': ('black', 'plastic_dark', 'white'),
    'shelf': ('wood_light', 'white', 'grey_metal'),
    'books': ('books', ),
    'cabinet': ('white', 'laminate', 'wood_light'),
    'counter_top': ('stone', ),
    'appliance': ('white', 'steel'),
    'ceramic': ('ceramic', ),
    'sofa': ('fabric_grey', 'fabric_warm', 'fabric_blue'),
    'bedding': ('bedding', ),
    'partition': ('fabric_grey', 'fabric_blue'),
    'plant': ('plant', ),
    'pot': ('pot', ),
    'lamp': ('lamp_shade', ),
    'column': ('white', 'concrete'),
    'stairs': ('concrete', 'wood_light'),
    'box': ('cardboard', ),
    'machine': ('machine_white', ),
    'rug': ('rug', ),
    'equipment': ('black', 'gym_red', 'steel'),
    'piano': ('black', 'wood_dark'),
    'bin': ('grey_metal', 'plastic_dark', 'plastic_bright'),
}


# --------------------------------------------------------------------------
# Geometry helpers (local object frame, see module docstring)
# --------------------------------------------------------------------------
def _bx(x: float,
        y0: float,
        z: float,
        sx: float,
        sy: float,
        sz: float,
        m: Material,
        yaw: float = 0.0) -> Box:
    """Box given by its bottom-centre point."""
    return Box((x, y0 + sy / 2, z), (sx, sy, sz), m, yaw)


def _cy(x: float, z: float, y0: float, y1: float, r: float,
        m: Material) -> Cylinder:
    return Cylinder((x, z), (y0, y1), r, m)


def _move(shape, x: float, z: float, yaw: float, y: float = 0.0):
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
class _Piece:
    """A placeable unit: a footprint and semantic groups of local shapes."""
    w: float
    d: float
    groups: List[Tuple[str, List[Any]]]

    def add(self, other: '_Piece', x: float, z: float, yaw: float) -> None:
        for kind, shapes in other.groups:
            self.groups.append((kind, [_move(s, x, z, yaw) for s in shapes]))


class _Ctx:
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
            names = _generic_pool().get(role, names)
        m = PALETTES[names[self.rng.integers(len(names))]].sample(self.rng)
        if shared:
            self._cache[role] = m
        return m

    def u(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)


# --------------------------------------------------------------------------
# Object builders: f(ctx, avail, **params) -> _Piece, where ``avail`` is the
# length available along the local x axis (a wall, a row, the room).
# --------------------------------------------------------------------------
def _table_shapes(ctx, w, d, h, top='table', leg='table_leg'):
    mt, ml = ctx.mat(top), ctx.mat(leg)
    lx, lz = w / 2 - 0.05, d / 2 - 0.05
    shapes = [_bx(0, h - 0.04, 0, w, 0.04, d, mt)]
    shapes += [
        _bx(sx * lx, 0, sz * lz, 0.05, h - 0.04, 0.05, ml) for sx in (-1, 1)
        for sz in (-1, 1)
    ]
    return shapes


def b_table(ctx, avail, w=(1.0, 1.6), d=(0.7, 0.9), h=(0.72, 0.76), **_):
    tw, td = ctx.u(*w), ctx.u(*d)
    return _Piece(tw, td, [('table', _table_shapes(ctx, tw, td, ctx.u(*h)))])


def b_chair(ctx, avail, role='chair', **_):
    m, ml = ctx.mat(role), ctx.mat('chair_leg')
    s, hs = ctx.u(0.42, 0.5), ctx.u(0.43, 0.47)
    back = ctx.u(0.35, 0.5)
    shapes = [
        _bx(0, hs - 0.05, 0, s, 0.05, s, m),
        _bx(0, hs, s / 2 - 0.03, s, back, 0.05, m)
    ]
    shapes += [
        _bx(sx * (s / 2 - 0.03), 0, sz * (s / 2 - 0.03), 0.03, hs - 0.05, 0.03,
            ml) for sx in (-1, 1) for sz in (-1, 1)
    ]
    return _Piece(s, s, [('chair', shapes)])


def b_stool(ctx, avail, **_):
    m, ml = ctx.mat('chair'), ctx.mat('chair_leg')
    h = ctx.u(0.6, 0.75)
    return _Piece(0.4, 0.4, [('chair', [
        _cy(0, 0, h - 0.05, h, 0.18, m),
        _cy(0, 0, 0, h - 0.05, 0.03, ml),
        _cy(0, 0, 0, 0.03, 0.2, ml)
    ])])


def _with_chair(ctx, piece, gap=0.15, role='chair'):
    """Put a chair at the user side (-z) of a piece, facing it."""
    ch = b_chair(ctx, 1.0, role=role)
    z = -piece.d / 2 - ch.d / 2 + gap * ctx.u(0.2, 1.5)
    piece.add(ch, ctx.u(-0.05, 0.05), z, 180 + ctx.u(-15, 15))
    piece.d += ch.d - gap
    # Keep the footprint centred on the original piece plus the chair.
    shift = (ch.d - gap) / 2
    for _, shapes in piece.groups:
        for i, s in enumerate(shapes):
            shapes[i] = _move(s, 0, shift, 0)
    return piece


def b_desk(ctx,
           avail,
           w=(1.0, 1.5),
           d=(0.6, 0.8),
           chair=True,
           monitor=0.0,
           **_):
    dw, dd, h = ctx.u(*w), ctx.u(*d), ctx.u(0.72, 0.76)
    shapes = _table_shapes(ctx, dw, dd, h, top='desk')
    if ctx.chance(0.6):
        shapes.append(
            _bx(dw / 2 - 0.22, 0.05, 0, 0.4, h - 0.1, dd - 0.1,
                ctx.mat('desk')))
    piece = _Piece(dw, dd, [('desk', shapes)])
    if ctx.chance(monitor):
        piece.groups += _monitor(ctx, 0, dd / 4, h).groups
        if ctx.chance(0.5):
            piece.groups.append(('computer', [
                _bx(-dw / 2 + 0.2, 0, 0.0, 0.2, 0.45, 0.45,
                    ctx.mat('computer'))
            ]))
    if chair:
        piece = _with_chair(ctx, piece)
    return piece


def _monitor(ctx, x, z, y0, w=None):
    w = w or ctx.u(0.45, 0.6)
    h = w * 0.6
    m_case = ctx.mat('device')
    return _Piece(w, 0.2, [('monitor', [
        _bx(x, y0, z + 0.05, 0.06, 0.12, 0.06, m_case),
        _bx(x, y0 + 0.1, z + 0.03, w, h, 0.04, m_case),
        _bx(x, y0 + 0.12, z, w - 0.04, h - 0.04, 0.01, ctx.mat('screen')),
    ])])


def b_student_desk(ctx, avail, **_):
    return b_desk(ctx, avail, w=(0.55, 0.7), d=(0.45, 0.55))


def b_computer_row(ctx, avail, seats=(2, 4), **_):
    n = int(ctx.rng.integers(seats[0], seats[1] + 1))
    pitch = ctx.u(0.75, 0.95)
    w = min(n * pitch, avail)
    n = max(1, int(w // pitch))
    d, h = ctx.u(0.7, 0.85), 0.74
    piece = _Piece(w, d, [('desk', _table_shapes(ctx, w, d, h, top='desk'))])
    for i in range(n):
        x = -w / 2 + pitch * (i + 0.5)
        piece.groups += _monitor(ctx, x, d / 4, h).groups
        if ctx.chance(0.7):
            piece.groups.append(('computer', [
                _bx(x + pitch / 2 - 0.15, 0, d / 4, 0.18, 0.42, 0.42,
                    ctx.mat('computer'))
            ]))
    chairs = _Piece(w, 0.5, [])
    for i in range(n):
        if ctx.chance(0.9):
            chairs.add(
                b_chair(ctx,
                        1), -w / 2 + pitch * (i + 0.5) + ctx.u(-0.08, 0.08), 0,
                180 + ctx.u(-20, 20))
    piece.add(chairs, 0, -d / 2 - 0.2, 0)
    piece.d += 0.45
    for _, shapes in piece.groups:
        for i, s in enumerate(shapes):
            shapes[i] = _move(s, 0, 0.225, 0)
    return piece


def b_conference_set(ctx, avail, **_):
    w = min(ctx.u(1.1, 1.4), avail)
    # Leave room for the camera and the chairs at both ends.
    length = min(ctx.u(2.4, 4.2), ctx.room[2] - 2.6)
    h = 0.74
    shapes = [_bx(0, h - 0.05, 0, w, 0.05, length, ctx.mat('table'))]
    ml = ctx.mat('table_leg')
    shapes += [
        _bx(0, 0, sz * length / 3, 0.3, h - 0.05, 0.3, ml) for sz in (-1, 1)
    ]
    piece = _Piece(w + 1.1, length + 0.9, [('table', shapes)])
    n_side = max(2, int(length / 0.8))
    for i in range(n_side):
        z = -length / 2 + (i + 0.5) * length / n_side
        for side in (-1, 1):
            if ctx.chance(0.85):
                piece.add(
                    b_chair(ctx, 1, role='chair'), side * (w / 2 + 0.25), z,
                    side * 90 + ctx.u(-20, 20))
    if ctx.chance(0.6):
        piece.add(b_chair(ctx, 1), 0, -length / 2 - 0.3, 180)
    return piece


def b_round_table_set(ctx, avail, chairs=(2, 4), **_):
    r, h = ctx.u(0.4, 0.6), ctx.u(0.72, 0.76)
    mt, ml = ctx.mat('table'), ctx.mat('table_leg')
    piece = _Piece(2 * r + 1.0, 2 * r + 1.0, [('table', [
        _cy(0, 0, h - 0.04, h, r, mt),
        _cy(0, 0, 0.03, h - 0.04, 0.05, ml),
        _cy(0, 0, 0, 0.03, 0.3, ml)
    ])])
    n = int(ctx.rng.integers(chairs[0], chairs[1] + 1))
    a0 = ctx.u(0, 360)
    for i in range(n):
        a = np.deg2rad(a0 + 360 * i / n)
        piece.add(
            b_chair(ctx, 1), (r + 0.25) * np.sin(a), -(r + 0.25) * np.cos(a),
            -np.rad2deg(a) + 180)
    return piece


def b_dining_set(ctx, avail, **_):
    w, d = ctx.u(1.4, 2.2), ctx.u(0.8, 1.0)
    piece = _Piece(w + 0.2, d + 1.0,
                   [('table', _table_shapes(ctx, w, d, ctx.u(0.73, 0.77)))])
    n = max(1, int(w / 0.65))
    for side in (-1, 1):
        for i in range(n):
            if ctx.chance(0.9):
                piece.add(
                    b_chair(ctx, 1), -w / 2 + (i + 0.5) * w / n,
                    side * (d / 2 + 0.2), 90 - side * 90)
    return piece


def b_cafeteria_table(ctx, avail, **_):
    w, d = ctx.u(1.6, 2.4), ctx.u(0.7, 0.8)
    mb = ctx.mat('chair')
    piece = _Piece(w, d + 0.8, [('table', _table_shapes(ctx, w, d, 0.74))])
    for side in (-1, 1):
        piece.groups.append(('bench', [
            _bx(0, 0.42, side * (d / 2 + 0.3), w, 0.04, 0.3, mb),
            _bx(0, 0, side * (d / 2 + 0.3), w * 0.8, 0.42, 0.06,
                ctx.mat('table_leg'))
        ]))
    return piece


def b_bookshelf(ctx, avail, w=(0.8, 1.2), h=(1.8, 2.2), d=(0.3, 0.4), **_):
    bw, bh, bd = ctx.u(*w), ctx.u(*h), ctx.u(*d)
    mf = ctx.mat('shelf')
    shapes = [_bx(0, 0, 0.01, bw, bh, bd - 0.02, mf)]
    n = int(round(bh / ctx.u(0.33, 0.4)))
    books = []
    for i in range(n):
        if ctx.chance(0.85):
            y0 = 0.05 + i * (bh - 0.05) / n
            fill = ctx.u(0.5, 0.95)
            books.append(
                _bx((fill - 1) * bw / 2 * ctx.u(-1, 1), y0, -bd / 2,
                    (bw - 0.06) * fill, (bh / n) * ctx.u(0.6, 0.85), 0.03,
                    ctx.mat('books', shared=False)))
    return _Piece(bw, bd, [('bookshelf', shapes + books)])


def b_library_stack(ctx, avail, **_):
    # A free-standing double-sided stack of shelves.
    length, h = min(ctx.u(2.0, 4.0), avail), ctx.u(1.6, 2.2)
    d = 0.6
    mf = ctx.mat('shelf')
    shapes = [_bx(0, 0, 0, length, h, d - 0.06, mf)]
    n = int(round(h / 0.38))
    for side in (-1, 1):
        for i in range(n):
            y0 = 0.05 + i * (h - 0.05) / n
            shapes.append(
                _bx(0, y0, side * (d / 2 - 0.02), length - 0.08,
                    (h / n) * ctx.u(0.6, 0.85), 0.03,
                    ctx.mat('books', shared=False)))
    return _Piece(length, d, [('bookshelf', shapes)])


def b_cabinet(ctx,
              avail,
              w=(0.6, 1.2),
              h=(0.8, 2.0),
              d=(0.4, 0.6),
              role='cabinet',
              kind='cabinet',
              **_):
    cw, ch, cd = ctx.u(*w), ctx.u(*h), ctx.u(*d)
    m = ctx.mat(role)
    return _Piece(cw, cd, [(kind, [
        _bx(0, 0, 0, cw, ch, cd, m),
        _bx(0, ch * 0.2, -cd / 2, 0.02, ch * 0.6, 0.01, ctx.mat('frame'))
    ])])


def b_filing_cabinet(ctx, avail, **_):
    return b_cabinet(
        ctx, avail, w=(0.4, 0.5), h=(0.7, 1.35), d=(0.55, 0.65), role='frame')


def b_wardrobe(ctx, avail, **_):
    return b_cabinet(ctx, avail, w=(0.9, 1.8), h=(1.9, 2.3), d=(0.55, 0.65))


def b_lockers(ctx, avail, **_):
    w, h = min(ctx.u(1.2, 3.0), avail), ctx.u(1.7, 1.9)
    m = PALETTES['grey_metal'].sample(ctx.rng)
    m.texture, m.texture_axis = 'stripes', 0
    m.texture_scale, m.texture_contrast = 0.4, 0.25
    return _Piece(w, 0.5, [('cabinet', [_bx(0, 0, 0, w, h, 0.5, m)])])


def b_kitchen_run(ctx, avail, **_):
    """Counters filling most of a wall, upper cabinets, maybe fridge/stove."""
    w = avail * ctx.u(0.6, 1.0)
    d, h = 0.62, 0.9
    mc, mt = ctx.mat('cabinet'), ctx.mat('counter_top')
    piece = _Piece(w, d, [])
    x0 = -w / 2
    if ctx.chance(0.6) and w > 1.8:
        fw = ctx.u(0.6, 0.8)
        piece.groups.append(('fridge', [
            _bx(x0 + fw / 2, 0, 0.0, fw, ctx.u(1.7, 2.0), 0.66,
                ctx.mat('appliance'))
        ]))
        x0 += fw
    cw = w / 2 - x0
    cx = (x0 + w / 2) / 2
    piece.groups.append(('counter', [
        _bx(cx, 0.1, 0.02, cw, h - 0.14, d - 0.06, mc),
        _bx(cx, 0, 0.06, cw, 0.1, d - 0.14, ctx.mat('device')),
        _bx(cx, h - 0.04, 0, cw, 0.04, d, mt)
    ]))
    if cw > 1.0 and ctx.chance(0.7):
        sx = cx + ctx.u(-cw / 3, cw / 3)
        piece.groups.append(
            ('stove', [_bx(sx, h, 0, 0.6, 0.01, 0.55, ctx.mat('device'))] + [
                _cy(sx + bx, bz, h, h + 0.02, 0.08, ctx.mat('steel'))
                for bx in (-0.15, 0.15) for bz in (-0.12, 0.12)
            ]))
    if ctx.chance(0.8):
        uw = cw * ctx.u(0.6, 1.0)
        piece.groups.append(
            ('cabinet', [_bx(cx, ctx.u(1.45, 1.55), 0.14, uw, 0.7, 0.34, mc)]))
    return piece


def b_kitchen_island(ctx, avail, **_):
    w, d = ctx.u(1.2, 2.0), ctx.u(0.8, 1.0)
    return _Piece(w, d, [('counter', [
        _bx(0, 0, 0, w - 0.05, 0.87, d - 0.05, ctx.mat('cabinet')),
        _bx(0, 0.87, 0, w, 0.04, d, ctx.mat('counter_top'))
    ])])


def b_sofa(ctx, avail, w=(1.6, 2.4), role='sofa', **_):
    sw, sd = ctx.u(*w), ctx.u(0.8, 0.95)
    m = ctx.mat(role)
    arm = 0.18
    return _Piece(sw, sd, [('sofa', [
        _bx(0, 0.08, -0.05, sw - 2 * arm, 0.36, sd - 0.2, m),
        _bx(0, 0.08, sd / 2 - 0.12, sw, ctx.u(0.6, 0.75), 0.24, m),
        _bx(-sw / 2 + arm / 2, 0.08, 0, arm, 0.52, sd, m),
        _bx(sw / 2 - arm / 2, 0.08, 0, arm, 0.52, sd, m),
        _bx(0, 0, 0, sw - 0.1, 0.08, sd - 0.1, ctx.mat('chair_leg')),
    ])])


def b_armchair(ctx, avail, **_):
    return b_sofa(ctx, avail, w=(0.75, 0.95))


def b_coffee_table(ctx, avail, **_):
    w, d = ctx.u(0.8, 1.3), ctx.u(0.5, 0.7)
    return _Piece(w, d,
                  [('table', _table_shapes(ctx, w, d, ctx.u(0.38, 0.48)))])


def b_tv_stand(ctx, avail, **_):
    w = ctx.u(1.2, 2.0)
    sh = ctx.u(0.4, 0.6)
    tw = min(w, ctx.u(0.9, 1.4))
    piece = _Piece(
        w, 0.45,
        [('cabinet', [_bx(0, 0, 0, w, sh, 0.45, ctx.mat('cabinet'))])])
    piece.groups.append(('tv', [
        _bx(0, sh, 0.1, 0.3, 0.05, 0.2, ctx.mat('device')),
        _bx(0, sh + 0.05, 0.1, tw, tw * 0.58, 0.05, ctx.mat('device')),
        _bx(0, sh + 0.07, 0.07, tw - 0.04, tw * 0.58 - 0.04, 0.01,
            ctx.mat('screen'))
    ]))
    return piece


def b_rug(ctx, avail, **_):
    w, d = ctx.u(1.5, 2.8), ctx.u(1.2, 2.0)
    # A rug does not block other furniture; its footprint is nominal.
    return _Piece(0.1, 0.1,
                  [('rug', [_bx(0, 0, 0, w, 0.012, d, ctx.mat('rug'))])])


def b_bed(ctx, avail, w=(1.4, 1.8), **_):
    bw, bl = ctx.u(*w), ctx.u(1.95, 2.15)
    mf, mb = ctx.mat('table'), ctx.mat('bedding')
    shapes = [
        _bx(0, 0, 0, bw, 0.3, bl, mf),
        _bx(0, 0.3, -0.02, bw - 0.06, 0.22, bl - 0.08, mb),
        _bx(0, 0, bl / 2 - 0.04, bw + 0.04, ctx.u(0.9, 1.2), 0.08, mf),
    ]
    n_p = 2 if bw > 1.2 else 1
    mp = ctx.mat('bedding', shared=False)
    for i in range(n_p):
        shapes.append(
            _bx(-bw / 2 + (i + 0.5) * bw / n_p, 0.52, bl / 2 - 0.3,
                bw / n_p - 0.15, 0.12, 0.35, mp))
    if ctx.chance(0.6):
        shapes.append(
            _bx(0, 0.52, -bl * 0.2, bw - 0.04, 0.05, bl * 0.5,
                ctx.mat('bedding', shared=False)))
    return _Piece(bw, bl, [('bed', shapes)])


def b_single_bed(ctx, avail, **_):
    return b_bed(ctx, avail, w=(0.9, 1.1))


def b_nightstand(ctx, avail, **_):
    piece = b_cabinet(
        ctx, avail, w=(0.4, 0.55), h=(0.45, 0.6), d=(0.35, 0.45), role='table')
    if ctx.chance(0.6):
        h = piece.groups[0][1][0].size[1]
        piece.groups.append(('lamp', [
            _cy(0, 0, h, h + 0.25, 0.02, ctx.mat('frame')),
            _cy(0, 0, h + 0.25, h + 0.45, 0.12, ctx.mat('lamp'))
        ]))
    return piece


def b_toilet(ctx, avail, **_):
    m = ctx.mat('ceramic')
    return _Piece(0.45, 0.7, [('toilet', [
        _bx(0, 0.4, 0.25, 0.42, 0.4, 0.18, m),
        _cy(0, -0.05, 0, 0.38, 0.18, m),
        _cy(0, -0.07, 0.38, 0.42, 0.2, m),
    ])])


def b_vanity(ctx, avail, **_):
    w = ctx.u(0.6, 1.2)
    m = ctx.mat('ceramic')
    piece = _Piece(w, 0.5, [('sink', [
        _bx(0, 0, 0, w, 0.8, 0.5, ctx.mat('cabinet')),
        _bx(0, 0.8, 0, w, 0.05, 0.52, ctx.mat('counter_top')),
        _cy(0, -0.02, 0.85, 0.9, 0.2, m),
        _cy(0, 0.18, 0.85, 1.1, 0.02, ctx.mat('steel'))
    ])])
    piece.groups.append(('mirror', [
        _bx(0, ctx.u(1.15, 1.3), 0.24, w * ctx.u(0.7, 1.0), ctx.u(0.6, 0.9),
            0.02, ctx.mat('mirror'))
    ]))
    return piece


def b_bathtub(ctx, avail, **_):
    w, d = ctx.u(1.5, 1.75), ctx.u(0.7, 0.8)
    m = ctx.mat('ceramic')
    return _Piece(w, d, [('bathtub', [
        _bx(0, 0, 0, w, 0.56, d, m),
        _bx(0, 0.5, 0, w - 0.14, 0.07, d - 0.14, ctx.mat('mirror'))
    ])])


def b_shower(ctx, avail, **_):
    s = ctx.u(0.8, 1.0)
    m = ctx.mat('ceramic')
    return _Piece(s, s, [('bathtub', [
        _bx(0, 0, 0, s, 0.06, s, m),
        _bx(-s / 2 + 0.01, 0, 0, 0.02, 2.0, s, ctx.mat('window')),
        _cy(0, s / 2 - 0.05, 1.2, 2.0, 0.015, ctx.mat('steel'))
    ])])


def b_partitioned_desk(ctx, avail, **_):
    piece = b_desk(
        ctx, avail, w=(1.2, 1.6), d=(0.7, 0.8), monitor=0.9, chair=False)
    w, d = piece.w, piece.d
    h = ctx.u(1.2, 1.6)
    mp = ctx.mat('partition')
    piece.groups.append(('partition', [
        _bx(0, 0, d / 2 + 0.03, w + 0.1, h, 0.05, mp),
        _bx(-w / 2 - 0.03, 0, -0.2, 0.05, h, d + 0.5, mp),
        _bx(w / 2 + 0.03, 0, -0.2, 0.05, h, d + 0.5, mp)
    ]))
    piece.w += 0.1
    return _with_chair(ctx, piece)


def b_monitor_desk(ctx, avail, **_):
    return b_desk(ctx, avail, monitor=1.0)


def b_teacher_desk(ctx, avail, **_):
    return b_desk(ctx, avail, w=(1.2, 1.6), d=(0.7, 0.8), monitor=0.3)


def b_lab_bench(ctx, avail, **_):
    w = min(ctx.u(2.0, 3.2), avail)
    d, h = ctx.u(0.75, 1.5), ctx.u(0.88, 0.94)
    piece = _Piece(w, d, [('counter', [
        _bx(0, 0, 0, w - 0.1, h - 0.04, d - 0.1, ctx.mat('cabinet')),
        _bx(0, h - 0.04, 0, w, 0.04, d, ctx.mat('counter_top'))
    ])])
    eq = []
    for _ in range(int(ctx.rng.integers(2, 7))):
        x, z = ctx.u(-w / 2 + 0.15, w / 2 - 0.15), ctx.u(-d / 3, d / 3)
        k = ctx.rng.integers(3)
        if k == 0:
            eq.append(
                _bx(x, h, z, ctx.u(0.2, 0.5), ctx.u(0.15, 0.45),
                    ctx.u(0.2, 0.4), ctx.mat('equipment', shared=False)))
        elif k == 1:
            eq.append(
                _cy(x, z, h, h + ctx.u(0.15, 0.35), ctx.u(0.03, 0.07),
                    ctx.mat('box', shared=False)))
        else:
            eq.append(
                Sphere((x, h + 0.08, z), ctx.u(0.06, 0.1),
                       ctx.mat('window', shared=False)))
    piece.groups.append(('equipment', eq))
    if ctx.chance(0.5):
        piece.groups.append(('shelf', [
            _bx(0, h + 0.45, 0, w - 0.2, 0.03, 0.3, ctx.mat('shelf')),
            _bx(-w / 2 + 0.15, h, 0, 0.03, 0.5, 0.03, ctx.mat('frame')),
            _bx(w / 2 - 0.15, h, 0, 0.03, 0.5, 0.03, ctx.mat('frame'))
        ]))
    return piece


def b_fume_hood(ctx, avail, **_):
    w = ctx.u(1.2, 1.8)
    m = ctx.mat('cabinet')
    return _Piece(w, 0.8, [('cabinet', [
        _bx(0, 0, 0, w, 0.9, 0.8, m),
        _bx(0, 0.9, 0.15, w, 1.4, 0.5, m),
        _bx(0, 1.0, -0.12, w - 0.2, 0.8, 0.02, ctx.mat('glass_dark')),
        _bx(0, 0.9, 0, w, 0.04, 0.8, ctx.mat('counter_top'))
    ])])


def b_plant(ctx, avail, **_):
    h = ctx.u(0.3, 0.5)
    r = ctx.u(0.15, 0.25)
    mp = ctx.mat('plant', shared=False)
    shapes = [_cy(0, 0, 0, h, r, ctx.mat('pot'))]
    top = h + ctx.u(0.2, 1.0)
    shapes.append(_cy(0, 0, h, top, 0.03, ctx.mat('table_leg')))
    for _ in range(int(ctx.rng.integers(1, 4))):
        shapes.append(
            Sphere(
                (ctx.u(-0.1, 0.1), top + ctx.u(-0.1, 0.15), ctx.u(-0.1, 0.1)),
                ctx.u(0.2, 0.35), mp))
    return _Piece(2 * r + 0.3, 2 * r + 0.3, [('plant', shapes)])


def b_floor_lamp(ctx, avail, **_):
    h = ctx.u(1.4, 1.8)
    return _Piece(0.4, 0.4, [('lamp', [
        _cy(0, 0, 0, 0.03, 0.15, ctx.mat('frame')),
        _cy(0, 0, 0.03, h, 0.015, ctx.mat('frame')),
        _cy(0, 0, h, h + 0.3, 0.2, ctx.mat('lamp'))
    ])])


def b_bin(ctx, avail, **_):
    r = ctx.u(0.15, 0.25)
    return _Piece(
        2 * r, 2 * r,
        [('bin', [_cy(0, 0, 0, ctx.u(0.35, 0.7), r, ctx.mat('bin'))])])


def b_column(ctx, avail, **_):
    H = ctx.room[1]
    if ctx.chance(0.5):
        r = ctx.u(0.2, 0.4)
        return _Piece(2 * r, 2 * r,
                      [('column', [_cy(0, 0, 0, H, r, ctx.mat('column'))])])
    s = ctx.u(0.4, 0.7)
    return _Piece(s, s,
                  [('column', [_bx(0, 0, 0, s, H, s, ctx.mat('column'))])])


def b_reception_desk(ctx, avail, **_):
    w = min(ctx.u(2.0, 4.0), avail)
    m = ctx.mat('cabinet')
    piece = _Piece(w, 0.8, [('counter', [
        _bx(0, 0, 0, w, 1.05, 0.7, m),
        _bx(0, 1.05, -0.05, w + 0.1, 0.05, 0.8, ctx.mat('counter_top')),
        _bx(-w / 2 + 0.3, 0, -0.9, 0.7, 1.05, 1.2, m)
    ])])
    piece.groups += _monitor(ctx, w / 4, 0.1, 1.1).groups
    return piece


def b_bench(ctx, avail, **_):
    w = ctx.u(1.2, 2.0)
    return _Piece(w, 0.45, [('bench', [
        _bx(0, 0.4, 0, w, 0.05, 0.4, ctx.mat('table')),
        _bx(-w / 2 + 0.1, 0, 0, 0.05, 0.4, 0.35, ctx.mat('table_leg')),
        _bx(w / 2 - 0.1, 0, 0, 0.05, 0.4, 0.35, ctx.mat('table_leg'))
    ])])


def b_stairs(ctx, avail, **_):
    """A straight flight rising away from the camera (+z) with a handrail."""
    w = min(ctx.u(1.0, 1.8), avail)
    rise, run = ctx.u(0.15, 0.19), ctx.u(0.26, 0.32)
    H = ctx.room[1]
    n = int(min((ctx.room[2] - 1.8) / run, (H - 0.3) / rise))
    n = max(4, min(n, 16))
    m = ctx.mat('stairs')
    length = n * run
    shapes = [
        _bx(0, 0, -length / 2 + (i + 0.5) * run, w, (i + 1) * rise, run, m)
        for i in range(n)
    ]
    rail = []
    mr = ctx.mat('frame')
    for side in (-1, 1):
        if side == 1 or ctx.chance(0.5):
            for i in range(0, n, 3):
                rail.append(
                    _bx(side * (w / 2 - 0.04), (i + 1) * rise,
                        -length / 2 + (i + 0.5) * run, 0.03, 0.9, 0.03, mr))
    return _Piece(w, length, [('stairs', shapes + rail)])


def b_storage_rack(ctx, avail, **_):
    w = min(ctx.u(1.2, 2.4), avail)
    d, h = ctx.u(0.45, 0.7), ctx.u(1.8, 2.4)
    mf = ctx.mat('frame')
    shapes = [
        _bx(sx * (w / 2 - 0.03), 0, sz * (d / 2 - 0.03), 0.05, h, 0.05, mf)
        for sx in (-1, 1) for sz in (-1, 1)
    ]
    n = int(ctx.rng.integers(3, 6))
    boxes = []
    for i in range(n):
        y = 0.1 + i * (h - 0.1) / n
        shapes.append(_bx(0, y, 0, w, 0.03, d, mf))
        x = -w / 2 + 0.05
        while x < w / 2 - 0.3:
            bw = ctx.u(0.25, 0.6)
            if x + bw > w / 2 - 0.05:
                break
            if ctx.chance(0.75):
                boxes.append(
                    _bx(x + bw / 2, y + 0.03, 0, bw,
                        min(ctx.u(0.15, 0.4), (h - 0.1) / n - 0.05),
                        d * ctx.u(0.6, 0.95), ctx.mat('box', shared=False)))
            x += bw + 0.03
    return _Piece(w, d, [('shelf', shapes), ('box', boxes)])


def b_carton_stack(ctx, avail, **_):
    s = ctx.u(0.4, 0.7)
    boxes = []
    y = 0.0
    for _ in range(int(ctx.rng.integers(1, 4))):
        h = ctx.u(0.25, 0.5)
        boxes.append(
            _bx(
                ctx.u(-0.05, 0.05), y, ctx.u(-0.05, 0.05), s, h, s,
                ctx.mat('box', shared=False), ctx.u(-10, 10)))
        y += h
    return _Piece(s + 0.1, s + 0.1, [('box', boxes)])


def b_washing_machines(ctx, avail, **_):
    n = int(ctx.rng.integers(2, 6))
    w = 0.62
    n = max(1, min(n, int(avail // w)))
    mm = ctx.mat('machine')
    stack = ctx.chance(0.4)
    shapes = []
    for i in range(n):
        x = -n * w / 2 + (i + 0.5) * w
        for level in range(2 if stack else 1):
            y = level * 0.87
            shapes += [
                _bx(x, y, 0, w - 0.02, 0.85, 0.62, mm),
                _bx(x, y + 0.25, -0.315, 0.34, 0.34, 0.01,
                    ctx.mat('glass_dark')),
            ]
    return _Piece(n * w, 0.64, [('machine', shapes)])


def b_treadmill(ctx, avail, **_):
    m = ctx.mat('equipment')
    return _Piece(0.85, 1.9, [('equipment', [
        _bx(0, 0, 0.1, 0.8, 0.2, 1.7, m),
        _bx(-0.35, 0.2, -0.65, 0.05, 1.1, 0.05, m),
        _bx(0.35, 0.2, -0.65, 0.05, 1.1, 0.05, m),
        _bx(0, 1.2, -0.7, 0.75, 0.2, 0.25, ctx.mat('device')),
    ])])


def b_weight_bench(ctx, avail, **_):
    m = ctx.mat('equipment')
    return _Piece(1.2, 1.4, [('equipment', [
        _bx(0, 0.35, 0.1, 0.3, 0.1, 1.2, ctx.mat('leather')),
        _bx(0, 0, 0.1, 0.1, 0.35, 1.0, m),
        _bx(-0.5, 0, -0.5, 0.06, 1.5, 0.06, m),
        _bx(0.5, 0, -0.5, 0.06, 1.5, 0.06, m),
        _cy(-0.55, -0.5, 1.0, 1.05, 0.2, m),
    ])])


def b_dumbbell_rack(ctx, avail, **_):
    w = min(ctx.u(1.2, 2.0), avail)
    m = ctx.mat('equipment')
    shapes = [_bx(0, 0, 0, w, 0.7, 0.45, ctx.mat('frame'))]
    n = int(w / 0.2)
    for i in range(n):
        shapes.append(Sphere((-w / 2 + (i + 0.5) * w / n, 0.78, 0.0), 0.08, m))
    return _Piece(w, 0.5, [('equipment', shapes)])


def b_gym_mat(ctx, avail, **_):
    w, d = ctx.u(1.0, 2.0), ctx.u(1.5, 2.5)
    return _Piece(0.1, 0.1,
                  [('rug', [_bx(0, 0, 0, w, 0.03, d, ctx.mat('equipment'))])])


def b_piano(ctx, avail, **_):
    m = ctx.mat('piano')
    return _Piece(1.5, 0.65, [('piano', [
        _bx(0, 0, 0.12, 1.5, 1.25, 0.4, m),
        _bx(0, 0.7, -0.15, 1.4, 0.08, 0.3, m),
        _bx(0, 0.74, -0.15, 1.3, 0.02, 0.15, ctx.mat('white')),
        _bx(-0.68, 0, -0.15, 0.06, 0.7, 0.3, m),
        _bx(0.68, 0, -0.15, 0.06, 0.7, 0.3, m),
    ])])


def b_drums(ctx, avail, **_):
    m = ctx.mat('equipment', shared=False)
    shapes = [_cy(0, 0.2, 0, 0.55, 0.28, m)]
    for _ in range(int(ctx.rng.integers(2, 5))):
        x, z = ctx.u(-0.6, 0.6), ctx.u(-0.5, 0.3)
        top = ctx.u(0.5, 0.8)
        shapes.append(_cy(x, z, top - 0.2, top, ctx.u(0.12, 0.2), m))
        shapes.append(_cy(x, z, 0, top - 0.2, 0.015, ctx.mat('steel')))
    return _Piece(1.4, 1.1, [('equipment', shapes)])


def b_music_stand(ctx, avail, **_):
    mf = ctx.mat('frame')
    return _Piece(0.5, 0.5, [('equipment', [
        _cy(0, 0, 0, 1.1, 0.012, mf),
        _bx(0, 1.05, 0, 0.5, 0.35, 0.02, mf, 0.0)
    ])])


def b_ceiling_lamp(ctx, avail, **_):
    H = ctx.room[1]
    y = H - ctx.u(0.6, 1.0)
    return _Piece(0.6, 0.6, [('lamp', [
        _cy(0, 0, y + 0.2, H, 0.01, ctx.mat('frame')),
        Sphere((0, y + 0.2, 0), ctx.u(0.2, 0.35), ctx.mat('lamp'))
    ])])


def b_printer(ctx, avail, **_):
    m = ctx.mat('machine')
    return _Piece(0.65, 0.65, [('printer', [
        _bx(0, 0, 0, 0.6, ctx.u(0.9, 1.1), 0.6, m),
        _bx(0, 0.95, 0.05, 0.62, 0.12, 0.5, ctx.mat('device'))
    ])])


def b_railing(ctx, avail, **_):
    w = min(ctx.u(1.5, 3.0), avail)
    mr = ctx.mat('frame')
    shapes = [_bx(0, 0.95, 0, w, 0.05, 0.05, mr)]
    shapes += [
        _bx(-w / 2 + i * 0.4, 0, 0, 0.03, 0.95, 0.03, mr)
        for i in range(int(w / 0.4) + 1)
    ]
    return _Piece(w, 0.1, [('stairs', shapes)])


# Wall-mounted items: a thin box whose back touches the wall.
def _wall_item(kind, role, w, h, y0, depth=0.03):

    def build(ctx, avail, **_):
        iw = min(ctx.u(*w), avail)
        return _Piece(iw, depth, [(kind, [
            _bx(0, ctx.u(*y0), 0, iw, ctx.u(*h), depth, ctx.mat(role))
        ])])

    return build


def b_door(ctx, avail, **_):
    w, h = ctx.u(0.8, 1.0), ctx.u(2.0, 2.15)
    return _Piece(w, 0.06, [('door', [
        _bx(0, 0, 0, w + 0.1, h + 0.05, 0.04, ctx.mat('frame')),
        _bx(0, 0, -0.02, w, h, 0.04, ctx.mat('door')),
        _bx(w / 2 - 0.12, 1.0, -0.05, 0.12, 0.03, 0.04, ctx.mat('steel'))
    ])])


def b_window(ctx, avail, **_):
    w, h = ctx.u(0.8, 2.0), ctx.u(0.9, 1.4)
    y0 = ctx.u(0.8, 1.0)
    mf = ctx.mat('frame')
    return _Piece(w, 0.04, [('window', [
        _bx(0, y0 - 0.05, 0, w + 0.1, h + 0.1, 0.02, mf),
        _bx(0, y0, -0.01, w, h, 0.02, ctx.mat('window')),
        _bx(0, y0, -0.02, 0.04, h, 0.02, mf)
    ])])


BUILDERS: Dict[str, Callable[..., _Piece]] = {
    'table':
    b_table,
    'chair':
    b_chair,
    'stool':
    b_stool,
    'desk':
    b_desk,
    'monitor_desk':
    b_monitor_desk,
    'teacher_desk':
    b_teacher_desk,
    'student_desk':
    b_student_desk,
    'computer_row':
    b_computer_row,
    'conference_set':
    b_conference_set,
    'round_table_set':
    b_round_table_set,
    'dining_set':
    b_dining_set,
    'cafeteria_table':
    b_cafeteria_table,
    'bookshelf':
    b_bookshelf,
    'library_stack':
    b_library_stack,
    'cabinet':
    b_cabinet,
    'filing_cabinet':
    b_filing_cabinet,
    'wardrobe':
    b_wardrobe,
    'lockers':
    b_lockers,
    'kitchen_run':
    b_kitchen_run,
    'kitchen_island':
    b_kitchen_island,
    'sofa':
    b_sofa,
    'armchair':
    b_armchair,
    'coffee_table':
    b_coffee_table,
    'tv_stand':
    b_tv_stand,
    'rug':
    b_rug,
    'bed':
    b_bed,
    'single_bed':
    b_single_bed,
    'nightstand':
    b_nightstand,
    'toilet':
    b_toilet,
    'vanity':
    b_vanity,
    'bathtub':
    b_bathtub,
    'shower':
    b_shower,
    'partitioned_desk':
    b_partitioned_desk,
    'lab_bench':
    b_lab_bench,
    'fume_hood':
    b_fume_hood,
    'plant':
    b_plant,
    'floor_lamp':
    b_floor_lamp,
    'bin':
    b_bin,
    'column':
    b_column,
    'reception_desk':
    b_reception_desk,
    'bench':
    b_bench,
    'stairs':
    b_stairs,
    'railing':
    b_railing,
    'storage_rack':
    b_storage_rack,
    'carton_stack':
    b_carton_stack,
    'washing_machines':
    b_washing_machines,
    'treadmill':
    b_treadmill,
    'weight_bench':
    b_weight_bench,
    'dumbbell_rack':
    b_dumbbell_rack,
    'gym_mat':
    b_gym_mat,
    'piano':
    b_piano,
    'drums':
    b_drums,
    'music_stand':
    b_music_stand,
    'ceiling_lamp':
    b_ceiling_lamp,
    'printer':
    b_printer,
    'door':
    b_door,
    'window':
    b_window,
    'whiteboard':
    _wall_item('board', 'board', (1.2, 2.4), (0.9, 1.2), (0.85, 1.0)),
    'blackboard':
    _wall_item('board', 'board_dark', (2.0, 3.5), (1.0, 1.2), (0.85, 1.0)),
    'screen':
    _wall_item('board', 'board', (1.5, 2.5), (1.0, 1.5), (1.0, 1.2)),
    'wall_tv':
    _wall_item(
        'tv', 'screen_off', (1.0, 1.5), (0.6, 0.85), (1.0, 1.3), depth=0.06),
    'picture':
    _wall_item('picture', 'picture', (0.4, 1.2), (0.4, 0.9), (1.2, 1.6)),
    'mirror':
    _wall_item('mirror', 'mirror', (0.5, 1.0), (0.6, 1.0), (1.1, 1.3)),
    'upper_cabinet':
    _wall_item(
        'cabinet', 'cabinet', (0.8, 2.0), (0.6, 0.8), (1.45, 1.6), depth=0.35),
    'wall_shelf':
    _wall_item(
        'shelf', 'shelf', (0.6, 1.4), (0.03, 0.03), (1.2, 1.8), depth=0.25),
}
DEFAULT_APPEARANCE.update({
    'board_dark': ('board_green', ),
    'screen_off': ('screen_off', ),
    'leather': ('leather_black', ),
    'steel': ('steel', ),
    'white': ('white', ),
    'glass_dark': ('glass_dark', ),
})


# --------------------------------------------------------------------------
# Recipes and placement
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class ObjectSpec:
    """One line of a layout recipe.

    Args:
        kind (str): A key of :data:`BUILDERS`.
        count (tuple[int]): Inclusive range of the number of copies (for
            ``'rows'``/``'grid'``: the maximum number of rows and of
            columns).
        placement (str): ``'wall'`` (against the back or a side wall),
            ``'back'``, ``'side'``, ``'corner'``, ``'wall_mounted'`` (on a
            wall above the floor, no floor footprint; ``'back_mounted'``
            and ``'side_mounted'`` restrict the wall), ``'along'``
            (against a side wall, long axis pointing away from the camera),
            ``'centre'`` (falls back to anywhere free when the centre is
            taken), ``'rows'`` (a regular grid facing the back wall),
            ``'grid'`` (a looser grid with random headings) or
            ``'scatter'`` (anywhere free).
        prob (float): Probability that this line is used at all.
            Defaults to 1.
        fill (float): For ``'rows'``/``'grid'``, probability that a grid
            cell is occupied. Defaults to 0.9.
        params (tuple): ``(key, value)`` pairs passed to the builder.
            Defaults to ``()``.
    """
    kind: str
    count: Tuple[int, int]
    placement: str
    prob: float = 1.0
    fill: float = 0.9
    params: Tuple[Tuple[str, Any], ...] = ()


def _o(kind: str,
       count,
       placement: str,
       prob: float = 1.0,
       fill: float = 0.9,
       **params) -> ObjectSpec:
    if isinstance(count, int):
        count = (count, count)
    return ObjectSpec(kind, tuple(count), placement, prob, fill,
                      tuple(sorted(params.items())))


@dataclass(frozen=True)
class SceneClass:
    """A scene category: layout recipe + appearance recipe.

    Args:
        name (str): Class name (a folder name on disk).
        room (tuple): Ranges of the room width, height and length (m).
        objects (tuple[ObjectSpec]): The layout recipe, placed in order.
        appearance (dict): Material role -> palette names overriding
            :data:`DEFAULT_APPEARANCE`.
        camera_height (tuple[float]): Range of the camera height (m).
            Defaults to ``(1.1, 1.6)``.
        camera_pitch (tuple[float]): Range of the pitch (deg).
            Defaults to ``(-25, -5)``.
        camera_yaw (float): Maximum absolute yaw (deg). Defaults to 15.
        light_color (tuple[str]): Light colour choices (hex).
            Defaults to neutral and warm white.
        light_level (tuple[float]): Range of the light intensity.
            Defaults to ``(0.9, 1.4)``.
        ambient (tuple[float]): Range of the ambient level.
            Defaults to ``(0.08, 0.18)``.
        typicality (float): Probability that a material role uses the
            class's own palettes; otherwise any palette some class uses for
            that role is drawn (real kitchens come in every colour).
            Defaults to 0.4.
    """
    name: str
    room: Tuple[Range, Range, Range]
    objects: Tuple[ObjectSpec, ...]
    appearance: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    camera_height: Range = (1.1, 1.6)
    camera_pitch: Range = (-25.0, -5.0)
    camera_yaw: float = 15.0
    light_color: Tuple[str, ...] = ('ffffff', 'fff0dc')
    light_level: Range = (0.9, 1.4)
    ambient: Range = (0.08, 0.18)
    typicality: float = 0.4

    def sample(self,
               rng: np.random.Generator,
               width: int = 80,
               height: int = 60,
               hfov: float = 60.0) -> Tuple[Scene, Camera]:
        """Sample one scene of this class and a camera looking into it.

        Args:
            rng (np.random.Generator): Random generator; the result is a
                pure function of its state.
            width (int): Image width of the returned camera. Defaults to 80.
            height (int): Image height. Defaults to 60.
            hfov (float): Horizontal field of view (deg). Defaults to 60.

        Returns:
            tuple[Scene, Camera]: The scene and the camera.
        """
        return _sample_scene(self, rng, width, height, hfov)


class _Layout:
    """Floor-plan occupancy and wall occupancy of one room."""

    def __init__(self, W: float, L: float, cam_xz: Tuple[float, float]):
        self.W, self.L = W, L
        cx, cz = cam_xz
        # The camera needs free space around it, and the wall behind it
        # (z = 0) is out of view, so nothing is put there.
        self.rects: List[Tuple[float, float, float,
                               float]] = [(cx - 0.6, -1.0, cx + 0.6, cz + 0.6)]
        self.wall_spans: Dict[str, List[Tuple[float, float, float, float]]]
        self.wall_spans = {'left': [], 'right': [], 'back': []}

    @staticmethod
    def _rect(x, z, w, d, yaw):
        a = np.deg2rad(yaw)
        ex = abs(np.cos(a)) * w / 2 + abs(np.sin(a)) * d / 2
        ez = abs(np.sin(a)) * w / 2 + abs(np.cos(a)) * d / 2
        return x - ex, z - ez, x + ex, z + ez

    def free(self, rect, margin=0.05) -> bool:
        x0, z0, x1, z1 = rect
        if x0 < -1e-6 or z0 < -1e-6 or x1 > self.W + 1e-6 or \
                z1 > self.L + 1e-6:
            return False
        for a0, b0, a1, b1 in self.rects:
            if x0 < a1 + margin and x1 > a0 - margin and \
                    z0 < b1 + margin and z1 > b0 - margin:
                return False
        return True

    def wall_free(self, wall, u0, u1, y0, y1) -> bool:
        for a0, a1, b0, b1 in self.wall_spans[wall]:
            if u0 < a1 + 0.1 and u1 > a0 - 0.1 and y0 < b1 and y1 > b0:
                return False
        return True


_WALL_YAW = {'back': 0.0, 'left': -90.0, 'right': 90.0}


def _wall_pose(wall: str, u: float, depth: float, W: float, L: float):
    """Centre and yaw of an item of given depth against a wall at ``u``."""
    if wall == 'back':
        return u, L - depth / 2, 0.0
    if wall == 'left':
        return depth / 2, u, -90.0
    return W - depth / 2, u, 90.0


def _piece_height(piece: _Piece) -> Tuple[float, float]:
    lo, hi = np.inf, -np.inf
    for _, shapes in piece.groups:
        for s in shapes:
            b0, b1 = s.bounds()
            lo, hi = min(lo, b0[1]), max(hi, b1[1])
    return lo, hi


def _emit(piece: _Piece, x: float, z: float, yaw: float,
          objects: List[SceneObject]) -> None:
    for kind, shapes in piece.groups:
        if shapes:
            objects.append(
                SceneObject([_move(s, x, z, yaw) for s in shapes],
                            _SEM[kind],
                            name=kind))


def _place_spec(spec: ObjectSpec, ctx: _Ctx, lay: _Layout,
                objects: List[SceneObject]) -> None:
    build = BUILDERS[spec.kind]
    params = dict(spec.params)
    rng = ctx.rng
    W, L = lay.W, lay.L
    rule = spec.placement
    n = int(rng.integers(spec.count[0], spec.count[1] + 1))

    if rule in ('rows', 'grid'):
        _place_grid(spec, ctx, lay, objects, build, params)
        return

    for _ in range(n):
        for _attempt in range(12):
            mounted = rule.endswith('_mounted')
            if rule in ('wall', 'back', 'side', 'corner') or mounted:
                walls = {
                    'back': ['back'],
                    'back_mounted': ['back'],
                    'side': ['left', 'right'],
                    'side_mounted': ['left', 'right']
                }.get(rule, ['back', 'left', 'right'])
                wall = walls[rng.integers(len(walls))]
                span = W if wall == 'back' else L
                piece = build(ctx, span - 0.2, **params)
                if rule == 'corner':
                    u = (
                        piece.w / 2 + 0.02 if rng.random() < 0.5 else span -
                        piece.w / 2 - 0.02)
                else:
                    u = ctx.u(piece.w / 2 + 0.05, span - piece.w / 2 - 0.05) \
                        if span > piece.w + 0.1 else span / 2
                x, z, yaw = _wall_pose(wall, u, piece.d, W, L)
                if mounted:
                    y0, y1 = _piece_height(piece)
                    if wall != 'back' and u - piece.w / 2 < lay.rects[0][3]:
                        continue  # behind or beside the camera
                    if not lay.wall_free(wall, u - piece.w / 2,
                                         u + piece.w / 2, y0, y1):
                        continue
                    lay.wall_spans[wall].append(
                        (u - piece.w / 2, u + piece.w / 2, y0, y1))
                    if y0 < 0.5:
                        # Doors need clear floor in front of them.
                        lay.rects.append(
                            lay._rect(*_wall_pose(wall, u, 1.0, W, L)[:2],
                                      piece.w, 1.0,
                                      _wall_pose(wall, u, 1.0, W, L)[2]))
                    _emit(piece, x, z, yaw, objects)
                    break
            elif rule == 'along':
                piece = build(ctx, L - 0.2, **params)
                left = rng.random() < 0.5
                x = piece.w / 2 + 0.02 if left else W - piece.w / 2 - 0.02
                z = ctx.u(lay.rects[0][3] + piece.d / 2 + 0.1,
                          L - piece.d / 2 - 0.02)
                yaw = 0.0
            else:
                piece = build(ctx, W - 0.2, **params)
                yaw = float(rng.choice([0.0, 90.0, 180.0, 270.0]))
                # A centre piece that does not fit falls back to anywhere.
                if rule == 'centre' and _attempt < 8:
                    x = W / 2 + ctx.u(-0.15, 0.15) * W
                    z = L * ctx.u(0.45, 0.65)
                    yaw = float(rng.choice([0.0, 180.0])) + ctx.u(-8, 8)
                else:
                    x, z = ctx.u(0, W), ctx.u(0, L)
                    yaw += ctx.u(-20, 20)
            rect = lay._rect(x, z, piece.w, piece.d, yaw)
            if lay.free(rect):
                lay.rects.append(rect)
                _emit(piece, x, z, yaw, objects)
                break


def _place_grid(spec, ctx, lay, objects, build, params) -> None:
    rng = ctx.rng
    W, L = lay.W, lay.L
    probe = build(ctx, W - 0.4, **params)
    gap_x = 0.5 if spec.placement == 'rows' else ctx.u(1.0, 1.6)
    gap_z = ctx.u(0.35, 0.6) if spec.placement == 'rows' else ctx.u(1.0, 1.6)
    z_start = lay.rects[0][3] + 0.3
    z_end = L - ctx.u(0.8, 1.6)
    cols = int((W - 0.6 + gap_x) // (probe.w + gap_x))
    rows = int((z_end - z_start + gap_z) // (probe.d + gap_z))
    cols = max(1, min(cols, spec.count[1]))
    rows = max(1, min(rows, spec.count[1]))
    span_x = cols * probe.w + (cols - 1) * gap_x
    span_z = rows * probe.d + (rows - 1) * gap_z
    x0 = (W - span_x) / 2 + probe.w / 2 + ctx.u(-0.2, 0.2)
    z0 = max(z_start, z_end - span_z) + probe.d / 2
    for r in range(rows):
        for c in range(cols):
            if not ctx.chance(spec.fill):
                continue
            piece = probe if (r, c) == (0,
                                        0) else build(ctx, W - 0.4, **params)
            x = x0 + c * (probe.w + gap_x) + ctx.u(-0.05, 0.05)
            z = z0 + r * (probe.d + gap_z) + ctx.u(-0.05, 0.05)
            if spec.placement == 'rows':
                yaw = ctx.u(-4, 4)
            else:
                yaw = float(rng.choice([0.0, 90.0])) + ctx.u(-15, 15)
            rect = lay._rect(x, z, piece.w, piece.d, yaw)
            if lay.free(rect, margin=0.02):
                lay.rects.append(rect)
                _emit(piece, x, z, yaw, objects)


def _sample_scene(cls: SceneClass, rng: np.random.Generator, width: int,
                  height: int, hfov: float) -> Tuple[Scene, Camera]:
    (w0, w1), (h0, h1), (l0, l1) = cls.room
    W, H, L = rng.uniform(w0, w1), rng.uniform(h0, h1), rng.uniform(l0, l1)
    appearance = dict(DEFAULT_APPEARANCE)
    appearance.update(cls.appearance)
    ctx = _Ctx(rng, appearance, (W, H, L), cls.typicality)

    cam_x = W / 2 + rng.uniform(-0.2, 0.2) * W
    cam_z = rng.uniform(0.15, min(0.8, 0.25 * L))
    lay = _Layout(W, L, (cam_x, cam_z))
    objects: List[SceneObject] = []
    for spec in cls.objects:
        if rng.random() < spec.prob:
            _place_spec(spec, ctx, lay, objects)

    # Ceiling lights on a coarse grid: few lights keep shadow rays cheap.
    nx = 1 if W < 4.5 else 2
    nz = 1 if L < 4.5 else (2 if L < 9.0 else 3)
    level = rng.uniform(*cls.light_level)
    col = np.array(_hex(cls.light_color[rng.integers(len(
        cls.light_color))]))**2.2
    lights = []
    m_light = ctx.mat('light')
    for i in range(nx):
        for j in range(nz):
            lx = W * (i + 0.5) / nx + rng.uniform(-0.3, 0.3)
            # Photos are mostly taken from a room's entrance, with the
            # lit part of the room ahead of the camera.
            lz = L * (0.4 + 0.55 * (j + 0.5) / nz) + rng.uniform(-0.3, 0.3)
            lights.append(
                PointLight((lx, H - 0.1, lz),
                           tuple(col * level * 1.6 / np.sqrt(nx * nz)),
                           falloff=max(W, L) * 0.35))
            objects.append(
                SceneObject([_bx(lx, H - 0.02, lz, 0.6, 0.02, 0.6, m_light)],
                            _SEM['light'],
                            name='light'))
    amb = rng.uniform(*cls.ambient)
    room = Room((W, H, L), ctx.mat('floor'), ctx.mat('ceiling'),
                ctx.mat('wall'))
    scene = Scene(room, objects, lights, (amb, amb, amb * 1.02))
    camera = Camera(
        width,
        height,
        hfov, (cam_x, rng.uniform(*cls.camera_height), cam_z),
        yaw=rng.uniform(-cls.camera_yaw, cls.camera_yaw) -
        (cam_x - W / 2) / W * 30,
        pitch=rng.uniform(*cls.camera_pitch))
    return scene, camera


# --------------------------------------------------------------------------
# The classes
# --------------------------------------------------------------------------
_TR = [
    SceneClass(
        'bathroom', ((1.8, 3.0), (2.4, 2.7), (2.0, 3.5)),
        (_o('vanity', 1, 'back', 0.5), _o('vanity', 1, 'side'),
         _o('toilet', 1, 'wall'), _o('bathtub', 1, 'back', 0.6),
         _o('shower', 1, 'corner', 0.5), _o(
             'door', 1, 'side_mounted', 0.3), _o('bin', 1, 'scatter', 0.3)),
        appearance={
            'wall': ('wall_tile', 'wall_tile', 'wall_cool'),
            'floor': ('floor_tile_small', ),
            'cabinet': ('white', 'wood_light', 'wood_dark')
        },
        camera_height=(1.3, 1.7),
        camera_pitch=(-35, -15)),
    SceneClass(
        'classroom', ((6.0, 9.0), (2.8, 3.4), (6.0, 9.0)),
        (_o('blackboard', 1, 'back', 0.5), _o('whiteboard', 1, 'back', 0.8),
         _o('window', (2, 4), 'side_mounted'), _o('teacher_desk', 1, 'back'),
         _o('student_desk',
            (3, 6), 'rows', fill=0.9), _o('cabinet', (0, 2), 'side')),
        appearance={
            'wall': ('wall_beige', 'wall_white', 'wall_green'),
            'floor': ('floor_lino', 'floor_tile'),
            'chair': ('plastic_bright', 'plastic_dark', 'wood_light'),
            'desk': ('wood_light', 'laminate')
        }),
    SceneClass(
        'computer_room', ((5.0, 8.0), (2.6, 3.2), (5.0, 9.0)),
        (_o('whiteboard', 1, 'back',
            0.6), _o('window', (0, 2), 'side_mounted', 0.6),
         _o('computer_row', (2, 4), 'rows', fill=0.95,
            seats=(2, 4)), _o('monitor_desk',
                              (0, 2), 'side'), _o('cabinet', (0, 1), 'wall')),
        appearance={
            'wall': ('wall_white', 'wall_grey', 'wall_cool'),
            'floor': ('carpet_grey', 'floor_lino'),
            'desk': ('laminate', 'white'),
            'chair': ('fabric_blue', 'plastic_dark', 'fabric_grey')
        }),
    SceneClass(
        'conference_room', ((3.5, 6.0), (2.6, 3.0), (5.0, 8.0)),
        (_o('conference_set', 1, 'centre'), _o(
            'screen', 1, 'back_mounted',
            0.7), _o('wall_tv', 1, 'back_mounted',
                     0.6), _o('window', (0, 3), 'side_mounted', 0.7),
         _o('cabinet', (0, 2), 'side'), _o('plant', (0, 2), 'corner', 0.6)),
        appearance={
            'wall': ('wall_white', 'wall_wood', 'wall_grey'),
            'floor': ('carpet_grey', 'carpet_blue', 'floor_wood'),
            'table': ('wood_dark', 'laminate'),
            'chair': ('leather_black', 'fabric_grey')
        }),
    SceneClass(
        'corridor', ((1.6, 2.6), (2.5, 3.0), (8.0, 18.0)),
        (_o('window', 1, 'back_mounted', 0.6),
         _o('door', 1, 'back_mounted', 0.4), _o('door',
                                                (3, 8), 'side_mounted'),
         _o('picture',
            (0, 3), 'side_mounted', 0.5), _o('bench', 1, 'side', 0.3),
         _o('plant', (0, 2), 'side', 0.4), _o('bin', (0, 1), 'side', 0.5)),
        appearance={
            'wall': ('wall_white', 'wall_beige', 'wall_cool', 'wall_grey'),
            'floor': ('floor_lino', 'floor_tile', 'concrete')
        },
        camera_yaw=8.0,
        camera_pitch=(-12, 0)),
    SceneClass(
        'discussion_area', ((5.0, 8.0), (2.6, 3.2), (5.0, 8.0)),
        (_o('window', (1, 3), 'wall_mounted',
            0.6), _o('whiteboard', 1, 'wall_mounted', 0.6),
         _o('round_table_set',
            (2, 3), 'grid', fill=0.95), _o('sofa', (1, 2), 'back', 0.7),
         _o('plant', (1, 3), 'corner'), _o('armchair',
                                           (0, 2), 'scatter', 0.5)),
        appearance={
            'wall': ('wall_white', 'wall_accent', 'wall_cool'),
            'floor': ('floor_wood', 'carpet_grey', 'floor_lino'),
            'chair': ('fabric_accent', 'plastic_bright'),
            'sofa': ('fabric_accent', 'fabric_warm')
        }),
    SceneClass(
        'home_office', ((2.4, 3.5), (2.4, 2.8), (2.8, 4.0)),
        (_o('monitor_desk', 1, 'back'), _o(
            'bookshelf', (1, 2), 'side'), _o('window', 1, 'wall_mounted', 0.8),
         _o('picture',
            (0, 2), 'wall_mounted', 0.6), _o('filing_cabinet', 1, 'wall', 0.3),
         _o('armchair', 1, 'corner', 0.3), _o(
             'plant', 1, 'corner', 0.5), _o('rug', 1, 'centre', 0.3)),
        appearance={
            'wall': ('wall_warm', 'wall_beige', 'wall_green'),
            'floor': ('floor_wood', 'carpet_warm'),
            'desk': ('wood_light', 'wood_dark'),
            'shelf': ('wood_light', 'wood_dark', 'white')
        },
        camera_pitch=(-30, -10)),
    SceneClass(
        'kitchen', ((2.5, 4.5), (2.4, 2.8), (3.0, 5.0)),
        (_o('kitchen_run', 1, 'back'), _o('kitchen_run', 1, 'side', 0.7),
         _o('window', 1, 'wall_mounted',
            0.5), _o('kitchen_island', 1, 'centre', 0.4),
         _o('dining_set', 1, 'centre', 0.3), _o('bin', 1, 'wall', 0.5)),
        appearance={
            'wall': ('wall_white', 'wall_tile', 'wall_warm'),
            'floor': ('floor_tile', 'floor_wood', 'floor_tile_small'),
            'cabinet': ('white', 'wood_light', 'wood_dark'),
            'counter_top': ('stone', )
        },
        camera_pitch=(-30, -10)),
    SceneClass(
        'lab', ((5.0, 8.0), (2.7, 3.3), (6.0, 9.0)),
        (_o('fume_hood',
            (1, 2), 'wall'), _o('window', (0, 2), 'side_mounted', 0.5),
         _o('lab_bench',
            (2, 3), 'rows', fill=0.95), _o('storage_rack', (0, 2), 'side'),
         _o('stool', (1, 4), 'scatter'), _o('cabinet', (0, 2), 'wall')),
        appearance={
            'wall': ('wall_white', 'wall_cool'),
            'floor': ('floor_lino', 'floor_tile', 'concrete'),
            'cabinet': ('white', 'grey_metal', 'laminate'),
            'counter_top': ('black', ),
            'chair': ('black', 'plastic_dark')
        },
        light_color=('f4f8ff', 'ffffff')),
    SceneClass(
        'living_room', ((4.0, 6.5), (2.4, 3.0), (4.5, 7.0)),
        (_o('tv_stand', 1, 'back'), _o('sofa', 1, 'side'),
         _o('coffee_table', 1, 'centre'), _o('rug', 1, 'centre',
                                             0.8), _o('sofa', 1, 'side', 0.3),
         _o('armchair',
            (0, 2), 'scatter'), _o('window', (1, 2), 'wall_mounted', 0.8),
         _o('picture',
            (0, 3), 'wall_mounted', 0.7), _o('floor_lamp', 1, 'corner', 0.6),
         _o('plant', (0, 2), 'corner'), _o('bookshelf', 1, 'wall', 0.3)),
        appearance={
            'wall': ('wall_warm', 'wall_beige', 'wall_white'),
            'floor': ('floor_wood', 'carpet_warm'),
            'table': ('wood_dark', 'wood_light'),
            'cabinet': ('wood_dark', 'white')
        },
        light_color=('fff0dc', 'ffe4c4')),
    SceneClass(
        'office', ((4.0, 7.0), (2.6, 3.0), (4.5, 8.0)),
        (_o('partitioned_desk',
            (2, 3), 'grid', fill=0.9), _o('window',
                                          (1, 3), 'wall_mounted', 0.7),
         _o('filing_cabinet', (1, 3), 'wall'), _o('printer', 1, 'wall', 0.5),
         _o('plant', (0, 2), 'corner'), _o('bookshelf', (0, 1), 'wall')),
        appearance={
            'wall': ('wall_white', 'wall_grey', 'wall_cool'),
            'floor': ('carpet_blue', 'carpet_grey'),
            'desk': ('laminate', 'white', 'wood_light'),
            'partition': ('fabric_grey', 'fabric_blue')
        }),
    SceneClass(
        'study_space', ((4.0, 8.0), (2.6, 3.2), (5.0, 9.0)),
        (_o('bookshelf',
            (2, 5), 'wall'), _o('dining_set', (2, 3), 'grid', fill=0.85),
         _o('window', (1, 3), 'wall_mounted',
            0.7), _o('floor_lamp',
                     (0, 2), 'corner'), _o('plant', (0, 1), 'corner')),
        appearance={
            'wall': ('wall_beige', 'wall_white', 'wall_wood'),
            'floor': ('floor_wood', 'carpet_warm', 'carpet_grey'),
            'table': ('wood_light', 'wood_dark'),
            'chair': ('wood_light', 'fabric_warm', 'plastic_dark')
        }),
]

_TI = [
    SceneClass(
        'bedroom', ((3.0, 4.5), (2.4, 2.8), (3.0, 5.0)),
        (_o('window', 1, 'wall_mounted',
            0.8), _o('picture',
                     (0, 2), 'wall_mounted', 0.6), _o('bed', 1, 'back'),
         _o('nightstand', (1, 2), 'back'), _o('wardrobe', 1, 'side', 0.8),
         _o('rug', 1, 'centre', 0.5), _o('desk', 1, 'wall', 0.3)),
        appearance={
            'wall': ('wall_warm', 'wall_cool', 'wall_beige'),
            'floor': ('floor_wood', 'carpet_warm')
        },
        light_color=('fff0dc', 'ffe4c4')),
    SceneClass(
        'cafeteria', ((7.0, 11.0), (2.8, 3.5), (7.0, 11.0)),
        (_o('window',
            (2, 4), 'wall_mounted', 0.8), _o('kitchen_run', 1, 'back', 0.6),
         _o('cafeteria_table',
            (3, 4), 'grid', fill=0.9), _o('bin', (1, 2), 'wall')),
        appearance={
            'wall': ('wall_white', 'wall_accent', 'wall_beige'),
            'floor': ('floor_tile', 'floor_lino'),
            'chair': ('plastic_bright', )
        }),
    SceneClass(
        'dining_room', ((3.0, 5.0), (2.5, 3.0), (3.5, 5.5)),
        (_o('window', (1, 2), 'wall_mounted',
            0.7), _o('picture', (0, 2), 'wall_mounted', 0.7),
         _o('dining_set', 1, 'centre'), _o('cabinet', (1, 2), 'wall'),
         _o('ceiling_lamp', 1, 'centre', 0.7), _o('plant', (0, 1), 'corner')),
        appearance={
            'wall': ('wall_warm', 'wall_white', 'wall_wood'),
            'floor': ('floor_wood', 'floor_tile'),
            'table': ('wood_dark', 'wood_light'),
            'chair': ('wood_dark', 'fabric_warm')
        },
        light_color=('fff0dc', )),
    SceneClass(
        'gym', ((6.0, 10.0), (3.0, 4.0), (6.0, 10.0)),
        (_o('window',
            (0, 3), 'wall_mounted', 0.6), _o('mirror', (1, 3), 'wall_mounted'),
         _o('treadmill',
            (2, 5), 'rows', fill=0.8), _o('weight_bench', (1, 3), 'scatter'),
         _o('dumbbell_rack', 1, 'wall', 0.7), _o('gym_mat',
                                                 (0, 2), 'scatter')),
        appearance={
            'wall': ('wall_white', 'wall_grey', 'wall_accent'),
            'floor': ('rubber_floor', 'floor_wood')
        }),
    SceneClass(
        'hotel_room', ((3.0, 4.5), (2.5, 2.8), (4.0, 6.0)),
        (_o('window', 1, 'back', 0.9), _o('wall_tv', 1, 'side', 0.7),
         _o('single_bed', (1, 2), 'side'), _o('nightstand', 1, 'wall'),
         _o('desk', 1, 'wall', 0.7), _o('armchair', 1, 'corner', 0.5)),
        appearance={
            'wall': ('wall_beige', 'wall_white'),
            'floor': ('carpet_warm', 'carpet_grey')
        }),
    SceneClass(
        'laundromat', ((3.0, 6.0), (2.5, 3.0), (5.0, 9.0)),
        (_o('washing_machines',
            (1, 3), 'wall'), _o('bench',
                                (0, 2), 'centre'), _o('bin', (0, 2), 'wall')),
        appearance={
            'wall': ('wall_white', 'wall_tile', 'wall_accent'),
            'floor': ('floor_tile', 'floor_lino')
        }),
    SceneClass(
        'lecture_theatre', ((8.0, 12.0), (3.5, 5.0), (8.0, 12.0)),
        (_o('screen', 1, 'back'), _o('blackboard', 1, 'back',
                                     0.4), _o('teacher_desk', 1, 'back'),
         _o('cafeteria_table', (4, 6), 'rows', fill=0.95)),
        appearance={
            'wall': ('wall_wood', 'wall_grey', 'wall_beige'),
            'floor': ('carpet_blue', 'carpet_grey')
        },
        camera_height=(1.6, 2.4),
        camera_pitch=(-15, 0)),
    SceneClass(
        'library', ((6.0, 10.0), (2.8, 3.6), (6.0, 10.0)),
        (_o('bookshelf',
            (3, 6), 'wall'), _o('library_stack', (3, 4), 'rows',
                                fill=0.9), _o('table', (0, 2), 'scatter')),
        appearance={
            'wall': ('wall_beige', 'wall_white'),
            'floor': ('carpet_warm', 'carpet_grey', 'floor_wood'),
            'shelf': ('wood_dark', 'wood_light', 'grey_metal')
        }),
    SceneClass(
        'lobby', ((8.0, 12.0), (3.2, 4.5), (8.0, 12.0)),
        (_o('door',
            (1, 2), 'wall_mounted'), _o('window', (1, 3), 'wall_mounted'),
         _o('reception_desk', 1, 'back'), _o(
             'column', (2, 4), 'grid', fill=0.8), _o(
                 'sofa', (1, 2), 'side'), _o('plant', (2, 4), 'scatter')),
        appearance={
            'wall': ('wall_white', 'wall_wood', 'wall_brick'),
            'floor': ('floor_tile', 'concrete')
        }),
    SceneClass(
        'music_room', ((4.0, 7.0), (2.6, 3.4), (4.0, 7.0)),
        (_o('piano', 1, 'wall'), _o('drums', 1, 'scatter', 0.6),
         _o('music_stand', (2, 5), 'scatter'), _o(
             'chair', (2, 6), 'scatter'), _o('picture',
                                             (0, 3), 'wall_mounted')),
        appearance={
            'wall': ('wall_wood', 'wall_accent', 'wall_white'),
            'floor': ('floor_wood', 'carpet_warm')
        }),
    SceneClass(
        'stairs', ((2.0, 4.0), (3.5, 5.0), (4.0, 7.0)),
        (_o('stairs', 1, 'along'), _o('railing', (0, 1), 'side'),
         _o('window', (0, 1), 'wall_mounted',
            0.5), _o('door', (0, 1), 'wall_mounted', 0.5)),
        appearance={
            'wall': ('wall_white', 'wall_grey', 'wall_brick'),
            'floor': ('concrete', 'floor_tile')
        },
        camera_pitch=(-10, 15)),
    SceneClass(
        'storage_room', ((3.0, 6.0), (2.5, 3.2), (3.0, 7.0)),
        (_o('storage_rack',
            (2, 4), 'wall'), _o('storage_rack', (1, 3), 'rows', fill=0.7),
         _o('carton_stack', (2, 6), 'scatter'), _o('lockers', (0, 1), 'side')),
        appearance={
            'wall': ('wall_grey', 'wall_white', 'concrete'),
            'floor': ('concrete', ),
            'frame': ('grey_metal', 'plastic_bright')
        },
        light_color=('f4f8ff', 'ffffff'),
        light_level=(0.6, 1.1)),
]

_POOL: Dict[str, Tuple[str, ...]] = {}


def _generic_pool() -> Dict[str, Tuple[str, ...]]:
    """Role -> every palette the default or any class uses for it."""
    if not _POOL:
        for role, names in DEFAULT_APPEARANCE.items():
            pool = set(names)
            for c in _TR + _TI:
                pool.update(c.appearance.get(role, ()))
            _POOL[role] = tuple(sorted(pool))
    return _POOL


#: Every scene class by name.
SCENE_CLASSES: Dict[str, SceneClass] = {c.name: c for c in _TR + _TI}
#: Default task-relevant classes (alphabetical).
TR_CLASSES: Tuple[str, ...] = tuple(sorted(c.name for c in _TR))
#: Default task-irrelevant classes (alphabetical, disjoint from TR).
TI_CLASSES: Tuple[str, ...] = tuple(sorted(c.name for c in _TI))


def get_scene_class(name: str) -> SceneClass:
    """Look a scene class up by name.

    Args:
        name (str): Class name.

    Returns:
        SceneClass: The class.
    """
    try:
        return SCENE_CLASSES[name]
    except KeyError:
        raise KeyError(f'unknown scene class {name!r}; known: '
                       f'{sorted(SCENE_CLASSES)}') from None
