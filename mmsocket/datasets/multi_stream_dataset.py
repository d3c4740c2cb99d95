# Copyright (c) mmsocket contributors. All rights reserved.
"""Zip several datasets into one sample dict per index.

SOCKET consumes a task-relevant target batch and a task-irrelevant batch per
iteration. Yielding both from one dataset lets a single sampler shard the
work under DDP and keeps one dataloader (and its workers) for the whole run,
where the official code built a new loader every iteration.
"""
import copy
from typing import Dict, Optional, Union

import numpy as np
import torch.utils.data
from mmengine.dataset import BaseDataset
from mmengine.dist import get_rank

from mmsocket.registry import DATASETS

_BIT_GENERATORS = ('PCG64', 'PCG64DXSM', 'MT19937', 'Philox', 'SFC64')


@DATASETS.register_module()
class MultiStreamDataset:
    """Index the ``primary`` stream; draw the other streams in reshuffled
    order.

    ``dataset[i]`` is ``{primary: primary[i], other: other[j], ...}``, where
    ``j`` walks an endless sequence of random permutations of the other
    stream (every sample once per pass, a new order each pass), so the
    secondary streams need not have the primary's length. Each dataloader
    worker keeps its own sequence, seeded by the per-epoch seed PyTorch
    gives each worker (mmengine's ``worker_init_fn`` re-seeds NumPy
    identically every epoch, which would replay the same draws when
    workers are not persistent), or by :meth:`reseed` (what
    :class:`~mmsocket.utils.EpochSeededWorkers` calls at each epoch); in
    the main process the sequence is seeded from NumPy's global state,
    which the Runner seeds, and each rank of a distributed run walks its
    own stream. :meth:`state_dict` / :meth:`load_state_dict` save and
    restore the main process's sequence, so a resumed run continues it.

    Args:
        streams (dict): Name to dataset (or its config). A stream set to
            None is dropped, so a config can remove an inherited stream
            (SHOT and DECISION need no task-irrelevant stream).
        primary (str): The stream whose length and indices the sampler sees.
        paired (dict, optional): ``{follower: leader}``: stream ``follower``
            is read at the index just drawn for stream ``leader`` instead of
            walking its own order, so the two yield the same record (e.g.
            the RGB and the depth image of one task-irrelevant pair, which
            TGMB's reconstruction loss compares pixel by pixel). Both must
            list the same ``sample_id`` in the same order. The value may
            also be ``dict(stream=leader, **overrides)``: the follower is
            then built from the leader's config with ``overrides`` (e.g.
            ``modality='rgb'``), so a config need not repeat it.
    """

    def __init__(self,
                 streams: Dict[str, Union[dict, BaseDataset]],
                 primary: str,
                 paired: Optional[Dict[str, str]] = None) -> None:
        if primary not in streams:
            raise KeyError(f'primary stream {primary!r} is not one of '
                           f'{list(streams)}')
        self.primary = primary
        streams, paired = self._derive_followers(
            dict(streams), dict(paired or {}))
        self.streams = {
            name: DATASETS.build(ds) if isinstance(ds, dict) else ds
            for name, ds in streams.items() if ds is not None
        }
        for name, ds in self.streams.items():
            if len(ds) == 0:
                raise ValueError(f'stream {name!r} is empty')
        self.paired = self._check_paired(paired)
        self._orders: Dict[str, list] = {}
        self._rng = None

    @staticmethod
    def _derive_followers(streams: dict, paired: dict):
        """Build ``dict(stream=leader, **overrides)`` followers' configs."""
        for follower, spec in list(paired.items()):
            if not isinstance(spec, dict):
                continue
            spec = dict(spec)
            leader = spec.pop('stream', None)
            base = streams.get(leader)
            if not isinstance(base, dict):
                if base is None and leader in streams:
                    paired.pop(follower)  # the leader was dropped
                    continue
                raise ValueError(
                    f'paired stream {follower!r} derives from stream '
                    f'{leader!r}, which must be given as a config dict '
                    f'(streams: {list(streams)})')
            streams[follower] = dict(copy.deepcopy(base), **spec)
            paired[follower] = leader
        return streams, paired

    def _check_paired(self, paired: Dict[str, str]) -> Dict[str, str]:
        # A pair whose stream a config dropped (set to None) is dropped too.
        paired = {f: lead for f, lead in paired.items() if f in self.streams}
        for follower, leader in paired.items():
            if leader not in self.streams or leader in paired or \
                    follower == self.primary or leader == self.primary:
                raise ValueError(
                    f'paired stream {follower!r} -> {leader!r}: the leader '
                    'must be another non-primary stream that follows no one '
                    f'(streams: {list(self.streams)})')
            a, b = self.streams[follower], self.streams[leader]
            if len(a) != len(b) or sample_ids(a) != sample_ids(b):
                raise ValueError(
                    f'paired streams {follower!r} and {leader!r} do not list '
                    'the same samples in the same order')
        return paired

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self.streams[self.primary].metainfo)

    def full_init(self) -> None:
        for ds in self.streams.values():
            if hasattr(ds, 'full_init'):
                ds.full_init()

    def __len__(self) -> int:
        return len(self.streams[self.primary])

    def _new_rng(self) -> np.random.Generator:
        info = torch.utils.data.get_worker_info()
        if info is not None:
            return np.random.default_rng(info.seed)
        # Every rank seeds NumPy alike; rank r jumps its stream ahead by
        # r * 2**127 draws, so ranks draw different TI samples (rank 0, and
        # a single process, draw exactly as default_rng(seed) would).
        bits = np.random.PCG64(np.random.randint(2**31))
        return np.random.Generator(bits.jumped(get_rank()))

    def _next_index(self, name: str) -> int:
        order = self._orders.get(name)
        if not order:
            if self._rng is None:
                self._rng = self._new_rng()
            order = self._rng.permutation(len(self.streams[name])).tolist()
            self._orders[name] = order
        return order.pop()

    def reseed(self, seed: int) -> None:
        """Start the secondary streams' sequences afresh from ``seed``."""
        self._rng = np.random.default_rng(seed)
        self._orders = {}

    def state_dict(self) -> dict:
        """Where the secondary streams' sequences stand (plain data)."""
        return dict(
            rng=None if self._rng is None else self._rng.bit_generator.state,
            orders={
                k: list(v)
                for k, v in self._orders.items()
            })

    def load_state_dict(self, state: dict) -> None:
        """Continue the sequences saved by :meth:`state_dict`."""
        self._orders = {k: list(v) for k, v in state['orders'].items()}
        self._rng = None
        if state['rng'] is not None:
            name = state['rng']['bit_generator']
            if name not in _BIT_GENERATORS:
                raise ValueError(f'unknown bit generator {name!r} in the '
                                 'saved TI stream state')
            bits = getattr(np.random, name)()
            bits.state = state['rng']
            self._rng = np.random.Generator(bits)

    def __getitem__(self, idx: int) -> dict:
        out = {self.primary: self.streams[self.primary][idx]}
        drawn = {}
        for name, ds in self.streams.items():
            if name != self.primary and name not in self.paired:
                drawn[name] = self._next_index(name)
                out[name] = ds[drawn[name]]
        for name, leader in self.paired.items():
            out[name] = self.streams[name][drawn[leader]]
        return out


def sample_ids(dataset) -> Optional[list]:
    """Per-sample identities (``sample_id``) of a dataset, for checking that
    two passes or streams list the same samples in the same order; None
    for a dataset that has none (no ``get_data_info``)."""
    if not hasattr(dataset, 'get_data_info'):
        return None
    return [
        dataset.get_data_info(i).get('sample_id') for i in range(len(dataset))
    ]
