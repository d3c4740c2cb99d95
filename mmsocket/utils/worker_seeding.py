# Copyright (c) mmsocket contributors. All rights reserved.
"""Dataloader workers whose random state is a function of the epoch.

mmengine's ``worker_init_fn`` seeds each worker from (seed, rank, worker
id) when the worker starts. Persistent workers start once, so epoch 3 draws
from a state that epochs 0-2 advanced, a state no checkpoint holds: a run
resumed at epoch 3 starts fresh workers and draws other augmentations.
(Workers that are not persistent restart every epoch with the same seed, so
every epoch replays the same random numbers.)

:class:`EpochSeededWorkers` re-seeds Python, NumPy and torch in every
worker at the start of each epoch from (seed, epoch, rank, worker id), and
a dataset's own stream (``dataset.reseed(seed)``, e.g.
:class:`~mmsocket.datasets.MultiStreamDataset`'s task-irrelevant order).
What epoch e draws then depends on nothing but those four numbers: a
resumed run draws the same, and persistent and non-persistent workers give
the same batches.

The main process tells the workers the epoch through a one-element shared
tensor written before the epoch's first batch is requested; each worker
checks it when it is handed a batch.
"""
import random
from typing import Callable, Optional

import numpy as np
import torch
from torch.utils.data import get_worker_info

from .rng_state import derive_seed

__all__ = ['EpochSeededWorkers']


def _reseed(seed: int, dataset) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    reseed = getattr(dataset, 'reseed', None)
    if callable(reseed):
        reseed(seed)


class EpochSeededWorkers:
    """A ``worker_init_fn`` that also re-seeds the worker every epoch.

    Args:
        init_fn (callable, optional): The loader's previous
            ``worker_init_fn`` (mmengine's), run first.
        seed (int): The run's seed.
        rank (int): This process's rank.
        epoch (Tensor): Shared one-element int64 tensor holding the current
            epoch; :meth:`set_epoch` writes it.
    """

    def __init__(self,
                 init_fn: Optional[Callable],
                 seed: int,
                 rank: int,
                 epoch: Optional[torch.Tensor] = None) -> None:
        self.init_fn = init_fn
        self.seed = int(seed)
        self.rank = int(rank)
        if epoch is None:
            epoch = torch.zeros(1, dtype=torch.int64).share_memory_()
        self.epoch = epoch

    def set_epoch(self, epoch: int) -> None:
        """Call in the main process before the epoch's first batch."""
        self.epoch.fill_(int(epoch))

    def seed_of(self, epoch: int, worker_id: int) -> int:
        """The seed worker ``worker_id`` uses in ``epoch``."""
        return derive_seed(self.seed, epoch, self.rank, worker_id)

    def __call__(self, worker_id: int) -> None:
        if self.init_fn is not None:
            self.init_fn(worker_id)
        dataset = get_worker_info().dataset
        fetch = getattr(dataset, '__getitems__', None)
        seen = [None]

        def getitems(indices):
            # torch's fetcher calls dataset.__getitems__(batch) when it
            # exists, so this runs in the worker before each batch.
            epoch = int(self.epoch[0])
            if epoch != seen[0]:
                seen[0] = epoch
                _reseed(self.seed_of(epoch, worker_id), dataset)
            if fetch is not None:
                return fetch(indices)
            return [dataset[i] for i in indices]

        dataset.__getitems__ = getitems
