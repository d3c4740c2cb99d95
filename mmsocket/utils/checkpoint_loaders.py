# Copyright (c) mmsocket contributors. All rights reserved.
"""Every mmengine checkpoint loader through the weights-only loader.

``mmengine.runner.CheckpointLoader`` picks a loader by the path's scheme
(``Runner.load_checkpoint``/``resume``, ``load_checkpoint``, ``Pretrained``
init and mmpretrain's ``get_model`` all go through it). mmengine 0.10.7's
loaders call ``torch.load`` with torch's default (not weights-only before
torch 2.6, nor when ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` is set: torch lets
that variable override only a call that does not pass ``weights_only``),
and its URL loader is ``torch.hub.load_state_dict_from_url``, whose default
is ``weights_only=False`` (torch 2.14 included): a cached or downloaded file
from a stranger ran code. :func:`register_safe_checkpoint_loaders` replaces

- ``''`` (local files), ``s3://``/``petrel://``, ``pavi://`` and
  ``open-mmlab://``/``openmmlab://`` with the functions below, which read
  the same bytes and load them with :func:`safe_torch_load`;
- ``mmengine.runner.checkpoint.load_url`` (used by the ``http(s)://``,
  ``torchvision://``/``modelzoo://``, ``mmcls://`` and URL
  ``open-mmlab://`` loaders) with :func:`load_url`, weights-only.

``tests/test_utils/test_checkpoint_loaders.py`` checks that no scheme is
left with one of mmengine's own loaders that calls ``torch.load``.
"""
import io
import os.path as osp
from tempfile import TemporaryDirectory
from typing import Any, Optional

import torch
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

from .checkpoint import refuse_unsafe, safe_torch_load

__all__ = [
    'load_from_local', 'load_url', 'load_from_ceph', 'load_from_pavi',
    'load_from_openmmlab', 'register_safe_checkpoint_loaders'
]

_REGISTERED = False


def load_from_local(filename: str, map_location: Optional[Any] = None):
    """Local-file loader for mmengine's ``CheckpointLoader`` (prefix '')."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return safe_torch_load(filename, map_location=map_location)


def load_url(url: str,
             model_dir: Optional[str] = None,
             map_location: Optional[Any] = None,
             progress: bool = True,
             check_hash: bool = False,
             file_name: Optional[str] = None):
    """torch.hub's download-and-cache of ``url``, loaded weights-only."""
    with refuse_unsafe(url):
        return torch.hub.load_state_dict_from_url(
            url,
            model_dir=model_dir,
            map_location=map_location,
            progress=progress,
            check_hash=check_hash,
            file_name=file_name,
            weights_only=True)


def load_from_ceph(filename: str,
                   map_location: Optional[Any] = None,
                   backend: str = 'petrel'):
    """``s3://``/``petrel://`` paths: the object's bytes, loaded safely."""
    file_backend = mmengine_checkpoint.get_file_backend(
        filename, backend_args={'backend': backend})
    with io.BytesIO(file_backend.get(filename)) as buffer:
        return safe_torch_load(
            buffer, map_location=map_location, name=filename)


def load_from_pavi(filename: str, map_location: Optional[Any] = None):
    """``pavi://`` model-cloud paths: downloaded, then loaded safely."""
    try:
        from pavi import modelcloud
    except ImportError as e:
        raise ImportError(
            'Please install pavi to load checkpoint from modelcloud.') from e
    model = modelcloud.get(filename[len('pavi://'):])
    with TemporaryDirectory() as tmp_dir:
        downloaded = osp.join(tmp_dir, model.name)
        model.download(downloaded)
        return safe_torch_load(
            downloaded, map_location=map_location, name=filename)


def load_from_openmmlab(filename: str, map_location: Optional[Any] = None):
    """``open-mmlab://NAME``: NAME's URL (or file under the mmengine home)
    from mmengine's model table, loaded safely."""
    prefix = 'open-mmlab://' if filename.startswith(
        'open-mmlab://') else 'openmmlab://'
    name = filename[len(prefix):]
    name = mmengine_checkpoint.get_deprecated_model_names().get(name, name)
    model_url = mmengine_checkpoint.get_external_models()[name]
    if model_url.startswith(('http://', 'https://')):
        return mmengine_checkpoint.load_from_http(
            model_url, map_location=map_location)
    path = osp.join(mmengine_checkpoint._get_mmengine_home(), model_url)
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} can not be found.')
    return safe_torch_load(path, map_location=map_location, name=filename)


def register_safe_checkpoint_loaders() -> None:
    """Install the loaders above in mmengine (idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return
    mmengine_checkpoint.load_url = load_url
    for prefixes, loader in (
        ('', load_from_local),
        ([r'(\S+\:)?s3://', r'(\S+\:)?petrel://'], load_from_ceph),
        ('pavi://', load_from_pavi),
        (('open-mmlab://', 'openmmlab://'), load_from_openmmlab),
    ):
        CheckpointLoader.register_scheme(
            prefixes=prefixes, loader=loader, force=True)
    _REGISTERED = True
