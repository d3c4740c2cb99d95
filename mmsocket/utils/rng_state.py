# Copyright (c) mmsocket contributors. All rights reserved.
"""The random-number state of a process: save it, restore it, fork it.

A resumed run must draw the random numbers the uninterrupted run would
have drawn (augmentations in the main process, the dataloader's worker
base seed, dropout, the pseudo-label pass's transforms). The states here
are plain tensors, tuples and ints, so a checkpoint holding them still
loads under ``weights_only=True``.
"""
import contextlib
import random
from typing import Iterator, Sequence

import numpy as np
import torch

__all__ = ['get_rng_state', 'set_rng_state', 'fork_rng', 'derive_seed']


def get_rng_state() -> dict:
    """The global RNG states of torch (CPU and every CUDA device), NumPy
    and Python's ``random``."""
    state = dict(
        torch=torch.get_rng_state(),
        numpy=np.random.get_state(),
        python=random.getstate())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    """Restore what :func:`get_rng_state` returned."""
    torch.set_rng_state(state['torch'])
    np.random.set_state(tuple(state['numpy']))
    version, internal, gauss = state['python']
    random.setstate((version, tuple(internal), gauss))
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@contextlib.contextmanager
def fork_rng() -> Iterator[None]:
    """Run the body without moving the global RNG states: what it draws is
    forgotten afterwards (e.g. validation inside training, which then
    cannot change the training run)."""
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


def derive_seed(*entropy: int) -> int:
    """A 32-bit seed mixed from ``entropy`` (e.g. run seed, epoch, rank,
    worker id) with NumPy's ``SeedSequence``: distinct inputs give
    independent streams, equal inputs the same one."""
    values: Sequence[int] = [int(v) % 2**63 for v in entropy]
    return int(np.random.SeedSequence(values).generate_state(1)[0])
