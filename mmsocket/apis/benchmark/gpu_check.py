# Copyright (c) mmsocket contributors. All rights reserved.
"""What ``tools/analysis/gpu_check.sh`` runs, from one Python process: the
step benchmark in fp32, AMP and AMP + channels_last
(:mod:`.precision_steps`), the DDP run's data and source model
(:func:`.ddp_smoke.prepare`), the DDP run under ``torchrun`` (a
subprocess) and its summary (:func:`.ddp_smoke.summary`), then the lines
the script prints.

    python -m mmsocket.apis.benchmark.gpu_check OUT_DIR [--device cpu]
        [--scale tiny] [--amp bf16] [--amp-no-memory] [--nproc 2]
        [--port 29512]

Each stage's output goes to its log in OUT_DIR (steps.log, ddp_prep.log,
ddp.log); a stage that fails prints the end of its log and exits 1.
"""
import argparse
import contextlib
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import time
import traceback
from typing import Callable, List, Optional, Sequence, TypeVar

from ..experiment import repo_root
from .ddp_smoke import prepare, summary
from .precision_steps import precision_names, precision_steps
from .socket_step import AMP_DTYPES, SCALES

T = TypeVar('T')
SCRIPT = 'tools/analysis/gpu_check.sh'
# The lines of a step table the script prints: its header row and the
# bare and socket rows.
TABLE_ROW = re.compile(r'^\| (configuration|.*\| (bare|socket) \|)')


@contextlib.contextmanager
def _output_to(path: str):
    """This process's stdout and stderr into ``path``: Python's streams and
    file descriptors 1 and 2 (C-level output, inheriting subprocesses).
    The file stays open: loggers made meanwhile may keep writing to it."""
    sys.stdout.flush()
    sys.stderr.flush()
    log = open(path, 'a', buffering=1)
    saved = [os.dup(1), os.dup(2)]
    try:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            yield
    finally:
        log.flush()
        for fd, old in zip((1, 2), saved):
            os.dup2(old, fd)
            os.close(old)


def _tail(path: str, lines: int) -> str:
    with open(path, errors='replace') as f:
        return ''.join(f.readlines()[-lines:])


def _stage(log: str, tail: int, fn: Callable[[], T]) -> T:
    """``fn()`` with its output in ``log``; when it fails (an exception,
    ``SystemExit`` included), the failure goes to the log too, the last
    ``tail`` lines of the log are printed and the process exits 1."""
    if osp.exists(log):
        os.remove(log)
    with _output_to(log):
        try:
            return fn()
        except KeyboardInterrupt:
            raise
        except SystemExit as e:
            if e.code not in (None, 0):
                print(
                    e.code if isinstance(e.code, str) else f'exit {e.code}',
                    file=sys.stderr)
        except BaseException:
            traceback.print_exc()
    print(_tail(log, tail), end='', flush=True)
    raise SystemExit(1)


def _run_logged(cmd: List[str], log: str, tail: int, **kwargs) -> None:
    """A subprocess with its output in ``log``; when it fails, print the
    last ``tail`` lines of the log and exit 1."""
    with open(log, 'w') as f:
        ret = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, **kwargs)
    if ret.returncode != 0:
        print(_tail(log, tail), end='', flush=True)
        raise SystemExit(1)


def table_lines(path: str) -> List[str]:
    """What the script prints of a step table: its first line (torch,
    threads, device, precision, total) and its header, bare and socket
    rows."""
    with open(path) as f:
        lines = f.read().splitlines()
    return lines[:1] + [line for line in lines if TABLE_ROW.match(line)][:3]


def _prepare(work_dir: str) -> List[str]:
    options = prepare(work_dir)
    print('--cfg-options of the DDP run:', *options, flush=True)
    return options


def torchrun_cmd(nproc: int, port: int, work_dir: str,
                 options: Sequence[str]) -> List[str]:
    """The DDP run: 1 epoch of synthetic SOCKET on the prepared data."""
    return [
        sys.executable, '-m', 'torch.distributed.run', '--nnodes=1',
        f'--nproc_per_node={nproc}', '--master_addr=127.0.0.1',
        f'--master_port={port}', 'tools/train.py',
        'configs/socket/synthetic/kv1_to_kv1.py', '--launcher', 'pytorch',
        '--work-dir', work_dir, '--cfg-options', *options,
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
        'default_hooks.logger.interval=1'
    ]


def gpu_check(out: str,
              device: str = 'cuda',
              scale: str = 'paper',
              amp: Optional[str] = None,
              amp_memory: bool = True,
              nproc: Optional[int] = None,
              port: int = 29512,
              start: Optional[float] = None) -> None:
    """The whole check (see the module's docstring); ``start``: the time
    the total counts from (default now)."""
    import torch
    start = time.time() if start is None else start
    amp = amp or ('bf16' if device == 'cpu' else 'fp16')
    if nproc is None:
        nproc = 2 if device == 'cpu' else min(2, torch.cuda.device_count())
    if device != 'cpu' and not torch.cuda.is_available():
        raise SystemExit(f'error: no CUDA device visible; run DEVICE=cpu '
                         f'TINY=1 {SCRIPT} to check the script on the CPU')
    out_dir = osp.abspath(out)
    os.makedirs(out_dir, exist_ok=True)
    names = precision_names(amp)

    print(
        f'== step benchmark, {scale} scale, {device}: ' + ', '.join(names),
        flush=True)
    _stage(
        osp.join(out_dir, 'steps.log'), 40,
        lambda: precision_steps(out_dir, scale, device, amp, amp_memory))

    print(
        f'== DDP: SOCKET, {nproc} processes, 1 epoch of the quick data',
        flush=True)
    options = _stage(
        osp.join(out_dir, 'ddp_prep.log'), 40,
        lambda: _prepare(osp.join(out_dir, 'ddp_prep')))
    run_dir = osp.join(out_dir, 'ddp')
    shutil.rmtree(run_dir, ignore_errors=True)
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [repo_root()] + [p for p in [env.get('PYTHONPATH')] if p])
    t0 = time.time()
    _run_logged(
        torchrun_cmd(nproc, port, run_dir, options),
        osp.join(out_dir, 'ddp.log'),
        60,
        cwd=repo_root(),
        env=env)
    ddp_line = summary(run_dir, time.time() - t0)

    print(f'\n# gpu_check: {scale} scale, device {device}, AMP {amp}, '
          f'{nproc} DDP processes')
    for name in names:
        print()
        print('\n'.join(table_lines(osp.join(out_dir, f'step_{name}.md'))))
    print(f'\n{ddp_line}')
    print(
        f'total {time.time() - start:.0f} s; logs and tables in {out}',
        flush=True)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out', help='logs and tables go here')
    parser.add_argument('--device', default='cuda')
    parser.add_argument('--scale', default='paper', choices=list(SCALES))
    parser.add_argument(
        '--amp',
        choices=AMP_DTYPES,
        help='default fp16 on a GPU, bf16 on the CPU')
    parser.add_argument(
        '--amp-no-memory',
        action='store_true',
        help='memory runs in fp32 only (the CPU check)')
    parser.add_argument(
        '--nproc',
        type=int,
        help='DDP processes (default 2 on the CPU, else the visible GPUs, '
        'at most 2)')
    parser.add_argument('--port', type=int, default=29512)
    parser.add_argument(
        '--start',
        type=float,
        help='epoch seconds the printed total counts from (default now)')
    args = parser.parse_args(argv)
    gpu_check(args.out, args.device, args.scale, args.amp,
              not args.amp_no_memory, args.nproc, args.port, args.start)


if __name__ == '__main__':
    main()
