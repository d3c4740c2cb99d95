# Copyright (c) mmsocket contributors. All rights reserved.
"""Pseudo-label monitoring in real SOCKET / SHOT runs on a tiny data set:
what every refresh logs, that it changes nothing in training and reads
labels from the evaluation set only, and the collapse warning of a run whose
learning rate was raised on the command line."""
import glob
import json
import os.path as osp

import pytest
import torch
from mmengine.runner import Runner
from mmengine.visualization import BaseVisBackend

from mmsocket.registry import VISBACKENDS
from tests.test_engine.fault_injection import run_tool
from tools.train import main as train
from .test_socket_runner import trained_state, transfer_cfg


@VISBACKENDS.register_module(force=True)
class RecordingVisBackend(BaseVisBackend):
    """Stands in for TensorBoard / WandB / MLflow: keeps what it is sent."""

    received = []

    @property
    def experiment(self):
        return self

    def _init_env(self):
        pass

    def add_scalars(self, scalar_dict, step=0, file_path=None, **kwargs):
        RecordingVisBackend.received.append(dict(scalar_dict, step=step))


def refreshes(work_dir):
    """The pseudo_label/* records of a run's scalars.json, in order."""
    (path, ) = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(path) as f:
        records = [json.loads(line) for line in f]
    return [r for r in records if 'pseudo_label/class_entropy' in r]


def gt_labels(data_root):
    with open(osp.join(data_root, 'annotations/kv1_tr.json')) as f:
        return torch.tensor([r['gt_label'] for r in json.load(f)['data_list']])


def test_socket_logs_counts_flip_rate_and_accuracy(source_ckpt, tmp_path):
    data_root, ckpt, num_classes = source_ckpt
    work = str(tmp_path / 'work')
    cfg = transfer_cfg('socket', data_root, ckpt, num_classes, work)
    cfg.log_level = 'INFO'
    cfg.visualizer = dict(
        type='Visualizer',
        vis_backends=[
            dict(type='LocalVisBackend'),
            dict(type='RecordingVisBackend')
        ])
    RecordingVisBackend.received.clear()
    runner = Runner.from_cfg(cfg)
    runner.train()
    first, last = refreshes(work)  # before epochs 1 and 2
    # Every configured backend gets the same scalars.
    sent = [
        r for r in RecordingVisBackend.received
        if 'pseudo_label/class_entropy' in r
    ]
    assert sent == [first, last]
    assert first['step'] == 0 and last['step'] == runner.iter // 2
    assert 'pseudo_label/flip_rate' not in first
    assert 0 <= last['pseudo_label/flip_rate'] <= 1
    # One source: zeta is fixed, so the labels the bank gives now are those
    # of the last refresh.
    model = runner.model
    labels = model.batch_pseudo_labels(
        torch.arange(len(gt_labels(data_root))),
        model.mixer().detach())
    gt = gt_labels(data_root)
    assert last['pseudo_label/accuracy'] == pytest.approx(100.0 * float(
        (labels == gt).double().mean()))
    classes = runner.train_dataloader.dataset.metainfo['classes']
    counts = torch.bincount(labels, minlength=num_classes).tolist()
    assert [last[f'pseudo_label/count/{c}'] for c in classes] == counts
    (log, ) = glob.glob(osp.join(work, '*', '*.log'))
    text = open(log).read()
    assert 'Pseudo-labels at iteration 0 (epoch 1): 12 target samples' in text
    assert 'changed since the last refresh' in text
    assert 'TI feature-bank pass: 6 samples' in text


@pytest.mark.slow
def test_monitoring_changes_nothing_and_reads_only_the_eval_set(
        source_ckpt, tmp_path):
    """Monitoring on, off, and on against permuted evaluation labels: the
    trained weights are bit-identical, and the accuracy follows the
    evaluation file (so that is where the labels come from)."""
    data_root, ckpt, num_classes = source_ckpt
    ann = json.load(open(osp.join(data_root, 'annotations/kv1_tr.json')))
    for rec in ann['data_list']:
        rec['gt_label'] = (rec['gt_label'] + 1) % num_classes
    permuted = tmp_path / 'permuted.json'
    json.dump(ann, open(permuted, 'w'))
    states, accuracy = {}, {}
    for variant in ('on', 'off', 'permuted'):
        work = str(tmp_path / variant)
        cfg = transfer_cfg('socket', data_root, ckpt, num_classes, work)
        hook = [h for h in cfg.custom_hooks if h.type == 'PseudoLabelHook'][0]
        if variant == 'off':
            hook.monitor = None
        if variant == 'permuted':
            cfg.val_dataloader.dataset.ann_file = str(permuted)
        runner = Runner.from_cfg(cfg)
        runner.train()
        states[variant] = trained_state(runner)
        if variant != 'off':
            accuracy[variant] = refreshes(work)[-1]['pseudo_label/accuracy']
            labels = runner.model.batch_pseudo_labels(
                torch.arange(12),
                runner.model.mixer().detach())
    for variant in ('off', 'permuted'):
        for key, value in states['on'].items():
            assert torch.equal(value, states[variant][key]), (variant, key)
    gt = (gt_labels(data_root) + 1) % num_classes
    assert accuracy['permuted'] == pytest.approx(100.0 * float(
        (labels == gt).double().mean()))
    assert accuracy['permuted'] != accuracy['on']


@pytest.mark.slow
def test_a_run_with_a_raised_learning_rate_warns_of_collapse(
        source_ckpt, tmp_path, capfd):
    """tools/train.py ... --cfg-options optim_wrapper.optimizer.lr=500:
    SHOT's encoder saturates and every target image gets one class."""
    data_root, ckpt, num_classes = source_ckpt
    cfg = transfer_cfg('shot', data_root, ckpt, num_classes,
                       str(tmp_path / 'work'), 3)
    cfg.log_level = 'INFO'
    path = str(tmp_path / 'shot.py')
    cfg.dump(path)
    # tools/train.py's main() in a forked process (the command line's
    # parsing and logging; not its seconds of imports).
    capfd.readouterr()
    assert run_tool(
        train, [path, '--cfg-options', 'optim_wrapper.optimizer.lr=500']) == 0
    out = capfd.readouterr().out
    warnings = [
        line for line in out.splitlines()
        if 'WARNING - Pseudo-labels' in line and 'Collapse: ' in line
    ]
    assert warnings, out[-3000:]
    assert 'Collapse: of the 12 target samples, ' in warnings[0]
    assert '% of the predictions are ' in warnings[0]
