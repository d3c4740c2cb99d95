# Copyright (c) mmsocket contributors. All rights reserved.
"""mmengine's optimizer constructor with one summary line per optimizer.

With a ``paramwise_cfg``, mmengine's ``DefaultOptimWrapperConstructor``
logs a ``paramwise_options -- <param>:lr=...`` INFO line for every key of
every parameter (180 of the 653 lines of a synthetic SOCKET run) and a
``... is skipped since its requires_grad=False`` WARNING for every frozen
parameter (the frozen classifiers of every transfer method). Both come from
inside its ``add_params``, so they cannot be switched off without copying
it. Instead, a filter on the logger demotes exactly those records to DEBUG
while the constructor runs (``log_level='DEBUG'`` still shows them), and
one INFO line sums the parameter groups up: the optimizer is mmengine's,
unchanged.
"""
import contextlib
import logging
from collections import OrderedDict
from typing import Dict, Iterator, List, Optional

import torch.nn as nn
from mmengine.logging import MMLogger, print_log
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper

from mmsocket.registry import OPTIM_WRAPPER_CONSTRUCTORS

_PER_PARAM = 'paramwise_options -- '
_FROZEN = ' is skipped since its requires_grad=False'
# Hyper-parameters worth naming in the summary (the rest are in the config).
_SHOWN = ('lr', 'weight_decay')


class _PerParameterFilter(logging.Filter):
    """Demote the constructor's per-parameter records to DEBUG and keep the
    frozen parameters' names for the summary."""

    def __init__(self) -> None:
        super().__init__()
        self.frozen: List[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        if msg.startswith(_PER_PARAM) or msg.endswith(_FROZEN):
            if msg.endswith(_FROZEN):
                self.frozen.append(msg[:-len(_FROZEN)])
            record.levelno, record.levelname = logging.DEBUG, 'DEBUG'
        return True


@contextlib.contextmanager
def per_parameter_logs_demoted() -> Iterator[List[str]]:
    """Demote mmengine's per-parameter constructor logs to DEBUG in the body;
    yields the list that collects the names of skipped frozen parameters.
    """
    logger = MMLogger.get_current_instance()
    record_filter = _PerParameterFilter()
    logger.addFilter(record_filter)
    try:
        yield record_filter.frozen
    finally:
        logger.removeFilter(record_filter)


def _prefixes(names: List[str], depth: int = 4, most: int = 3) -> str:
    """The modules (down to ``depth`` levels) parameters belong to, e.g.
    ``encoders.encoders.0.neck`` for its ``...fc.weight``."""
    modules = (n.rsplit('.', 1)[0] if '.' in n else n for n in names)
    seen = list(
        OrderedDict.fromkeys('.'.join(m.split('.')[:depth]) for m in modules))
    more = f', +{len(seen) - most} more' if len(seen) > most else ''
    return ', '.join(seen[:most]) + more


def describe_param_groups(optim_wrapper: OptimWrapper,
                          model: nn.Module,
                          frozen: Optional[List[str]] = None,
                          name: str = 'optim_wrapper',
                          prefix: str = '') -> str:
    """One line: the optimizer's parameter groups, merged by lr and weight
    decay, with their tensor and weight counts and module prefixes.

    Args:
        optim_wrapper (OptimWrapper): The built wrapper.
        model (nn.Module): The module it optimises (for parameter names).
        frozen (list[str], optional): Parameters the constructor left out.
        name (str): How the line names the wrapper.
        prefix (str): Prepended to the parameter names (the network's name
            when ``model`` is one network of an algorithm).
    """
    names = {id(p): prefix + n for n, p in model.named_parameters()}
    frozen = [prefix + n for n in frozen or []]
    merged: Dict[tuple, List] = OrderedDict()
    optimizer = optim_wrapper.optimizer
    for group in optimizer.param_groups:
        key = tuple((k, group.get(k)) for k in _SHOWN if k in group)
        merged.setdefault(key, []).extend(group['params'])
    parts = []
    for key, params in merged.items():
        settings = ', '.join(
            f'{k}={v:g}' if isinstance(v, float) else f'{k}={v}'
            for k, v in key)
        weights = sum(p.numel() for p in params)
        where = _prefixes([names.get(id(p), '?') for p in params])
        parts.append(f'{len(params)} tensors ({weights:,} weights; {where}) '
                     f'at {settings}')
    line = f'{name}: {type(optimizer).__name__} over ' + '; '.join(parts)
    if frozen:
        line += (f'. Left out, frozen (requires_grad=False): {len(frozen)} '
                 f'tensors of {_prefixes(frozen, depth=2)}')
    return line


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class QuietOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """``DefaultOptimWrapperConstructor`` logging one summary line.

    Builds exactly the optimizer mmengine's constructor builds (same
    arguments, ``paramwise_cfg`` included); its per-parameter INFO lines and
    frozen-parameter warnings are demoted to DEBUG and replaced by one line
    per optimizer (see :func:`describe_param_groups`). Select it with
    ``optim_wrapper = dict(constructor='QuietOptimWrapperConstructor',
    ...)``.
    """

    #: How the summary names the wrapper and prefixes the parameter names
    #: (the multi-optimizer constructor sets the network's).
    name = 'optim_wrapper'
    prefix = ''

    def __call__(self, model: nn.Module) -> OptimWrapper:
        with per_parameter_logs_demoted() as frozen:
            optim_wrapper = super().__call__(model)
        model = getattr(model, 'module', model)
        print_log(
            describe_param_groups(optim_wrapper, model, frozen, self.name,
                                  self.prefix),
            logger='current')
        return optim_wrapper
