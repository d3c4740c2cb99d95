# Copyright (c) mmsocket contributors. All rights reserved.
"""Gaussian noise as a data set: the input of data-free baselines."""
from typing import Optional, Sequence, Union

import torch
from mmengine.structures import BaseDataElement
from torch.utils.data import Dataset

from mmsocket.registry import DATASETS

Stat = Union[float, Sequence[float]]


@DATASETS.register_module()
class GaussianNoiseDataset(Dataset):
    """``length`` samples of i.i.d. Gaussian noise; no file is read.

    Used by the random-noise KD baseline (images: ``shape=(3, H, W)`` with
    the preprocessor's ``mean``/``std`` per channel, so the normalised
    network input is N(0, I)) and by DFAD (latent codes: ``shape=(D,)``).
    Saying so in the config is clearer than iterating a real data set and
    ignoring its images.

    Args:
        shape (Sequence[int]): Shape of one sample.
        length (int): Samples per epoch.
        mean (float | Sequence[float]): Mean, per channel (dim 0) if a
            sequence. Defaults to 0.
        std (float | Sequence[float]): Standard deviation, likewise.
            Defaults to 1.
        seed (int, optional): Make sample ``i`` the same every time it is
            read (a fixed noise set). None draws fresh noise from torch's
            global generator on every read.
    """

    def __init__(self,
                 shape: Sequence[int],
                 length: int,
                 mean: Stat = 0.0,
                 std: Stat = 1.0,
                 seed: Optional[int] = None) -> None:
        self.shape = tuple(int(s) for s in shape)
        if length < 1 or not self.shape:
            raise ValueError('GaussianNoiseDataset needs a shape and '
                             f'length >= 1, got {shape}, {length}')
        self.length = int(length)
        extra = [1] * (len(self.shape) - 1)
        self.mean = torch.as_tensor(mean, dtype=torch.float32)
        self.std = torch.as_tensor(std, dtype=torch.float32)
        for name, t in (('mean', self.mean), ('std', self.std)):
            if t.dim() == 1:
                if t.numel() != self.shape[0]:
                    raise ValueError(
                        f'GaussianNoiseDataset: {name} has {t.numel()} '
                        f'values but shape[0] is {self.shape[0]}')
                setattr(self, name, t.view(-1, *extra))
        self.seed = seed
        self.metainfo = dict(source='gaussian noise')

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict:
        gen = None
        if self.seed is not None:
            gen = torch.Generator().manual_seed(self.seed * 1000003 + index)
        x = torch.randn(self.shape, generator=gen) * self.std + self.mean
        return dict(inputs=x, data_samples=BaseDataElement())
