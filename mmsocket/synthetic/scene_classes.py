# Copyright (c) mmsocket contributors. All rights reserved.
"""Scene classes: layout recipes plus appearance recipes.

A :class:`SceneClass` samples a :class:`~.scene.Scene` and a camera pose
from a random generator. It is made of

* a **layout recipe**: room size ranges and a list of :class:`ObjectSpec`
  (object type, count, probability, placement rule such as ``'wall'``,
  ``'rows'``, ``'grid'``, ``'centre'``, ``'scatter'`` or
  ``'wall_mounted'``), plus camera and lighting ranges;
* an **appearance recipe**: a palette name (or several) per material role
  (``'wall'``, ``'floor'``, ``'chair'``, ...), with colour jitter and
  optional procedural textures.

The classes themselves are rows of the catalogue
(:mod:`.catalogue.scenes`); objects are built by :mod:`.builders` and placed
by :mod:`.layout`.
"""
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

import numpy as np

from .builders import BUILDERS, BuildContext
from .builders.parts import box_at
from .catalogue import DEFAULT_APPEARANCE, TI_SCENES, TR_SCENES
from .generation import lookup
from .layout import PLACEMENTS, SEMANTIC_ID, FloorPlan, place_spec
from .palettes import PALETTES, hex_to_rgb
from .scene import Camera, PointLight, Room, Scene, SceneObject

__all__ = [
    'ObjectSpec', 'SceneClass', 'SCENE_CLASSES', 'TR_CLASSES', 'TI_CLASSES',
    'get_scene_class'
]

Range = Tuple[float, float]


@dataclass(frozen=True)
class ObjectSpec:
    """One line of a layout recipe.

    Args:
        kind (str): A key of :data:`~.builders.BUILDERS`.
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

    def __post_init__(self) -> None:
        # Catalogue rows are data: a typo must fail here, not place an
        # object by another rule or fail deep inside a worker.
        if self.kind not in BUILDERS:
            raise ValueError(f'object kind {self.kind!r} has no builder; '
                             f'known: {sorted(BUILDERS)}')
        if self.placement not in PLACEMENTS:
            raise ValueError(f'{self.kind}: unknown placement '
                             f'{self.placement!r}; expected one of '
                             f'{PLACEMENTS}')
        lo, hi = self.count
        if not 0 <= lo <= hi:
            raise ValueError(f'{self.kind}: count {self.count} is not a '
                             'range 0 <= min <= max')

    @classmethod
    def from_row(cls, row: tuple) -> 'ObjectSpec':
        """A line from a catalogue row ``(kind, count, placement[, prob[,
        options]])`` (see :mod:`.catalogue.scenes`)."""
        kind, count, placement = row[:3]
        prob = row[3] if len(row) > 3 else 1.0
        params = dict(row[4]) if len(row) > 4 else {}
        fill = params.pop('fill', 0.9)
        if isinstance(count, int):
            count = (count, count)
        return cls(kind, tuple(count), placement, prob, fill,
                   tuple(sorted(params.items())))


@dataclass(frozen=True)
class SceneClass:
    """A scene category: layout recipe + appearance recipe.

    Args:
        name (str): Class name (a folder name on disk).
        room (tuple): Ranges of the room width, height and length (m).
        objects (tuple[ObjectSpec]): The layout recipe, placed in order.
        appearance (dict): Material role -> palette names overriding
            :data:`~.catalogue.DEFAULT_APPEARANCE`.
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

    def __post_init__(self) -> None:
        for role, names in self.appearance.items():
            unknown = [n for n in names if n not in PALETTES]
            if unknown or not names:
                raise ValueError(
                    f'scene class {self.name!r}: role {role!r} names '
                    f'unknown palettes {unknown or names}; known: '
                    f'{sorted(PALETTES)}')

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


def _sample_scene(cls: SceneClass, rng: np.random.Generator, width: int,
                  height: int, hfov: float) -> Tuple[Scene, Camera]:
    (w0, w1), (h0, h1), (l0, l1) = cls.room
    W, H, L = rng.uniform(w0, w1), rng.uniform(h0, h1), rng.uniform(l0, l1)
    appearance = dict(DEFAULT_APPEARANCE)
    appearance.update(cls.appearance)
    ctx = BuildContext(rng, appearance, (W, H, L), cls.typicality)

    cam_x = W / 2 + rng.uniform(-0.2, 0.2) * W
    cam_z = rng.uniform(0.15, min(0.8, 0.25 * L))
    lay = FloorPlan(W, L, (cam_x, cam_z))
    objects: List[SceneObject] = []
    for spec in cls.objects:
        if rng.random() < spec.prob:
            place_spec(spec, ctx, lay, objects)

    # Ceiling lights on a coarse grid: few lights keep shadow rays cheap.
    nx = 1 if W < 4.5 else 2
    nz = 1 if L < 4.5 else (2 if L < 9.0 else 3)
    level = rng.uniform(*cls.light_level)
    col = np.array(
        hex_to_rgb(cls.light_color[rng.integers(len(cls.light_color))]))**2.2
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
                SceneObject(
                    [box_at(lx, H - 0.02, lz, 0.6, 0.02, 0.6, m_light)],
                    SEMANTIC_ID['light'],
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


def _scene_class(row: Dict[str, Any]) -> SceneClass:
    row = dict(row)
    objects = tuple(ObjectSpec.from_row(r) for r in row.pop('objects'))
    return SceneClass(objects=objects, **row)


_TR = [_scene_class(row) for row in TR_SCENES]
_TI = [_scene_class(row) for row in TI_SCENES]

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
    return lookup(SCENE_CLASSES, name, 'scene class')
