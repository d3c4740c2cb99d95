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

    Raises:
        TypeError: A wrapper whose ``backward`` does something else (e.g.
            apex or DeepSpeed): its scaling cannot be reproduced here.
    """
    loss = optim_wrapper.scale_loss(loss)
    if isinstance(optim_wrapper, AmpOptimWrapper):
        if type(optim_wrapper).backward is not AmpOptimWrapper.backward:
            _refuse(optim_wrapper)
        loss = optim_wrapper.loss_scaler.scale(loss)
    elif type(optim_wrapper).backward is not OptimWrapper.backward:
        _refuse(optim_wrapper)
    loss.backward()


def _refuse(optim_wrapper: OptimWrapper) -> None:
    raise TypeError(
        f'{type(optim_wrapper).__name__} has its own backward; this '
        'algorithm backpropagates its loss in two passes and can reproduce '
        "the scaling of OptimWrapper and AmpOptimWrapper only: set "
        "optim_wrapper.type='OptimWrapper' or 'AmpOptimWrapper'")


def accumulates(optim_wrapper: OptimWrapper) -> bool:
    """Whether ``optim_wrapper`` divides losses for gradient accumulation
    (``accumulative_counts > 1``) at its current count."""
    one = torch.ones(())
    return bool(optim_wrapper.scale_loss(one) != one)
