# Copyright (c) mmsocket contributors. All rights reserved.
"""Gather per-sample results of a sharded pass so every rank sees them all."""
from typing import Tuple

import torch
from mmengine.dist import all_gather_object, get_world_size


def gather_by_index(indices: torch.Tensor, *tensors: torch.Tensor,
                    total: int) -> Tuple[torch.Tensor, ...]:
    """Collect ``tensors`` from all ranks and order them by dataset index.

    Distributed samplers pad the index list so every rank gets as many
    samples, which repeats a few indices; those duplicates are dropped. The
    result is identical on every rank and to a single-process pass.

    Args:
        indices (Tensor): (n, ) dataset indices of this rank's rows.
        *tensors (Tensor): Tensors whose dim 0 matches ``indices``.
        total (int): Dataset length; every index in [0, total) must appear.

    Returns:
        tuple: The tensors, each with ``total`` rows in index order.
    """
    if get_world_size() > 1:
        parts = all_gather_object(
            [t.detach().cpu() for t in (indices, ) + tensors])
        indices = torch.cat([p[0] for p in parts])
        tensors = tuple(
            torch.cat([p[i + 1] for p in parts]) for i in range(len(tensors)))
    indices = indices.cpu().long()
    order = torch.argsort(indices, stable=True)
    indices = indices[order]
    keep = torch.ones_like(indices, dtype=torch.bool)
    keep[1:] = indices[1:] != indices[:-1]
    indices = indices[keep]
    if len(indices) != total or not torch.equal(indices, torch.arange(total)):
        raise RuntimeError(f'the pass covered {len(indices)} of {total} '
                           'samples; the dataloader must visit every sample '
                           '(no drop_last, no custom subset)')
    return tuple(t.detach().cpu()[order][keep] for t in tensors)
