# Copyright (c) mmsocket contributors. All rights reserved.
"""One live training run per work directory.

Two runs started with the same ``--work-dir`` (say, two seeds) would both
write ``epoch_N.pth`` and ``last_checkpoint`` there, the later overwriting
the earlier. A run therefore holds ``<work_dir>/.run.lock`` while it trains:
an advisory ``flock`` on the file, plus the owner's pid, host, command and
start time written into it for the message a second run gets.

The kernel drops a ``flock`` when its holder dies, so a killed run (even
``kill -9``) never leaves a lock that blocks: the next run takes it over
and says so. Forked children (dataloader workers) close their inherited
descriptor at once, so a killed run's orphaned workers do not keep its
lock alive either. Without ``fcntl`` (Windows) the lock file is created
exclusively and counts as stale when its pid no longer runs on this host.

The lock is re-entrant within a process (the tools take it before building
the Runner and :class:`~mmsocket.engine.hooks.WorkDirLockHook` takes it
again), and in a distributed run only rank 0 holds it; the other ranks
learn the outcome from rank 0, so all of them stop together.
"""
import contextlib
import json
import os
import os.path as osp
import socket
import sys
import time
from typing import Dict, List, Optional

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = [
    'LOCK_FILE', 'WorkDirInUseError', 'acquire_work_dir', 'release_work_dir',
    'lock_work_dir', 'unlock_work_dir', 'work_dir_lock', 'takeover_note'
]

LOCK_FILE = '.run.lock'

# realpath of the work dir -> [fd or None, depth, takeover note or None]
_HELD: Dict[str, List] = {}


class WorkDirInUseError(RuntimeError):
    """Another live run trains in this work directory."""


def _lock_path(work_dir: str) -> str:
    return osp.join(work_dir, LOCK_FILE)


def _owner_info(work_dir: str) -> dict:
    return dict(
        pid=os.getpid(),
        host=socket.gethostname(),
        command=' '.join([sys.executable, *sys.argv]),
        started=time.strftime('%Y-%m-%d %H:%M:%S %z'),
        work_dir=osp.abspath(work_dir))


def _read_info(path: str) -> dict:
    try:
        with open(path) as f:
            return json.loads(f.read() or '{}')
    except (OSError, ValueError):
        return {}


def _describe(info: dict) -> str:
    if not info:
        return 'another run (its lock file holds no owner details)'
    return (f'pid {info.get("pid")} on {info.get("host")}, started '
            f'{info.get("started")}: {info.get("command")}')


def _refusal(work_dir: str, info: dict) -> WorkDirInUseError:
    return WorkDirInUseError(
        f'Work dir {work_dir} is in use by a live run ({_describe(info)}). '
        'A second run there would overwrite its checkpoints. Wait for it '
        'to finish or stop it, or give this run its own --work-dir (e.g. '
        'one per seed). If you are sure no run uses the directory, delete '
        f'{_lock_path(work_dir)}.')


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _acquire_flock(work_dir: str) -> int:
    path = _lock_path(work_dir)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise _refusal(work_dir, _read_info(path))
        # The holder before us may have unlinked the file between our open
        # and our lock: then we locked a dead inode, so try again.
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _acquire_exclusive(work_dir: str) -> None:
    """The fallback without ``fcntl``: O_EXCL creation, stale by pid."""
    path = _lock_path(work_dir)
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            info = _read_info(path)
            if info.get('host') == socket.gethostname() and \
                    not _pid_alive(int(info.get('pid', -1))):
                os.remove(path)
                continue
            raise _refusal(work_dir, info)
        os.close(fd)
        return


def _write_info(work_dir: str, fd: Optional[int]) -> dict:
    """Record this process as the owner; return the previous owner's
    details (a killed run's) if the file still held them."""
    path = _lock_path(work_dir)
    previous = _read_info(path)
    data = json.dumps(_owner_info(work_dir), indent=1).encode()
    if fd is None:
        with open(path, 'wb') as f:
            f.write(data)
    else:
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
        os.fsync(fd)
    if previous.get('pid') == os.getpid() and \
            previous.get('host') == socket.gethostname():
        return {}
    return previous


def acquire_work_dir(work_dir: str, logger=None) -> bool:
    """Take the lock of ``work_dir`` for this process (re-entrant).

    Args:
        work_dir (str): The run's work directory (created if missing).
        logger: Where to say that a killed run's lock was taken over;
            mmengine's current logger if None.

    Returns:
        bool: True if this call took the lock, False if the process held it
        already.

    Raises:
        WorkDirInUseError: Another live process holds it.
    """
    key = osp.realpath(work_dir)
    if key in _HELD:
        _HELD[key][1] += 1
        return False
    os.makedirs(work_dir, exist_ok=True)
    fd = None
    if fcntl is not None:
        fd = _acquire_flock(work_dir)
    else:  # pragma: no cover - Windows
        _acquire_exclusive(work_dir)
    previous = _write_info(work_dir, fd)
    note = None
    if previous:
        note = (f'Took over the lock of {work_dir} from a run that is no '
                f'longer alive ({_describe(previous)}).')
        from mmengine.logging import print_log
        print_log(note, logger=logger or 'current')
    _HELD[key] = [fd, 1, note]
    return True


def takeover_note(work_dir: str) -> Optional[str]:
    """What :func:`acquire_work_dir` said when it took over a killed run's
    lock of ``work_dir`` (once: for a log that did not exist yet then)."""
    held = _HELD.get(osp.realpath(work_dir))
    if held is None:
        return None
    note, held[2] = held[2], None
    return note


def release_work_dir(work_dir: str) -> None:
    """Undo one :func:`acquire_work_dir`; the last one removes the file."""
    key = osp.realpath(work_dir)
    held = _HELD.get(key)
    if held is None:
        return
    held[1] -= 1
    if held[1] > 0:
        return
    del _HELD[key]
    fd = held[0]
    # Unlink while still holding the lock: a run waiting on the old inode
    # notices (see _acquire_flock) and retries on a fresh file.
    with contextlib.suppress(FileNotFoundError):
        os.remove(_lock_path(work_dir))
    if fd is not None:
        os.close(fd)


def _close_inherited_locks() -> None:
    """In a forked child: drop the parent's lock descriptors (the parent
    keeps its locks; a killed parent's orphans must not keep them)."""
    for fd, *_ in _HELD.values():
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
    _HELD.clear()


if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_close_inherited_locks)


def lock_work_dir(work_dir: str, logger=None) -> None:
    """:func:`acquire_work_dir` for a possibly distributed run: rank 0 takes
    the lock and broadcasts the outcome, so every rank raises the same
    :class:`WorkDirInUseError` (call it on every rank)."""
    from mmengine.dist import broadcast_object_list, get_dist_info
    rank, world_size = get_dist_info()
    error = None
    if rank == 0:
        try:
            acquire_work_dir(work_dir, logger)
        except WorkDirInUseError as e:
            error = str(e)
    if world_size > 1:
        box = [error]
        broadcast_object_list(box, src=0)
        error = box[0]
    if error is not None:
        raise WorkDirInUseError(error)


def unlock_work_dir(work_dir: str) -> None:
    """Undo :func:`lock_work_dir` (rank 0 releases; the others held none).
    """
    from mmengine.dist import get_rank
    if get_rank() == 0:
        release_work_dir(work_dir)


@contextlib.contextmanager
def work_dir_lock(work_dir: str, logger=None):
    """Hold the lock of ``work_dir`` for the body (see
    :func:`lock_work_dir`); on exit, also what the body took and did not
    give back (a hook's lock when training raised)."""
    key = osp.realpath(work_dir)
    depth = _HELD[key][1] if key in _HELD else 0
    lock_work_dir(work_dir, logger)
    try:
        yield
    finally:
        while key in _HELD and _HELD[key][1] > depth:
            release_work_dir(work_dir)
