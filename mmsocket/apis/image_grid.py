# Copyright (c) mmsocket contributors. All rights reserved.
"""Lay images out in a grid and save it, for the visualisation tools."""
import os
import os.path as osp
from typing import Sequence

import mmcv
import numpy as np


def image_row(images: Sequence[np.ndarray],
              pad: int = 0,
              fill: int = 255) -> np.ndarray:
    """Equal-height (H, W, 3) uint8 images side by side, ``pad`` pixels of
    ``fill`` around and between them."""
    h = images[0].shape[0]
    width = sum(img.shape[1] for img in images) + pad * (len(images) + 1)
    row = np.full((h + 2 * pad, width, 3), fill, np.uint8)
    x = pad
    for img in images:
        row[pad:pad + h, x:x + img.shape[1]] = img
        x += img.shape[1] + pad
    return row


def stack_rows(rows: Sequence[np.ndarray], fill: int = 0) -> np.ndarray:
    """Rows one below the other, the narrower ones padded on the right."""
    width = max(r.shape[1] for r in rows)
    return np.concatenate([
        np.pad(
            r, ((0, 0), (0, width - r.shape[1]), (0, 0)), constant_values=fill)
        for r in rows
    ],
                          axis=0)


def save_image(image: np.ndarray, out: str, scale: int = 1) -> None:
    """Write a BGR uint8 image, each pixel as a ``scale`` x ``scale``
    block (exact nearest-neighbour upscaling)."""
    if scale > 1:
        image = image.repeat(scale, 0).repeat(scale, 1)
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    mmcv.imwrite(image, out)
