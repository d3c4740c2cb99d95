# Copyright (c) mmsocket contributors. All rights reserved.
"""Run a table's shards as child processes, each bound to its own cores.

The synthetic benchmark's networks are so small that two torch threads in
one process do little better than one; two processes pinned to one core
each, with one thread each, run nearly twice as many runs per minute. A
grid with ``jobs`` > 1 therefore:

1. trains the missing source models in ``jobs`` children (every n-th
   missing one each, ``--sources-only --shard i/n``);
2. runs the table's ``jobs`` shards (``--shard i/n``: a run and the runs it
   needs share a shard, :func:`shard_runs`) in ``jobs`` children;
3. renders the table once, from the results on disk.

Child ``i`` runs on the ``i``-th contiguous share of this process's usable
cores (``os.sched_getaffinity``) with ``OMP_NUM_THREADS`` = its share, so
the thread policy (:mod:`mmsocket.utils.thread_policy`) gives one thread per
bound core. Its output goes to ``<work_root>/jobs/<stage><i>of<n>.log``;
its result lines are relayed here, prefixed ``[job i/n]``. A child that
fails (or dies) is reported with its exit code and log; the runs left
without a ``result.json`` are listed, and running the same command again
resumes them.
"""
import os
import os.path as osp
import re
import subprocess
import sys
import threading
from typing import Callable, Dict, List, Sequence, Tuple

#: What a child prints that the parent relays (result lines, not warnings).
RELAYED = re.compile(r'^(\[\d+/\d+\] |\[source\] |\s+done in |\d+ runs, |'
                     r'[\d.]+ min$|\d+ runs failed)')

CHILD = ('import ast, sys; from mmsocket.apis.grid import run_table; '
         'sys.exit(run_table(**ast.literal_eval(sys.argv[1])))')


def core_shares(jobs: int) -> List[List[int]]:
    """The usable cores split into ``jobs`` contiguous shares."""
    if jobs < 1:
        raise ValueError(f'--jobs {jobs}: need at least 1')
    cores = sorted(os.sched_getaffinity(0)) if hasattr(
        os, 'sched_getaffinity') else list(range(os.cpu_count() or 1))
    if jobs > len(cores):
        raise ValueError(
            f'--jobs {jobs}: this process may use only {len(cores)} cores '
            f'({cores}); pass --jobs {len(cores)} or fewer (each job gets '
            'at least one core of its own)')
    return [
        cores[k * len(cores) // jobs:(k + 1) * len(cores) // jobs]
        for k in range(jobs)
    ]


def _child_env(cores: Sequence[int]) -> Dict[str, str]:
    import mmsocket
    env = dict(os.environ, OMP_NUM_THREADS=str(len(cores)))
    # The child imports the same mmsocket as this process.
    root = osp.dirname(osp.dirname(osp.abspath(mmsocket.__file__)))
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (root, env.get('PYTHONPATH')) if p)
    return env


def _relay(stream, log_file: str, prefix: str, log: Callable) -> None:
    with open(log_file, 'a') as out:
        for line in stream:
            out.write(line)
            out.flush()
            line = line.rstrip('\n').split('\r')[-1]
            if RELAYED.match(line):
                log(f'{prefix} {line}')


def run_children(
    kwargs: dict,
    shares: Sequence[Sequence[int]],
    stage: str,
    log_dir: str,
    log: Callable[[str], None],
    command: Sequence[str] = (sys.executable, '-c', CHILD)
) -> List[Tuple[int, int, str]]:
    """Run ``run_table(**kwargs, shard='i/n')`` in n = ``len(shares)``
    children, child i bound to the cores ``shares[i]``; wait for all of
    them. Returns (i, exit code, log file) of the children that failed.

    ``command`` + the kwargs' ``repr`` start a child (tests replace it).
    """
    os.makedirs(log_dir, exist_ok=True)
    children = []
    jobs = len(shares)
    try:
        for i, cores in enumerate(shares):
            log_file = osp.join(log_dir, f'{stage}{i}of{jobs}.log')
            with open(log_file, 'w') as f:
                f.write(f'# job {i}/{jobs} on cores {cores}\n')
            child_kwargs = dict(kwargs, shard=f'{i}/{jobs}', progress=False)
            with open(log_file, 'a') as err:
                proc = subprocess.Popen(
                    [*command, repr(child_kwargs)],
                    stdout=subprocess.PIPE,
                    stderr=err,
                    text=True,
                    env=_child_env(cores),
                    preexec_fn=(lambda c=cores: os.sched_setaffinity(0, c))
                    if hasattr(os, 'sched_setaffinity') else None)
            prefix = f'[job {i}/{jobs}]'
            relay = threading.Thread(
                target=_relay,
                args=(proc.stdout, log_file, prefix, log),
                daemon=True)
            relay.start()
            log(f'{prefix} {stage} on cores {cores}, pid {proc.pid}: '
                f'{log_file}')
            children.append((i, proc, relay, log_file))
        failed = []
        for i, proc, relay, log_file in children:
            code = proc.wait()
            relay.join()
            if code != 0:
                failed.append((i, code, log_file))
        return failed
    finally:
        # A parent stopped by an exception (Ctrl-C) stops its children.
        for _, proc, _, _ in children:
            if proc.poll() is None:
                proc.terminate()
                proc.wait()
