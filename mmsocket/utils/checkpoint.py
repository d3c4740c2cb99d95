# Copyright (c) mmsocket contributors. All rights reserved.
"""Load mmengine checkpoints safely on torch >= 2.6.

torch >= 2.6 loads with ``weights_only=True``; mmengine 0.10.7's checkpoints
hold a message hub with mmengine and numpy objects, so ``Runner.resume``
fails. Instead of switching ``weights_only`` off (a stranger's checkpoint
could then run code), :func:`register_checkpoint_safe_globals` allow-lists
exactly the globals our checkpoints hold, and replaces mmengine's local-file
checkpoint loader with one that always loads with ``weights_only=True`` and
turns a refusal into an :class:`UnsafeCheckpointError` naming the offending
objects. ``import mmsocket`` calls it.

The allow-list (why each entry is there):

- ``mmengine.logging.HistoryBuffer``: the message hub's scalars
  (``message_hub.log_scalars``).
- numpy ``_reconstruct``, ``ndarray``, ``dtype``: a ``HistoryBuffer`` keeps
  its history as numpy arrays, which pickle as
  ``_reconstruct(ndarray, ...)`` plus a ``dtype``.
- numpy ``scalar``: numpy scalars (``np.float64`` values, e.g. ``'time'``,
  ``'data_time'`` and metric values) in the message hub.
- numpy dtype classes of the bool/int/uint/float kinds (``Float64DType``,
  ``Int64DType``, ... under numpy >= 1.25): unpickling a ``dtype`` *builds*
  an instance of its class. mmengine's own buffers need ``Float64DType`` and
  ``Int64DType``; a hook or metric that logs a ``np.float32``/``np.int32``/
  ``np.bool_`` adds that class, so the whole numeric family is allowed.
  ``ObjectDType`` (arbitrary Python objects) is not.
- ``_codecs.encode``: protocol-2 pickles encode ``bytes`` (the payload of a
  numpy scalar) with it. torch 2.15 already allows it; older torch did not.
- numpy-1 and numpy-2 module paths (``numpy.core.multiarray`` vs
  ``numpy._core.multiarray``) of ``_reconstruct``/``scalar``, so a checkpoint
  written under one numpy major version resumes under the other.

``builtins.getattr`` is *not* allowed: stock ``HistoryBuffer.__getstate__``
pickles its statistics methods as ``getattr(HistoryBuffer, 'mean')``. We patch
``__getstate__`` to leave them out; the stock ``__setstate__`` re-registers
the defaults (and custom statistics are class-level registrations that come
back with the import of the module that registers them).
"""
import _codecs
import glob
import os.path as osp
import pickle
import re
import warnings
import zipfile
from typing import Any, Callable, List, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

__all__ = [
    'UnsafeCheckpointError', 'IncompleteCheckpointError',
    'checkpoint_safe_globals', 'register_checkpoint_safe_globals',
    'safe_torch_load', 'is_complete_checkpoint', 'find_latest_checkpoint'
]

# dtype characters of the numeric dtype family that may appear in logged
# numpy values: bool, signed/unsigned ints, floats.
_NUMERIC_DTYPE_CHARS = ('?', 'b', 'h', 'i', 'l', 'q', 'B', 'H', 'I', 'L', 'Q',
                        'e', 'f', 'd')

_HAS_SAFE_GLOBALS = hasattr(torch.serialization, 'add_safe_globals')
_LOADER_REGISTERED = False
_HISTORY_BUFFER_PATCHED = False

SafeGlobal = Union[Callable, Tuple[Callable, str]]


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds pickled objects outside mmsocket's allow-list."""


class IncompleteCheckpointError(RuntimeError):
    """A checkpoint file is truncated or is not a torch checkpoint."""


def _numpy_multiarray():
    try:  # numpy >= 2
        from numpy._core import multiarray
    except ImportError:  # numpy 1.x
        from numpy.core import multiarray
    return multiarray


def checkpoint_safe_globals() -> List[SafeGlobal]:
    """Return the globals that mmsocket/mmengine checkpoints may hold.

    See the module docstring for why each entry is needed.

    Returns:
        list: Items for :func:`torch.serialization.add_safe_globals`.
    """
    multiarray = _numpy_multiarray()
    safe: List[SafeGlobal] = [
        HistoryBuffer,
        np.ndarray,
        np.dtype,
        _codecs.encode,
    ]
    for func in (multiarray._reconstruct, multiarray.scalar):
        for module in ('numpy.core.multiarray', 'numpy._core.multiarray'):
            safe.append((func, f'{module}.{func.__name__}'))
    # type(np.dtype(c)) is numpy.dtypes.Float64DType etc. on numpy >= 1.25
    # and numpy.dtype[float64] before; both are what BUILD checks.
    safe.extend(dict.fromkeys(type(np.dtype(c)) for c in _NUMERIC_DTYPE_CHARS))
    return safe


def _history_buffer_getstate(self: HistoryBuffer) -> dict:
    """Pickle a ``HistoryBuffer`` without its statistics methods.

    The stock method adds ``statistics_methods`` (functions, pickled through
    ``builtins.getattr``) to the state; ``__setstate__`` restores the
    default methods when the key is absent.
    """
    state = self.__dict__.copy()
    state.pop('statistics_methods', None)
    return state


def _patch_history_buffer_pickling() -> None:
    global _HISTORY_BUFFER_PATCHED
    if not _HISTORY_BUFFER_PATCHED:
        HistoryBuffer.__getstate__ = _history_buffer_getstate
        _HISTORY_BUFFER_PATCHED = True


_GLOBAL_PATTERNS = (
    re.compile(r'GLOBAL (\S+) was not an allowed global'),
    re.compile(r'unsupported GLOBAL (\S+) whose module'),
    re.compile(r"but got <class '([^']+)'>"),
    re.compile(
        r'reduce for unrecognized function (.+?)(?: which belongs|\n|$)'),
)


def _non_allowlisted_globals(f: Any, error: Exception) -> List[str]:
    """Name the globals of ``f`` that the weights-only unpickler refuses."""
    names = []
    for pattern in _GLOBAL_PATTERNS:
        names += pattern.findall(str(error))
    # torch reports only the first offender; the static scan lists all
    # GLOBAL opcodes (it misses classes that are only *built*, which the
    # message above covers).
    if isinstance(f, str) and hasattr(torch.serialization,
                                      'get_unsafe_globals_in_checkpoint'):
        try:
            names += torch.serialization.get_unsafe_globals_in_checkpoint(f)
        except Exception:  # noqa: BLE001 - best effort, e.g. legacy format
            pass
    # torch prints builtins without their module ("getattr").
    names = [n if '.' in n else f'builtins.{n}' for n in names]
    return sorted(set(names))


def safe_torch_load(f: Any, map_location: Optional[Any] = None) -> Any:
    """``torch.load`` with ``weights_only=True`` and clear refusals.

    Args:
        f (str | file-like): The checkpoint.
        map_location: Same as in :func:`torch.load`.

    Returns:
        The loaded object.

    Raises:
        UnsafeCheckpointError: ``f`` holds a pickled object that is not on
            the allow-list (:func:`checkpoint_safe_globals`).
        IncompleteCheckpointError: ``f`` is truncated or not a checkpoint.
    """
    name = f if isinstance(f, str) else getattr(f, 'name', repr(f))
    if not _HAS_SAFE_GLOBALS:
        # torch < 2.4 cannot allow-list, so weights_only=True would refuse
        # every mmengine checkpoint: keep torch's (unsafe) default there.
        return torch.load(f, map_location=map_location)
    try:
        return torch.load(f, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as e:
        offenders = _non_allowlisted_globals(f, e)
        what = ', '.join(offenders) if offenders else str(e).strip()
        raise UnsafeCheckpointError(
            f'Refused to load checkpoint {name!r}: it holds pickled '
            f'object(s) that are not on mmsocket\'s checkpoint allow-list: '
            f'{what}. Unpickling them could run arbitrary code. If you '
            'trust the file, load it with torch.load(..., '
            'weights_only=False) yourself and re-save only the tensors and '
            'plain data you need (a stock mmengine checkpoint is fixed by '
            're-saving it in a process that imported mmsocket).') from e
    except (RuntimeError, OSError, EOFError) as e:
        # torch's reader fails on a cut file with RuntimeError or OSError
        # depending on the version; tell the user what it most likely is.
        if isinstance(f, str) and not is_complete_checkpoint(f):
            raise IncompleteCheckpointError(
                f'Checkpoint {name!r} is truncated or is not a torch '
                f'checkpoint ({type(e).__name__}: {e}). A run killed while '
                'saving leaves such files; resume from an earlier '
                'checkpoint.') from e
        raise


def load_from_local(filename: str, map_location: Optional[Any] = None):
    """Local-file loader for mmengine's ``CheckpointLoader`` (prefix '')."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return safe_torch_load(filename, map_location=map_location)


def _register_safe_local_loader() -> None:
    global _LOADER_REGISTERED
    if _LOADER_REGISTERED:
        return
    # Runner.load_checkpoint/resume and mmengine.runner.load_checkpoint all
    # go through CheckpointLoader, whose '' scheme is the local-file loader.
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)
    _LOADER_REGISTERED = True


def register_checkpoint_safe_globals() -> bool:
    """Make mmengine checkpoints load under ``weights_only=True``.

    Allow-lists :func:`checkpoint_safe_globals`, patches ``HistoryBuffer``
    pickling so new checkpoints do not need ``builtins.getattr``, and makes
    mmengine's local checkpoint loader refuse anything else with an
    :class:`UnsafeCheckpointError`. Safe to call more than once.

    Returns:
        bool: False if this torch (< 2.4) cannot allow-list globals; mmengine
        then loads checkpoints with torch's default.
    """
    _patch_history_buffer_pickling()
    _register_safe_local_loader()
    if not _HAS_SAFE_GLOBALS:
        warnings.warn('torch < 2.4 has no torch.serialization.'
                      'add_safe_globals: checkpoints are loaded without the '
                      'weights-only allow-list. Use torch >= 2.4.')
        return False
    # add_safe_globals unions into a set, so repeating it is harmless.
    torch.serialization.add_safe_globals(checkpoint_safe_globals())
    return True


def is_complete_checkpoint(path: str) -> bool:
    """Whether ``path`` is a readable, complete torch zip checkpoint.

    Only the zip directory at the end of the file is read (a truncated file
    has none), not the whole payload.
    """
    if not osp.isfile(path) or not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.endswith('data.pkl') for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def find_latest_checkpoint(work_dir: str) -> Optional[str]:
    """Find the checkpoint to auto-resume from, skipping broken files.

    mmengine trusts ``work_dir/last_checkpoint`` blindly. This returns the
    file it names if that is a complete checkpoint; otherwise (pointer
    missing, empty, or naming a truncated/missing file) the newest complete
    ``*.pth`` in ``work_dir``, ignoring ``best_*`` (no optimizer state) and
    hidden temp files of interrupted atomic writes.

    Args:
        work_dir (str): The run's work directory.

    Returns:
        str | None: Path of the checkpoint, or None if there is none.
    """
    pointer = osp.join(work_dir, 'last_checkpoint')
    named = None
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip() or None
        if named is not None and is_complete_checkpoint(named):
            return named
    candidates = [
        p for p in glob.glob(osp.join(work_dir, '*.pth'))
        if not osp.basename(p).startswith('best_')
    ]
    candidates.sort(key=osp.getmtime, reverse=True)
    for path in candidates:
        if is_complete_checkpoint(path):
            if named is not None:
                warnings.warn(f'{pointer} names {named!r}, which is missing '
                              f'or incomplete; resuming from {path!r}.')
            return path
    return None
