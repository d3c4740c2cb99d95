# Copyright (c) mmsocket contributors. All rights reserved.
"""Build a model from a config and load its weights, for the analysis
tools (no Runner, no training state)."""
import copy
from typing import Optional, Tuple

import torch
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


@torch.no_grad()
def collect_predictions(model: nn.Module,
                        loader) -> Tuple[torch.Tensor, torch.Tensor]:
    """Scores (N, K) and true labels (N, ) of ``model`` over a labelled
    ``loader``, through the model's ``val_step`` (its preprocessing)."""
    scores, labels = [], []
    for data in loader:
        for sample in model.val_step(data):
            scores.append(sample.pred_score)
            labels.append(sample.gt_label)
    return torch.stack(scores), torch.cat(labels)


def dataset_classes(cfg: Config, loader: str = 'test_dataloader') -> list:
    """The class names of a config's dataloader set (read from its
    annotation file; no image is loaded)."""
    from ..registry import DATASETS
    dataset = copy.deepcopy(cfg[loader].dataset)
    dataset['pipeline'] = []
    classes = DATASETS.build(dataset).metainfo.get('classes')
    if not classes:
        raise ValueError(f'the {loader} set of the config has no class '
                         'names (metainfo.classes)')
    return list(classes)
