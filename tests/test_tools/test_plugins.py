# Copyright (c) mmsocket contributors. All rights reserved.
"""A third-party package extends mmsocket through ``custom_imports``.

The test writes a tiny package ``my_plugin`` (a loss, a model and a hook
registered into ``mmsocket.registry``) outside the repository, puts it on
``PYTHONPATH`` and trains with ``tools/train.py`` in a subprocess, as a user
would. See docs/plugins.md.
"""
import os.path as osp
import textwrap

import pytest
import torch
from toy_parts import REPO_ROOT, run_checked, subprocess_env, write_toy_config

PLUGIN_MODELS = '''\
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel

from mmsocket.registry import MODELS


@MODELS.register_module()
class PluginScaledCELoss(nn.Module):
    def __init__(self, loss_weight=1.0):
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, logits, label):
        return self.loss_weight * F.cross_entropy(logits, label)


@MODELS.register_module()
class PluginToyClassifier(BaseModel):
    def __init__(self, hidden=6, loss=dict(type='PluginScaledCELoss'),
                 data_preprocessor=None):
        super().__init__(data_preprocessor=data_preprocessor)
        self.plugin_body = nn.Linear(4, hidden)
        self.plugin_head = nn.Linear(hidden, 2)
        # Nested build: resolves in the mmsocket scope like the outer one.
        self.loss_module = MODELS.build(loss)

    def forward(self, inputs, label=None, mode='tensor'):
        logits = self.plugin_head(self.plugin_body(inputs).relu())
        if mode == 'loss':
            return dict(loss_plugin=self.loss_module(logits, label))
        if mode == 'predict':
            return [dict(pred=p, gt=g)
                    for p, g in zip(logits.argmax(1), label)]
        return logits
'''

PLUGIN_HOOKS = '''\
from mmengine.hooks import Hook

from mmsocket.registry import HOOKS


@HOOKS.register_module()
class PluginMarkerHook(Hook):
    def __init__(self, marker_file):
        self.marker_file = marker_file

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        # Runs before LoggerHook (lower priority), so the value is logged.
        runner.message_hub.update_scalar('train/plugin_marker', 42.0)
        model = getattr(runner.model, 'module', runner.model)
        with open(self.marker_file, 'a') as f:
            f.write(f'{runner.iter} {type(model).__name__} '
                    f'{model.loss_module.loss_weight}\\n')
'''

PLUGIN_INIT = '''\
from .hooks import PluginMarkerHook
from .models import PluginScaledCELoss, PluginToyClassifier

__all__ = ['PluginMarkerHook', 'PluginScaledCELoss', 'PluginToyClassifier']
'''


@pytest.mark.slow
def test_third_party_plugin_trains(tmp_path):
    src = tmp_path / 'plugin_src'
    (src / 'my_plugin').mkdir(parents=True)
    (src / 'my_plugin' / '__init__.py').write_text(PLUGIN_INIT)
    (src / 'my_plugin' / 'models.py').write_text(PLUGIN_MODELS)
    (src / 'my_plugin' / 'hooks.py').write_text(PLUGIN_HOOKS)
    marker = tmp_path / 'marker.txt'
    work_dir = tmp_path / 'work'
    # toy_parts only supplies the toy dataset and metric here.
    config = write_toy_config(
        str(tmp_path / 'plugin_cfg.py'),
        extra=textwrap.dedent(f'''\
            custom_imports = dict(
                imports=['toy_parts', 'my_plugin'],
                allow_failed_imports=False)
            model = dict(
                type='PluginToyClassifier',
                hidden=6,
                loss=dict(type='PluginScaledCELoss', loss_weight=2.0))
            custom_hooks = [
                dict(type='PluginMarkerHook', marker_file={str(marker)!r})
            ]
            '''))
    out = run_checked([
        osp.join(REPO_ROOT, 'tools', 'train.py'), config, '--work-dir',
        str(work_dir), '--cfg-options', 'train_cfg.max_epochs=1'
    ],
                      cwd=str(tmp_path),
                      env=subprocess_env(str(src)),
                      timeout=120)

    # The plugin's hook ran after each of the 4 iterations, on its model.
    lines = marker.read_text().split('\n')[:-1]
    assert lines == [f'{i} PluginToyClassifier 2.0' for i in range(4)]
    assert 'plugin_marker: 42.0000' in out
    assert 'loss_plugin:' in out
    # The plugin's model is what trained and got saved.
    ckpt = torch.load(
        work_dir / 'epoch_1.pth', map_location='cpu', weights_only=True)
    assert {k.split('.')[0]
            for k in ckpt['state_dict']} == {'plugin_body', 'plugin_head'}
