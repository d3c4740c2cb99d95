# Copyright (c) mmsocket contributors. All rights reserved.
"""Frames of recorded sequences read in place (ScanNet, SceneNet RGB-D).

Both releases store a sequence as numbered image files in a folder; both
readers keep every n-th frame (consecutive frames are near duplicates) and
optionally a reproducible random subset of the frames of all sequences.
"""
import os
import os.path as osp
from typing import List, Optional

import numpy as np

__all__ = ['frame_key', 'check_frame_step', 'list_frames', 'random_subset']


def frame_key(name: str):
    """Sort key of a frame file: numbered frames in numeric order first."""
    stem = osp.splitext(name)[0]
    return (0, int(stem), '') if stem.isdigit() else (1, 0, stem)


def check_frame_step(frame_step: int) -> int:
    """``frame_step`` as an int, refused below 1."""
    if int(frame_step) < 1:
        raise ValueError(f'frame_step must be >= 1, got {frame_step}')
    return int(frame_step)


def list_frames(folder: str, ext: str, frame_step: int) -> List[str]:
    """The ``*<ext>`` file names of ``folder`` in frame order, every
    ``frame_step``-th."""
    names = (n for n in os.listdir(folder) if n.endswith(ext))
    return sorted(names, key=frame_key)[::frame_step]


def random_subset(records: List[dict], max_samples: Optional[int],
                  seed: int) -> List[dict]:
    """A uniform random subset of ``max_samples`` records, in their order
    (all of them when there are no more); reproducible by ``seed``."""
    if max_samples is None or len(records) <= max_samples:
        return records
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(len(records), int(max_samples), replace=False))
    return [records[i] for i in keep]
