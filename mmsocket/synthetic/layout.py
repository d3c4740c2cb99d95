# Copyright (c) mmsocket contributors. All rights reserved.
"""Placement: where the objects of a layout recipe go in a room.

:func:`place_spec` places the copies of one recipe line
(:class:`~.scene_classes.ObjectSpec`) by its placement rule, against walls,
on walls, in rows or grids, at the centre or anywhere free, on a
:class:`FloorPlan` that records the floor and wall space already taken.
A piece that finds no free spot in a few attempts is left out.
"""
from typing import TYPE_CHECKING, Dict, List, Tuple

import numpy as np

from .builders import BUILDERS, BuildContext, Piece, move_shape
from .catalogue import OBJECT_CLASSES
from .scene import SceneObject

if TYPE_CHECKING:  # the recipe lines are defined with the scene classes
    from .scene_classes import ObjectSpec

__all__ = [
    'PLACEMENTS', 'SEMANTIC_ID', 'FloorPlan', 'wall_pose', 'emit', 'place_spec'
]

#: The placement rules of :func:`place_spec`.
PLACEMENTS = ('wall', 'back', 'side', 'corner', 'wall_mounted', 'back_mounted',
              'side_mounted', 'along', 'centre', 'rows', 'grid', 'scatter')

#: Object class name -> semantic id.
SEMANTIC_ID: Dict[str, int] = {
    name: i
    for i, name in enumerate(OBJECT_CLASSES)
}


class FloorPlan:
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
    def footprint(x, z, w, d, yaw):
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


def wall_pose(wall: str, u: float, depth: float, W: float, L: float):
    """Centre and yaw of an item of given depth against a wall at ``u``."""
    if wall == 'back':
        return u, L - depth / 2, 0.0
    if wall == 'left':
        return depth / 2, u, -90.0
    return W - depth / 2, u, 90.0


def _piece_height(piece: Piece) -> Tuple[float, float]:
    lo, hi = np.inf, -np.inf
    for _, shapes in piece.groups:
        for s in shapes:
            b0, b1 = s.bounds()
            lo, hi = min(lo, b0[1]), max(hi, b1[1])
    return lo, hi


def emit(piece: Piece, x: float, z: float, yaw: float,
         objects: List[SceneObject]) -> None:
    for kind, shapes in piece.groups:
        if shapes:
            objects.append(
                SceneObject([move_shape(s, x, z, yaw) for s in shapes],
                            SEMANTIC_ID[kind],
                            name=kind))


def place_spec(spec: 'ObjectSpec', ctx: BuildContext, lay: FloorPlan,
               objects: List[SceneObject]) -> None:
    """Place the copies of one recipe line and append them to ``objects``.

    Args:
        spec (ObjectSpec): The line (builder, count, placement rule).
        ctx (BuildContext): The scene's random generator and materials.
        lay (FloorPlan): Space already taken; updated.
        objects (list[SceneObject]): The scene's objects; appended to.
    """
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
                x, z, yaw = wall_pose(wall, u, piece.d, W, L)
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
                            lay.footprint(*wall_pose(wall, u, 1.0, W, L)[:2],
                                          piece.w, 1.0,
                                          wall_pose(wall, u, 1.0, W, L)[2]))
                    emit(piece, x, z, yaw, objects)
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
            rect = lay.footprint(x, z, piece.w, piece.d, yaw)
            if lay.free(rect):
                lay.rects.append(rect)
                emit(piece, x, z, yaw, objects)
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
            rect = lay.footprint(x, z, piece.w, piece.d, yaw)
            if lay.free(rect, margin=0.02):
                lay.rects.append(rect)
                emit(piece, x, z, yaw, objects)
