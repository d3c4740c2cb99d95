# Copyright (c) mmsocket contributors. All rights reserved.
"""One optimizer per named child of a multi-network algorithm."""
import copy

import torch.nn as nn
from mmengine.optim import OptimWrapperDict

from mmsocket.registry import OPTIM_WRAPPER_CONSTRUCTORS
from .quiet_optim_wrapper_constructor import QuietOptimWrapperConstructor


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MultiOptimWrapperConstructor:
    """Build an ``OptimWrapperDict`` whose keys are the model's attributes.

    Adversarial and alternating methods (TGMB's translator and two
    discriminators) step each network with its own optimizer. mmengine's
    Runner needs a constructor for a dict of optimizer configs; this one
    runs mmengine's ``DefaultOptimWrapperConstructor`` on ``model.<key>``
    for every key, so ``paramwise_cfg`` works per network as usual (through
    :class:`QuietOptimWrapperConstructor`: one log line per network).

    Args:
        optim_wrapper_cfg (dict): ``{attribute: optim_wrapper config}``.
        paramwise_cfg (dict, optional): Must be None; give it inside each
            network's own config.
    """

    def __init__(self,
                 optim_wrapper_cfg: dict,
                 paramwise_cfg: dict = None) -> None:
        if not isinstance(optim_wrapper_cfg, dict) or not optim_wrapper_cfg:
            raise TypeError('optim_wrapper must be a non-empty dict of '
                            f'per-network configs, got {optim_wrapper_cfg}')
        if paramwise_cfg is not None:
            raise ValueError('give paramwise_cfg inside each network\'s '
                             'optim_wrapper config, not at the top level')
        self.optim_wrapper_cfg = copy.deepcopy(optim_wrapper_cfg)

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        model = getattr(model, 'module', model)
        wrappers = {}
        for name, cfg in self.optim_wrapper_cfg.items():
            if not isinstance(getattr(model, name, None), nn.Module):
                raise KeyError(
                    f'optim_wrapper key {name!r} names no sub-network of '
                    f'{type(model).__name__} (keys must equal attribute '
                    'names)')
            cfg = copy.deepcopy(cfg)
            paramwise = cfg.pop('paramwise_cfg', None)
            constructor = QuietOptimWrapperConstructor(cfg, paramwise)
            constructor.name = f'optim_wrapper.{name}'
            constructor.prefix = f'{name}.'
            wrappers[name] = constructor(getattr(model, name))
        return OptimWrapperDict(**wrappers)
