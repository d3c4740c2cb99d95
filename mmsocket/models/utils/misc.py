# Copyright (c) mmsocket contributors. All rights reserved.
"""Small helpers the algorithms share: freezing parameters, log names,
matching map sizes."""
import contextlib
from typing import Dict, Iterator

import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor


def freeze(module: nn.Module) -> nn.Module:
    """Stop gradients into ``module``'s parameters for good; returns it."""
    module.requires_grad_(False)
    return module


@contextlib.contextmanager
def temporarily_frozen(*modules: nn.Module) -> Iterator[None]:
    """Stop gradients into ``modules`` inside the block, then restore each
    parameter's own flag.

    An algorithm with one optimizer per network uses it so that one
    network's loss leaves no gradient on another network that the loss
    passes through (e.g. the discriminators in the translator's step).
    """
    params = [p for m in modules for p in m.parameters()]
    flags = [p.requires_grad for p in params]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in zip(params, flags):
            p.requires_grad_(flag)


def add_prefix(values: Dict[str, Tensor], prefix: str) -> Dict[str, Tensor]:
    """``{'loss': x}`` -> ``{'<prefix>.loss': x}``: log names per network."""
    return {f'{prefix}.{k}': v for k, v in values.items()}


def match_size(pred: Tensor, target: Tensor) -> Tensor:
    """Bilinearly resize a student map to the teacher's output size when
    the two networks' output strides differ."""
    if pred.shape[-2:] == target.shape[-2:]:
        return pred
    return F.interpolate(
        pred, size=target.shape[-2:], mode='bilinear', align_corners=False)
