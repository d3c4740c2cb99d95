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


def _decode(path: str, what: str) -> np.ndarray:
    """Decode an image file keeping its dtype and channels."""
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
    return img


def _single_channel(img: np.ndarray, path: str, what: str) -> np.ndarray:
    if img.ndim == 3:
        if img.shape[2] != 1 and not (img[..., :1] == img).all():
            raise OSError(f'{what} map {path} has {img.shape[2]} different '
                          'channels; expected a single-channel image')
        img = img[..., 0]
    return img


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
    return _single_channel(_decode(path, what), path, what)


#: An 8-bit depth map is read only if its 256 levels span at least this
#: many metres at the stated scale: 8-bit "millimetres" (0-0.255 m) are
#: a colour or visualisation PNG saved as depth, never a sensor's depth.
MIN_8BIT_DEPTH_SPAN_M = 1.0


def read_depth_map(path: str, units_per_metre: float, fix: str) -> np.ndarray:
    """Read a depth map as stored, refusing what cannot be depth.

    The one depth reader of :class:`LoadModality` (classification inputs)
    and :class:`LoadDepthAnnotation` (dense ground truth): 16-bit and float
    maps are read as they are; an 8-bit map only when ``units_per_metre``
    makes its 255 levels span :data:`MIN_8BIT_DEPTH_SPAN_M` or more (e.g.
    the 8-bit NYU-v2 training maps of Hu et al. at 25.5 units per metre).

    Args:
        path (str): File path (any mmengine file backend).
        units_per_metre (float): What one stored unit is.
        fix (str): How to state the scale of an 8-bit map, for the error.

    Returns:
        np.ndarray: (H, W) array of the stored dtype.

    Raises:
        OSError: Unreadable or corrupt file, several different channels,
            a non-numeric dtype or 8-bit depth at a millimetre-like scale.
    """
    img = _decode(path, 'depth')
    if img.dtype == np.uint8 and 255.0 / units_per_metre < \
            MIN_8BIT_DEPTH_SPAN_M:
        raise OSError(
            f'depth image {path} is 8-bit (uint8): at {units_per_metre:g} '
            f'stored units per metre its 256 levels span only '
            f'{255.0 / units_per_metre:.3g} m, so it is not a depth map in '
            'that unit (a colour or visualisation PNG?). Depth is expected '
            f'as 16-bit millimetres; {fix}')
    if not (np.issubdtype(img.dtype, np.integer)
            or np.issubdtype(img.dtype, np.floating)):
        raise OSError(f'depth map {path} has dtype {img.dtype}')
    return _single_channel(img, path, 'depth')


def add_dense_field(results: dict, key: str) -> None:
    """Register ``key`` as a dense map the geometric transforms must move
    with the image."""
    fields: List[str] = results.setdefault('dense_fields', [])
    if key not in fields:
        fields.append(key)


def dense_fields(results: dict) -> List[str]:
    """The dense maps present in ``results``."""
    return [k for k in results.get('dense_fields', []) if k in results]
