# Copyright (c) mmsocket contributors. All rights reserved.
"""Build a model from a config and load its weights, for the analysis
tools (no Runner, no training state)."""
import copy
from typing import Optional

import torch.nn as nn
from mmengine.config import Config, ConfigDict
from mmengine.runner import CheckpointLoader, load_state_dict

from ..registry import MODELS
from ..utils import map_wrapper_keys


def init_model(model_cfg: dict,
               checkpoint: Optional[str] = None,
               strict: bool = True,
               prefix: Optional[str] = None) -> nn.Module:
    """Build ``model_cfg`` on the CPU, load ``checkpoint``, set eval mode.

    Args:
        model_cfg (dict): A ``model`` config (e.g. ``cfg.model``).
        checkpoint (str, optional): An mmengine checkpoint or an exported
            state dict; loaded through mmengine's loader (so through
            mmsocket's weights-only allow-list). None keeps the built
            weights.
        strict (bool): Every key must match. Defaults to True.
        prefix (str, optional): Load only the keys under this prefix, with
            it removed (``'student.'``: the student of a distillation
            checkpoint). A state dict without any such key (an exported
            student) loads as it is.
    """
    model = MODELS.build(model_cfg)
    if checkpoint is None:
        return model.eval()
    state = CheckpointLoader.load_checkpoint(
        checkpoint, map_location='cpu', logger='silent')
    state = state.get('state_dict', state)
    if prefix is not None and any(k.startswith(prefix) for k in state):
        state = {
            k[len(prefix):]: v
            for k, v in state.items() if k.startswith(prefix)
        }
    # A distributed run's checkpoint from before the keys were made
    # launch-independent ('encoders.module.*') loads too.
    state, _ = map_wrapper_keys(state, model.state_dict().keys())
    load_state_dict(model, state, strict=strict, logger='silent')
    return model.eval()


def eval_loader_cfg(cfg: Config, **overrides) -> ConfigDict:
    """A copy of the config's test dataloader with ``overrides`` (e.g. the
    batch size), loading in this process unless ``num_workers`` is given.
    """
    loader = copy.deepcopy(cfg.test_dataloader)
    loader.update(num_workers=0, persistent_workers=False)
    loader.update(overrides)
    return loader
