# Copyright (c) mmsocket contributors. All rights reserved.
"""What a synthetic scene is made of, and the camera that views it.

Plain data (:class:`Material`, :class:`Box`, :class:`Cylinder`,
:class:`Sphere`, :class:`SceneObject`, :class:`Room`, :class:`PointLight`,
:class:`Scene`) and the pinhole :class:`Camera`: the scene classes build
them, :func:`~.renderer.render` casts rays through them.

World frame: metres, ``y`` up; the room spans ``[0, W] x [0, H] x [0, L]``
in ``(x, y, z)``. A camera with yaw 0 and pitch 0 looks along ``+z`` with
``+x`` to its right.
"""
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np

__all__ = [
    'TEXTURES', 'Material', 'Box', 'Cylinder', 'Sphere', 'Shape',
    'SceneObject', 'Room', 'PointLight', 'Scene', 'Camera'
]

Vec3 = Tuple[float, float, float]

#: Procedural textures a :class:`Material` may use.
TEXTURES = ('none', 'stripes', 'checker', 'noise')


@dataclass(eq=False)
class Material:
    """Surface appearance.

    Textures are *solid* (evaluated on the hit point in the shape's local
    frame), so they need no UV unwrapping and stay put when a shape moves.

    Args:
        albedo (tuple[float]): Linear RGB albedo in [0, 1].
        nir (float): Near-infrared reflectance in [0, 1]. Deliberately
            independent of ``albedo``: many dyes differ in the visible range
            but reflect NIR alike. Defaults to 0.5.
        texture (str): One of :data:`TEXTURES`. Defaults to ``'none'``.
        texture_scale (float): Period of the pattern in metres.
            Defaults to 0.25.
        texture_contrast (float): How far the pattern pulls the albedo
            towards ``albedo2`` (0 = invisible). Defaults to 0.3.
        texture_axis (int): Local axis the stripes run across
            (0 = x, 1 = y, 2 = z). Defaults to 0.
        albedo2 (tuple[float], optional): Second colour of the pattern.
            Defaults to a darker ``albedo``.
        nir_texture (bool): Whether the pattern also modulates NIR (paint
            usually does not, printed patterns often do). Defaults to False.
        emission (float): Self-emitted radiance as a multiple of the albedo
            (screens, windows, lamps). Defaults to 0.
        seed (int): Seed of the noise texture. Defaults to 0.
    """
    albedo: Vec3
    nir: float = 0.5
    texture: str = 'none'
    texture_scale: float = 0.25
    texture_contrast: float = 0.3
    texture_axis: int = 0
    albedo2: Optional[Vec3] = None
    nir_texture: bool = False
    emission: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.texture not in TEXTURES:
            raise ValueError(f'unknown texture {self.texture!r}; '
                             f'expected one of {TEXTURES}')


@dataclass(eq=False)
class Box:
    """A box standing upright, rotated about the vertical axis.

    Args:
        center (tuple[float]): Centre ``(x, y, z)`` in metres.
        size (tuple[float]): Full extents ``(sx, sy, sz)`` in metres.
        material (Material): Its appearance.
        yaw (float): Rotation about ``+y`` in degrees. Defaults to 0.
    """
    center: Vec3
    size: Vec3
    material: Material
    yaw: float = 0.0

    def bounds(self) -> Tuple[np.ndarray, np.ndarray]:
        """Axis-aligned world bounds ``(lo, hi)``."""
        c = np.asarray(self.center, np.float64)
        h = np.asarray(self.size, np.float64) / 2
        a = np.deg2rad(self.yaw)
        ex = abs(np.cos(a)) * h[0] + abs(np.sin(a)) * h[2]
        ez = abs(np.sin(a)) * h[0] + abs(np.cos(a)) * h[2]
        e = np.array([ex, h[1], ez])
        return c - e, c + e


@dataclass(eq=False)
class Cylinder:
    """A vertical, capped cylinder.

    Args:
        center (tuple[float]): Axis position ``(x, z)`` in metres.
        y_range (tuple[float]): Bottom and top height in metres.
        radius (float): Radius in metres.
        material (Material): Its appearance.
    """
    center: Tuple[float, float]
    y_range: Tuple[float, float]
    radius: float
    material: Material

    def bounds(self) -> Tuple[np.ndarray, np.ndarray]:
        """Axis-aligned world bounds ``(lo, hi)``."""
        x, z = self.center
        r = self.radius
        return (np.array([x - r, self.y_range[0],
                          z - r]), np.array([x + r, self.y_range[1], z + r]))


@dataclass(eq=False)
class Sphere:
    """A sphere.

    Args:
        center (tuple[float]): Centre ``(x, y, z)`` in metres.
        radius (float): Radius in metres.
        material (Material): Its appearance.
    """
    center: Vec3
    radius: float
    material: Material

    def bounds(self) -> Tuple[np.ndarray, np.ndarray]:
        """Axis-aligned world bounds ``(lo, hi)``."""
        c = np.asarray(self.center, np.float64)
        return c - self.radius, c + self.radius


Shape = Union[Box, Cylinder, Sphere]


@dataclass(eq=False)
class SceneObject:
    """One object instance: primitives sharing semantic and instance ids.

    The renderer tests a ray against the object's bounding box first, so
    grouping the parts of a chair into one object is also what keeps
    rendering cheap.

    Args:
        parts (list): The primitives (:class:`Box`, :class:`Cylinder`,
            :class:`Sphere`).
        semantic (int): Object-class id written to the semantic map.
        instance (int): Instance id, 0 is reserved for the room.
            Defaults to 0 (the scene assigns ``1..n`` when left 0).
        name (str): Free-form label for debugging. Defaults to ``''``.
    """
    parts: List[Shape]
    semantic: int
    instance: int = 0
    name: str = ''

    def bounds(self) -> Tuple[np.ndarray, np.ndarray]:
        """Axis-aligned world bounds ``(lo, hi)`` of all parts."""
        los, his = zip(*(p.bounds() for p in self.parts))
        return np.min(los, axis=0), np.max(his, axis=0)


@dataclass(eq=False)
class Room:
    """The inside of an axis-aligned box: floor, ceiling and four walls.

    Args:
        size (tuple[float]): ``(W, H, L)`` extents along x, y and z.
        floor (Material): Floor material.
        ceiling (Material): Ceiling material.
        walls (Material or sequence of 4 Material): Wall materials in the
            order x=0, x=W, z=0, z=L.
        semantic (tuple[int]): Semantic ids of (wall, floor, ceiling).
            Defaults to ``(1, 2, 3)``.
    """
    size: Vec3
    floor: Material
    ceiling: Material
    walls: Union[Material, Sequence[Material]]
    semantic: Tuple[int, int, int] = (1, 2, 3)

    def wall_materials(self) -> List[Material]:
        """The four wall materials (x=0, x=W, z=0, z=L)."""
        if isinstance(self.walls, Material):
            return [self.walls] * 4
        walls = list(self.walls)
        if len(walls) != 4:
            raise ValueError('Room.walls needs 1 or 4 materials')
        return walls


@dataclass
class PointLight:
    """An isotropic point light.

    Args:
        position (tuple[float]): ``(x, y, z)`` in metres.
        color (tuple[float]): Linear RGB intensity. Defaults to white.
        falloff (float): Distance in metres at which the irradiance has
            halved; a soft ``1 / (1 + (r / falloff)^2)`` law avoids the
            blow-up of ``1 / r^2`` next to the lamp. Defaults to 2.5.
        nir (float): Fraction of the intensity emitted in the NIR band
            (fluorescent tubes emit little, daylight a lot). Defaults to 0.2.
    """
    position: Vec3
    color: Vec3 = (1.0, 1.0, 1.0)
    falloff: float = 2.5
    nir: float = 0.2


@dataclass
class Scene:
    """A room, its objects and its lights.

    Args:
        room (Room): The enclosing room.
        objects (list[SceneObject]): Objects in the room.
        lights (list[PointLight]): Light sources.
        ambient (tuple[float]): Linear RGB ambient irradiance.
            Defaults to ``(0.25, 0.25, 0.25)``.
    """
    room: Room
    objects: List[SceneObject] = field(default_factory=list)
    lights: List[PointLight] = field(default_factory=list)
    ambient: Vec3 = (0.25, 0.25, 0.25)

    def __post_init__(self) -> None:
        # Unset instance ids become 1..n in insertion order.
        for i, obj in enumerate(self.objects):
            if obj.instance == 0:
                obj.instance = i + 1


@dataclass
class Camera:
    """A pinhole camera with square pixels.

    Args:
        width (int): Image width in pixels.
        height (int): Image height in pixels.
        hfov (float): Horizontal field of view in degrees.
        position (tuple[float]): Optical centre ``(x, y, z)``; ``y`` is the
            camera height above the floor.
        yaw (float): Heading in degrees about ``+y`` (0 looks along ``+z``,
            positive turns towards ``+x``). Defaults to 0.
        pitch (float): Elevation in degrees (negative looks down).
            Defaults to 0.
    """
    width: int
    height: int
    hfov: float
    position: Vec3
    yaw: float = 0.0
    pitch: float = 0.0

    @property
    def focal(self) -> float:
        """Focal length in pixels."""
        return self.width / 2 / np.tan(np.deg2rad(self.hfov) / 2)

    def axes(self) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """World-frame ``(right, up, forward)`` unit vectors."""
        y, p = np.deg2rad(self.yaw), np.deg2rad(self.pitch)
        fwd = np.array(
            [np.sin(y) * np.cos(p),
             np.sin(p),
             np.cos(y) * np.cos(p)])
        up = np.array(
            [-np.sin(y) * np.sin(p),
             np.cos(p), -np.cos(y) * np.sin(p)])
        right = np.array([np.cos(y), 0.0, -np.sin(y)])
        return right, up, fwd

    def rays(self) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rays through the pixel centres, row-major.

        Returns:
            tuple: ``origin`` (3,), unit ``directions`` (H*W, 3) and
            ``cos`` (H*W,), the cosine to the optical axis that turns a ray
            length into a z-depth.
        """
        f = self.focal
        u = (np.arange(self.width) + 0.5 - self.width / 2) / f
        v = (np.arange(self.height) + 0.5 - self.height / 2) / f
        uu, vv = np.meshgrid(u, v)
        right, up, fwd = self.axes()
        d = (uu.reshape(-1, 1) * right - vv.reshape(-1, 1) * up + fwd)
        norm = np.linalg.norm(d, axis=1, keepdims=True)
        return (np.asarray(self.position,
                           np.float64), d / norm, 1.0 / norm[:, 0])
