# Copyright (c) mmsocket contributors. All rights reserved.
"""A small vectorised ray caster for procedural indoor-like scenes.

:func:`render` returns *ideal* aligned maps (linear RGB radiance, z-depth,
active-illumination NIR, semantic and instance ids, normals) of a
:class:`~.scene.Scene` seen by a :class:`~.scene.Camera`; sensor or style
post-processing lives elsewhere (:mod:`.sensors`) and only consumes the
dict :func:`render` returns. Only numpy is needed.
"""
from typing import Dict, List, Sequence, Tuple

import numpy as np

from .intersect import HIT, SURFACE, RayFrames, hit_room, safe_inv, slab
from .scene import Camera, Scene, SceneObject, Shape
from .textures import surface_albedo

__all__ = ['render']


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
        tmin, tmax = slab(o, inv, lo, hi)
        cand = np.flatnonzero((tmax >= np.maximum(tmin, 0.0))
                              & (tmin < t_best))
        if cand.size == 0:
            parts.extend((obj, p) for p in obj.parts)
            continue
        frames = RayFrames(o, d[:, cand], inv[:, cand])
        for part in obj.parts:
            parts.append((obj, part))
            t = HIT[type(part)](part, frames)
            better = t < t_best[cand]
            if better.any():
                idx = cand[better]
                t_best[idx] = t[better]
                part_id[idx] = len(parts)
    return parts


def _occluded(ordered, p, to_l, dist) -> np.ndarray:
    """Whether segments ``p -> p + to_l * dist`` are blocked by objects."""
    blocked = np.zeros(p.shape[1], bool)
    inv = safe_inv(to_l)
    for obj, (lo, hi) in ordered:
        tmin, tmax = slab(p, inv, lo, hi)
        cand = np.flatnonzero((tmax >= np.maximum(tmin, 0.0))
                              & (tmin < dist) & ~blocked)
        if cand.size == 0:
            continue
        frames = RayFrames(p[:, cand], to_l[:, cand], inv[:, cand])
        for part in obj.parts:
            t = HIT[type(part)](part, frames)
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
    inv = safe_inv(d)
    n_rays = d.shape[1]
    room = scene.room

    t_best, face = hit_room(room, origin, d, inv)
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
        a, r = surface_albedo(mat, local.T)
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
        n, local = SURFACE[type(part)](part, points[:, sel])
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
