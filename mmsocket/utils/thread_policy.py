# Copyright (c) mmsocket contributors. All rights reserved.
"""How many intra-op threads a training process uses.

Two processes that each start one thread per core on a shared machine
oversubscribe it, and OpenMP's busy-waiting between parallel regions then
burns the cores the other process needs. The policy:

* threads = the cores this process may run on (``os.sched_getaffinity``:
  ``taskset``, cgroups, Slurm bindings) divided by the processes of this
  launch on this node (``LOCAL_WORLD_SIZE``, set by torchrun; Slurm's
  ``SLURM_NTASKS_PER_NODE``), at least 1;
* ``OMP_NUM_THREADS``, when set, wins (the user said so);
* spin-waiting: this torch build's OpenMP is GNU libgomp, which reads
  ``OMP_WAIT_POLICY`` once, when it is loaded (at ``import torch``), so it
  can only be set before Python starts (``OMP_WAIT_POLICY=PASSIVE python
  tools/train.py ...``). No tool or launcher of ours sets it: ranks of one
  launch get one thread each here and do not spin against each other; two
  independent trainings on the same cores are what it is for
  (docs/benchmarks.md, CPU sharing). Intel's ``KMP_BLOCKTIME`` is not read
  by libgomp.

On one process with all the cores (the quick start on this 2-core machine)
this gives torch's own default, one thread per core, so published figures
measured that way do not move.
"""
import os
import sys
from typing import Mapping, Optional

#: What keeps OpenMP threads from busy-waiting (GNU libgomp).
PASSIVE_WAIT = dict(OMP_WAIT_POLICY='PASSIVE')


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, 'sched_getaffinity'):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def local_processes(env: Optional[Mapping[str, str]] = None) -> int:
    """The processes of this launch on this node (1 without a launcher)."""
    env = os.environ if env is None else env
    for key in ('LOCAL_WORLD_SIZE', 'SLURM_NTASKS_PER_NODE'):
        value = env.get(key, '')
        # Slurm may write '2(x3)' for heterogeneous nodes: take the count.
        value = value.split('(')[0]
        if value.isdigit() and int(value) > 0:
            return int(value)
    return 1


def choose_threads(env: Optional[Mapping[str, str]] = None,
                   cores: Optional[int] = None,
                   ceiling: Optional[int] = None) -> int:
    """``OMP_NUM_THREADS`` when set (a positive integer), else the usable
    cores divided by the local processes, at least 1 and at most
    ``ceiling`` (torch's own default: one per physical core, so hyper-
    threads do not add threads)."""
    env = os.environ if env is None else env
    given = env.get('OMP_NUM_THREADS', '').strip()
    if given:
        if not given.isdigit() or int(given) < 1:
            raise ValueError(
                f'OMP_NUM_THREADS={given!r} is not a positive integer: set '
                'it to the threads per process (e.g. 1) or unset it')
        return int(given)
    cores = usable_cores() if cores is None else cores
    threads = max(1, cores // local_processes(env))
    return min(threads, ceiling) if ceiling else threads


def apply_thread_policy(env: Optional[Mapping[str, str]] = None) -> int:
    """Set torch's intra-op threads by :func:`choose_threads` (never more
    than torch's default); call once per process, before the first
    parallel op. Returns the count."""
    import torch
    threads = choose_threads(env, ceiling=torch.get_num_threads())
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads


def torch_loaded() -> bool:
    """Whether OpenMP has read its environment already (torch imported):
    spin-wait settings made now would be ignored."""
    return 'torch' in sys.modules
