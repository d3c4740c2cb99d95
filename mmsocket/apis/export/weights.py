# Copyright (c) mmsocket contributors. All rights reserved.
"""Weights files in: strip a checkpoint to its weights; give a torchvision
ResNet state dict the form of an mmpretrain checkpoint."""
import os
import os.path as osp
from typing import Any, List, Optional, Sequence, Tuple

import torch

from mmsocket.models.utils import torchvision_resnet_to_mmpretrain
from mmsocket.utils import safe_torch_load

__all__ = [
    'plain_data', 'save_weights', 'strip_checkpoint',
    'convert_torchvision_resnet', 'read_class_list'
]

_PLAIN = (str, int, float, bool, type(None))


def plain_data(obj: Any, where: str, dropped: List[str]) -> Any:
    """``obj`` with everything that is not plain data (str, numbers, bool,
    None, and lists/tuples/dicts of them) left out; what was left out is
    appended to ``dropped`` by its path. numpy scalars become numbers."""
    if isinstance(obj, _PLAIN):
        return obj
    if hasattr(obj, 'item') and getattr(obj, 'shape', None) == ():
        return obj.item()  # numpy / torch scalar
    if isinstance(obj, (list, tuple)):
        out = [
            plain_data(v, f'{where}[{i}]', dropped) for i, v in enumerate(obj)
        ]
        return type(obj)(v for v in out if v is not _DROP)
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, _PLAIN):
                dropped.append(f'{where}[{k!r}]')
                continue
            v = plain_data(v, f'{where}.{k}', dropped)
            if v is not _DROP:
                out[k] = v
        return out
    dropped.append(f'{where} ({type(obj).__name__})')
    return _DROP


_DROP = object()


def save_weights(path: str,
                 state_dict: dict,
                 meta: dict,
                 overwrite: bool = False) -> None:
    """Write ``dict(state_dict=..., meta=...)`` atomically; never over an
    existing file unless ``overwrite``."""
    if osp.exists(path) and not overwrite:
        raise FileExistsError(f'{path} exists: choose another output path '
                              '(nothing was written)')
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = f'{path}.tmp.{os.getpid()}'
    torch.save(dict(state_dict=state_dict, meta=meta), tmp)
    os.replace(tmp, path)


def strip_checkpoint(src: str, dst: str) -> List[str]:
    """Write ``src``'s weights and the plain-data part of its meta to
    ``dst`` (what mmpretrain's ``publish_model.py`` does, for torch >= 2.6).

    ``src`` is read with the weights-only loader, so a file that carries
    code is refused (:class:`~mmsocket.utils.UnsafeCheckpointError`). The
    result loads with a plain ``torch.load(dst, weights_only=True)`` in any
    process (no numpy, no mmengine objects).

    Returns:
        list[str]: What was left out (top-level keys such as
        ``optimizer``/``message_hub``, and non-plain meta entries).
    """
    if osp.abspath(src) == osp.abspath(dst):
        raise ValueError('the output must be another file than the input')
    ckpt = safe_torch_load(src, map_location='cpu')
    if isinstance(ckpt, dict) and isinstance(ckpt.get('state_dict'), dict):
        state, meta = ckpt['state_dict'], ckpt.get('meta') or {}
        dropped = [k for k in ckpt if k not in ('state_dict', 'meta')]
    elif isinstance(ckpt, dict) and ckpt and all(
            isinstance(v, torch.Tensor) for v in ckpt.values()):
        state, meta, dropped = ckpt, {}, []
    else:
        raise ValueError(f'{src} holds neither a state dict nor an mmengine '
                         'checkpoint (a dict with "state_dict")')
    bad = [k for k, v in state.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise ValueError(f'{src}: state_dict entries that are not tensors: '
                         f'{bad[:5]}')
    meta = plain_data(meta, 'meta', dropped)
    save_weights(dst, dict(state), meta)
    return dropped


def read_class_list(classes: Optional[Sequence[str]] = None,
                    classes_file: Optional[str] = None) -> Optional[list]:
    """Class names given inline or one per line in a file."""
    if classes and classes_file:
        raise ValueError('give the classes inline or as a file, not both')
    if classes_file:
        with open(classes_file) as f:
            classes = [line.strip() for line in f if line.strip()]
    return list(classes) if classes else None


def convert_torchvision_resnet(
        src: str,
        dst: str,
        classes: Optional[Sequence[str]] = None) -> Tuple[int, int]:
    """A torchvision ResNet state dict -> an mmpretrain ``ImageClassifier``
    checkpoint (ResNet + GlobalAveragePooling + LinearClsHead keys), with
    ``meta.dataset_meta.classes`` when ``classes`` is given.

    Returns:
        tuple: ``(num_classes, in_channels)`` of the head, for its config.
    """
    state = safe_torch_load(src, map_location='cpu')
    state = state.get('state_dict', state) if isinstance(state, dict) else {}
    mapped = torchvision_resnet_to_mmpretrain(state)
    num_classes, in_channels = mapped['head.fc.weight'].shape
    meta = {}
    if classes is not None:
        if len(classes) != num_classes:
            raise ValueError(f'{src} has {num_classes} outputs but '
                             f'{len(classes)} class names were given')
        meta['dataset_meta'] = dict(classes=list(classes))
    save_weights(dst, mapped, meta)
    return num_classes, in_channels
