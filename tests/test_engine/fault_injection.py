# Copyright (c) mmsocket contributors. All rights reserved.
"""Faults for the reliability tests, injected into real training runs.

:class:`FaultInjectionHook` (in a config's ``custom_hooks``) does nothing
unless ``$MMSOCKET_FAULT`` names a fault, so the killed run and the run
that resumes it share one config:

- ``iter:N``      SIGKILL after iteration N;
- ``epoch_end:E`` SIGKILL right after epoch E's checkpoint was written;
- ``save:E``      SIGKILL halfway through writing ``epoch_E.pth``;
- ``pl_pass:E``   SIGKILL during the pseudo-label pass before epoch E;
- ``enospc:E``    "no space left on device" while writing ``epoch_E.pth``;
- ``nan_grad:N``  the gradient of the model's first trained parameter is
  NaN in iteration N (the loss stays finite);
- ``pause:N``     after iteration N, create ``<work_dir>/../paused`` and
  wait (up to 2 minutes) until ``<work_dir>/../go_on`` exists.

:func:`run_tool` runs ``tools/train.py`` (or ``test.py``) in a forked
process, which dies like a separately started one but skips the seconds of
importing torch and mmpretrain again.
"""
import errno
import multiprocessing
import os
import os.path as osp
import signal
import sys
import time
import traceback
from typing import Optional, Sequence

import numpy as np
import torch
from mmengine.hooks import Hook

from mmsocket.registry import HOOKS

ENV = 'MMSOCKET_FAULT'


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@HOOKS.register_module(force=True)
class FaultInjectionHook(Hook):
    """Test only: inject the fault that ``$MMSOCKET_FAULT`` names."""

    priority = 'LOWEST'

    def __init__(self) -> None:
        spec = os.environ.get(ENV, '')
        self.kind, _, n = spec.partition(':')
        self.n = int(n) if n else None

    def before_train(self, runner) -> None:
        if self.kind in ('save', 'enospc'):
            self._patch_atomic_write(f'epoch_{self.n}.pth')
        if self.kind == 'pl_pass':
            self._patch_pseudo_label_pass(runner)
        if self.kind == 'nan_grad':
            model = getattr(runner.model, 'module', runner.model)
            param = next(p for p in model.parameters() if p.requires_grad)
            n = self.n
            param.register_hook(lambda g: g * float('nan')
                                if runner.iter + 1 == n else g)

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None) -> None:
        if self.kind == 'iter' and runner.iter + 1 == self.n:
            _die()
        if self.kind == 'pause' and runner.iter + 1 == self.n:
            parent = osp.dirname(osp.abspath(runner.work_dir))
            open(osp.join(parent, 'paused'), 'w').close()
            deadline = time.time() + 120
            while not osp.exists(osp.join(parent, 'go_on')) and \
                    time.time() < deadline:
                time.sleep(0.05)

    def after_train_epoch(self, runner) -> None:
        # LOWEST: after CheckpointHook (VERY_LOW) has saved this epoch.
        if self.kind == 'epoch_end' and runner.epoch + 1 == self.n:
            _die()

    def _patch_atomic_write(self, name: str) -> None:
        from mmsocket.utils import atomic_backend
        real = atomic_backend.atomic_write
        kind = self.kind

        def faulty(data, filepath, encoding='utf-8'):
            if osp.basename(str(filepath)) != name:
                return real(data, filepath, encoding)
            if kind == 'save':
                # What the real write leaves when killed: half a temp file.
                tmp = osp.join(
                    osp.dirname(str(filepath)),
                    f'.{name}.{"ab" * 16}{atomic_backend.TMP_SUFFIX}')
                with open(tmp, 'wb') as f:
                    f.write(data[:len(data) // 2])
                    f.flush()
                    os.fsync(f.fileno())
                _die()
            real_fsync = atomic_backend.os.fsync

            def full(fd):
                raise OSError(errno.ENOSPC, 'No space left on device')

            atomic_backend.os.fsync = full
            try:
                return real(data, filepath, encoding)
            finally:
                atomic_backend.os.fsync = real_fsync

        atomic_backend.atomic_write = faulty

    def _patch_pseudo_label_pass(self, runner) -> None:
        model = getattr(runner.model, 'module', runner.model)
        real = model._extract
        n = self.n

        class Dying:
            """The pass's loader, killing the process at its 2nd batch."""

            def __init__(self, loader):
                self.loader = loader
                self.dataset = loader.dataset

            def __iter__(self):
                for i, batch in enumerate(self.loader):
                    if i == 1:
                        _die()
                    yield batch

        def extract(dataloader, preprocessor, with_probs):
            if with_probs and runner.epoch + 1 == n:
                dataloader = Dying(dataloader)
            return real(dataloader, preprocessor, with_probs)

        model._extract = extract


def _child(main, argv, env) -> None:
    os.environ.update(env)
    torch.set_num_threads(1)
    code = 0
    try:
        main(list(argv))
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
        if not isinstance(e.code, int):
            print(e.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def start_tool(main, argv: Sequence[str], fault: Optional[str] = None):
    """Start ``main(argv)`` in a forked process and return the process."""
    proc = multiprocessing.get_context('fork').Process(
        target=_child, args=(main, tuple(argv), {
            ENV: fault or ''
        }))
    proc.start()
    return proc


def run_tool(main,
             argv: Sequence[str],
             fault: Optional[str] = None,
             timeout: float = 600) -> int:
    """Run ``main(argv)`` in a forked process; return its exit code
    (``-9`` when the fault killed it)."""
    proc = start_tool(main, argv, fault)
    if not wait_exit(proc, timeout):
        proc.kill()
        proc.join()
        raise TimeoutError(f'{argv} did not finish in {timeout} s')
    return proc.exitcode


def wait_exit(proc, timeout: float) -> bool:
    """Wait until ``proc`` has exited (False after ``timeout`` s).

    Polls the pid (``waitpid``) instead of ``proc.join(timeout)``, which
    waits on multiprocessing's sentinel pipe: the DataLoader workers the tool
    forked inherit that pipe and keep it open until their watchdog sees the
    tool gone, about 5 s after it died or exited.
    """
    deadline = time.monotonic() + timeout
    while proc.is_alive():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def load(path: str) -> dict:
    return torch.load(path, map_location='cpu', weights_only=True)


def assert_same(a, b, where: str = '') -> None:
    """Every tensor, array and number of ``a`` equals ``b``'s exactly."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and \
            a.shape == b.shape and torch.equal(a, b), where
    elif isinstance(a, np.ndarray):
        assert np.array_equal(a, b), where
    elif isinstance(a, dict):
        assert set(a) == set(b), f'{where}: {set(a) ^ set(b)}'
        for key in a:
            assert_same(a[key], b[key], f'{where}.{key}')
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f'{where}[{i}]')
    else:
        assert a == b, f'{where}: {a!r} != {b!r}'


# What the future of a run depends on; the message hub only logs.
STATE_KEYS = ('state_dict', 'optimizer', 'param_schedulers', 'resume_state')


def assert_same_final_state(a: dict, b: dict) -> None:
    assert (a['meta']['epoch'], a['meta']['iter']) == \
        (b['meta']['epoch'], b['meta']['iter'])
    for key in STATE_KEYS:
        if key in a or key in b:
            assert_same(a.get(key), b.get(key), key)
