# Copyright (c) mmsocket contributors. All rights reserved.
"""QuietOptimWrapperConstructor: mmengine's optimizer, one log line."""
import logging
import os.path as osp

import pytest
import torch.nn as nn
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.optim import DefaultOptimWrapperConstructor

from mmsocket.engine.optimizers import (MultiOptimWrapperConstructor,
                                        QuietOptimWrapperConstructor)

ROOT = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))


class Toy(nn.Module):

    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
        self.neck = nn.Linear(4, 2)
        self.head = nn.Linear(2, 3)
        self.head.requires_grad_(False)


class Records(logging.Handler):

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append((record.levelno, record.getMessage()))


@pytest.fixture
def records(request):
    logger = MMLogger.get_instance(
        f'test_quiet_constructor.{request.node.name}', log_level='INFO')
    handler = Records()
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


CFG = dict(
    optim_wrapper_cfg=dict(
        optimizer=dict(type='SGD', lr=0.01, weight_decay=1e-3)),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)}))


def test_same_optimizer_one_info_line(records):
    model = Toy()
    quiet = QuietOptimWrapperConstructor(**CFG)(model)
    mine = list(records)
    records.clear()
    stock = DefaultOptimWrapperConstructor(**CFG)(model)
    ours = [(g['lr'], g['weight_decay'], [id(p) for p in g['params']])
            for g in quiet.optimizer.param_groups]
    theirs = [(g['lr'], g['weight_decay'], [id(p) for p in g['params']])
              for g in stock.optimizer.param_groups]
    assert ours == theirs
    info = [m for lvl, m in mine if lvl >= logging.INFO]
    assert len(info) == 1, info
    line = info[0]
    # conv 3->4 (108 + 4) and BN (4 + 4) at 0.1x, the neck's 8 + 2 at 1x,
    # the frozen head's 2 tensors left out.
    assert line.startswith('optim_wrapper: SGD over 4 tensors (120 weights; '
                           'backbone.0, backbone.1) at lr=0.001, '
                           'weight_decay=0.001; 2 tensors (10 weights; neck) '
                           'at lr=0.01, weight_decay=0.001.'), line
    assert line.endswith('frozen (requires_grad=False): 2 tensors of head')
    # mmengine's own lines are kept, at DEBUG (log_level='DEBUG' shows them)
    debug = [m for lvl, m in mine if lvl == logging.DEBUG]
    assert 'paramwise_options -- backbone.0.weight:lr=0.001' in debug
    assert 'head.bias is skipped since its requires_grad=False' in debug
    # ... which the stock constructor logs at INFO and WARNING.
    assert (logging.INFO,
            'paramwise_options -- backbone.0.weight:lr=0.001') in records
    assert (logging.WARNING,
            'head.bias is skipped since its requires_grad=False') in records


def test_multi_constructor_names_each_network(records):

    class Two(nn.Module):

        def __init__(self):
            super().__init__()
            self.student = Toy()
            self.generator = nn.Linear(2, 2)

    MultiOptimWrapperConstructor(
        dict(
            student=dict(optimizer=dict(type='SGD', lr=0.1)),
            generator=dict(optimizer=dict(type='Adam', lr=1e-3))))(
                Two())
    info = [m for lvl, m in records if lvl >= logging.INFO]
    assert [m.split(':')[0] for m in info
            ] == ['optim_wrapper.student', 'optim_wrapper.generator']
    assert info[1] == ('optim_wrapper.generator: Adam over 2 tensors (6 '
                       'weights; generator) at lr=0.001, weight_decay=0')


@pytest.mark.parametrize('config', [
    'configs/socket/synthetic/kv1_to_kv1.py',
    'configs/source/synthetic/kv1_rgb.py',
    'configs/dfdd/synthetic/teacher_r18w16_real.py',
])
def test_configs_use_the_quiet_constructor(config):
    cfg = Config.fromfile(osp.join(ROOT, config))
    assert cfg.optim_wrapper.constructor == 'QuietOptimWrapperConstructor'
