# Copyright (c) mmsocket contributors. All rights reserved.
"""A small vectorised ray caster for procedural indoor-like scenes.

The module keeps three things apart so several benchmarks can share it:

* the **scene description** (:class:`Material`, :class:`Box`,
  :class:`Cylinder`, :class:`Sphere`, :class:`SceneObject`, :class:`Room`,
  :class:`PointLight`, :class:`Scene`) and the pinhole :class:`Camera`;
* **rendering**, :func:`render`, which returns *ideal* aligned maps (linear
  RGB radiance, z-depth, active-illumination NIR, semantic and instance ids,
  normals);
* sensor or style post-processing, which lives elsewhere
  (:mod:`.sensors`) and only consumes the dict :func:`render` returns.

World frame: metres, ``y`` up; the room spans ``[0, W] x [0, H] x [0, L]``
in ``(x, y, z)``. A camera with yaw 0 and pitch 0 looks along ``+z`` with
``+x`` to its right. Only numpy is needed.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

__all__ = [
    'Material', 'Box', 'Cylinder', 'Sphere', 'SceneObject', 'Room',
    'PointLight', 'Scene', 'Camera', 'render', 'TEXTURES'
]

Vec3 = Tuple[float, float, float]

#: Procedural textures a :class:`Material` may use.
TEXTURES = ('none', 'stripes', 'checker', 'noise')

_EPS = 1e-4
_INF = np.float32(np.inf)


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


# --------------------------------------------------------------------------
# Ray-primitive intersection. Rays are stored as struct-of-arrays: ``o`` is
# (3,) or (3, N), ``d`` and ``inv`` (= 1 / d) are (3, N). Contiguous rows
# keep numpy's element-wise kernels fast; the ``*_t`` functions return only
# the ray parameter (inf on a miss); normals and local coordinates are
# derived from the final hit points, once per pixel.
# --------------------------------------------------------------------------
def _safe_inv(d: np.ndarray) -> np.ndarray:
    # Rays parallel to a slab would divide by zero; a tiny offset keeps the
    # slab test correct (the parallel ray gets +-huge parameters).
    return 1.0 / np.where(np.abs(d) < 1e-12, 1e-12, d)


def _slab(o, inv, lo, hi) -> Tuple[np.ndarray, np.ndarray]:
    """Entry and exit parameters of rays through an axis-aligned box."""
    tmin = tmax = None
    for a in range(3):
        t1 = (lo[a] - o[a]) * inv[a]
        t2 = (hi[a] - o[a]) * inv[a]
        tn = np.minimum(t1, t2)
        tf = np.maximum(t1, t2)
        if tmin is None:
            tmin, tmax = tn, tf
        else:
            np.maximum(tmin, tn, out=tmin)
            np.minimum(tmax, tf, out=tmax)
    return tmin, tmax


def _box_frame(box: Box) -> Tuple[float, float]:
    a = np.deg2rad(box.yaw)
    return float(np.cos(a)), float(np.sin(a))


def _to_local(box: Box, v, c: float, s: float, is_point: bool):
    """World -> box frame (local x = (c, 0, -s), local z = (s, 0, c))."""
    if is_point:
        v = (v[0] - box.center[0], v[1] - box.center[1], v[2] - box.center[2])
    return (c * v[0] - s * v[2], v[1], s * v[0] + c * v[2])


class _Frames:
    """A batch of rays, also expressed in the frames of rotated boxes.

    The parts of one object usually share a heading, so the rotated rays
    and their inverse directions are computed once per heading.
    """

    def __init__(self, o, d, inv) -> None:
        self.o, self.d, self.inv = o, d, inv
        self._rot: Dict[float, tuple] = {}

    def rotated(self, yaw: float):
        if yaw % 360 == 0:
            return self.o, self.inv
        if yaw not in self._rot:
            a = np.deg2rad(yaw)
            c, s = float(np.cos(a)), float(np.sin(a))
            o, d = self.o, self.d
            ol = (c * o[0] - s * o[2], o[1], s * o[0] + c * o[2])
            il = (_safe_inv(c * d[0] - s * d[2]), self.inv[1],
                  _safe_inv(s * d[0] + c * d[2]))
            self._rot[yaw] = (ol, il)
        return self._rot[yaw]


def _t_box(box: Box, f: _Frames):
    ol, il = f.rotated(box.yaw)
    cx, cy, cz = box.center
    if box.yaw % 360 != 0:
        c, s = _box_frame(box)
        cx, cz = c * cx - s * cz, s * cx + c * cz
    hx, hy, hz = box.size[0] / 2, box.size[1] / 2, box.size[2] / 2
    tmin, tmax = _slab(ol, il, (cx - hx, cy - hy, cz - hz),
                       (cx + hx, cy + hy, cz + hz))
    return np.where((tmax >= tmin) & (tmin > _EPS), tmin, np.inf)


def _geom_box(box: Box, p):
    c, s = _box_frame(box)
    pl = _to_local(box, p, c, s, True)
    h = box.size
    # The face hit is the one the point is closest to, relative to size.
    r = np.stack([np.abs(pl[a]) / (h[a] / 2) for a in range(3)])
    axis = r.argmax(axis=0)
    sign = np.sign(np.choose(axis, pl))
    nl = [np.where(axis == a, sign, 0.0) for a in range(3)]
    # Local -> world is the transpose of the rotation above.
    n = np.stack([c * nl[0] + s * nl[2], nl[1], -s * nl[0] + c * nl[2]])
    return n, np.stack(pl)


def _t_cylinder(cyl: Cylinder, f: _Frames):
    o, d, inv = f.o, f.d, f.inv
    cx, cz = cyl.center
    y0, y1 = cyl.y_range
    r = cyl.radius
    ox, oy, oz = o[0] - cx, o[1], o[2] - cz
    dx, dy, dz = d
    a = dx * dx + dz * dz
    b = 2 * (ox * dx + oz * dz)
    cc = ox * ox + oz * oz - r * r
    disc = b * b - 4 * a * cc
    ok = (disc >= 0) & (a > 1e-12)
    ts = (-b - np.sqrt(np.where(ok, disc, 0.0))) / (2 * np.where(ok, a, 1.0))
    ys = oy + ts * dy
    t = np.where(ok & (ts > _EPS) & (ys >= y0) & (ys <= y1), ts, np.inf)
    # Caps: only the one facing the ray origin can be met first.
    ycap = np.where(oy > y1, y1, y0)
    tc = (ycap - oy) * inv[1]
    xc, zc = ox + tc * dx, oz + tc * dz
    cap = (tc > _EPS) & (xc * xc + zc * zc <= r * r) & ((oy > y1) | (oy < y0))
    return np.minimum(t, np.where(cap, tc, np.inf))


def _geom_cylinder(cyl: Cylinder, p):
    cx, cz = cyl.center
    y0, y1 = cyl.y_range
    px, py, pz = p[0] - cx, p[1], p[2] - cz
    on_top = np.abs(py - y1) < 1e-4
    on_bot = np.abs(py - y0) < 1e-4
    side = ~(on_top | on_bot)
    r = cyl.radius
    n = np.stack([
        np.where(side, px / r, 0.0),
        np.where(on_top, 1.0, np.where(on_bot, -1.0, 0.0)),
        np.where(side, pz / r, 0.0)
    ])
    return n, np.stack([px, py - (y0 + y1) / 2, pz])


def _t_sphere(sph: Sphere, f: _Frames):
    o, d = f.o, f.d
    c = sph.center
    oc = (o[0] - c[0], o[1] - c[1], o[2] - c[2])
    b = oc[0] * d[0] + oc[1] * d[1] + oc[2] * d[2]
    cc = oc[0] * oc[0] + oc[1] * oc[1] + oc[2] * oc[2] - sph.radius**2
    disc = b * b - cc
    ok = disc >= 0
    t0 = -b - np.sqrt(np.where(ok, disc, 0.0))
    return np.where(ok & (t0 > _EPS), t0, np.inf)


def _geom_sphere(sph: Sphere, p):
    c = sph.center
    pl = np.stack([p[0] - c[0], p[1] - c[1], p[2] - c[2]])
    return pl / sph.radius, pl


_T = {Box: _t_box, Cylinder: _t_cylinder, Sphere: _t_sphere}
_GEOM = {Box: _geom_box, Cylinder: _geom_cylinder, Sphere: _geom_sphere}


def _hit_room(room: Room, o, d, inv):
    """Exit parameter and face of rays starting inside the room box."""
    best = np.full(d.shape[1], np.inf)
    face = np.zeros(d.shape[1], np.int64)
    for a in range(3):
        # Axes a ray runs parallel to never bound it.
        t = np.where(d[a] > 1e-12, (room.size[a] - o[a]) * inv[a],
                     np.where(d[a] < -1e-12, -o[a] * inv[a], np.inf))
        better = t < best
        best = np.where(better, t, best)
        # Face ids: 0 x=0, 1 x=W, 2 floor, 3 ceiling, 4 z=0, 5 z=L.
        face = np.where(better, 2 * a + (d[a] > 0), face)
    return best, face


# --------------------------------------------------------------------------
# Procedural textures
# --------------------------------------------------------------------------
def _hash3(ix: np.ndarray, iy: np.ndarray, iz: np.ndarray,
           seed: int) -> np.ndarray:
    """Deterministic lattice hash to [0, 1)."""
    h = (ix.astype(np.int64) * 73856093) ^ (iy.astype(np.int64) * 19349663)
    h = h ^ (iz.astype(np.int64) * 83492791) ^ (seed * 2654435761)
    h = h & 0xFFFFFFFF
    h = (h ^ (h >> 15)) * 2246822519 & 0xFFFFFFFF
    h = (h ^ (h >> 13)) * 3266489917 & 0xFFFFFFFF
    h = h ^ (h >> 16)
    return (h & 0xFFFFFF).astype(np.float64) / float(0x1000000)


def value_noise(p: np.ndarray, seed: int = 0) -> np.ndarray:
    """Trilinear value noise in [0, 1] at points ``p`` (N, 3).

    Args:
        p (np.ndarray): Points in lattice units, shape (N, 3).
        seed (int): Seed of the lattice. Defaults to 0.

    Returns:
        np.ndarray: Noise values, shape (N,).
    """
    i = np.floor(p)
    f = p - i
    f = f * f * (3 - 2 * f)  # smoothstep hides the lattice
    i = i.astype(np.int64)
    out = np.zeros(len(p))
    for dx in (0, 1):
        wx = f[:, 0] if dx else 1 - f[:, 0]
        for dy in (0, 1):
            wy = f[:, 1] if dy else 1 - f[:, 1]
            for dz in (0, 1):
                wz = f[:, 2] if dz else 1 - f[:, 2]
                out += wx * wy * wz * _hash3(i[:, 0] + dx, i[:, 1] + dy,
                                             i[:, 2] + dz, seed)
    return out


def _pattern(mat: Material, p: np.ndarray) -> np.ndarray:
    """Texture pattern in [0, 1] (1 = fully ``albedo2``)."""
    s = max(mat.texture_scale, 1e-3)
    if mat.texture == 'stripes':
        x = p[:, mat.texture_axis] / s
        # Hard-edged stripes with a little per-stripe variation (books,
        # planks) so the pattern is not a pure sinusoid.
        k = np.floor(x)
        jitter = _hash3(k, k, k, mat.seed)
        return ((x - k) < 0.5) * (0.6 + 0.4 * jitter)
    if mat.texture == 'checker':
        k = np.floor(p / s).astype(np.int64)
        return ((k[:, 0] + k[:, 1] + k[:, 2]) & 1).astype(np.float64)
    if mat.texture == 'noise':
        return 0.65 * value_noise(p / s, mat.seed) + 0.35 * value_noise(
            p / (s * 0.37), mat.seed + 1)
    return np.zeros(len(p))


def _albedo(mat: Material, p: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    a1 = np.asarray(mat.albedo, np.float64)
    if mat.texture == 'none' or mat.texture_contrast <= 0:
        return (np.broadcast_to(a1,
                                (len(p), 3)), np.full(len(p), float(mat.nir)))
    a2 = (
        np.asarray(mat.albedo2, np.float64)
        if mat.albedo2 is not None else a1 * 0.55)
    w = _pattern(mat, p) * mat.texture_contrast
    rgb = a1 * (1 - w[:, None]) + a2 * w[:, None]
    nir = np.full(len(p), float(mat.nir))
    if mat.nir_texture:
        nir = nir * (1 - 0.5 * w)
    return rgb, nir


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------
def _object_order(objects: Sequence[SceneObject], origin: np.ndarray):
    # Front-to-back order lets the bounding-box test reject far objects
    # that are already hidden by nearer ones.
    boxes = [o.bounds() for o in objects]
    dist = [
        np.linalg.norm(np.clip(origin, lo, hi) - origin) for lo, hi in boxes
    ]
    order = np.argsort(dist, kind='stable')
    return [(objects[i], boxes[i]) for i in order]


def _trace(ordered, o, d, inv, t_best: np.ndarray,
           part_id: np.ndarray) -> List[Tuple[SceneObject, Shape]]:
    """Nearest object hits; updates ``t_best`` and ``part_id`` in place.

    Returns:
        list: ``(object, part)`` for every part id written to ``part_id``
        (id ``k`` is ``parts[k - 1]``; 0 means the room).
    """
    parts: List[Tuple[SceneObject, Shape]] = []
    for obj, (lo, hi) in ordered:
        tmin, tmax = _slab(o, inv, lo, hi)
        cand = np.flatnonzero((tmax >= np.maximum(tmin, 0.0))
                              & (tmin < t_best))
        if cand.size == 0:
            parts.extend((obj, p) for p in obj.parts)
            continue
        frames = _Frames(o, d[:, cand], inv[:, cand])
        for part in obj.parts:
            parts.append((obj, part))
            t = _T[type(part)](part, frames)
            better = t < t_best[cand]
            if better.any():
                idx = cand[better]
                t_best[idx] = t[better]
                part_id[idx] = len(parts)
    return parts


def _occluded(ordered, p, to_l, dist) -> np.ndarray:
    """Whether segments ``p -> p + to_l * dist`` are blocked by objects."""
    blocked = np.zeros(p.shape[1], bool)
    inv = _safe_inv(to_l)
    for obj, (lo, hi) in ordered:
        tmin, tmax = _slab(p, inv, lo, hi)
        cand = np.flatnonzero((tmax >= np.maximum(tmin, 0.0))
                              & (tmin < dist) & ~blocked)
        if cand.size == 0:
            continue
        frames = _Frames(p[:, cand], to_l[:, cand], inv[:, cand])
        for part in obj.parts:
            t = _T[type(part)](part, frames)
            blocked[cand[t < dist[cand]]] = True
    return blocked


def render(scene: Scene,
           camera: Camera,
           shadows: bool = True,
           supersample: int = 1,
           nir_gain: float = 3.0) -> Dict[str, np.ndarray]:
    """Ray-cast one view of a scene into ideal, pixel-aligned maps.

    Args:
        scene (Scene): What to render.
        camera (Camera): From where.
        shadows (bool): Cast shadow rays to every light. Defaults to True.
        supersample (int): Render ``s x s`` rays per pixel; radiance maps
            are averaged (anti-aliasing), id maps and ``depth`` take the
            central sub-sample, and ``depth_mean`` holds the average depth
            (what a time-of-flight pixel straddling an edge measures).
            Defaults to 1.
        nir_gain (float): Scale of the active NIR illuminator: a surface of
            NIR reflectance 1 facing the camera at 1 m returns
            ``nir_gain`` before clipping. Defaults to 3.0.

    Returns:
        dict[str, np.ndarray]: ``rgb`` linear radiance (H, W, 3) float32 in
        [0, 1]; ``depth`` z-depth in metres (H, W) float32; ``depth_mean``
        (only when ``supersample > 1``); ``nir`` (H, W) float32 in [0, 1];
        ``semantic`` and ``instance`` (H, W) uint16; ``normal`` world
        normals (H, W, 3) float32.
    """
    s = int(supersample)
    if s < 1:
        raise ValueError('supersample must be >= 1')
    h, w = camera.height, camera.width
    cam = Camera(camera.width * s, camera.height * s, camera.hfov,
                 camera.position, camera.yaw, camera.pitch)
    origin, d_rows, cos = cam.rays()
    d = np.ascontiguousarray(d_rows.T)
    inv = _safe_inv(d)
    n_rays = d.shape[1]
    room = scene.room

    t_best, face = _hit_room(room, origin, d, inv)
    part_id = np.zeros(n_rays, np.int64)
    ordered = _object_order(scene.objects, origin)
    parts = _trace(ordered, origin, d, inv, t_best, part_id)
    points = origin[:, None] + d * t_best

    # Per-surface attributes, computed once per visible surface.
    normal = np.zeros((3, n_rays))
    albedo = np.zeros((3, n_rays))
    nir_refl = np.zeros(n_rays)
    emission = np.zeros(n_rays)
    semantic = np.zeros(n_rays, np.int64)
    instance = np.zeros(n_rays, np.int64)

    def shade(sel, mat, n, local):
        a, r = _albedo(mat, local.T)
        normal[:, sel] = n
        albedo[:, sel] = a.T
        nir_refl[sel] = r
        emission[sel] = mat.emission

    walls = room.wall_materials()
    face_mats = [
        walls[0], walls[1], room.floor, room.ceiling, walls[2], walls[3]
    ]
    sem_wall, sem_floor, sem_ceil = room.semantic
    face_sem = [sem_wall, sem_wall, sem_floor, sem_ceil, sem_wall, sem_wall]
    on_room = part_id == 0
    for f in range(6):
        sel = np.flatnonzero(on_room & (face == f))
        if sel.size == 0:
            continue
        n = np.zeros((3, sel.size))
        n[f // 2] = -1.0 if f % 2 else 1.0
        shade(sel, face_mats[f], n, points[:, sel])
        semantic[sel] = face_sem[f]
    order = np.argsort(part_id, kind='stable')
    bounds = np.searchsorted(part_id[order], np.arange(len(parts) + 2))
    for k in range(1, len(parts) + 1):
        sel = order[bounds[k]:bounds[k + 1]]
        if sel.size == 0:
            continue
        obj, part = parts[k - 1]
        n, local = _GEOM[type(part)](part, points[:, sel])
        shade(sel, part.material, n, local)
        semantic[sel] = obj.semantic
        instance[sel] = obj.instance

    irr = np.tile(np.asarray(scene.ambient, np.float64)[:, None], (1, n_rays))
    nir_amb = np.zeros(n_rays)
    # Shadow rays are traced for one pixel of every 2x2 block and for the
    # pixels that see another surface than their block's representative;
    # the others copy the representative (4x fewer rays, edges kept).
    ws = w * s
    rr, cc = np.divmod(np.arange(n_rays), ws)
    rep = (rr - rr % 2) * ws + (cc - cc % 2)
    key = part_id * 8 + np.where(part_id == 0, face, 7)
    is_rep = rep == np.arange(n_rays)
    own = is_rep | (key != key[rep])
    contribs, seg_p, seg_d, seg_len, seg_idx = [], [], [], [], []
    for li, light in enumerate(scene.lights):
        lp = np.asarray(light.position, np.float64)[:, None]
        to_l = lp - points
        dist = np.sqrt((to_l * to_l).sum(axis=0))
        to_l /= np.maximum(dist, 1e-9)
        lam = np.clip((normal * to_l).sum(axis=0), 0.0, None)
        contribs.append(lam / (1.0 + (dist / light.falloff)**2))
        lit = contribs[-1] > 1e-3
        need = np.flatnonzero(lit & (own | ~lit[rep]))
        seg_p.append(points[:, need] + normal[:, need] * 1e-3)
        seg_d.append(to_l[:, need])
        seg_len.append(dist[need] - 2e-3)
        seg_idx.append((li, need, np.flatnonzero(lit)))
    if shadows and scene.lights:
        # One batch for all lights: fewer, larger numpy calls.
        blocked = _occluded(ordered, np.concatenate(seg_p, axis=1),
                            np.concatenate(seg_d, axis=1),
                            np.concatenate(seg_len))
        start = 0
        for li, need, lit in seg_idx:
            full = np.zeros(n_rays, bool)
            full[need] = blocked[start:start + need.size]
            start += need.size
            full[lit] = np.where(own[lit], full[lit], full[rep[lit]])
            contribs[li][full] = 0.0
    for light, contrib in zip(scene.lights, contribs):
        irr += contrib * np.asarray(light.color, np.float64)[:, None]
        nir_amb += contrib * light.nir * float(np.mean(light.color))
    rgb = albedo * (irr + emission)

    # Active NIR: the illuminator sits at the camera, so the return falls
    # with the squared range and the incidence cosine, whatever the colour.
    cos_in = np.clip(-(normal * d).sum(axis=0), 0.0, 1.0)
    nir = nir_refl * (nir_gain * cos_in / np.maximum(t_best, 0.1)**2 + nir_amb)
    depth = t_best * cos

    maps = {
        'rgb': rgb.T,
        'nir': nir,
        'depth': depth,
        'semantic': semantic,
        'instance': instance,
        'normal': normal.T
    }
    out = {}
    for key, x in maps.items():
        x = x.reshape(h, s, w, s, *x.shape[1:])
        if key in ('rgb', 'nir'):
            out[key] = x.mean(axis=(1, 3))
        else:
            out[key] = x[:, s // 2, :, s // 2]
        if key == 'depth' and s > 1:
            out['depth_mean'] = x.mean(axis=(1, 3)).astype(np.float32)
    out['rgb'] = np.clip(out['rgb'], 0.0, 1.0).astype(np.float32)
    out['nir'] = np.clip(out['nir'], 0.0, 1.0).astype(np.float32)
    out['depth'] = out['depth'].astype(np.float32)
    out['semantic'] = out['semantic'].astype(np.uint16)
    out['instance'] = out['instance'].astype(np.uint16)
    out['normal'] = out['normal'].astype(np.float32)
    return out
