# Copyright (c) mmsocket contributors. All rights reserved.
"""Load checkpoints (and data files) without running code they carry.

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

``builtins.getattr`` itself is *not* allowed. Stock mmengine (and so every
checkpoint a stock mmpretrain/mmengine Runner saves) pickles a
``HistoryBuffer``'s statistics methods as ``getattr(HistoryBuffer, 'mean')``
and so on. The name ``builtins.getattr`` is therefore bound, for torch's
weights-only unpickler only, to :func:`history_buffer_statistic`: a stand-in
that returns exactly ``HistoryBuffer.min/max/current/mean`` and refuses every
other ``getattr`` (torch resolves a ``(callable, 'module.name')`` pair of
``add_safe_globals`` by that name: ``_get_user_allowed_globals`` in
``torch/_weights_only_unpickler.py``). The methods it returns are dropped
again: ``HistoryBuffer.__setstate__`` is patched to ignore the pickled
``statistics_methods`` (the stock one writes them into the class-wide
registry) and ``__getstate__`` to leave them out, so our own checkpoints do
not need the stand-in at all. Custom statistics are class-level
registrations that come back with the import of the module that registers
them.

Data files: :func:`load_data_file` is ``mmengine.fileio.load`` with the
pickle formats refused (unpickling a file runs the code it carries).
"""
import _codecs
import contextlib
import glob
import os.path as osp
import pickle
import re
import warnings
import zipfile
from typing import Any, Callable, Iterator, List, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

__all__ = [
    'UnsafeCheckpointError', 'IncompleteCheckpointError',
    'checkpoint_safe_globals', 'register_checkpoint_safe_globals',
    'history_buffer_statistic', 'safe_torch_load', 'refuse_unsafe',
    'checkpoint_format', 'is_complete_checkpoint', 'find_latest_checkpoint',
    'unusable_checkpoints', 'load_data_file'
]

# dtype characters of the numeric dtype family that may appear in logged
# numpy values: bool, signed/unsigned ints, floats.
_NUMERIC_DTYPE_CHARS = ('?', 'b', 'h', 'i', 'l', 'q', 'B', 'H', 'I', 'L', 'Q',
                        'e', 'f', 'd')
# What stock HistoryBuffer.__getstate__ pickles as getattr(HistoryBuffer, x)
# (its _set_default_statistics).
HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')

_HAS_SAFE_GLOBALS = hasattr(torch.serialization, 'add_safe_globals')
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


def history_buffer_statistic(owner: Any, name: Any) -> Callable:
    """What ``builtins.getattr`` means inside a checkpoint: only
    ``getattr(HistoryBuffer, m)`` for its default statistics methods ``m``.

    Stock mmengine pickles exactly these; anything else (another object,
    another attribute) is refused, so the stand-in cannot reach a callable
    that runs code.

    Raises:
        pickle.UnpicklingError: Any other ``getattr``.
    """
    if owner is HistoryBuffer and type(name) is str \
            and name in HISTORY_BUFFER_STATISTICS:
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'builtins.getattr({owner!r}, {name!r}) is not allowed (a '
        'checkpoint may only hold getattr(HistoryBuffer, m) for m in '
        f'{HISTORY_BUFFER_STATISTICS})')


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
        (history_buffer_statistic, 'builtins.getattr'),
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


def _history_buffer_setstate(self: HistoryBuffer, state: dict) -> None:
    """Restore a ``HistoryBuffer`` ignoring pickled statistics methods.

    The stock method writes them into the class-wide registry, so a
    checkpoint could re-map ``'mean'`` for the whole process.
    """
    state = dict(state)
    state.pop('statistics_methods', None)
    self._set_default_statistics()
    self.__dict__.update(state)


def _patch_history_buffer_pickling() -> None:
    global _HISTORY_BUFFER_PATCHED
    if not _HISTORY_BUFFER_PATCHED:
        HistoryBuffer.__getstate__ = _history_buffer_getstate
        HistoryBuffer.__setstate__ = _history_buffer_setstate
        _HISTORY_BUFFER_PATCHED = True


_GLOBAL_PATTERNS = (
    re.compile(r'GLOBAL (\S+) was not an allowed global'),
    re.compile(r'unsupported GLOBAL (\S+) whose module'),
    re.compile(r"but got <class '([^']+)'>"),
    re.compile(
        r'reduce for unrecognized function (.+?)(?: which belongs|\n|$)'),
    re.compile(r'(builtins\.getattr\(.*?\)) is not allowed'),
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


@contextlib.contextmanager
def refuse_unsafe(name: str, f: Any = None) -> Iterator[None]:
    """Turn the weights-only unpickler's refusals inside the block into an
    :class:`UnsafeCheckpointError` that names ``name`` and the offenders."""
    try:
        yield
    except UnsafeCheckpointError:
        raise
    except pickle.UnpicklingError as e:
        offenders = _non_allowlisted_globals(f, e)
        what = ', '.join(offenders) if offenders else str(e).strip()
        raise UnsafeCheckpointError(
            f'Refused to load checkpoint {name!r}: it holds pickled '
            f'object(s) that are not on mmsocket\'s checkpoint allow-list: '
            f'{what}. Unpickling them could run arbitrary code, so mmsocket '
            'does not. If you made the file and trust it, re-save only its '
            'weights (torch.load(..., weights_only=False) in a session of '
            'your own, then torch.save(dict(state_dict=...), path)); stock '
            'mmengine/mmpretrain checkpoints load as they are, and '
            'tools/model_converters/strip_checkpoint.py strips them to '
            'their weights.') from e


def safe_torch_load(f: Any,
                    map_location: Optional[Any] = None,
                    name: Optional[str] = None) -> Any:
    """``torch.load`` with ``weights_only=True`` and clear refusals.

    Args:
        f (str | file-like): The checkpoint.
        map_location: Same as in :func:`torch.load`.
        name (str, optional): How to name ``f`` in errors (e.g. the URL a
            buffer came from). Defaults to the path.

    Returns:
        The loaded object.

    Raises:
        UnsafeCheckpointError: ``f`` holds a pickled object that is not on
            the allow-list (:func:`checkpoint_safe_globals`).
        IncompleteCheckpointError: ``f`` is truncated or not a checkpoint.
    """
    if name is None:
        name = f if isinstance(f, str) else getattr(f, 'name', repr(f))
    if not _HAS_SAFE_GLOBALS:
        raise RuntimeError(
            'torch < 2.4 cannot allow-list checkpoint globals, so mmsocket '
            'cannot load checkpoints safely: install torch >= 2.4 '
            '(requirements/runtime.txt).')
    with refuse_unsafe(name, f):
        try:
            return torch.load(f, map_location=map_location, weights_only=True)
        except pickle.UnpicklingError:
            raise
        except (RuntimeError, OSError, EOFError) as e:
            # torch's reader fails on a cut file with RuntimeError or
            # OSError depending on the version; say what it most likely is.
            if isinstance(f, str) and checkpoint_format(f) != 'zip':
                raise IncompleteCheckpointError(
                    f'Checkpoint {name!r} is truncated or is not a torch '
                    f'checkpoint ({type(e).__name__}: {e}). A run killed '
                    'while saving leaves such files; resume from an earlier '
                    'checkpoint.') from e
            raise


def register_checkpoint_safe_globals() -> bool:
    """Make mmengine checkpoints load under ``weights_only=True``.

    Allow-lists :func:`checkpoint_safe_globals`, patches ``HistoryBuffer``
    pickling so new checkpoints do not need ``builtins.getattr``, and makes
    every mmengine checkpoint loader (local files, URLs, model-zoo names,
    object stores) weights-only, refusing anything else with an
    :class:`UnsafeCheckpointError`. Safe to call more than once.

    Returns:
        bool: False if this torch (< 2.4) cannot allow-list globals (then no
        checkpoint can be loaded safely, and :func:`safe_torch_load` says
        so).
    """
    from .checkpoint_loaders import register_safe_checkpoint_loaders
    _patch_history_buffer_pickling()
    register_safe_checkpoint_loaders()
    if not _HAS_SAFE_GLOBALS:
        warnings.warn('torch < 2.4 has no torch.serialization.'
                      'add_safe_globals: mmsocket cannot load checkpoints '
                      'safely. Use torch >= 2.4.')
        return False
    # add_safe_globals unions into a set, so repeating it is harmless.
    torch.serialization.add_safe_globals(checkpoint_safe_globals())
    return True


# torch's legacy (non-zip, ``_use_new_zipfile_serialization=False``) format
# starts with its magic number, pickled with the protocol the file uses.
_LEGACY_HEADERS = tuple(
    pickle.dumps(torch.serialization.MAGIC_NUMBER, protocol=p)[:-1]
    for p in range(2, pickle.HIGHEST_PROTOCOL + 1))


def checkpoint_format(path: str) -> Optional[str]:
    """``'zip'`` for a complete torch zip checkpoint, ``'legacy'`` for a file
    in torch's legacy format (complete or not: only loading it tells), None
    for anything else (a truncated zip file, not a checkpoint, missing).

    Only the file's head or its zip directory (at the end of the file: a
    truncated file has none) is read, not the payload.
    """
    if not osp.isfile(path):
        return None
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                complete = any(n.endswith('data.pkl') for n in zf.namelist())
        except (zipfile.BadZipFile, OSError):
            complete = False
        return 'zip' if complete else None
    try:
        with open(path, 'rb') as f:
            head = f.read(max(len(h) for h in _LEGACY_HEADERS))
    except OSError:
        return None
    if any(head.startswith(h) for h in _LEGACY_HEADERS):
        return 'legacy'
    return None


def is_complete_checkpoint(path: str) -> bool:
    """Whether ``path`` is a readable, complete torch zip checkpoint.

    Only the zip directory at the end of the file is read (a truncated file
    has none), not the whole payload.
    """
    return checkpoint_format(path) == 'zip'


def _usable(path: str) -> bool:
    """A complete zip checkpoint, or a legacy one that loads (safely).

    Raises:
        UnsafeCheckpointError: A legacy checkpoint that carries code: the
            caller must stop rather than train over it.
    """
    kind = checkpoint_format(path)
    if kind == 'zip':
        return True
    if kind != 'legacy':
        return False
    try:
        safe_torch_load(path, map_location='cpu')
    except UnsafeCheckpointError:
        raise
    except Exception:  # noqa: BLE001 - a cut legacy file fails in many ways
        return False
    return True


def _resume_candidates(work_dir: str) -> List[str]:
    """``*.pth`` of ``work_dir``, newest first, without ``best_*`` (no
    optimizer state) and hidden temp files of interrupted atomic writes."""
    candidates = [
        p for p in glob.glob(osp.join(work_dir, '*.pth'))
        if not osp.basename(p).startswith('best_')
    ]
    candidates.sort(key=osp.getmtime, reverse=True)
    return candidates


def find_latest_checkpoint(work_dir: str) -> Optional[str]:
    """Find the checkpoint to auto-resume from, skipping broken files.

    mmengine trusts ``work_dir/last_checkpoint`` blindly (and its own lookup
    ignores torch's legacy format). This returns the file it names if that
    is a usable checkpoint; otherwise (pointer missing, empty, or naming a
    truncated/missing file) the newest usable ``*.pth`` in ``work_dir``,
    ignoring ``best_*`` (no optimizer state) and hidden temp files of
    interrupted atomic writes. Usable: a complete zip checkpoint, or a
    legacy-format one that loads with the weights-only loader.

    Args:
        work_dir (str): The run's work directory.

    Returns:
        str | None: Path of the checkpoint, or None if there is none.

    Raises:
        UnsafeCheckpointError: A legacy-format candidate carries code.
    """
    pointer = osp.join(work_dir, 'last_checkpoint')
    named = None
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip() or None
        if named is not None and _usable(named):
            return named
    for path in _resume_candidates(work_dir):
        if _usable(path):
            if named is not None:
                warnings.warn(f'{pointer} names {named!r}, which is missing '
                              f'or incomplete; resuming from {path!r}.')
            return path
    return None


def unusable_checkpoints(work_dir: str) -> List[str]:
    """The ``*.pth`` files of ``work_dir`` that :func:`find_latest_checkpoint`
    would not resume from (truncated, not a checkpoint), newest first."""
    return [p for p in _resume_candidates(work_dir) if not _usable(p)]


_PICKLE_FORMATS = ('pkl', 'pickle')


def load_data_file(file: str, file_format: Optional[str] = None, **kwargs):
    """``mmengine.fileio.load`` for data files (JSON, YAML), refusing pickles.

    mmengine picks the reader from the extension, and its pickle reader is
    ``pickle.load``: a ``.pkl`` annotation file from a stranger would run
    the code it carries.

    Raises:
        UnsafeCheckpointError: ``file`` is (named as) a pickle.
    """
    from mmengine.fileio import load
    fmt = file_format or osp.splitext(str(file))[1].lstrip('.').lower()
    if fmt in _PICKLE_FORMATS:
        raise UnsafeCheckpointError(
            f'Refused to read {file!r}: it is a pickle, and unpickling runs '
            'whatever code the file carries. Data files are JSON (or YAML); '
            'convert it with a trusted script, or write it as JSON.')
    return load(file, file_format=file_format, **kwargs)
