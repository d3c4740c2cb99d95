# Copyright (c) mmsocket contributors. All rights reserved.
"""Reading single-channel dense maps (depth, semantic ids) with clear errors.

Depth and label PNGs are 16-bit; reading them as colour images (the
default of most loaders) silently truncates them to 8 bits, so every dense
loader goes through :func:`read_dense_map`, which keeps the stored dtype.
The transforms that must keep such maps aligned with the image find them by
name in ``results['dense_fields']`` (:func:`add_dense_field`).
"""
from typing import List

import mmcv
import numpy as np
from mmengine.fileio import get


def read_dense_map(path: str, what: str) -> np.ndarray:
    """Read a single-channel image file without changing its dtype.

    Args:
        path (str): File path (any mmengine file backend).
        what (str): What the map is, for error messages (``'depth'``).

    Returns:
        np.ndarray: (H, W) array of the stored dtype.

    Raises:
        OSError: The file is missing, unreadable, corrupt or not
            single-channel.
    """
    try:
        raw = get(path)
    except Exception as e:  # backends raise various errors
        raise OSError(f'cannot read {what} map {path}: {e}') from e
    try:
        img = mmcv.imfrombytes(raw, flag='unchanged', backend='cv2')
    except Exception as e:
        raise OSError(f'cannot decode {what} map {path}: {e}') from e
    if img is None:
        raise OSError(f'cannot decode {what} map {path}: the file is '
                      'corrupt or not an image')
    if img.ndim == 3:
        if img.shape[2] != 1 and not (img[..., :1] == img).all():
            raise OSError(f'{what} map {path} has {img.shape[2]} different '
                          'channels; expected a single-channel image')
        img = img[..., 0]
    return img


def add_dense_field(results: dict, key: str) -> None:
    """Register ``key`` as a dense map the geometric transforms must move
    with the image."""
    fields: List[str] = results.setdefault('dense_fields', [])
    if key not in fields:
        fields.append(key)


def dense_fields(results: dict) -> List[str]:
    """The dense maps present in ``results``."""
    return [k for k in results.get('dense_fields', []) if k in results]
