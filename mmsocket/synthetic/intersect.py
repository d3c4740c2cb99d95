# Copyright (c) mmsocket contributors. All rights reserved.
"""Ray-primitive intersection for :func:`~.renderer.render`.

Rays are stored as struct-of-arrays: ``o`` is (3,) or (3, N), ``d`` and
``inv`` (= 1 / d) are (3, N). Contiguous rows keep numpy's element-wise
kernels fast; the per-shape :data:`HIT` functions return only the ray
parameter (inf on a miss); normals and local coordinates (:data:`SURFACE`)
are derived from the final hit points, once per pixel.
"""
from typing import Dict, Tuple

import numpy as np

from .scene import Box, Cylinder, Room, Sphere

__all__ = ['safe_inv', 'slab', 'RayFrames', 'HIT', 'SURFACE', 'hit_room']

_EPS = 1e-4


def safe_inv(d: np.ndarray) -> np.ndarray:
    # Rays parallel to a slab would divide by zero; a tiny offset keeps the
    # slab test correct (the parallel ray gets +-huge parameters).
    return 1.0 / np.where(np.abs(d) < 1e-12, 1e-12, d)


def slab(o, inv, lo, hi) -> Tuple[np.ndarray, np.ndarray]:
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


class RayFrames:
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
            il = (safe_inv(c * d[0] - s * d[2]), self.inv[1],
                  safe_inv(s * d[0] + c * d[2]))
            self._rot[yaw] = (ol, il)
        return self._rot[yaw]


def _hit_box(box: Box, f: RayFrames):
    ol, il = f.rotated(box.yaw)
    cx, cy, cz = box.center
    if box.yaw % 360 != 0:
        c, s = _box_frame(box)
        cx, cz = c * cx - s * cz, s * cx + c * cz
    hx, hy, hz = box.size[0] / 2, box.size[1] / 2, box.size[2] / 2
    tmin, tmax = slab(ol, il, (cx - hx, cy - hy, cz - hz),
                      (cx + hx, cy + hy, cz + hz))
    return np.where((tmax >= tmin) & (tmin > _EPS), tmin, np.inf)


def _surface_box(box: Box, p):
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


def _hit_cylinder(cyl: Cylinder, f: RayFrames):
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


def _surface_cylinder(cyl: Cylinder, p):
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


def _hit_sphere(sph: Sphere, f: RayFrames):
    o, d = f.o, f.d
    c = sph.center
    oc = (o[0] - c[0], o[1] - c[1], o[2] - c[2])
    b = oc[0] * d[0] + oc[1] * d[1] + oc[2] * d[2]
    cc = oc[0] * oc[0] + oc[1] * oc[1] + oc[2] * oc[2] - sph.radius**2
    disc = b * b - cc
    ok = disc >= 0
    t0 = -b - np.sqrt(np.where(ok, disc, 0.0))
    return np.where(ok & (t0 > _EPS), t0, np.inf)


def _surface_sphere(sph: Sphere, p):
    c = sph.center
    pl = np.stack([p[0] - c[0], p[1] - c[1], p[2] - c[2]])
    return pl / sph.radius, pl


HIT = {Box: _hit_box, Cylinder: _hit_cylinder, Sphere: _hit_sphere}
SURFACE = {
    Box: _surface_box,
    Cylinder: _surface_cylinder,
    Sphere: _surface_sphere
}


def hit_room(room: Room, o, d, inv):
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
