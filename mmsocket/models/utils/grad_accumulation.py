# Copyright (c) mmsocket contributors. All rights reserved.
"""Several backward passes in one iteration under mmengine's gradient
accumulation (``optim_wrapper=dict(accumulative_counts=N)``).

mmengine's ``OptimWrapper`` counts every ``backward`` call as one
accumulation step and scales a loss only in ``update_params``. An
iteration that splits its loss over two backward passes (to free the
first graph before building the second) must therefore scale both parts
alike and count once: the last part goes through ``update_params``, the
earlier ones through :func:`backward_uncounted`.
"""
import torch
from mmengine.optim import AmpOptimWrapper, OptimWrapper


def backward_uncounted(optim_wrapper: OptimWrapper,
                       loss: torch.Tensor) -> None:
    """Backpropagate an early part of this iteration's loss.

    The part is scaled as ``update_params`` will scale the iteration's last
    part (``scale_loss``, and the AMP loss scaler), but the backward is not
    counted as an accumulation step and nothing steps.

    A wrapper with a ``backward`` of its own (apex, DeepSpeed, a timing
    subclass) runs that backward when it does not accumulate: the count
    then decides nothing.

    Raises:
        TypeError: Such a wrapper with ``accumulative_counts > 1``: its
            scaling cannot be reproduced without its count.
    """
    if not _stock_backward(optim_wrapper):
        if accumulates(optim_wrapper):
            raise TypeError(
                f'{type(optim_wrapper).__name__} has its own backward; '
                'this algorithm backpropagates its loss in two passes and '
                'can accumulate gradients (accumulative_counts > 1) only '
                "with OptimWrapper and AmpOptimWrapper: set "
                "optim_wrapper.type='OptimWrapper' or 'AmpOptimWrapper', or "
                'remove accumulative_counts')
        optim_wrapper.backward(loss)
        return
    loss = optim_wrapper.scale_loss(loss)
    if isinstance(optim_wrapper, AmpOptimWrapper):
        loss = optim_wrapper.loss_scaler.scale(loss)
    loss.backward()


def _stock_backward(optim_wrapper: OptimWrapper) -> bool:
    """Whether the wrapper's backward is mmengine's OptimWrapper or
    AmpOptimWrapper one (a scaled ``loss.backward()`` and a count)."""
    own = type(optim_wrapper).backward
    return own is OptimWrapper.backward or own is AmpOptimWrapper.backward


def accumulates(optim_wrapper: OptimWrapper) -> bool:
    """Whether ``optim_wrapper`` divides losses for gradient accumulation
    (``accumulative_counts > 1``) at its current count."""
    one = torch.ones(())
    return bool(optim_wrapper.scale_loss(one) != one)
