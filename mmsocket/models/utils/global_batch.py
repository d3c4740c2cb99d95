# Copyright (c) mmsocket contributors. All rights reserved.
"""Batch statistics over the global batch of a distributed step.

Under DDP each rank sees its share of the batch. Losses that average over
samples come out right (DDP averages the ranks' gradients), but everything
that is a *function of batch statistics* does not: BatchNorm's
normalisation and running statistics, SOCKET's L_d (BN-input moments),
L_div (entropy of the batch-mean prediction), L_TI (a Frobenius norm over
the batch) and the data-free distiller's l_BN. Inside :func:`global_batch`
those statistics are all-reduced over the ranks with autograd-aware
collectives (``torch.distributed.nn.functional.all_reduce``, whose backward
all-reduces the gradients), so a 2-rank step computes the loss, and takes
the gradient, of the 1-process step on the union of the two shares.

``nn.SyncBatchNorm`` would do the BatchNorm part but refuses CPU tensors in
training (it runs CUDA kernels), and so do mmengine's and mmcv's SyncBN:
:func:`convert_global_batchnorm` turns a network's BatchNorm layers into
:class:`GlobalBatchNorm1d`/``2d``/``3d`` instead, which are plain BatchNorm
(same parameters, buffers and checkpoint keys, bit-identical output)
outside :func:`global_batch` or in one process.

"Equal" holds to float rounding: the global mean of per-rank sums is not
summed in the 1-process order, so results agree to ~1e-6 relative, not bit
for bit.
"""
import contextlib
import contextvars
from typing import Iterator, Tuple

import torch
import torch.distributed as dist
import torch.nn as nn
from torch import Tensor

__all__ = [
    'global_batch', 'global_batch_active', 'batch_mean', 'batch_sum',
    'global_moments', 'convert_global_batchnorm', 'GlobalBatchNorm1d',
    'GlobalBatchNorm2d', 'GlobalBatchNorm3d'
]

_ACTIVE = contextvars.ContextVar('mmsocket_global_batch', default=False)


def _distributed() -> bool:
    return dist.is_available() and dist.is_initialized() and \
        dist.get_world_size() > 1


@contextlib.contextmanager
def global_batch(enabled: bool = True) -> Iterator[None]:
    """Compute batch statistics over all ranks in the body (a no-op in one
    process or with ``enabled=False``). Every rank must run the same
    forward and backward inside it: each statistic is a collective."""
    token = _ACTIVE.set(bool(enabled) and _distributed())
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def global_batch_active() -> bool:
    """Whether batch statistics are global right now."""
    return _ACTIVE.get()


def _all_reduce(x: Tensor) -> Tensor:
    from torch.distributed.nn.functional import all_reduce
    return all_reduce(x)


def batch_sum(x: Tensor, dim: int = 0) -> Tensor:
    """``x.sum(dim)`` over the global batch (inside :func:`global_batch`)."""
    total = x.sum(dim)
    return _all_reduce(total) if global_batch_active() else total


def batch_mean(x: Tensor, dim: int = 0) -> Tensor:
    """``x.mean(dim)`` over the global batch (inside :func:`global_batch`);
    exactly ``x.mean(dim)`` otherwise."""
    if not global_batch_active():
        return x.mean(dim)
    count = torch.tensor(float(x.shape[dim]), device=x.device)
    return _all_reduce(x.sum(dim)) / _all_reduce(count)


def global_moments(mean: Tensor, var: Tensor,
                   count: float) -> Tuple[Tensor, Tensor, Tensor]:
    """Combine per-rank moments of ``count`` values each into the global
    mean and biased variance (parallel variance formula: no cancellation of
    ``E[x^2] - E[x]^2``), and the global count. Differentiable."""
    n = torch.tensor([float(count)], dtype=mean.dtype, device=mean.device)
    if not global_batch_active():
        return mean, var, n[0]
    # One collective for the weighted means and the count, one for the
    # variances about the global mean.
    sums = _all_reduce(torch.cat([mean * n, n]))
    total = sums[-1]
    g_mean = sums[:-1] / total
    g_var = _all_reduce((var + (mean - g_mean).pow(2)) * n) / total
    return g_mean, g_var, total


class _GlobalBatchNorm:
    """BatchNorm whose training statistics are the global batch's inside
    :func:`global_batch`; plain BatchNorm everywhere else."""

    def forward(self, x: Tensor) -> Tensor:
        if not (self.training and global_batch_active()):
            return super().forward(x)
        self._check_input_dim(x)
        from .bn_stats import local_channel_moments
        mean, var = local_channel_moments(x)
        mean, var, count = global_moments(mean, var, x.numel() / x.shape[1])
        if self.track_running_stats:
            with torch.no_grad():
                self.num_batches_tracked.add_(1)
                momentum = self.momentum if self.momentum is not None \
                    else 1.0 / float(self.num_batches_tracked)
                unbiased = var * (count / (count - 1).clamp(min=1))
                self.running_mean.lerp_(mean.detach(), momentum)
                self.running_var.lerp_(unbiased.detach(), momentum)
        shape = [1, -1] + [1] * (x.dim() - 2)
        y = (x - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
        if self.affine:
            y = y * self.weight.view(shape) + self.bias.view(shape)
        return y


class GlobalBatchNorm1d(_GlobalBatchNorm, nn.BatchNorm1d):
    """:class:`nn.BatchNorm1d` with global-batch statistics."""


class GlobalBatchNorm2d(_GlobalBatchNorm, nn.BatchNorm2d):
    """:class:`nn.BatchNorm2d` with global-batch statistics."""


class GlobalBatchNorm3d(_GlobalBatchNorm, nn.BatchNorm3d):
    """:class:`nn.BatchNorm3d` with global-batch statistics."""


_GLOBAL = {
    nn.BatchNorm1d: GlobalBatchNorm1d,
    nn.BatchNorm2d: GlobalBatchNorm2d,
    nn.BatchNorm3d: GlobalBatchNorm3d,
}


def convert_global_batchnorm(module: nn.Module) -> int:
    """Make every BatchNorm layer of ``module`` a global-batch one, in place.

    The layers keep their identity, parameters, buffers and hooks (their
    class is swapped for a subclass that only overrides ``forward``), so
    optimizers, checkpoints and ``BNStatsRecorder`` hooks are unaffected.
    Frozen layers in eval mode behave as before.

    Returns:
        int: How many layers were converted.
    """
    count = 0
    for m in module.modules():
        target = _GLOBAL.get(type(m))
        if target is not None:
            m.__class__ = target
            count += 1
    return count
