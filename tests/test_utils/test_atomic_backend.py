# Copyright (c) mmsocket contributors. All rights reserved.
"""Atomic checkpoint writes: a failed or killed save keeps the old file."""
import os
import uuid

import pytest
import torch
from mmengine.config import Config
from mmengine.fileio import get_file_backend
from mmengine.runner import Runner
from toy_parts import write_toy_config

from mmsocket.utils import (AtomicLocalBackend, atomic_backend, atomic_write,
                            find_latest_checkpoint, remove_leftovers)


def test_backend_is_registered_and_selected_by_backend_args(tmp_path):
    backend = get_file_backend(
        str(tmp_path), backend_args=dict(backend='atomic_local'))
    assert isinstance(backend, AtomicLocalBackend)
    # Plain paths keep mmengine's LocalBackend: no prefix is hijacked.
    assert not isinstance(get_file_backend(str(tmp_path)), AtomicLocalBackend)


def test_put_and_put_text(tmp_path):
    backend = AtomicLocalBackend()
    target = tmp_path / 'sub' / 'ckpt.pth'
    backend.put(b'first', target)
    backend.put(b'second', str(target))
    assert target.read_bytes() == b'second'
    backend.put_text('pointer\n', tmp_path / 'last_checkpoint')
    assert (tmp_path / 'last_checkpoint').read_text() == 'pointer\n'
    assert sorted(os.listdir(tmp_path / 'sub')) == ['ckpt.pth']
    # Permissions follow the umask, as a plain open() would give.
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


class _HalfWriteFile:
    """A file whose write() stores half the data, then fails."""

    def __init__(self, f):
        self._f = f

    def write(self, data):
        self._f.write(data[:len(data) // 2])
        self._f.flush()
        raise OSError(28, 'No space left on device')

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._f.__exit__(*exc)


@pytest.mark.parametrize('failure', ['write', 'fsync', 'interrupt'])
def test_failed_write_keeps_previous_file(tmp_path, monkeypatch, failure):
    target = tmp_path / 'epoch_1.pth'
    atomic_write(b'complete old checkpoint', target)
    if failure == 'write':
        real_fdopen = os.fdopen
        monkeypatch.setattr(
            atomic_backend.os, 'fdopen',
            lambda *a, **k: _HalfWriteFile(real_fdopen(*a, **k)))
        error = OSError
    else:
        exc = OSError(5, 'I/O error') if failure == 'fsync' \
            else KeyboardInterrupt()

        def fail(fd):
            raise exc

        monkeypatch.setattr(atomic_backend.os, 'fsync', fail)
        error = type(exc)
    with pytest.raises(error):
        atomic_write(b'new checkpoint that never lands' * 1000, target)
    assert target.read_bytes() == b'complete old checkpoint'
    assert os.listdir(tmp_path) == ['epoch_1.pth']  # no partial temp file


@pytest.mark.skipif(not hasattr(os, 'fork'), reason='needs os.fork')
def test_killed_during_write(tmp_path):
    """A process dying mid-save (no clean-up runs) leaves the old file and
    only a hidden temp file, which resuming ignores."""
    target = tmp_path / 'epoch_1.pth'
    torch.save({'state_dict': {'w': torch.ones(2)}}, target)
    old = target.read_bytes()
    pid = os.fork()
    if pid == 0:  # child: die the moment the data is written
        try:
            atomic_backend.os.fsync = lambda fd: os._exit(9)
            atomic_write(b'x' * 100000, target)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    assert target.read_bytes() == old
    leftovers = [n for n in os.listdir(tmp_path) if n != 'epoch_1.pth']
    assert len(leftovers) == 1 and leftovers[0].startswith('.epoch_1.pth.')
    assert find_latest_checkpoint(str(tmp_path)) == str(target)


def test_checkpoint_hook_save_failure_keeps_previous(tmp_path, monkeypatch):
    """mmengine's real save path (CheckpointHook backend_args ->
    save_checkpoint -> backend.put) with a failure in the middle."""
    cfg = Config.fromfile(write_toy_config(str(tmp_path / 'toy.py')))
    cfg.work_dir = str(tmp_path / 'work')
    cfg.experiment_name = uuid.uuid4().hex
    cfg.train_cfg.max_epochs = 1
    runner = Runner.from_cfg(cfg)
    runner.train()
    hook = next(
        h for h in runner.hooks if type(h).__name__ == 'CheckpointHook')
    assert isinstance(hook.file_backend, AtomicLocalBackend)
    path = os.path.join(cfg.work_dir, 'epoch_1.pth')
    before = open(path, 'rb').read()

    def fail(fd):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(atomic_backend.os, 'fsync', fail)
    with pytest.raises(OSError, match='No space'):
        runner.save_checkpoint(
            cfg.work_dir,
            'epoch_1.pth',
            backend_args=dict(backend='atomic_local'))
    assert open(path, 'rb').read() == before
    assert not [n for n in os.listdir(cfg.work_dir) if n.endswith('.tmp')]
    ckpt = torch.load(path, map_location='cpu', weights_only=True)
    assert ckpt['meta']['epoch'] == 1


def test_registered_by_name():
    from mmengine.fileio.backends.registry_utils import backends
    assert backends['atomic_local'] is AtomicLocalBackend


def test_leftovers_of_killed_writes_are_removed_and_nothing_else(tmp_path):
    keep = [
        'epoch_1.pth', 'last_checkpoint', '.notes.tmp', 'x.pth.tmp',
        '.epoch_2.pth.' + 'a' * 31 + '.tmp', '.run.lock'
    ]
    leftovers = [
        '.epoch_2.pth.' + uuid.uuid4().hex + '.tmp',
        '.last_checkpoint.' + uuid.uuid4().hex + '.tmp'
    ]
    for name in keep + leftovers:
        (tmp_path / name).write_bytes(b'x')
    (tmp_path / 'sub').mkdir()
    (tmp_path / 'sub' / leftovers[0]).write_bytes(b'x')  # not recursive
    removed = remove_leftovers(str(tmp_path))
    assert sorted(removed) == sorted(str(tmp_path / n) for n in leftovers)
    assert sorted(os.listdir(tmp_path)) == sorted(keep + ['sub'])
    assert remove_leftovers(str(tmp_path / 'missing')) == []


def test_disk_full_says_what_is_safe_and_what_to_do(tmp_path, monkeypatch):
    target = tmp_path / 'epoch_1.pth'
    atomic_write(b'old', target)

    def full(fd):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(atomic_backend.os, 'fsync', full)
    with pytest.raises(OSError) as error:
        atomic_write(b'new', target)
    assert error.value.errno == 28
    assert str(target) in str(error.value)
    assert 'is intact' in str(error.value) and '--resume' in str(error.value)
    assert target.read_bytes() == b'old'
