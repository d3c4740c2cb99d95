# Copyright (c) mmsocket contributors. All rights reserved.
"""``--resume`` never trains over a checkpoint it could not use: a legacy
(non-zip) checkpoint is resumed from, a malicious one stops the run, files
that are all unusable stop it too."""
import os.path as osp
import uuid

import pytest
import torch
from mmengine.config import Config
from toy_parts import write_toy_config

from mmsocket import apis
from mmsocket.utils import (UnsafeCheckpointError, checkpoint_format,
                            safe_torch_load)


class WritesMarker:

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f'open({self.marker!r}, "w").close()', ))


def _train(config, work_dir, *extra):
    args = apis.parse_train_args([
        config, '--work-dir', work_dir, '--cfg-options',
        f'experiment_name={uuid.uuid4().hex}', *extra
    ])
    runner = apis.build_runner(
        apis.merge_train_args(Config.fromfile(config), args))
    runner.train()
    return runner


def _resume(config, work_dir):
    args = apis.parse_train_args([
        config, '--work-dir', work_dir, '--resume', '--cfg-options',
        f'experiment_name={uuid.uuid4().hex}'
    ])
    return apis.merge_train_args(Config.fromfile(config), args)


def _read(path):
    with open(path, 'rb') as f:
        return f.read()


def test_resume_from_a_legacy_format_checkpoint(tmp_path):
    config = write_toy_config(str(tmp_path / 'toy.py'))
    work = str(tmp_path / 'work')
    _train(config, work, 'train_cfg.max_epochs=1')
    path = osp.join(work, 'epoch_1.pth')
    torch.save(
        safe_torch_load(path), path, _use_new_zipfile_serialization=False)
    assert checkpoint_format(path) == 'legacy'
    before = _read(path)

    cfg = _resume(config, work)
    assert cfg.resume and cfg.load_from == path
    runner = apis.build_runner(cfg)
    runner.train()
    assert runner.iter == 8  # 2 epochs of 4 iterations: resumed at epoch 1
    assert _read(path) == before  # max_keep_ckpts is unset: kept as it was
    assert checkpoint_format(osp.join(work, 'epoch_2.pth')) == 'zip'


def test_resume_stops_on_a_malicious_legacy_checkpoint(tmp_path):
    config = write_toy_config(str(tmp_path / 'toy.py'))
    work = tmp_path / 'work'
    work.mkdir()
    marker = tmp_path / 'pwned'
    path = str(work / 'epoch_1.pth')
    torch.save(
        dict(state_dict={}, meta=WritesMarker(marker)),
        path,
        _use_new_zipfile_serialization=False)
    before = _read(path)
    with pytest.raises(UnsafeCheckpointError, match='builtins.exec'):
        _resume(config, str(work))
    assert not marker.exists()
    assert _read(path) == before


def test_resume_stops_when_every_checkpoint_is_unusable(tmp_path):
    config = write_toy_config(str(tmp_path / 'toy.py'))
    work = tmp_path / 'work'
    work.mkdir()
    cut = work / 'epoch_1.pth'
    cut.write_bytes(b'PK\x03\x04 not a whole checkpoint')
    with pytest.raises(SystemExit, match='no usable checkpoint') as err:
        _resume(config, str(work))
    assert 'epoch_1.pth' in str(err.value)
    assert cut.read_bytes() == b'PK\x03\x04 not a whole checkpoint'
    # An empty work dir still trains from scratch.
    cut.unlink()
    assert _resume(config, str(work)).resume is False
