# Copyright (c) mmsocket contributors. All rights reserved.
"""Decoding source images into what our format stores; every error names
the file.

Colour becomes 8-bit BGR, NIR 8-bit grey and depth 16-bit millimetres.
Depth arrives in many units (millimetres, metres, 0.1 mm, SUN RGB-D's
bit-rotated millimetres, 8-bit maps with a scale): :class:`DepthDecoder`
converts one stated unit, and refuses what cannot be read without one.
"""
import os.path as osp
from typing import Union

import cv2
import numpy as np


class ConversionError(ValueError):
    """A problem with the source data; the message names the file."""


def _imread(path: str, flag: int, what: str) -> np.ndarray:
    if not osp.isfile(path):
        raise ConversionError(f'{what} {path} does not exist (missing pair)')
    img = cv2.imread(path, flag)
    if img is None or img.size == 0:
        raise ConversionError(f'cannot decode {what} {path}: the file is '
                              'corrupt or not an image')
    return img


def read_color(path: str) -> np.ndarray:
    """An 8-bit 3-channel BGR image (JPEG, PNG or TIFF)."""
    img = _imread(path, cv2.IMREAD_UNCHANGED, 'colour image')
    if img.dtype == np.uint16:
        img = np.round(img / 257.0).astype(np.uint8)
    if img.dtype != np.uint8:
        raise ConversionError(f'colour image {path} has pixel type '
                              f'{img.dtype}; expected 8 or 16 bit')
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    elif img.shape[2] == 4:
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    return img


def read_gray8(path: str) -> np.ndarray:
    """A single-channel 8-bit image (NIR). 16-bit input is scaled to 8 bits;
    a 3-channel file (some TIFF writers replicate the band) is converted
    to grey, which leaves identical channels unchanged."""
    img = _imread(path, cv2.IMREAD_UNCHANGED, 'single-channel image')
    if img.ndim == 3:
        if img.shape[2] == 4:
            img = img[..., :3]
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if img.dtype == np.uint16:
        img = np.round(img / 257.0).astype(np.uint8)
    if img.dtype != np.uint8:
        raise ConversionError(f'image {path} has pixel type {img.dtype}; '
                              'expected 8 or 16 bit')
    return img


def read_depth16(path: str) -> np.ndarray:
    """A single-channel 16-bit PNG, values as stored."""
    img = _imread(path, cv2.IMREAD_UNCHANGED, 'depth image')
    if img.ndim == 3:
        raise ConversionError(f'depth image {path} has {img.shape[2]} '
                              'channels; expected one')
    if img.dtype != np.uint16:
        raise ConversionError(f'depth image {path} is {img.dtype}; expected '
                              'a 16-bit PNG')
    return img


#: Depth units by name: millimetres per stored value.
DEPTH_UNITS = {'mm': 1.0, '0.1mm': 0.1, 'cm': 10.0, 'm': 1000.0}
#: SUN RGB-D's encoding: millimetres rotated left by 3 bits (its toolbox's
#: read3dPoints undoes it); the official SOCKET data folders copy it.
SUNRGBD = 'sunrgbd'
#: Millimetres a 16-bit PNG can hold; readings beyond become 0 (none).
MAX_DEPTH_MM = 65535


def decode_sunrgbd_depth(raw: np.ndarray) -> np.ndarray:
    """Undo SUN RGB-D's bit rotation: stored uint16 -> millimetres.

    ``mm = (v >> 3) | (v << 13)`` with 16-bit wrap-around, i.e. the stored
    value is the depth in millimetres rotated left by 3 bits.
    """
    if raw.dtype != np.uint16:
        raise TypeError(f'expected uint16 depth, got {raw.dtype}')
    return ((raw >> 3) | (raw << 13)).astype(np.uint16)


def parse_depth_unit(text: Union[str, float, None]) -> Union[None, float, str]:
    """``'auto'``/None, a unit name (:data:`DEPTH_UNITS`), ``'sunrgbd'`` or
    a number of millimetres per stored value (``'39.2157'`` when 255 is
    10 m)."""
    if text is None or text == 'auto':
        return None
    if isinstance(text, str) and text.lower() in DEPTH_UNITS:
        return DEPTH_UNITS[text.lower()]
    if isinstance(text, str) and text.lower() == SUNRGBD:
        return SUNRGBD
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = -1.0
    if not value > 0:
        raise ValueError(
            f'depth unit {text!r}: give one of {sorted(DEPTH_UNITS)}, '
            f'{SUNRGBD!r}, auto, or the millimetres of one stored value '
            '(e.g. 39.2157 for an 8-bit map where 255 is 10 m)')
    return value


def read_depth_file(path: str) -> np.ndarray:
    """A depth map as stored: a PNG/TIFF (any bit depth) or a ``.npy``
    array (read without pickles)."""
    if not osp.isfile(path):
        raise ConversionError(f'depth image {path} does not exist (missing '
                              'pair)')
    if path.lower().endswith('.npy'):
        try:
            raw = np.load(path, allow_pickle=False)
        except (ValueError, OSError) as e:
            raise ConversionError(f'cannot read depth array {path}: {e}')
    else:
        raw = _imread(path, cv2.IMREAD_UNCHANGED, 'depth image')
    if raw.ndim == 3 and raw.shape[2] in (3, 4) and \
            (raw[..., :1] == raw[..., :3]).all():
        raw = raw[..., 0]
    if raw.ndim != 2:
        raise ConversionError(
            f'depth image {path} has shape {raw.shape}; expected one channel '
            '(a colour-mapped depth picture cannot be read back as depth)')
    if not (np.issubdtype(raw.dtype, np.integer)
            or np.issubdtype(raw.dtype, np.floating)):
        raise ConversionError(f'depth image {path} has dtype {raw.dtype}')
    return raw


def looks_bit_rotated(raw: np.ndarray) -> bool:
    """Whether 16-bit depth looks like SUN RGB-D's bit-rotated encoding
    (every value a multiple of 8 and some beyond 8.192 m, where rotated
    millimetres land)."""
    valid = raw[raw > 0]
    return raw.dtype == np.uint16 and valid.size > 0 and \
        bool((valid % 8 == 0).all()) and int(valid.max()) > 8192 * 2


class DepthDecoder:
    """Read a depth file in a stated unit and return 16-bit millimetres.

    Args:
        unit: Millimetres per stored value, ``'sunrgbd'``, or None (auto:
            16-bit maps are millimetres, the common sensor format; an 8-bit
            or float map is refused until its unit is stated, since its
            unit cannot be guessed).

    Missing readings (0, or not finite in a float map) stay 0; readings
    beyond 65.535 m, which 16-bit millimetres cannot hold, become 0.
    Negative depth is refused.
    """

    def __init__(self, unit: Union[None, float, str] = None) -> None:
        self.unit = unit

    def __call__(self, path: str) -> np.ndarray:
        raw = read_depth_file(path)
        if self.unit == SUNRGBD:
            if raw.dtype != np.uint16:
                raise ConversionError(
                    f'depth image {path} is {raw.dtype}; SUN RGB-D\'s '
                    'encoding is 16-bit')
            return decode_sunrgbd_depth(raw)
        if self.unit is None:
            if raw.dtype == np.uint16:
                return raw
            kind = '8-bit' if raw.dtype == np.uint8 else str(raw.dtype)
            hint = ('an 8-bit map holds only 256 levels, so its scale must '
                    'be stated: the millimetres of one value, e.g. '
                    '--depth-unit 39.2157 if 255 means 10 m'
                    if raw.dtype == np.uint8 else
                    'e.g. --depth-unit m if the values are metres, or '
                    '--depth-unit mm')
            raise ConversionError(
                f'depth image {path} is {kind}: its unit cannot be guessed; '
                f'{hint} (--depth-unit; depth_unit= in Python)')
        depth = raw.astype(np.float64)
        finite = np.isfinite(depth)
        if (depth[finite] < 0).any():
            raise ConversionError(f'depth image {path} holds negative '
                                  'values; depth must be >= 0 (0 = no '
                                  'reading)')
        mm = np.where(finite, np.round(depth * float(self.unit)), 0)
        mm[mm > MAX_DEPTH_MM] = 0
        return mm.astype(np.uint16)

    def __repr__(self) -> str:
        return f'DepthDecoder(unit={self.unit!r})'
