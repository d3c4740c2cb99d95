# Copyright (c) mmsocket contributors. All rights reserved.
"""Tiny model, dataset, metric and optimizer constructor for tool tests.

Everything registers into ``mmsocket.registry`` under names that no
mmpretrain class uses, so a config in the ``mmsocket`` scope can name them.
Configs load this module with ``custom_imports=dict(imports=['toy_parts'])``;
the tests put this folder on ``sys.path``/``PYTHONPATH``.
"""
import json
import os
import os.path as osp
import random
import socket
import subprocess
import sys
from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict
from torch.utils.data import Dataset

from mmsocket.registry import (DATASETS, HOOKS, METRICS, MODELS,
                               OPTIM_WRAPPER_CONSTRUCTORS)

TOY_PARTS_DIR = osp.dirname(osp.abspath(__file__))
REPO_ROOT = osp.dirname(osp.dirname(TOY_PARTS_DIR))


@DATASETS.register_module(force=True)
class ToolsToyDataset(Dataset):
    """Fixed random 4-d points with a linearly separable 2-class label.

    Args:
        length (int): Number of samples. Defaults to 16.
    """

    metainfo = dict(classes=('neg', 'pos'))

    def __init__(self, length: int = 16) -> None:
        gen = torch.Generator().manual_seed(1234)
        self.inputs = torch.randn(length, 4, generator=gen)
        self.labels = (self.inputs.sum(1) > 0).long()

    def __len__(self) -> int:
        return len(self.inputs)

    def __getitem__(self, idx: int) -> dict:
        return dict(inputs=self.inputs[idx], label=self.labels[idx])


@MODELS.register_module(force=True)
class ToolsToyModel(BaseModel):
    """A 2-layer MLP classifier with the ``BaseModel`` contract."""

    def __init__(self, data_preprocessor: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor)
        self.net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))

    def forward(self, inputs, label=None, mode: str = 'tensor'):
        logits = self.net(inputs)
        if mode == 'loss':
            return dict(loss_cls=F.cross_entropy(logits, label))
        if mode == 'predict':
            return [
                dict(pred=p, gt=g) for p, g in zip(logits.argmax(1), label)
            ]
        return logits


@MODELS.register_module(force=True)
class ToolsToyTwoOptimModel(BaseModel):
    """A GAN-like toy with its own ``train_step`` and two optimizers.

    ``generator`` maps the input to a fake input; ``student`` classifies the
    detached fake. Attribute names are the optimizer keys.
    """

    def __init__(self, data_preprocessor: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor)
        self.generator = nn.Linear(4, 4)
        self.student = nn.Linear(4, 2)

    def forward(self, inputs, label=None, mode: str = 'tensor'):
        logits = self.student(inputs)
        if mode == 'predict':
            return [
                dict(pred=p, gt=g) for p, g in zip(logits.argmax(1), label)
            ]
        return logits

    def train_step(self, data, optim_wrapper) -> Dict[str, torch.Tensor]:
        data = self.data_preprocessor(data, True)
        inputs, label = data['inputs'], data['label']
        with optim_wrapper['generator'].optim_context(self.generator):
            fake = self.generator(inputs)
            loss_gen = (fake - inputs).pow(2).mean()
        optim_wrapper['generator'].update_params(loss_gen)
        with optim_wrapper['student'].optim_context(self.student):
            loss_stu = F.cross_entropy(self.student(fake.detach()), label)
        optim_wrapper['student'].update_params(loss_stu)
        return {
            'generator.loss': loss_gen.detach(),
            'student.loss': loss_stu.detach()
        }


@OPTIM_WRAPPER_CONSTRUCTORS.register_module(force=True)
class ToolsToyMultiOptimConstructor:
    """Build one ``OptimWrapper`` per named child into an
    ``OptimWrapperDict``."""

    def __init__(self,
                 optim_wrapper_cfg: dict,
                 paramwise_cfg: Optional[dict] = None) -> None:
        self.optim_wrapper_cfg = optim_wrapper_cfg

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        model = getattr(model, 'module', model)
        return OptimWrapperDict(
            **{
                name: DefaultOptimWrapperConstructor(cfg)(getattr(model, name))
                for name, cfg in self.optim_wrapper_cfg.items()
            })


@METRICS.register_module(force=True)
class ToolsToyAccuracy(BaseMetric):
    """Top-1 accuracy over ``dict(pred, gt)`` predictions."""

    default_prefix = 'toy'

    def process(self, data_batch, data_samples: List[dict]) -> None:
        for sample in data_samples:
            self.results.append(float(sample['pred'] == sample['gt']))

    def compute_metrics(self, results: list) -> dict:
        return dict(accuracy=100 * sum(results) / max(len(results), 1))


_COMMON_CFG = """\
default_scope = 'mmsocket'
custom_imports = dict(imports=['toy_parts'], allow_failed_imports=False)
_loader = dict(
    batch_size=4,
    num_workers=0,
    dataset=dict(type='ToolsToyDataset', length=16),
    collate_fn=dict(type='default_collate'))
train_dataloader = dict(_loader, sampler=dict(type='DefaultSampler',
                                              shuffle=True))
val_dataloader = dict(_loader, sampler=dict(type='DefaultSampler',
                                            shuffle=False))
test_dataloader = val_dataloader
val_evaluator = dict(type='ToolsToyAccuracy')
test_evaluator = val_evaluator
train_cfg = dict(by_epoch=True, max_epochs=2, val_interval=1)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=1),
    checkpoint=dict(type='CheckpointHook', interval=1,
                    backend_args=dict(backend='atomic_local')))
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
randomness = dict(seed=0)
log_level = 'INFO'
"""

_SINGLE_CFG = """\
model = dict(type='ToolsToyModel')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9))
param_scheduler = [dict(type='MultiStepLR', milestones=[1], gamma=0.1)]
"""

_TWO_OPTIM_CFG = """\
model = dict(type='ToolsToyTwoOptimModel')
optim_wrapper = dict(
    constructor='ToolsToyMultiOptimConstructor',
    generator=dict(optimizer=dict(type='Adam', lr=0.01)),
    student=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9)))
param_scheduler = dict(
    generator=[dict(type='MultiStepLR', milestones=[1], gamma=0.5)],
    student=[dict(type='MultiStepLR', milestones=[1], gamma=0.1)])
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
"""


def write_toy_config(path: str, kind: str = 'single', extra: str = '') -> str:
    """Write a toy config file and return its path.

    Args:
        path (str): Where to write the ``.py`` config.
        kind (str): ``'single'`` (one optimizer, default ``train_step``) or
            ``'two_optim'`` (own ``train_step``, ``OptimWrapperDict``).
        extra (str): Python lines appended to the config.
    """
    body = dict(single=_SINGLE_CFG, two_optim=_TWO_OPTIM_CFG)[kind]
    with open(path, 'w') as f:
        f.write(_COMMON_CFG + body + extra)
    return path


@HOOKS.register_module(force=True)
class ToolsToyProbeHook(Hook):
    """Record how the Runner wrapped the model, per rank, in the work dir.

    Writes ``probe_rank{R}.json`` with the world size, the wrapper class, the
    classes of the model's direct children and a checksum of the weights
    after training (equal on all ranks iff gradients were synchronised).
    """

    def after_train(self, runner) -> None:
        model = runner.model
        inner = getattr(model, 'module', model)
        weights = sum(
            float(p.detach().double().abs().sum()) for p in inner.parameters())
        info = dict(
            rank=runner.rank,
            world_size=runner.world_size,
            wrapper=type(model).__name__,
            children={
                name: type(child).__name__
                for name, child in inner.named_children()
            },
            device_ids={
                name: getattr(child, 'device_ids', 'n/a')
                for name, child in inner.named_children()
            },
            top_device_ids=getattr(model, 'device_ids', 'n/a'),
            weights=weights)
        with open(
                osp.join(runner.work_dir, f'probe_rank{runner.rank}.json'),
                'w') as f:
            json.dump(info, f)


def subprocess_env(*extra_paths: str) -> dict:
    """Environment for tool subprocesses: repo, toy parts and ``extra_paths``
    on ``PYTHONPATH``, the venv's scripts (``torchrun``) on ``PATH``."""
    env = dict(os.environ)
    paths = [*extra_paths, REPO_ROOT, TOY_PARTS_DIR]
    if env.get('PYTHONPATH'):
        paths.append(env['PYTHONPATH'])
    env['PYTHONPATH'] = os.pathsep.join(paths)
    env['PATH'] = os.pathsep.join(
        [osp.dirname(sys.executable),
         env.get('PATH', '')])
    env['OMP_NUM_THREADS'] = '1'
    return env


def run_checked(cmd: List[str],
                cwd: str,
                env: Optional[dict] = None,
                timeout: int = 180) -> str:
    """Run ``cmd`` (``sys.executable`` first when it starts with a script
    path ending in ``.py``) and return its output; fail the test, showing
    the output's end, if it exits non-zero."""
    if cmd[0].endswith('.py'):
        cmd = [sys.executable, *cmd]
    proc = subprocess.run(
        cmd,
        env=env or subprocess_env(),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-5000:]
    return proc.stdout


#: Ports the tests' process groups listen on: below the kernel's
#: ephemeral range (32768-60999 on Linux), where every outgoing connection
#: and each gloo pair takes a port, so one picked there by ``bind(0)`` can
#: be taken by another test's ranks before torchrun binds it; 1000 a
#: pytest-xdist worker, so two workers never pick the same one.
PORT_BASE, PORTS_PER_WORKER = 20000, 1000
# Its own generator: the global one is seeded by every Runner (mmengine's
# set_random_seed), and drawing from it would shift what a test draws next.
_PORT_RNG = random.Random()


def free_port() -> int:
    """A TCP port that was free a moment ago, in this worker's own band."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'gw0')
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    low = PORT_BASE + PORTS_PER_WORKER * (index % 12)
    for port in _PORT_RNG.sample(
            range(low, low + PORTS_PER_WORKER), min(50, PORTS_PER_WORKER)):
        with socket.socket() as s:
            try:
                s.bind(('127.0.0.1', port))
            except OSError:  # in use: try another
                continue
            return port
    with socket.socket() as s:  # the band is full: any free port
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]
