# Copyright (c) mmsocket contributors. All rights reserved.
"""Weights-only loading of mmengine checkpoints and refusal of the rest."""
import io
import os
import os.path as osp
import pickle
import pickletools
import uuid
import zipfile

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.logging import HistoryBuffer
from mmengine.runner import Runner, load_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader
from toy_parts import write_toy_config

import mmsocket  # noqa: F401
from mmsocket import apis
from mmsocket.registry import HOOKS
from mmsocket.utils import IncompleteCheckpointError, UnsafeCheckpointError
from mmsocket.utils import checkpoint as ckpt_utils
from mmsocket.utils import (checkpoint_loaders, checkpoint_safe_globals,
                            register_checkpoint_safe_globals)


@HOOKS.register_module(force=True)
class UtilsToyNumpyLogHook(Hook):
    """Logs numpy values of other dtypes, as a user's hook or metric may."""

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None):
        runner.message_hub.update_scalar('train/f32', np.float32(1.5))
        runner.message_hub.update_scalar('train/i32', np.int32(3))
        runner.message_hub.update_info('flag', np.bool_(True))
        runner.message_hub.update_info('arr', np.arange(3, dtype=np.uint8))


class NotAllowListed:
    """A harmless custom class: still not allowed in a checkpoint."""

    def __init__(self):
        self.value = 1


class RunsCode:
    """Unpickling this calls ``os.system``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


def _pickled_globals(path):
    """All GLOBAL names in a torch zip checkpoint's pickle."""
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith('/data.pkl'))
        data = zf.read(name)
    return {
        arg.replace(' ', '.')
        for op, arg, _ in pickletools.genops(io.BytesIO(data))
        if op.name == 'GLOBAL'
    }


def _train(tmp_path, kind, extra=''):
    config = write_toy_config(str(tmp_path / f'{kind}.py'), kind, extra)
    cfg = Config.fromfile(config)
    cfg.work_dir = str(tmp_path / f'work_{kind}')
    cfg.experiment_name = uuid.uuid4().hex
    cfg.pop('model_wrapper_cfg', None)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner, cfg


@pytest.fixture(scope='module')
def real_checkpoints(tmp_path_factory):
    """Checkpoints from real runs: one optimizer with a scheduler, numpy
    values of several dtypes in the message hub and a best checkpoint; and
    an OptimWrapperDict (SGD + Adam) with a scheduler per optimizer."""
    tmp_path = tmp_path_factory.mktemp('ckpts')
    _train(
        tmp_path, 'single',
        "custom_hooks = [dict(type='UtilsToyNumpyLogHook')]\n"
        "default_hooks.update(checkpoint=dict(type='CheckpointHook', "
        "interval=1, save_best='auto'))\n")
    _train(tmp_path, 'two_optim')
    paths = sorted(str(p) for p in tmp_path.glob('work_*/*.pth'))
    assert len(paths) == 5  # 2 + best + 2
    return paths


def test_real_checkpoints_load_weights_only(real_checkpoints):
    for path in real_checkpoints:
        ckpt = torch.load(path, map_location='cpu', weights_only=True)
        assert 'message_hub' in ckpt
        scalars = ckpt['message_hub']['log_scalars']
        assert scalars and all(
            isinstance(v, HistoryBuffer) for v in scalars.values())
        # The HistoryBuffer patch keeps builtins.getattr out of the file.
        globals_ = _pickled_globals(path)
        assert 'builtins.getattr' not in globals_
        assert 'mmengine.logging.history_buffer.HistoryBuffer' in globals_
        assert torch.serialization.get_unsafe_globals_in_checkpoint(path) == []


def test_resume_through_runner(real_checkpoints, tmp_path):
    two_optim_epoch1 = next(p for p in real_checkpoints
                            if 'work_two_optim' in p and 'epoch_1' in p)
    config = write_toy_config(str(tmp_path / 'two.py'), 'two_optim')
    cfg = Config.fromfile(config)
    cfg.pop('model_wrapper_cfg')
    cfg.work_dir = str(tmp_path / 'work')
    cfg.experiment_name = uuid.uuid4().hex
    cfg.resume, cfg.load_from = True, two_optim_epoch1
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 8
    # The restored message hub still computes its statistics.
    assert np.isfinite(
        runner.message_hub.get_scalar('train/student.loss').mean())


def test_allow_list_is_exact():
    names = {}
    for item in checkpoint_safe_globals():
        if isinstance(item, tuple):
            names[item[1]] = item[0]
        else:
            names[f'{item.__module__}.{item.__qualname__}'] = item
    # The name getattr is bound to the narrow stand-in, never to getattr.
    assert names['builtins.getattr'] is ckpt_utils.history_buffer_statistic
    assert getattr not in names.values()
    assert {
        'mmengine.logging.history_buffer.HistoryBuffer',
        'numpy._core.multiarray._reconstruct',
        'numpy.core.multiarray._reconstruct', 'numpy._core.multiarray.scalar',
        'numpy.core.multiarray.scalar', 'numpy.ndarray', 'numpy.dtype',
        '_codecs.encode'
    } <= set(names)
    dtype_classes = {
        item
        for item in checkpoint_safe_globals() if isinstance(item, type)
        and issubclass(item, np.dtype) and item is not np.dtype
    }
    assert {type(np.dtype(c))
            for c in ('f8', 'i8', 'f4', 'i4', 'u1', '?')} <= dtype_classes
    assert type(np.dtype('O')) not in dtype_classes
    assert all(np.dtype(k.type).kind in 'biuf' for k in dtype_classes)
    # Registered with torch (idempotently) by `import mmsocket`.
    assert register_checkpoint_safe_globals() is True
    safe = torch.serialization.get_safe_globals()
    assert HistoryBuffer in safe and len(safe) == len(set(safe))
    assert CheckpointLoader._get_checkpoint_loader(
        'a/b.pth') is checkpoint_loaders.load_from_local


def test_history_buffer_pickles_without_functions():
    buffer = HistoryBuffer([1.0, 2.0], [1, 1])
    state = buffer.__getstate__()
    assert 'statistics_methods' not in state
    assert 'statistics_methods' not in buffer.__dict__
    restored = pickle.loads(pickle.dumps(buffer))
    assert restored.mean() == 1.5
    assert restored.statistics('max') == 2.0


def test_pickled_statistics_methods_do_not_remap_the_registry(
        tmp_path, monkeypatch):
    """Stock __setstate__ writes a file's methods into the class-wide
    registry: a checkpoint could make every buffer's 'mean' a max."""
    buffer = HistoryBuffer([1.0, 3.0], [1, 1])
    monkeypatch.setattr(
        HistoryBuffer, '__getstate__', lambda self: dict(
            self.__dict__, statistics_methods={'mean': HistoryBuffer.max}))
    path = str(tmp_path / 'remap.pth')
    torch.save(dict(meta=dict(hb=buffer)), path)
    monkeypatch.undo()
    loaded = ckpt_utils.safe_torch_load(path)['meta']['hb']
    assert HistoryBuffer._statistics_methods['mean'] is HistoryBuffer.mean
    assert loaded.statistics('mean') == 2.0


def _model():
    return torch.nn.Linear(4, 2)


class GetattrCall:
    """Unpickling this calls ``getattr(owner, name)(*args)``."""

    def __init__(self, owner, name, *args):
        self.owner, self.name, self.args = owner, name, args

    def __reduce__(self):
        return (getattr(self.owner, self.name), self.args)


@pytest.mark.parametrize(
    'payload', ['runs_code', 'custom_class', 'getattr', 'getattr_hb'])
def test_refuses_non_allow_listed_objects(tmp_path, payload):
    marker = tmp_path / 'pwned'
    path = str(tmp_path / f'{payload}.pth')
    state = dict(state_dict=_model().state_dict(), meta=dict())
    if payload == 'runs_code':
        state['meta']['x'] = RunsCode(marker)
        expected = f'{os.system.__module__}.system'  # posix.system
    elif payload == 'custom_class':
        state['meta']['x'] = NotAllowListed()
        expected = f'{__name__}.NotAllowListed'
    elif payload == 'getattr':
        # getattr(ndarray, 'tofile')(array, marker) writes the marker under
        # plain pickle; the getattr stand-in refuses the attribute.
        state['meta']['x'] = GetattrCall(np.ndarray, 'tofile', np.zeros(1),
                                         str(marker))
        pickle.loads(pickle.dumps(state['meta']['x']))  # the payload is live
        assert marker.exists()
        marker.unlink()
        expected = "builtins.getattr(<class 'numpy.ndarray'>, 'tofile')"
    else:
        # Only the four default statistics methods of HistoryBuffer.
        state['meta']['x'] = GetattrCall(HistoryBuffer, 'register_statistics',
                                         len)
        expected = 'register_statistics'
    torch.save(state, path)

    # mmengine's public loader and the Runner use our local loader.
    with pytest.raises(UnsafeCheckpointError) as err:
        load_checkpoint(_model(), path)
    message = str(err.value)
    assert 'not on mmsocket\'s checkpoint allow-list' in message
    assert expected in message
    assert not marker.exists()


def test_tools_refuse_unsafe_checkpoint(tmp_path):
    marker = tmp_path / 'pwned'
    evil = str(tmp_path / 'evil.pth')
    torch.save(dict(state_dict={}, meta=dict(x=RunsCode(marker))), evil)
    config = write_toy_config(str(tmp_path / 'toy.py'))
    name = f'experiment_name={uuid.uuid4().hex}'
    # What tools/test.py and tools/train.py do with these options.
    args = apis.parse_test_args([
        config, evil, '--work-dir',
        str(tmp_path / 'w1'), '--cfg-options', name
    ])
    with pytest.raises(UnsafeCheckpointError, match='system'):
        apis.build_runner(apis.merge_test_args(Config.fromfile(config),
                                               args)).test()
    args = apis.parse_train_args([
        config, '--resume', evil, '--work-dir',
        str(tmp_path / 'w2'), '--cfg-options', name + '2'
    ])
    with pytest.raises(UnsafeCheckpointError, match='system'):
        apis.build_runner(
            apis.merge_train_args(Config.fromfile(config), args)).train()
    assert not marker.exists()


def test_truncated_checkpoint_error(real_checkpoints, tmp_path):
    path = str(tmp_path / 'cut.pth')
    with open(real_checkpoints[0], 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])
    assert ckpt_utils.is_complete_checkpoint(real_checkpoints[0])
    assert not ckpt_utils.is_complete_checkpoint(path)
    with pytest.raises(IncompleteCheckpointError, match='truncated'):
        load_checkpoint(_model(), path)
    with pytest.raises(FileNotFoundError):
        load_checkpoint(_model(), str(tmp_path / 'missing.pth'))


def test_find_latest_checkpoint(tmp_path, real_checkpoints):
    work = tmp_path / 'work'
    work.mkdir()
    assert ckpt_utils.find_latest_checkpoint(str(work)) is None
    with open(real_checkpoints[0], 'rb') as f:
        data = f.read()
    good, cut = work / 'epoch_1.pth', work / 'epoch_2.pth'
    good.write_bytes(data)
    (work / 'best_acc_epoch_1.pth').write_bytes(data)
    (work / '.epoch_3.pth.abc.tmp').write_bytes(data[:10])
    pointer = work / 'last_checkpoint'
    pointer.write_text(str(good))
    assert ckpt_utils.find_latest_checkpoint(str(work)) == str(good)
    cut.write_bytes(data[:100])
    os.utime(good, (1, 1))  # cut is newer, but incomplete
    pointer.write_text(str(cut))
    with pytest.warns(UserWarning, match='missing or incomplete'):
        assert ckpt_utils.find_latest_checkpoint(str(work)) == str(good)
    pointer.write_text('')  # killed while writing the pointer
    assert ckpt_utils.find_latest_checkpoint(str(work)) == str(good)
    assert osp.basename(ckpt_utils.find_latest_checkpoint(
        str(work))) == 'epoch_1.pth'
