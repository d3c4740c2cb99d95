# Copyright (c) mmsocket contributors. All rights reserved.
"""Read what ``tools/test.py --out preds.pkl --out-item pred`` wrote,
without running pickled code.

mmengine's ``DumpResults`` pickles each prediction as a dict of tensors and
plain values (``pred_score``, ``gt_label``, ``img_path``...). A plain
``pickle.load`` of a stranger's file runs whatever it names, and torch's
weights-only loader reads only ``torch.save`` files; so this reader lets the
pickle name exactly the four globals such a dump holds and rebuilds tensor
storages through mmsocket's weights-only loader.
"""
import _codecs
import collections
import io
import pickle
from typing import List

import torch

from ..utils import safe_torch_load


def _storage_from_bytes(data: bytes):
    # torch.storage._load_from_bytes would torch.load these bytes with
    # weights_only=False.
    return safe_torch_load(io.BytesIO(data))


# What a protocol-2 pickle of dicts of CPU tensors refers to.
_ALLOWED = {
    ('torch._utils', '_rebuild_tensor_v2'): torch._utils._rebuild_tensor_v2,
    ('torch.storage', '_load_from_bytes'): _storage_from_bytes,
    ('collections', 'OrderedDict'): collections.OrderedDict,
    ('_codecs', 'encode'): _codecs.encode,
}


class UnsafePredictionDumpError(pickle.UnpicklingError):
    """A prediction dump names an object no prediction dump holds."""


class _PredictionUnpickler(pickle.Unpickler):

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise UnsafePredictionDumpError(
                f'{module}.{name} is not part of a prediction dump; refusing '
                'to load it (unpickling it could run code). Write the dump '
                'with `python tools/test.py CONFIG CHECKPOINT --out '
                'preds.pkl --out-item pred`.') from None


def load_prediction_dump(path: str) -> List[dict]:
    """The predictions of a ``--out-item pred`` dump, one dict per sample.

    Raises:
        UnsafePredictionDumpError: The file names anything but tensors,
            ordered dicts and plain Python values.
        ValueError: The file holds no list of predictions.
    """
    with open(path, 'rb') as f:
        try:
            results = _PredictionUnpickler(f).load()
        except UnsafePredictionDumpError as e:
            raise UnsafePredictionDumpError(f'{path}: {e}') from None
    if not isinstance(results, list) or not all(
            isinstance(r, dict) for r in results):
        raise ValueError(f'{path} is not a prediction dump (a list of one '
                         'dict per sample); write one with tools/test.py '
                         '--out preds.pkl --out-item pred')
    return results
