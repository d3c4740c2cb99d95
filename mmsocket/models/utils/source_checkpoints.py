# Copyright (c) mmsocket contributors. All rights reserved.
"""Read a source checkpoint's weights in the keys of the source model.

A source checkpoint may be

- an mmengine/mmpretrain checkpoint (``dict(state_dict=..., meta=...)``),
  as our ``ExportCheckpointHook`` writes it, or as a stock mmpretrain
  Runner saves it (optimizer, message hub and all: only ``state_dict`` and
  ``meta`` are used);
- a plain state dict (``torch.save(model.state_dict(), path)``) whose keys
  are the model's;
- a torchvision ResNet's state dict (``torchvision.models.resnet18()
  .state_dict()``), for a source model of mmpretrain's ``ResNet`` +
  ``GlobalAveragePooling`` + ``LinearClsHead``: the keys map one to one
  (``conv1.*``, ``bn1.*``, ``layerN.*`` -> ``backbone.*``; ``fc.*`` ->
  ``head.fc.*``; mmpretrain's ResNet names its layers as torchvision does).

Everything is read through the weights-only loader (mmengine's
``CheckpointLoader``, which ``import mmsocket`` makes weights-only).
"""
from typing import Dict, Mapping, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.runner import CheckpointLoader

__all__ = [
    'read_source_checkpoint', 'torchvision_resnet_to_mmpretrain',
    'looks_like_torchvision_resnet'
]

_TORCHVISION_STEM = ('conv1.', 'bn1.', 'layer1.', 'layer2.', 'layer3.',
                     'layer4.')


def looks_like_torchvision_resnet(state: Mapping[str, torch.Tensor]) -> bool:
    """Keys of a torchvision ResNet: stem, four stages, ``fc``."""
    keys = set(state)
    return ('conv1.weight' in keys and 'fc.weight' in keys
            and all(k.startswith(_TORCHVISION_STEM + ('fc.', )) for k in keys))


def torchvision_resnet_to_mmpretrain(
        state: Mapping[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Keys of a torchvision ResNet -> those of mmpretrain's
    ``ImageClassifier(backbone=ResNet, neck=GlobalAveragePooling,
    head=LinearClsHead)``."""
    if not looks_like_torchvision_resnet(state):
        raise ValueError('not a torchvision ResNet state dict (expected '
                         'only conv1/bn1/layer1-4/fc keys)')
    return {
        (f'head.{k}' if k.startswith('fc.') else f'backbone.{k}'): v
        for k, v in state.items()
    }


def _is_state_dict(obj) -> bool:
    return isinstance(obj, Mapping) and bool(obj) and all(
        isinstance(k, str) and isinstance(v, torch.Tensor)
        for k, v in obj.items())


def _weights_and_meta(ckpt, path: str) -> Tuple[Dict[str, torch.Tensor], dict]:
    if isinstance(ckpt, Mapping) and _is_state_dict(ckpt.get('state_dict')):
        meta = ckpt.get('meta')
        return dict(ckpt['state_dict']), meta if isinstance(meta, dict) else {}
    if _is_state_dict(ckpt):
        return dict(ckpt), {}
    raise ValueError(
        f'{path} holds neither a state dict nor an mmengine checkpoint '
        '(a dict with "state_dict"): it cannot be a source model')


def _describe_mismatch(model_keys, keys) -> str:
    missing = sorted(model_keys - keys)
    unexpected = sorted(keys - model_keys)
    parts = []
    if missing:
        parts.append(f'{len(missing)} missing (e.g. {missing[:3]})')
    if unexpected:
        parts.append(f'{len(unexpected)} unexpected (e.g. {unexpected[:3]})')
    return ', '.join(parts)


def read_source_checkpoint(
        model: nn.Module,
        path: str) -> Tuple[Dict[str, torch.Tensor], dict, Optional[str]]:
    """The weights of ``path`` in ``model``'s keys, its meta, and how it was
    read (None for as-is, ``'torchvision'`` for a mapped torchvision ResNet).

    Raises:
        ValueError: The keys match neither ``model`` nor, mapped, a
            torchvision ResNet in ``model``'s form; the message names the
            mismatch and the way out.
    """
    ckpt = CheckpointLoader.load_checkpoint(
        path, map_location='cpu', logger='silent')
    state, meta = _weights_and_meta(ckpt, path)
    model_keys = set(model.state_dict())
    if set(state) == model_keys:
        return state, meta, None
    if looks_like_torchvision_resnet(state):
        mapped = torchvision_resnet_to_mmpretrain(state)
        if set(mapped) == model_keys:
            return mapped, meta, 'torchvision'
        raise ValueError(
            f'{path} is a torchvision ResNet state dict, but the source '
            'model config does not have its form: '
            f'{_describe_mismatch(model_keys, set(mapped))}. Use '
            "backbone=dict(type='ResNet', depth=<its depth>, "
            "out_indices=(3, )), neck=dict(type='GlobalAveragePooling'), "
            "head=dict(type='LinearClsHead', num_classes=<rows of fc>, "
            'in_channels=<columns of fc>); see '
            'docs/export.md#bringing-your-own-rgb-classifier')
    hint = ''
    if any(k.startswith('module.') for k in state):
        hint = (' Its keys start with "module." (saved from a '
                'DistributedDataParallel wrapper): save model.module.'
                'state_dict() instead.')
    raise ValueError(
        f'{path} does not fit the source model config '
        f'({type(model).__name__}): '
        f'{_describe_mismatch(model_keys, set(state))}. The source config '
        'must describe the network the checkpoint was trained as (backbone '
        'type/depth/arch, neck, head and num_classes), see '
        f'docs/export.md#bringing-your-own-rgb-classifier.{hint}')
