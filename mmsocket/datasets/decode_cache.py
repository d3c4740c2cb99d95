# Copyright (c) mmsocket contributors. All rights reserved.
"""Decode each image once per process: a byte-bounded cache of decoded
images for small data sets.

An adaptation run reads its target set many times (a training epoch, a
pseudo-label pass every epoch, validation, test) and a grid process runs
the same data set in many runs; decoding the same PNG each time costs more
than the networks of the synthetic benchmark. While enabled
(:func:`decode_cache`), :class:`~mmsocket.datasets.transforms.LoadModality`
keeps what it decoded, keyed by the file (path, modification time, size)
and every setting that changes the decoded values, and hands out copies,
so a later transform that writes into its image cannot change the cache.
The values are the ones decoding gives: results stay identical.

Off by default (DataLoader workers would each fill their own); the
in-process runs (:func:`mmsocket.apis.experiment.run_config`) enable it.
Beyond ``max_bytes`` the least recently used images are dropped.
"""
import contextlib
import os
from collections import OrderedDict
from typing import Callable, Hashable, Iterator, Optional

import numpy as np

DEFAULT_MAX_BYTES = 512 * 1024**2


class DecodeCache:
    """Least-recently-used decoded images, at most ``max_bytes``."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = self.misses = 0
        self._items: 'OrderedDict[Hashable, np.ndarray]' = OrderedDict()

    def get(self, path: str, settings: Hashable,
            decode: Callable[[], np.ndarray]) -> np.ndarray:
        """A copy of ``decode()``'s image for ``path`` read with
        ``settings``, decoded only when the file is new or changed."""
        st = os.stat(path)
        key = (os.path.abspath(path), st.st_mtime_ns, st.st_size, settings)
        img = self._items.get(key)
        if img is None:
            self.misses += 1
            img = decode()
            self._put(key, img)
        else:
            self.hits += 1
            self._items.move_to_end(key)
        return img.copy()

    def _put(self, key, img: np.ndarray) -> None:
        if img.nbytes > self.max_bytes:
            return
        kept = img.copy()
        kept.setflags(write=False)
        self._items[key] = kept
        self.bytes += kept.nbytes
        while self.bytes > self.max_bytes:
            _, old = self._items.popitem(last=False)
            self.bytes -= old.nbytes

    def __len__(self) -> int:
        return len(self._items)


_active: Optional[DecodeCache] = None


def active_cache() -> Optional[DecodeCache]:
    """The cache in use, or None (decode every time)."""
    return _active


@contextlib.contextmanager
def decode_cache(
        max_bytes: int = DEFAULT_MAX_BYTES,
        cache: Optional[DecodeCache] = None
) -> Iterator[Optional[DecodeCache]]:
    """Within the block, decoded images are kept (``max_bytes`` 0: not).
    An enclosing block's cache is reused (a grid shares one across runs).
    """
    global _active
    if _active is not None or max_bytes <= 0:
        yield _active
        return
    _active = cache or DecodeCache(max_bytes)
    try:
        yield _active
    finally:
        _active = None
