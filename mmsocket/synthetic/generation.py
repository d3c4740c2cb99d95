# Copyright (c) mmsocket contributors. All rights reserved.
"""Plumbing shared by the generators built on the scene renderer.

Both the transfer benchmark and the depth-distillation domains write a
directory of PNGs plus JSON annotation files, must be byte-reproducible for
a seed whatever the number of worker processes, and must neither overwrite
an unrelated directory nor leave a half-written one looking complete. The
helpers here implement that once:

* :func:`stable_key` -- a process-independent hash of a name (for seeds);
* :func:`lookup` -- a named entry of a table (scene class, sensor) or an
  error listing the names there are;
* :func:`dump_json` / :func:`normalise_json` -- atomic JSON writes and the
  JSON round-trip used to compare parameter records;
* :func:`prepare_output_dir` / :func:`finish_output_dir` -- the
  ``meta.json`` + ``.generating.json`` marker protocol;
* :func:`run_tasks` -- a process pool (or a plain loop) over tasks, with
  mmengine's progress bar.
"""
import json
import multiprocessing
import os
import sys
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Sequence

import cv2
from mmengine.utils import ProgressBar

__all__ = [
    'PNG_PARAMS', 'stable_key', 'lookup', 'dump_json', 'normalise_json',
    'prepare_output_dir', 'finish_output_dir', 'run_tasks'
]

#: PNG compression used for every generated image (fast, lossless).
PNG_PARAMS = [cv2.IMWRITE_PNG_COMPRESSION, 3]
_MARKER = '.generating.json'


def stable_key(name: str) -> int:
    """A stable hash of ``name`` (Python's ``hash`` of a str is salted)."""
    return zlib.crc32(name.encode('utf-8'))


def lookup(table: Dict[str, Any], name: str, what: str) -> Any:
    """``table[name]``, or a KeyError naming ``what`` and the known names."""
    try:
        return table[name]
    except KeyError:
        raise KeyError(f'unknown {what} {name!r}; known: '
                       f'{sorted(table)}') from None


def dump_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as indented JSON, atomically (tmp file + rename)."""
    path = Path(path)
    tmp = path.with_name(path.name + '.tmp')
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(obj, f, indent=2)
        f.write('\n')
    os.replace(tmp, path)


def normalise_json(obj: Any) -> Any:
    """``obj`` after a JSON round trip (tuples become lists...)."""
    return json.loads(json.dumps(obj))


def _usable_cores() -> int:
    """The cores this process may run on (its affinity mask), as
    :func:`mmsocket.utils.thread_policy.usable_cores` counts them; here
    without importing torch (the generator is offline code)."""
    if hasattr(os, 'sched_getaffinity'):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def prepare_output_dir(out: Path, meta: Dict[str, Any],
                       generator: str) -> Optional[Dict[str, Any]]:
    """Check ``out`` may receive this output and mark it as in progress.

    Args:
        out (Path): Output directory.
        meta (dict): The ``meta.json`` the finished output will hold; it
            must describe every parameter that changes the output.
        generator (str): Name used in error messages.

    Returns:
        dict or None: The existing ``meta.json`` when ``out`` already holds
        this very output (nothing left to do), else None after writing the
        in-progress marker.

    Raises:
        FileExistsError: ``out`` is a file, holds an output of other
            parameters, or holds anything else.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f'{out} exists and is not a directory')
    if out.is_dir() and any(out.iterdir()):
        meta_path, marker = out / 'meta.json', out / _MARKER
        if meta_path.is_file():
            old = json.loads(meta_path.read_text(encoding='utf-8'))
            if old == normalise_json(meta):
                return old  # already generated: nothing to do
            raise FileExistsError(
                f'{out} holds a synthetic data set generated with other '
                'parameters; pass another output directory or delete it '
                '(nothing was overwritten)')
        if not (marker.is_file() and json.loads(
                marker.read_text(encoding='utf-8')) == normalise_json(meta)):
            raise FileExistsError(
                f'{out} is not empty and is not an output of '
                f'{generator}; refusing to write into it')
        # An interrupted run of the same parameters: finish it.
    out.mkdir(parents=True, exist_ok=True)
    dump_json(out / _MARKER, meta)
    return None


def finish_output_dir(out: Path, meta: Dict[str, Any]) -> Dict[str, Any]:
    """Write ``meta.json`` (marks a complete output), drop the marker."""
    out = Path(out)
    dump_json(out / 'meta.json', meta)
    (out / _MARKER).unlink()
    return normalise_json(meta)


def _worker_init() -> None:
    # One OpenCV thread per process: the pool already uses every core.
    cv2.setNumThreads(1)


def _os_threads() -> int:
    try:
        return len(os.listdir('/proc/self/task'))
    except OSError:  # not Linux: assume threads may exist
        return 2


def _pool_context(fn: Callable) -> multiprocessing.context.BaseContext:
    """``fork`` while this process is single-threaded, else ``forkserver``.

    fork is the cheap choice (no re-import per worker), but forking a
    process that already runs native threads (OpenCV's or OpenMP's pools,
    started by any earlier cv2 / torch call, e.g. in a test session) copies
    their locks in a held state and the children hang on their first
    OpenCV call. A fork server is a fresh single-threaded process; it
    imports ``fn``'s module once and forks the workers from there.
    """
    methods = multiprocessing.get_all_start_methods()
    if 'fork' in methods and _os_threads() == 1:
        return multiprocessing.get_context('fork')
    if 'forkserver' in methods:
        ctx = multiprocessing.get_context('forkserver')
        ctx.set_forkserver_preload([fn.__module__])
        return ctx
    return multiprocessing.get_context('spawn')


def run_tasks(fn: Callable[[Any], None],
              tasks: Sequence[Any],
              workers: Optional[int] = None,
              progress: bool = True) -> None:
    """Run ``fn`` on every task, in a process pool when worth it.

    Args:
        fn (callable): A picklable module-level function.
        tasks (Sequence): Its arguments, one per call.
        workers (int, optional): Processes; ``None`` uses up to 4 of the
            cores this process may run on (1 under ``taskset -c 0``),
            ``0`` or ``1`` runs in this process.
        progress (bool): Show mmengine's progress bar (tasks done, rate,
            ETA) on stdout. Defaults to True.
    """
    n_proc = min(4, _usable_cores()) if workers is None else workers
    bar = ProgressBar(len(tasks), file=sys.stdout) if progress else None
    if n_proc <= 1 or len(tasks) < 8:
        results = map(fn, tasks)
        _drain(results, bar)
    else:
        with ProcessPoolExecutor(n_proc, _pool_context(fn),
                                 _worker_init) as pool:
            _drain(pool.map(fn, tasks, chunksize=8), bar)
    if bar is not None:
        sys.stdout.write('\n')
        sys.stdout.flush()


def _drain(results, bar: Optional[ProgressBar]) -> None:
    for _ in results:
        if bar is not None:
            bar.update()
