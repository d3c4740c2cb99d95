# Copyright (c) mmsocket contributors. All rights reserved.
"""An adapted target model as plain mmpretrain ``ImageClassifier``\\ s.

A transfer model (SOCKET, SHOT, DECISION, TGKT) is ``sum_j zeta_j g_j(f_j(x))``
over its sources; source j's classifier is an mmpretrain ``ImageClassifier``
whose backbone and neck were adapted (``encoders.encoders.j.*``) and whose
head is the frozen source head (``heads.j.*``). Each becomes an
``ImageClassifier`` that stock mmpretrain builds without mmsocket:

- our ``FeatureBottleneck`` (pool if 4-d, Linear, BatchNorm1d) is
  mmpretrain's ``LinearNeck(gap_dim=2 (or 0 for pooled backbone outputs),
  norm_cfg=dict(type='BN1d'), act_cfg=None)``: keys ``neck.fc.*`` stay,
  ``neck.bn.*`` -> ``neck.norm.*``;
- our ``WeightNormClsHead`` (``fc`` with torch's weight-norm
  parametrisation) is ``LinearClsHead`` with the weight folded,
  ``W = g * v / ||v||`` per row, i.e. the weight the parametrisation
  computes at every forward;
- mmpretrain's own backbones, necks and heads stay as they are.

Every exported classifier is checked against the original on a random batch
(``max_abs_diff`` in the result).
"""
import copy
import re
from typing import Dict, List, NamedTuple, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import CheckpointLoader
from mmpretrain.registry import MODELS as PRETRAIN_MODELS

from mmsocket.registry import MODELS

__all__ = [
    'ExportedClassifier', 'AdaptedModel', 'read_adapted_model',
    'to_mmpretrain', 'build_mmpretrain', 'assert_mmpretrain_only'
]


class ExportedClassifier(NamedTuple):
    """One source's classifier: mmpretrain config and weights."""
    config: dict
    state_dict: Dict[str, torch.Tensor]
    max_abs_diff: float


class AdaptedModel(NamedTuple):
    """The parts of an adapted model, in mmsocket's own form."""
    sources: List[dict]  # ImageClassifier configs (our neck/head types)
    state_dicts: List[Dict[str, torch.Tensor]]
    zeta: torch.Tensor
    classes: Optional[List[str]]
    data_preprocessor: dict


# Models whose inference is sum_j zeta_j g_j(f_j(x)) on the target input.
_TARGET_MODELS = ('SOCKET', 'TGKT')


def _strip_wrapper_keys(state: dict) -> dict:
    """``encoders.module.encoders.0...`` (saved from a separate-DDP
    wrapper) -> ``encoders.encoders.0...``."""
    return {
        re.sub(r'^(\w+)\.module\.', r'\1.', k): v
        for k, v in state.items()
    }


def read_adapted_model(cfg: Config, checkpoint: str) -> AdaptedModel:
    """Split a transfer checkpoint (or a source model checkpoint) into its
    sources' classifiers and the mixing weights.

    Raises:
        ValueError: The config is not a model this can export (TGMB: its
            target model is translator + source; export its TGKT stage).
    """
    model_cfg = cfg.model.to_dict() if hasattr(cfg.model, 'to_dict') else dict(
        cfg.model)
    ckpt = CheckpointLoader.load_checkpoint(
        checkpoint, map_location='cpu', logger='silent')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else {}
    state = _strip_wrapper_keys(state)
    meta = ckpt.get('meta', {}) if isinstance(ckpt, dict) else {}
    classes = (meta.get('dataset_meta') or {}).get('classes')
    classes = list(classes) if classes is not None else None
    kind = model_cfg.get('type')
    if kind == 'ImageClassifier':
        return AdaptedModel([model_cfg], [state], torch.ones(1), classes,
                            model_cfg.get('data_preprocessor'))
    cls = MODELS.get(kind) if isinstance(kind, str) else None
    if cls is None or not any(c.__name__ in _TARGET_MODELS
                              for c in cls.__mro__):
        raise ValueError(
            f'cannot export a {kind} model: export takes a SOCKET, SHOT, '
            'DECISION or TGKT config (the target model sum_j zeta_j '
            'g_j(f_j(x))) or a source ImageClassifier config. A TGMB '
            "model's target predictions go through its translator: train "
            'and export its TGKT stage.')
    sources, states = [], []
    for j, src in enumerate(model_cfg['sources']):
        weights = {}
        for ours, theirs in ((f'encoders.encoders.{j}.', ''), (f'heads.{j}.',
                                                               'head.')):
            for k, v in state.items():
                if k.startswith(ours):
                    weights[theirs + k[len(ours):]] = v
        if not weights:
            raise KeyError(f'{checkpoint} holds no weights of source {j} '
                           f'(encoders.encoders.{j}.*, heads.{j}.*): is it a '
                           f'checkpoint of this {kind} config?')
        sources.append(src['model'])
        states.append(weights)
    from mmsocket.models.utils import SourceMixer
    mixer = SourceMixer(len(sources))
    if 'mixer.weight' in state:
        mixer.weight.data.copy_(state['mixer.weight'])
    with torch.no_grad():
        zeta = mixer()
    preprocessor = model_cfg.get('data_preprocessor') or sources[0].get(
        'data_preprocessor')
    return AdaptedModel(sources, states, zeta, classes, preprocessor)


def _build_ours(model_cfg: dict, state: dict) -> nn.Module:
    with DefaultScope.overwrite_default_scope('mmsocket'):
        model = MODELS.build(copy.deepcopy(model_cfg))
    model.load_state_dict(state, strict=True)
    return model.eval()


def build_mmpretrain(model_cfg: dict,
                     state: Optional[dict] = None) -> nn.Module:
    """Build ``model_cfg`` as stock mmpretrain does (``get_model``'s scope)
    and refuse it if any part is one of mmsocket's."""
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = PRETRAIN_MODELS.build(copy.deepcopy(model_cfg))
    assert_mmpretrain_only(model)
    if state is not None:
        model.load_state_dict(state, strict=True)
    return model.eval()


def assert_mmpretrain_only(model: nn.Module) -> None:
    ours = sorted({
        type(m).__name__
        for m in model.modules() if type(m).__module__.startswith('mmsocket')
    })
    if ours:
        raise ValueError(f'the model uses mmsocket modules {ours}: stock '
                         'mmpretrain cannot load it')


def _clean(part: Optional[dict]) -> Optional[dict]:
    """A part config without ``init_cfg`` (the weights are in the file;
    a ``Pretrained`` URL would be fetched for nothing)."""
    if part is None:
        return None
    part = copy.deepcopy(part)
    part.pop('init_cfg', None)
    return part


def to_mmpretrain(model_cfg: dict,
                  state: Dict[str, torch.Tensor],
                  data_preprocessor: Optional[dict],
                  probe_size: Tuple[int, int] = (64, 64),
                  seed: int = 0) -> ExportedClassifier:
    """One source classifier (our config types, its adapted weights) as an
    mmpretrain ``ImageClassifier`` config + state dict, checked to give the
    same logits on a random ``probe_size`` batch."""
    ours = _build_ours(model_cfg, state)
    neck_cfg, head_cfg = model_cfg.get('neck'), model_cfg.get('head')
    new_state = {
        k: v
        for k, v in state.items() if not k.startswith(('neck.', 'head.'))
    }
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(2, 3, *probe_size, generator=g)
    with torch.no_grad():
        feats = ours.backbone(x)
    neck = _clean(neck_cfg)
    if neck is not None and neck.get('type') == 'FeatureBottleneck':
        gap_dim = 2 if feats[-1].dim() == 4 else 0
        neck = dict(
            type='LinearNeck',
            in_channels=ours.neck.fc.in_features,
            out_channels=ours.neck.fc.out_features,
            gap_dim=gap_dim,
            norm_cfg=dict(type='BN1d'),
            act_cfg=None)
        for k, v in ours.neck.state_dict().items():
            new_state['neck.' + re.sub(r'^bn\.', 'norm.', k)] = v
    elif neck is not None:
        new_state.update({
            f'neck.{k}': v
            for k, v in ours.neck.state_dict().items()
        })
    head = _clean(head_cfg)
    if head.get('type') == 'WeightNormClsHead':
        head = dict(
            type='LinearClsHead',
            num_classes=ours.head.num_classes,
            in_channels=ours.head.in_channels,
            loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
            topk=(1, ))
        new_state['head.fc.weight'] = ours.head.fc.weight.detach().clone()
        new_state['head.fc.bias'] = ours.head.fc.bias.detach().clone()
    else:
        new_state.update({
            f'head.{k}': v
            for k, v in ours.head.state_dict().items()
        })
    config = dict(
        type='ImageClassifier',
        data_preprocessor=copy.deepcopy(data_preprocessor),
        backbone=_clean(model_cfg['backbone']),
        neck=neck,
        head=head)
    if neck is None:
        config.pop('neck')
    exported = build_mmpretrain(config, new_state)
    with torch.no_grad():
        want = ours(x, mode='tensor')
        got = exported(x, mode='tensor')
    diff = float((want - got).abs().max())
    scale = float(want.abs().max()) + 1.0
    if not diff <= 1e-4 * scale:
        raise RuntimeError(
            f'the exported classifier disagrees with the original by '
            f'{diff:.3g} (logits up to {scale - 1:.3g}): export bug, please '
            'report it with the config')
    return ExportedClassifier(config, new_state, diff)
