# Copyright (c) mmsocket contributors. All rights reserved.
"""TGMB then TGKT through mmengine's Runner, from the shipped configs."""
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmsocket.registry import MODELS
from .dist_launch import dist_train
from .test_socket_runner import ROOT, source_ckpt, tiny  # noqa: F401


def stage_cfg(method, task, data_root, ckpt, num_classes, work_dir):
    cfg = Config.fromfile(
        osp.join(ROOT, f'configs/{method}/synthetic/{task}.py'))
    cfg = tiny(cfg, data_root, work_dir, f'{method}_{task}')
    for src in cfg.model.sources:
        src.checkpoint = ckpt
        assert src.model.head.num_classes == num_classes  # from the data
    if method == 'tgmb':
        cfg.model.discriminator.update(in_channels=256, hidden_channels=8)
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.randomness = dict(seed=0, deterministic=False)
    return cfg


@pytest.mark.slow
@pytest.mark.parametrize('task', ['kv1_to_kv1', 'kv1+kv2_to_kv1'])
def test_tgmb_then_tgkt(source_ckpt, tmp_path, task):  # noqa: F811
    data_root, ckpt, num_classes = source_ckpt
    tgmb = Runner.from_cfg(
        stage_cfg('tgmb', task, data_root, ckpt, num_classes,
                  str(tmp_path / 'tgmb')))
    frozen = {
        k: v.clone()
        for k, v in tgmb.model.encoders.state_dict().items()
    }
    tgmb.train()
    for k, v in tgmb.model.encoders.state_dict().items():
        assert torch.equal(v, frozen[k]), k
    assert 0 <= tgmb.val_loop.run()['accuracy/top1'] <= 100
    exported = tmp_path / 'tgmb' / 'tgmb.pth'
    assert exported.exists()

    cfg = stage_cfg('tgkt', task, data_root, ckpt, num_classes,
                    str(tmp_path / 'tgkt'))
    cfg.model.translator_checkpoint = str(exported)
    tgkt = Runner.from_cfg(cfg)
    for k, v in tgmb.model.translator.state_dict().items():
        assert torch.equal(v, tgkt.model.translator.state_dict()[k])
    tgkt.train()
    assert tgkt.model.pseudo_labels_ready and tgkt.model.ti_bank_ready
    assert 0 <= tgkt.val_loop.run()['accuracy/top1'] <= 100

    out = tmp_path / 'grid.png'
    proc = subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools/analysis/visualize_translation.py'),
        osp.join(ROOT, f'configs/tgmb/synthetic/{task}.py'),
        str(exported), '--out',
        str(out), '--num', '3', '--data-root', data_root, '--scale', '1'
    ],
                          check=True,
                          capture_output=True,
                          text=True)
    import mmcv
    grid = mmcv.imread(str(out))
    assert grid.shape[0] > 5 * 64  # five rows of 64 px images
    assert ('rows: TR depth (input), TR translated to RGB, TI depth (input), '
            'TI translated to RGB, TI true rgb') in proc.stdout


def test_tgkt_config_names_a_missing_tgmb_checkpoint(
        source_ckpt,  # noqa
        tmp_path):
    data_root, ckpt, num_classes = source_ckpt
    cfg = stage_cfg('tgkt', 'kv1_to_kv1', data_root, ckpt, num_classes,
                    str(tmp_path))
    cfg.model.translator_checkpoint = str(tmp_path / 'nothing.pth')
    with pytest.raises(FileNotFoundError, match='nothing.pth'):
        Runner.from_cfg(cfg)


def last_checkpoint(work_dir):
    return torch.load(
        osp.join(work_dir, 'epoch_2.pth'),
        map_location='cpu',
        weights_only=True)


def dist_stage_cfg(method, source, work_dir):
    """Two sources (so zeta trains and is DDP-wrapped), 2 epochs."""
    data_root, ckpt, num_classes = source
    cfg = stage_cfg(method, 'kv1+kv2_to_kv1', data_root, ckpt, num_classes,
                    work_dir)
    cfg.train_cfg.update(max_epochs=2, val_interval=2)
    return cfg


@pytest.mark.slow
@pytest.mark.skipif(
    torch.cuda.is_available(), reason='checks the CPU (gloo) path')
def test_tgmb_trains_on_two_cpu_ranks(source_ckpt, tmp_path):  # noqa: F811
    """tools/dist_train.sh with MMSeparateDistributedDataParallel, which
    wraps T, each discriminator set and zeta in a DDP of its own."""
    cfg = dist_stage_cfg('tgmb', source_ckpt, str(tmp_path / 'work'))
    log = dist_train(cfg, str(tmp_path / 'tgmb.py'))
    # 12 TR samples, 4 per rank and step, 2 ranks: 1 iteration per epoch
    assert last_checkpoint(cfg.work_dir)['meta']['iter'] == 2
    assert 'accuracy/source_1' in log


@pytest.mark.slow
@pytest.mark.skipif(
    torch.cuda.is_available(), reason='checks the CPU (gloo) path')
def test_tgkt_trains_on_two_cpu_ranks(source_ckpt, tmp_path):  # noqa: F811
    """As SOCKET: encoders and zeta DDP-wrapped, first backward under
    no_sync; the frozen teacher and T are not wrapped."""
    # T from a one-process TGMB checkpoint.
    translator = str(tmp_path / 'tgmb.pth')
    tgmb = dist_stage_cfg('tgmb', source_ckpt, str(tmp_path / 'tgmb'))
    torch.save(
        dict(state_dict=MODELS.build(tgmb.model).state_dict()), translator)
    cfg = dist_stage_cfg('tgkt', source_ckpt, str(tmp_path / 'work'))
    cfg.model.translator_checkpoint = translator
    log = dist_train(cfg, str(tmp_path / 'tgkt.py'))
    saved = last_checkpoint(cfg.work_dir)
    assert saved['meta']['iter'] == 2
    assert saved['state_dict']['ti_bank'].shape[0] == 2
    assert 'accuracy/source_1' in log
