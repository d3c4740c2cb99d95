# Copyright (c) mmsocket contributors. All rights reserved.
"""Solid procedural textures (evaluated on hit points in a shape's local
frame, so they need no UV unwrapping and stay put when a shape moves)."""
from typing import Tuple

import numpy as np

from .scene import Material

__all__ = ['value_noise', 'surface_albedo']


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


def surface_albedo(mat: Material,
                   p: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
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
