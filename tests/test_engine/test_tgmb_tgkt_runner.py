# Copyright (c) mmsocket contributors. All rights reserved.
"""TGMB then TGKT through mmengine's Runner, from the shipped configs."""
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from tools.analysis.visualize_translation import main as visualize_translation
from .test_socket_runner import ROOT, tiny


def stage_cfg(method, task, data_root, ckpt, num_classes, work_dir):
    cfg = Config.fromfile(
        osp.join(ROOT, f'configs/{method}/synthetic/{task}.py'))
    cfg = tiny(cfg, data_root, work_dir, f'{method}_{task}')
    for src in cfg.model.sources:
        src.checkpoint = ckpt
        assert src.model.head.num_classes == num_classes  # from the data
    if method == 'tgmb':
        cfg.model.discriminator.update(hidden_channels=8)  # width: sources'
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.randomness = dict(seed=0, deterministic=False)
    return cfg


@pytest.mark.slow
@pytest.mark.parametrize('task', ['kv1_to_kv1', 'kv1+kv2_to_kv1'])
def test_tgmb_then_tgkt(source_ckpt, tmp_path, task, monkeypatch, capsys):
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
    argv = [
        osp.join(ROOT, 'tools/analysis/visualize_translation.py'),
        osp.join(ROOT, f'configs/tgmb/synthetic/{task}.py'),
        str(exported), '--out',
        str(out), '--num', '3', '--data-root', data_root, '--scale', '1'
    ]
    if task == 'kv1_to_kv1':  # the command line, once
        stdout = subprocess.run([sys.executable, *argv],
                                check=True,
                                capture_output=True,
                                text=True).stdout
    else:  # its main(), in this process
        monkeypatch.setattr(sys, 'argv', argv)
        visualize_translation()
        stdout = capsys.readouterr().out
    import mmcv
    grid = mmcv.imread(str(out))
    assert grid.shape[0] > 5 * 64  # five rows of 64 px images
    assert ('rows: TR depth (input), TR translated to RGB, TI depth (input), '
            'TI translated to RGB, TI true rgb') in stdout
    # A checkpoint without a translator (the source's) is refused, naming
    # the missing keys, instead of drawing an untrained T.
    monkeypatch.setattr(sys, 'argv', [
        argv[0], argv[1], ckpt, '--out',
        str(tmp_path / 'bad.png'), '--data-root', data_root
    ])
    with pytest.raises(
            RuntimeError, match='missing keys in source state_dict'):
        visualize_translation()
    assert not (tmp_path / 'bad.png').exists()


def test_tgkt_config_names_a_missing_tgmb_checkpoint(source_ckpt, tmp_path):
    data_root, ckpt, num_classes = source_ckpt
    cfg = stage_cfg('tgkt', 'kv1_to_kv1', data_root, ckpt, num_classes,
                    str(tmp_path))
    cfg.model.translator_checkpoint = str(tmp_path / 'nothing.pth')
    with pytest.raises(FileNotFoundError, match='nothing.pth'):
        Runner.from_cfg(cfg)
