# Copyright (c) mmsocket contributors. All rights reserved.
"""Every scheme of mmengine's CheckpointLoader loads weights-only."""
import ast
import inspect
import io
import os
import sys
import textwrap
import types

import pytest
import torch
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

import mmsocket  # noqa: F401
from mmsocket.utils import UnsafeCheckpointError, checkpoint_loaders


class WritesMarker:
    """Unpickling this runs ``exec``, which creates the marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f'open({self.marker!r}, "w").close()', ))


def _evil(path, marker, legacy=False):
    torch.save(
        dict(state_dict={'w': torch.ones(1)}, meta=WritesMarker(marker)),
        str(path),
        _use_new_zipfile_serialization=not legacy)
    return str(path)


def _called_names(func):
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    return {
        ast.unparse(node.func)
        for node in ast.walk(tree) if isinstance(node, ast.Call)
    }


def test_no_scheme_keeps_a_loader_that_calls_torch_load():
    ours = {
        checkpoint_loaders.load_from_local, checkpoint_loaders.load_from_ceph,
        checkpoint_loaders.load_from_pavi,
        checkpoint_loaders.load_from_openmmlab
    }
    assert mmengine_checkpoint.load_url is checkpoint_loaders.load_url
    for prefix, loader in CheckpointLoader._schemes.items():
        if loader in ours:
            continue
        # mmengine's http / torchvision / mmcls loaders: they reach the
        # network only through load_url (ours) and load_from_http.
        calls = _called_names(loader)
        assert 'torch.load' not in calls, prefix
        assert calls & {'load_url', 'load_from_http'}, prefix


@pytest.mark.parametrize('legacy', [False, True])
def test_cached_url_and_torchvision_name_are_loaded_weights_only(
        tmp_path, monkeypatch, legacy):
    """torch.hub serves a cached file without downloading: a poisoned
    cache (TORCH_HOME) must be refused, not unpickled."""
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    cache = tmp_path / 'torch_home' / 'hub' / 'checkpoints'
    cache.mkdir(parents=True)
    marker = tmp_path / 'pwned'
    url = 'https://example.invalid/models/evil.pth'
    _evil(cache / 'evil.pth', marker, legacy)
    tv_url = mmengine_checkpoint.get_torchvision_models()['resnet18']
    _evil(cache / os.path.basename(tv_url), marker, legacy)
    for name in (url, 'torchvision://resnet18'):
        with pytest.raises(UnsafeCheckpointError, match='builtins.exec'):
            CheckpointLoader.load_checkpoint(name, logger='silent')
    assert not marker.exists()
    # A clean cached file loads.
    torch.save({'w': torch.ones(2)}, str(cache / 'good.pth'))
    got = CheckpointLoader.load_checkpoint(
        'https://example.invalid/good.pth', logger='silent')
    assert torch.equal(got['w'], torch.ones(2))


def test_object_store_model_cloud_and_openmmlab_load_safely(
        tmp_path, monkeypatch):
    marker = tmp_path / 'pwned'
    evil = _evil(tmp_path / 'evil.pth', marker)
    with open(evil, 'rb') as f:
        payload = f.read()

    class Backend:

        def get(self, filepath):
            return payload

    monkeypatch.setattr(mmengine_checkpoint, 'get_file_backend',
                        lambda *a, **k: Backend())
    with pytest.raises(UnsafeCheckpointError, match="s3://bucket/evil.pth"):
        CheckpointLoader.load_checkpoint(
            's3://bucket/evil.pth', logger='silent')

    class Model:
        name = 'evil.pth'

        def download(self, path):
            with open(path, 'wb') as f:
                f.write(payload)

    pavi = types.ModuleType('pavi')
    pavi.modelcloud = types.SimpleNamespace(get=lambda name: Model())
    monkeypatch.setitem(sys.modules, 'pavi', pavi)
    with pytest.raises(UnsafeCheckpointError, match='pavi://'):
        CheckpointLoader.load_checkpoint('pavi://x/evil', logger='silent')

    monkeypatch.setenv('MMENGINE_HOME', str(tmp_path))
    monkeypatch.setattr(mmengine_checkpoint, 'get_external_models',
                        lambda: {'evil': 'evil.pth'})
    with pytest.raises(UnsafeCheckpointError, match='open-mmlab://evil'):
        CheckpointLoader.load_checkpoint('open-mmlab://evil', logger='silent')
    assert not marker.exists()

    torch.save({'w': torch.ones(1)}, buffer := io.BytesIO())
    payload = buffer.getvalue()
    assert torch.equal(
        CheckpointLoader.load_checkpoint('s3://b/ok.pth',
                                         logger='silent')['w'], torch.ones(1))
