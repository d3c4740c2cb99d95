# Copyright (c) mmsocket contributors. All rights reserved.
"""Checkpoint keys that do not depend on how a run was launched.

``MMSeparateDistributedDataParallel`` replaces each trainable child of an
algorithm by a DDP wrapper in place, so under ``dist_train.sh`` the
algorithm's ``state_dict()`` says ``encoders.module.encoders.0...`` where a
one-process run says ``encoders.encoders.0...``; mmengine's loader expects
the latter and, loading non-strictly, silently keeps the unadapted weights.
:func:`hide_wrapper_prefixes` makes the wrapped model's ``state_dict()``
give the one-process keys (checkpoints, exported weights, anything else
that asks), and :func:`map_wrapper_keys` maps the keys of a checkpoint
written before that onto a model's keys.
"""
from collections import OrderedDict
from typing import Dict, Iterable, List, Mapping, Tuple

import torch.nn as nn
from mmengine.model import is_model_wrapper

__all__ = [
    'hide_wrapper_prefixes', 'map_wrapper_keys', 'compare_state_dict',
    'describe_mismatch'
]

_MARK = '_mmsocket_hides_module_prefix'


def _strip_own_prefix(module, state_dict, prefix, local_metadata):
    """State-dict post-hook of a wrapper: ``<prefix>module.x`` ->
    ``<prefix>x`` (re-inserted in order at the end, where the wrapper's
    keys already are)."""
    inner = prefix + 'module.'
    keys = [k for k in state_dict if k.startswith(inner)]
    for key in keys:
        state_dict[prefix + key[len(inner):]] = state_dict.pop(key)
    # Per-module metadata (e.g. BN's version) is keyed by module path.
    metadata = getattr(state_dict, '_metadata', None)
    if metadata is not None:
        for key in [k for k in metadata if (k + '.').startswith(inner)]:
            new = prefix + key[len(inner):]
            metadata[new.rstrip('.')] = metadata.pop(key)


def hide_wrapper_prefixes(model: nn.Module) -> int:
    """Make ``model.state_dict()`` skip the ``module.`` level of every model
    wrapper (DDP) nested inside ``model``. Idempotent.

    mmengine's loader already looks through nested wrappers, so such keys
    load into wrapped and unwrapped models alike.

    Returns:
        int: How many wrappers were found.
    """
    count = 0
    for _, module in model.named_modules():
        if module is model or not is_model_wrapper(module):
            continue
        count += 1
        if not getattr(module, _MARK, False):
            module.register_state_dict_post_hook(_strip_own_prefix)
            setattr(module, _MARK, True)
    return count


def _candidates(key: str) -> Iterable[str]:
    """``key`` without one or more of its ``module.`` path components."""
    parts = key.split('.')
    hits = [i for i, p in enumerate(parts[:-1]) if p == 'module']
    for drop in range(1, len(hits) + 1):
        for i in hits[:len(hits) - drop + 1]:
            kept = [p for j, p in enumerate(parts) if j != i]
            yield '.'.join(kept)
    if len(hits) > 1:
        yield '.'.join(p for j, p in enumerate(parts) if j not in hits)


def map_wrapper_keys(
    state_dict: Mapping, model_keys: Iterable[str]
) -> Tuple['OrderedDict[str, object]', Dict[str, str]]:
    """Rename the keys of ``state_dict`` that only lack a match in
    ``model_keys`` because of a wrapper's ``module.`` component (a
    checkpoint of a distributed run from before the keys were made
    launch-independent, or a plain DDP ``state_dict``).

    Returns:
        tuple: The renamed state dict (same order) and ``{old: new}``.
    """
    expected = set(model_keys)
    present = set(state_dict)
    renamed: Dict[str, str] = {}
    out: 'OrderedDict[str, object]' = OrderedDict()
    for key, value in state_dict.items():
        new = key
        if key not in expected:
            for candidate in _candidates(key):
                if candidate in expected and candidate not in present:
                    new = candidate
                    break
        if new != key:
            renamed[key] = new
        out[new] = value
    return out, renamed


def compare_state_dict(state_dict: Mapping,
                       model_state: Mapping) -> Dict[str, List[str]]:
    """What a strict load of ``state_dict`` into a model whose own
    ``state_dict()`` is ``model_state`` would complain about.

    An empty tensor in the model is a placeholder that its
    ``_load_from_state_dict`` resizes (e.g. SOCKET's feature banks), so its
    shape is not compared.

    Returns:
        dict: ``missing``, ``unexpected`` and ``shape`` (``'key: (a) vs
        (b)'``) lists; all empty when they match.
    """
    missing = [k for k in model_state if k not in state_dict]
    unexpected = [k for k in state_dict if k not in model_state]
    shape = []
    for key, ours in model_state.items():
        theirs = state_dict.get(key)
        if theirs is None or not hasattr(ours, 'shape') or \
                not hasattr(theirs, 'shape') or ours.numel() == 0:
            continue
        if tuple(ours.shape) != tuple(theirs.shape):
            shape.append(f'{key}: checkpoint {tuple(theirs.shape)}, model '
                         f'{tuple(ours.shape)}')
    return dict(missing=missing, unexpected=unexpected, shape=shape)


def describe_mismatch(mismatch: Dict[str, List[str]], limit: int = 8) -> str:
    """One line per kind of mismatch, naming up to ``limit`` keys each."""
    lines = []
    for kind, what in (('missing', 'missing from the checkpoint'),
                       ('unexpected',
                        'not in the model'), ('shape', 'of another shape')):
        keys = mismatch.get(kind) or []
        if keys:
            more = f' (and {len(keys) - limit} more)' \
                if len(keys) > limit else ''
            lines.append(f'{len(keys)} key(s) {what}: '
                         f'{", ".join(keys[:limit])}{more}')
    return '; '.join(lines)
