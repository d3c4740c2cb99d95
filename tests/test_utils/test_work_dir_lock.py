# Copyright (c) mmsocket contributors. All rights reserved.
"""One live run per work dir: refused while held, free once the holder is
dead (even with orphaned children), re-entrant, the same on every rank."""
import json
import multiprocessing
import os
import os.path as osp
import signal
import socket
import time

import pytest

from mmsocket.utils import (LOCK_FILE, WorkDirInUseError, acquire_work_dir,
                            lock_work_dir, release_work_dir, takeover_note,
                            work_dir_lock)
from tests.gloo_ranks import on_gloo_ranks

fork = multiprocessing.get_context('fork')


def _try_lock(work_dir, queue):
    try:
        acquire_work_dir(work_dir)
    except WorkDirInUseError as e:
        queue.put(str(e))
    else:
        release_work_dir(work_dir)
        queue.put('acquired')


def _in_child(work_dir) -> str:
    queue = fork.Queue()
    proc = fork.Process(target=_try_lock, args=(work_dir, queue))
    proc.start()
    proc.join(30)
    return queue.get(timeout=5)


def test_a_held_work_dir_is_refused_with_the_owner_named(tmp_path):
    work_dir = str(tmp_path / 'work')
    with work_dir_lock(work_dir):
        info = json.load(open(osp.join(work_dir, LOCK_FILE)))
        assert info['pid'] == os.getpid()
        assert info['host'] == socket.gethostname()
        message = _in_child(work_dir)
        assert f'in use by a live run (pid {os.getpid()} on ' \
            f'{socket.gethostname()}, started {info["started"]}' in message
        assert info['command'] in message
        assert 'own --work-dir' in message and LOCK_FILE in message
        # Re-entrant in the holding process (the tool, then the hook).
        with work_dir_lock(work_dir):
            pass
        assert _in_child(work_dir) != 'acquired'
    assert not osp.exists(osp.join(work_dir, LOCK_FILE))
    assert _in_child(work_dir) == 'acquired'


def _hold_and_die(work_dir, orphan_pid_file):
    acquire_work_dir(work_dir)
    if orphan_pid_file:
        # A dataloader worker: forked while the lock is held, outlives us.
        pid = os.fork()
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        with open(orphan_pid_file, 'w') as f:
            f.write(str(pid))
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize('with_orphan', [False, True])
def test_a_killed_runs_lock_does_not_block(tmp_path, with_orphan):
    work_dir = str(tmp_path / 'work')
    orphan = str(tmp_path / 'orphan.pid') if with_orphan else None
    pid = os.fork()  # not multiprocessing: the orphan would hold its pipe
    if pid == 0:
        try:
            _hold_and_die(work_dir, orphan)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    if orphan:
        orphan = int(open(orphan).read())
        os.kill(orphan, 0)  # still alive, holding a copy of the fd
    assert osp.exists(osp.join(work_dir, LOCK_FILE))  # the file stays
    dead = json.load(open(osp.join(work_dir, LOCK_FILE)))['pid']
    acquire_work_dir(work_dir)
    try:
        note = takeover_note(work_dir)
        assert f'no longer alive (pid {dead} on' in note
        assert takeover_note(work_dir) is None  # said once
    finally:
        release_work_dir(work_dir)
        if orphan:
            os.kill(orphan, signal.SIGKILL)


def test_an_error_inside_releases_everything_taken_inside(tmp_path):
    work_dir = str(tmp_path / 'work')
    with pytest.raises(RuntimeError):
        with work_dir_lock(work_dir):
            acquire_work_dir(work_dir)  # a hook's, never given back
            raise RuntimeError('training failed')
    assert _in_child(work_dir) == 'acquired'


def _lock(rank, work_dir):
    try:
        lock_work_dir(work_dir)
    except WorkDirInUseError as e:
        return str(e)
    return 'acquired'


@pytest.mark.slow
def test_every_rank_gets_rank_0s_answer(tmp_path):
    work_dir = str(tmp_path / 'work')
    with work_dir_lock(work_dir):
        answers = on_gloo_ranks(_lock, work_dir)
    assert answers[0] == answers[1]
    assert f'pid {os.getpid()}' in answers[1]
