# Copyright (c) mmsocket contributors. All rights reserved.
"""Palettes: families of materials a scene draws its materials from.

The palettes themselves are data (:mod:`.catalogue.palettes`); this module
turns a row into a :class:`Palette` that samples a
:class:`~.scene.Material` (colour jitter in HSV, sRGB -> linear, texture
parameters) and says which palettes a material role may draw from.
"""
import colorsys
from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from .catalogue import DEFAULT_APPEARANCE, PALETTE_TABLE, TI_SCENES, TR_SCENES
from .scene import Material

__all__ = ['TEXTURE_GAIN', 'Palette', 'PALETTES', 'hex_to_rgb', 'role_pool']

Range = Tuple[float, float]

#: Global scale of texture contrast. Calibrated with the modality gap
#: (docs/synthetic_benchmark.md): strong textures let an RGB classifier
#: rely on cues depth does not have.
TEXTURE_GAIN = 0.5


def hex_to_rgb(c: str) -> Tuple[float, float, float]:
    """sRGB in [0, 1] of a hex code such as ``'f2f0ea'``."""
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
        r, g, b = hex_to_rgb(hexes[rng.integers(len(hexes))])
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


#: The palette library; scene classes refer to palettes by name.
PALETTES: Dict[str, Palette] = {
    name:
    Palette(
        tuple(row['colors'].split()), row['nir'], **{
            k: v
            for k, v in row.items() if k not in ('colors', 'nir')
        })
    for name, row in PALETTE_TABLE.items()
}

_POOL: Dict[str, Tuple[str, ...]] = {}


def role_pool() -> Dict[str, Tuple[str, ...]]:
    """Role -> every palette the default or any scene class uses for it
    (what an atypical material of that role draws from)."""
    if not _POOL:
        for role, names in DEFAULT_APPEARANCE.items():
            pool = set(names)
            for row in TR_SCENES + TI_SCENES:
                pool.update(row.get('appearance', {}).get(role, ()))
            _POOL[role] = tuple(sorted(pool))
    return _POOL
