# Copyright (c) mmsocket contributors. All rights reserved.
"""Run a function on forked gloo ranks of a real process group.

Forked, not spawned: the ranks start in a fraction of a second instead of
re-importing torch and mmpretrain.
"""
import multiprocessing
import os
import pickle
import traceback
from typing import Callable, List

from toy_parts import free_port


def _rank(fn, rank, world_size, port, args, queue):
    import torch
    import torch.distributed as dist
    torch.set_num_threads(1)
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    try:
        # Plain pickle bytes: a queue would share tensors through file
        # descriptors that vanish when this process exits before the parent
        # has read them.
        queue.put((rank, True, pickle.dumps(fn(rank, *args))))
    except BaseException:  # noqa: B902 - reported to the test
        queue.put((rank, False, traceback.format_exc()))
    finally:
        dist.destroy_process_group()


def on_gloo_ranks(fn: Callable,
                  *args,
                  world_size: int = 2,
                  timeout: float = 300) -> List:
    """``[fn(rank, *args) for rank in ranks]``, each in its own process of
    one gloo group; a rank's exception fails the caller with its traceback.
    """
    ctx = multiprocessing.get_context('fork')
    queue, port = ctx.Queue(), free_port()
    procs = [
        ctx.Process(target=_rank, args=(fn, r, world_size, port, args, queue))
        for r in range(world_size)
    ]
    for p in procs:
        p.start()
    results = {}
    for _ in procs:
        rank, ok, value = queue.get(timeout=timeout)
        assert ok, f'rank {rank} failed:\n{value}'
        results[rank] = pickle.loads(value)
    for p in procs:
        p.join(timeout)
    return [results[r] for r in range(world_size)]
