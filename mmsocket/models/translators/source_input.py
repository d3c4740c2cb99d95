# Copyright (c) mmsocket contributors. All rights reserved.
"""Between translated images in [0, 1] and a source model's input space."""
import torch
import torch.nn as nn


def _stats(preprocessor: nn.Module):
    mean = getattr(preprocessor, 'mean', None)
    std = getattr(preprocessor, 'std', None)
    if mean is None or std is None:
        raise ValueError(f'{type(preprocessor).__name__} does not normalise '
                         '(no mean/std); the source model\'s preprocessor '
                         'must state the statistics it was trained with')
    return mean.reshape(1, -1, 1, 1), std.reshape(1, -1, 1, 1)


def to_source_input(img: torch.Tensor,
                    preprocessor: nn.Module) -> torch.Tensor:
    """Normalise an RGB image in [0, 1] as ``preprocessor`` normalises the
    source model's 8-bit RGB inputs (after its BGR->RGB flip)."""
    mean, std = _stats(preprocessor)
    return (img * 255.0 - mean.to(img)) / std.to(img)


def from_source_input(x: torch.Tensor,
                      preprocessor: nn.Module) -> torch.Tensor:
    """Inverse of :func:`to_source_input`: RGB in [0, 1]."""
    mean, std = _stats(preprocessor)
    return (x * std.to(x) + mean.to(x)) / 255.0
