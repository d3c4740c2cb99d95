# Copyright (c) mmsocket contributors. All rights reserved.
"""A local file backend whose writes are atomic.

mmengine's ``LocalBackend.put`` opens the target with ``'wb'`` and writes into
it, so a run killed while saving leaves a truncated ``epoch_N.pth`` that a
later ``--resume`` picks. :class:`AtomicLocalBackend` writes to a hidden temp
file in the same directory, fsyncs it, and ``os.replace``-s it over the
target: a reader sees either the old file or the complete new one.

Select it for checkpoints with::

    default_hooks = dict(
        checkpoint=dict(type='CheckpointHook', interval=1,
                        backend_args=dict(backend='atomic_local')))
"""
import errno
import os
import os.path as osp
import re
import uuid
from pathlib import Path
from typing import List, Union

from mmengine.fileio import LocalBackend, register_backend

__all__ = [
    'AtomicLocalBackend', 'DiskFullError', 'atomic_write', 'remove_leftovers'
]

TMP_SUFFIX = '.tmp'
# ``.<name>.<uuid4 hex>.tmp``: what :func:`atomic_write` leaves when killed.
_TMP_NAME = re.compile(r'^\..+\.[0-9a-f]{32}' + re.escape(TMP_SUFFIX) + '$')


class DiskFullError(OSError):
    """The device filled up during a write; the previous file is intact."""

    def __str__(self) -> str:
        return str(self.strerror)


def _fsync_dir(dirname: str) -> None:
    """Persist a rename in ``dirname`` (POSIX only, best effort)."""
    try:
        fd = os.open(dirname, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(data: Union[bytes, str],
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
    """Write ``data`` to ``filepath`` so that it is replaced all at once.

    The data goes to ``.<name>.<random>.tmp`` next to the target, is flushed
    and fsynced, and then renamed over the target with :func:`os.replace`
    (atomic on POSIX and Windows within one file system). On any error the
    temp file is removed and the previous target is left untouched.

    Args:
        data (bytes | str): Content; ``str`` is encoded with ``encoding``.
        filepath (str | Path): Target path. Its directory is created.
        encoding (str): Encoding of a ``str`` ``data``. Defaults to 'utf-8'.
    """
    filepath = os.fspath(filepath)
    if isinstance(data, str):
        data = data.encode(encoding)
    dirname = osp.dirname(osp.abspath(filepath))
    os.makedirs(dirname, exist_ok=True)
    tmp_path = osp.join(
        dirname, f'.{osp.basename(filepath)}.{uuid.uuid4().hex}{TMP_SUFFIX}')
    # os.open with mode 0o666 lets the umask decide the permissions, as a
    # plain open() of the target would (mkstemp would force 0o600).
    fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_path, filepath)
    except BaseException as e:
        # BaseException: also clean up on KeyboardInterrupt/SystemExit.
        try:
            os.remove(tmp_path)
        except OSError:
            pass
        if isinstance(e, OSError) and e.errno == errno.ENOSPC:
            raise DiskFullError(
                e.errno, f'No space left on the device while writing '
                f'{filepath}; the file there before (if any) is intact. '
                'Free some space (or move the work dir) and resume with '
                '--resume.') from e
        raise
    _fsync_dir(dirname)


def remove_leftovers(directory: str) -> List[str]:
    """Delete the temp files that killed :func:`atomic_write` calls left in
    ``directory`` (not recursive) and return their paths.

    Call it only while no live process writes there (e.g. holding the
    directory's run lock): a live write's temp file looks the same.
    """
    if not osp.isdir(directory):
        return []
    removed = []
    for name in sorted(os.listdir(directory)):
        path = osp.join(directory, name)
        if _TMP_NAME.match(name) and osp.isfile(path):
            try:
                os.remove(path)
            except FileNotFoundError:
                continue
            removed.append(path)
    return removed


class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put``/``put_text`` are atomic.

    Registered in mmengine's file backends as ``'atomic_local'`` (no URI
    prefix, so plain paths keep using ``LocalBackend`` unless a config asks
    for this one with ``backend_args=dict(backend='atomic_local')``).
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        """Atomically write bytes to ``filepath``."""
        atomic_write(obj, filepath)

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        """Atomically write text to ``filepath``."""
        atomic_write(obj, filepath, encoding=encoding)


# force=True keeps re-imports (e.g. importlib.reload in tests) harmless.
register_backend('atomic_local', AtomicLocalBackend, force=True)
