# Copyright (c) mmsocket contributors. All rights reserved.
"""A run SIGKILLed anywhere and resumed with ``--resume`` ends with the
uninterrupted run's state, bit for bit: every weight, bank, optimizer and
scheduler state, and the random-number states of every process."""
import glob
import os
import os.path as osp
import shutil

import pytest
from mmengine.config import Config

from tests.test_engine.fault_injection import (assert_same,
                                               assert_same_final_state, load,
                                               run_tool)
from tools.train import main as train
from .test_socket_runner import ROOT, transfer_cfg
from .test_tgmb_tgkt_runner import stage_cfg

pytestmark = pytest.mark.slow

# Two epochs of 3 iterations: every fault has a checkpoint before it and
# training after it.
EPOCHS = 2
FAULTS = dict(
    first_epoch='iter:2',  # before any checkpoint: resume starts afresh
    mid_epoch='iter:5',  # epoch 2, batch 2: resume from epoch_1
    after_checkpoint='epoch_end:1',  # resume from epoch_1 at once
    during_checkpoint_write='save:2',  # half a temp file left behind
    during_pseudo_label_pass='pl_pass:2')


def with_faults(cfg: Config, work_dir: str) -> Config:
    """Log at INFO (the tests read the log) and carry the fault hook."""
    cfg.work_dir = work_dir
    cfg.log_level = 'INFO'
    cfg.custom_imports = dict(
        imports=['tests.test_engine.fault_injection'],
        allow_failed_imports=False)
    cfg.custom_hooks = list(cfg.get('custom_hooks',
                                    [])) + [dict(type='FaultInjectionHook')]
    return cfg


def socket_cfg(source, work_dir, **loader):
    data_root, ckpt, num_classes = source
    cfg = transfer_cfg('socket', data_root, ckpt, num_classes, work_dir,
                       EPOCHS)
    # Validation every epoch: evaluating must not change what training
    # draws. The loader as the shipped configs have it: one persistent
    # worker.
    cfg.train_cfg.val_interval = 1
    cfg.train_dataloader.update(
        dict(num_workers=1, persistent_workers=True), **loader)
    return with_faults(cfg, work_dir)


def write(cfg: Config, path: str) -> str:
    cfg.dump(path)
    return path


def train_until_done(config, work_dir, fault=None, *options):
    """Train; with a fault, the run must die of it, and a second ``--resume``
    run must finish. Returns the final checkpoint."""
    if fault is not None:
        assert run_tool(train, [config, '--work-dir', work_dir, *options],
                        fault) == -9
        options = ('--resume', *options)
    assert run_tool(train, [config, '--work-dir', work_dir, *options]) == 0
    return load(osp.join(work_dir, f'epoch_{EPOCHS}.pth'))


def log_text(work_dir: str) -> str:
    return ''.join(
        open(p).read()
        for p in sorted(glob.glob(osp.join(work_dir, '*', '*.log'))))


@pytest.fixture(scope='module')
def socket_reference(source_ckpt, tmp_path_factory):
    root = tmp_path_factory.mktemp('socket_resume')
    config = write(
        socket_cfg(source_ckpt, str(root / 'ref')), str(root / 'socket.py'))
    return root, config, train_until_done(config, str(root / 'ref'))


@pytest.mark.parametrize('fault', list(FAULTS.values()), ids=list(FAULTS))
def test_killed_socket_run_resumes_bit_for_bit(socket_reference, fault):
    root, config, reference = socket_reference
    work_dir = str(root / fault.replace(':', '_'))
    final = train_until_done(config, work_dir, fault)
    assert_same_final_state(reference, final)
    log = log_text(work_dir)
    if fault != 'iter:2':
        assert 'Restored the random-number state' in log
    # The killed run's lock did not block the resumed one.
    assert 'Took over the lock' in log
    if fault.startswith('save'):
        assert 'temp file(s) that a run killed while writing' in log
    assert not [n for n in os.listdir(work_dir) if n.endswith('.tmp')]


def test_disk_full_while_saving_loses_nothing(socket_reference, capfd):
    """'No space left on device' writing epoch_2.pth: the run stops with a
    one-line error, epoch_1.pth is intact, and --resume (space freed) ends
    as the uninterrupted run."""
    root, config, reference = socket_reference
    work_dir = str(root / 'disk_full')
    assert run_tool(train, [config, '--work-dir', work_dir], 'enospc:2') == 1
    err = capfd.readouterr().err
    assert 'error: No space left on the device while writing' in err
    assert 'epoch_2.pth' in err and 'Traceback' not in err
    assert sorted(
        n for n in os.listdir(work_dir)
        if n.endswith(('.pth', '.tmp'))) == ['epoch_1.pth']
    assert load(osp.join(work_dir, 'epoch_1.pth'))['meta']['epoch'] == 1
    assert run_tool(train, [config, '--work-dir', work_dir, '--resume']) == 0
    assert_same_final_state(reference,
                            load(osp.join(work_dir, f'epoch_{EPOCHS}.pth')))


def test_workers_persistent_or_not_draw_the_same(socket_reference,
                                                 source_ckpt):
    """Workers re-seed every epoch from (seed, epoch, rank, worker): fresh
    workers per epoch give the persistent workers' batches (mmengine's own
    seeding would replay epoch 0's random numbers every epoch)."""
    root, _, reference = socket_reference
    work_dir = str(root / 'not_persistent')
    config = write(
        socket_cfg(source_ckpt, work_dir, persistent_workers=False),
        str(root / 'not_persistent.py'))
    final = train_until_done(config, work_dir)
    assert_same(reference['state_dict'], final['state_dict'], 'state_dict')


def test_resume_with_changed_seed_and_lr_keeps_the_checkpoints(
        socket_reference):
    """The checkpoint defines the run: its seed and optimizer state win,
    and the log names what the config changed."""
    root, config, reference = socket_reference
    work_dir = str(root / 'changed')
    os.makedirs(work_dir)
    shutil.copy(osp.join(root, 'ref', 'epoch_1.pth'), work_dir)
    assert run_tool(train, [
        config, '--work-dir', work_dir, '--resume',
        osp.join(work_dir, 'epoch_1.pth'), '--cfg-options',
        'randomness.seed=5', 'optim_wrapper.optimizer.lr=0.5'
    ]) == 0
    assert_same_final_state(reference,
                            load(osp.join(work_dir, f'epoch_{EPOCHS}.pth')))
    log = log_text(work_dir)
    assert 'differs from the checkpoint\'s' in log
    assert 'optim_wrapper.optimizer.lr: 0.01 -> 0.5' in log
    assert 'randomness.seed' in log


def tgmb_cfg(source, work_dir):
    data_root, ckpt, num_classes = source
    cfg = stage_cfg('tgmb', 'kv1_to_kv1', data_root, ckpt, num_classes,
                    work_dir)
    cfg.train_cfg.update(max_epochs=EPOCHS, val_interval=1)
    return with_faults(cfg, work_dir)


def dfdd_cfg(data_root, work_dir):
    """DFDD with G and object mixing; no workers (main-process RNG)."""
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/dfdd/synthetic/dfdd_r18w16-r18w8_sim.py'))
    cfg.model.teacher_ckpt = None
    cfg.experiment_name = 'dfdd'
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].update(num_workers=0, persistent_workers=False, batch_size=4)
        cfg[key].dataset.data_root = data_root
    cfg.train_cfg.update(max_epochs=EPOCHS, val_interval=1)
    cfg.default_hooks.logger.interval = 1
    return with_faults(cfg, work_dir)


def make_depth_data(out) -> str:
    """Tiny depth domains under ``out`` (the ``depth_data`` fixture of
    tests/conftest.py makes them once a session)."""
    from mmsocket.synthetic import generate_depth_domains
    generate_depth_domains(
        str(out),
        seed=0,
        n_real_train=2,
        n_real_test=2,
        n_sim=8,
        size=(80, 60),  # the configs crop 76x56
        workers=1)
    return str(out)


@pytest.mark.parametrize('method', ['tgmb', 'dfdd'])
def test_killed_tgmb_and_dfdd_runs_resume_bit_for_bit(method, source_ckpt,
                                                      depth_data, tmp_path):

    def build(work_dir):
        if method == 'tgmb':
            return tgmb_cfg(source_ckpt, work_dir)
        return dfdd_cfg(depth_data, work_dir)

    config = write(build(str(tmp_path / 'ref')), str(tmp_path / 'cfg.py'))
    reference = train_until_done(config, str(tmp_path / 'ref'))
    # Epoch 2 of 3 iterations (TGMB) / 2 (DFDD): its second iteration.
    per_epoch = reference['meta']['iter'] // EPOCHS
    fault = f'iter:{per_epoch + min(2, per_epoch)}'
    final = train_until_done(config, str(tmp_path / 'killed'), fault)
    assert_same_final_state(reference, final)
