# Copyright (c) mmsocket contributors. All rights reserved.
from typing import List, Union

from mmengine.optim import BaseOptimWrapper
from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler
from torch.optim import Optimizer

from mmsocket.registry import PARAM_SCHEDULERS

OptimizerType = Union[BaseOptimWrapper, Optimizer]


def inverse_decay_factor(step: float,
                         total: float,
                         gamma: float = 10.0,
                         power: float = 0.75) -> float:
    """``(1 + gamma * step / total) ** -power``: the DANN/SHOT decay."""
    return (1.0 + gamma * step / total)**(-power)


@PARAM_SCHEDULERS.register_module()
class InverseDecayParamScheduler(_ParamScheduler):
    """Inverse (Ganin & Lempitsky) decay of a parameter of every group.

    .. math::
        v_t = v_0 \\cdot (1 + \\gamma\\, t / T)^{-p},

    where :math:`v_0` is the group's initial value (so per-group values
    such as a backbone lr of 0.1× base keep their ratio),
    :math:`T` = ``end - begin`` (the number of steps of the scheduler) and
    :math:`t` the number of steps since ``begin`` (``+1`` with
    ``one_based=True``). With the defaults ``gamma=10, power=0.75`` this is
    the schedule of DANN (`Ganin & Lempitsky, ICML 2015
    <https://arxiv.org/abs/1409.7495>`_, :math:`\\mu_p = \\mu_0/(1+10p)^{0.75}`
    with :math:`p` going from 0 to 1) and of the official SHOT / DECISION /
    SOCKET code (``lr_scheduler(optimizer, iter_num, max_iter)``, applied
    every iteration with ``max_iter = epochs * len(loader)``).

    mmengine convention: the value for the first step (``t = 0``) is
    :math:`v_0`, the one for the last step of the scheduler is
    :math:`v(T-1)`, and after ``end`` the value is left alone. SHOT's loop
    increments ``iter_num`` *before* setting the lr, so its k-th optimiser
    step (k = 1..T) uses :math:`v(k)`; ``one_based=True`` reproduces that
    exactly (first step :math:`v(1)`, last :math:`v(T)`).

    Written in epochs (``by_epoch=True``) with ``convert_to_iter_based=True``
    the schedule is converted to iterations, ``T = epochs x
    iters_per_epoch``, and decays every iteration as in SHOT.

    The update is chainable (each step multiplies the current value by
    :math:`v(t)/v(t-1)`), like mmengine's own schedulers, so it composes
    with e.g. a warm-up; :meth:`_get_closed_form` gives :math:`v_0\\, d(t)`.

    Args:
        optimizer (Optimizer or BaseOptimWrapper): The optimizer.
        param_name (str): Name of the parameter to schedule, e.g. ``lr``.
        gamma (float): :math:`\\gamma`. Defaults to 10.
        power (float): :math:`p`. Defaults to 0.75.
        one_based (bool): Count ``t`` from 1 as SHOT's code does.
            Defaults to False.
        begin (int): Step at which to start. Defaults to 0.
        end (int): Step at which to stop; must be finite (it defines
            :math:`T`). A Runner fills in the max epochs/iterations when
            omitted from a config. Defaults to INF (an error if not set).
        last_step (int): Index of the last step, for resuming without a
            state dict. Defaults to -1.
        by_epoch (bool): Whether to step per epoch. Defaults to True.
        verbose (bool): Whether to print the value at each update.
            Defaults to False.
    """

    def __init__(self,
                 optimizer: OptimizerType,
                 param_name: str,
                 gamma: float = 10.0,
                 power: float = 0.75,
                 one_based: bool = False,
                 begin: int = 0,
                 end: int = INF,
                 last_step: int = -1,
                 by_epoch: bool = True,
                 verbose: bool = False):
        if end >= INF:
            raise ValueError(
                f'{type(self).__name__} needs a finite `end` (the total '
                'number of steps T of the decay); got the default INF')
        if gamma < 0 or power < 0:
            raise ValueError('gamma and power must be non-negative, got '
                             f'gamma={gamma}, power={power}')
        self.gamma = gamma
        self.power = power
        self.one_based = one_based
        self.total_steps = end - begin
        super().__init__(
            optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose)

    @classmethod
    def build_iter_from_epoch(cls,
                              *args,
                              begin: int = 0,
                              end: int = INF,
                              by_epoch: bool = True,
                              epoch_length: int = None,
                              **kwargs):
        """Build an iteration-based instance from an epoch-based config."""
        assert by_epoch, 'Only epoch-based kwargs whose `by_epoch=True` can ' \
                         'be converted to iter-based.'
        assert epoch_length is not None and epoch_length > 0, \
            f'`epoch_length` must be a positive integer, ' \
            f'but got {epoch_length}.'
        begin = int(begin * epoch_length)
        if end != INF:
            end = int(end * epoch_length)
        return cls(*args, begin=begin, end=end, by_epoch=False, **kwargs)

    def _factor(self, step: int) -> float:
        """Decay factor relative to the base value at scheduler step
        ``step`` (``last_step``, 0 at ``begin``)."""
        t = step + 1 if self.one_based else step
        return inverse_decay_factor(t, self.total_steps, self.gamma,
                                    self.power)

    def _get_value(self) -> List[float]:
        """Chainable form: current value times ``d(t) / d(t-1)``."""
        ratio = self._factor(self.last_step)
        if self.last_step > 0:
            ratio = ratio / self._factor(self.last_step - 1)
        elif not self.one_based:
            ratio = 1.0
        return [
            group[self.param_name] * ratio
            for group in self.optimizer.param_groups
        ]

    def _get_closed_form(self) -> List[float]:
        """Closed form: ``base_value * d(t)`` per group."""
        return [
            base_value * self._factor(self.last_step)
            for base_value in self.base_values
        ]


@PARAM_SCHEDULERS.register_module()
class InverseDecayLR(LRSchedulerMixin, InverseDecayParamScheduler):
    """Inverse (DANN / SHOT) decay of the learning rate.

    ``lr_t = lr_0 * (1 + gamma * t / T) ** -power`` with ``T = end -
    begin``; see :class:`InverseDecayParamScheduler` for the details.

    Examples:
        >>> # SHOT/SOCKET: 15 epochs written in epochs, decayed per iteration
        >>> param_scheduler = dict(
        ...     type='InverseDecayLR', gamma=10, power=0.75, by_epoch=True,
        ...     begin=0, end=15, convert_to_iter_based=True)

    Args:
        optimizer (Optimizer or BaseOptimWrapper): The optimizer.
        gamma (float): Defaults to 10.
        power (float): Defaults to 0.75.
        one_based (bool): Count ``t`` from 1 as SHOT's code does.
            Defaults to False.
        begin (int): Step at which to start. Defaults to 0.
        end (int): Step at which to stop (defines ``T``; must be finite).
            Defaults to INF.
        last_step (int): Index of the last step. Defaults to -1.
        by_epoch (bool): Whether to step per epoch. Defaults to True.
        verbose (bool): Whether to print the lr at each update.
            Defaults to False.
    """
