# Copyright (c) mmsocket contributors. All rights reserved.
"""Two seeds started with the same --work-dir: the second is refused while
the first trains, by every way of starting a run, and the first run's files
stay its own."""
import glob
import hashlib
import os
import os.path as osp
import time
import uuid

import pytest
from mmengine.config import Config
from toy_parts import write_toy_config

from mmsocket.apis import Run, execute
from mmsocket.utils import WorkDirInUseError
from tests.test_engine.fault_injection import (assert_same, load, run_tool,
                                               start_tool, wait_exit)
from tools.train import main as train

FAULTY = ("custom_imports = dict(imports=['toy_parts', "
          "'tests.test_engine.fault_injection'], allow_failed_imports=False)\n"
          "custom_hooks = [dict(type='FaultInjectionHook')]\n")


def _files(work_dir):
    out = {}
    for path in sorted(glob.glob(osp.join(work_dir, '**'), recursive=True)):
        if osp.isfile(path) and not path.endswith('.lock'):
            with open(path, 'rb') as f:
                out[osp.relpath(path, work_dir)] = hashlib.sha256(
                    f.read()).hexdigest()
    return out


@pytest.mark.slow
def test_second_run_in_a_live_work_dir_is_refused(tmp_path, capfd):
    config = write_toy_config(str(tmp_path / 'toy.py'), extra=FAULTY)
    work_dir = str(tmp_path / 'work')
    # Seed 0 trains and pauses after its 2nd iteration.
    first = start_tool(
        train,
        [config, '--work-dir', work_dir, '--cfg-options', 'randomness.seed=0'],
        'pause:2')
    deadline = time.time() + 120
    while not osp.exists(tmp_path / 'paused'):
        assert first.is_alive() and time.time() < deadline
        time.sleep(0.05)
    files = _files(work_dir)
    try:
        # Seed 1, same work dir: tools/train.py ...
        assert run_tool(train, [
            config, '--work-dir', work_dir, '--cfg-options',
            'randomness.seed=1'
        ]) == 1
        out = capfd.readouterr()
        message = out.out + out.err
        assert f'is in use by a live run (pid {first.pid} on' in message
        assert 'own --work-dir' in message
        # ... the in-process grid runner ...
        cfg_options = dict(experiment_name=uuid.uuid4().hex)
        with pytest.raises(WorkDirInUseError, match=f'pid {first.pid}'):
            execute(
                Run(config, work_dir, seed=1, cfg_options=cfg_options),
                resume=False)
        # Both were refused before they wrote anything.
        assert _files(work_dir) == files
        # ... and mmengine's Runner with the configs' default hooks.
        cfg = Config.fromfile(config)
        cfg.update(
            work_dir=work_dir,
            experiment_name=uuid.uuid4().hex,
            default_hooks=dict(
                cfg.default_hooks, work_dir_lock=dict(type='WorkDirLockHook')))
        from mmengine.runner import Runner

        # mmengine names a run's log folder after the second it was built: a
        # Runner built in the same second as the first run would share (and
        # write into) that run's folder. Not what this test is about: wait
        # for a second no folder of the work dir is named after.
        while osp.isdir(osp.join(work_dir, time.strftime('%Y%m%d_%H%M%S'))):
            time.sleep(0.1)
        runner = Runner.from_cfg(cfg)
        with pytest.raises(WorkDirInUseError, match=f'pid {first.pid}'):
            runner.train()
        # The refused runs changed none of the first run's files, except
        # what mmengine's Runner writes while it is built, before any hook
        # runs: its own timestamped log folder and the config dump.
        after = _files(work_dir)
        assert {
            k: v
            for k, v in after.items()
            if k.split(os.sep)[0] != runner.timestamp and k != 'toy.py'
        } == {
            k: v
            for k, v in files.items() if k != 'toy.py'
        }
    finally:
        open(tmp_path / 'go_on', 'w').close()
        wait_exit(first, 120)
    assert first.exitcode == 0
    assert not osp.exists(osp.join(work_dir, '.run.lock'))
    # The checkpoints are seed 0's, as if it had trained alone.
    reference = str(tmp_path / 'alone')
    assert run_tool(train, [
        config, '--work-dir', reference, '--cfg-options', 'randomness.seed=0'
    ]) == 0
    assert_same(
        load(osp.join(reference, 'epoch_2.pth'))['state_dict'],
        load(osp.join(work_dir, 'epoch_2.pth'))['state_dict'])
