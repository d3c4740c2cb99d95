# Copyright (c) mmsocket contributors. All rights reserved.
"""Checkpoint keys do not depend on the launch; evaluating or resuming a
checkpoint that does not fit the model is an error naming the keys."""
import os
import uuid

import pytest
import torch
from mmengine.config import Config
from mmengine.model import MMSeparateDistributedDataParallel
from mmengine.runner import load_state_dict
from toy_parts import write_toy_config

from mmsocket.apis import (build_runner, merge_test_args, merge_train_args,
                           parse_test_args, parse_train_args)
from mmsocket.engine.hooks import CheckpointMismatchError
from mmsocket.registry import MODELS
from mmsocket.utils import hide_wrapper_prefixes, map_wrapper_keys
from tests.gloo_ranks import on_gloo_ranks
from tests.test_engine.fault_injection import run_tool
from tools.test import main as evaluate_tool


def _wrapped_keys(rank):
    model = MODELS.build(dict(type='ToolsToyTwoOptimModel'))
    plain = {k: v.clone() for k, v in model.state_dict().items()}
    MMSeparateDistributedDataParallel(model, device_ids=None)
    before = list(model.state_dict())
    assert hide_wrapper_prefixes(model) == 2
    after = model.state_dict()
    # mmengine's loader looks through the wrappers: the 1-process keys
    # load into the wrapped model, strictly.
    load_state_dict(model, {k: v + 1 for k, v in plain.items()}, True)
    moved = all(
        torch.equal(model.state_dict()[k], plain[k] + 1) for k in plain)
    return before, list(after), list(plain), moved


def test_a_separately_wrapped_model_saves_the_one_process_keys():
    (before, after, plain, moved), = on_gloo_ranks(_wrapped_keys, world_size=1)
    assert 'generator.module.weight' in before
    assert after == plain and moved


def test_map_wrapper_keys_renames_only_what_the_model_lacks():
    model_keys = ['encoders.encoders.0.w', 'mixer.weight', 'head.module.b']
    state = {
        'module.encoders.module.encoders.0.w': 1,
        'mixer.module.weight': 2,
        'head.module.b': 3,  # a real submodule called 'module': kept
        'other.module.x': 4,  # nothing to map it to: kept
    }
    mapped, renamed = map_wrapper_keys(state, model_keys)
    assert list(mapped) == [
        'encoders.encoders.0.w', 'mixer.weight', 'head.module.b',
        'other.module.x'
    ]
    assert renamed == {
        'module.encoders.module.encoders.0.w': 'encoders.encoders.0.w',
        'mixer.module.weight': 'mixer.weight'
    }


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp('keys')
    config = write_toy_config(str(root / 'toy.py'))
    work_dir = str(root / 'work')
    args = parse_train_args([config, '--work-dir', work_dir])
    build_runner(merge_train_args(Config.fromfile(config), args)).train()
    ckpt = torch.load(os.path.join(work_dir, 'epoch_2.pth'), weights_only=True)
    return root, config, ckpt


def _save_variant(root, ckpt, edit):
    state = edit(dict(ckpt['state_dict']))
    path = str(root / f'{uuid.uuid4().hex}.pth')
    torch.save(dict(ckpt, state_dict=state), path)
    return path


def _test_runner(config, checkpoint, root):
    args = parse_test_args([
        config, checkpoint, '--work-dir',
        str(root / 'test'), '--cfg-options',
        f'experiment_name={uuid.uuid4().hex}'
    ])
    return build_runner(merge_test_args(Config.fromfile(config), args))


def test_tools_test_evaluates_a_distributed_runs_checkpoint(trained):
    """The issue: 'net.module.*' keys loaded non-strictly left the built
    weights in place and reported their accuracy, with rc 0."""
    root, config, ckpt = trained
    old = _save_variant(
        root, ckpt, lambda s: {
            k.replace('net.', 'net.module.', 1): v
            for k, v in s.items()
        })
    runner = _test_runner(config, old, root)
    runner.test()
    for key, value in ckpt['state_dict'].items():
        assert torch.equal(runner.model.state_dict()[key], value), key


@pytest.mark.parametrize('edit,what', [
    (lambda s: {
        k: v
        for k, v in s.items() if k != 'net.2.bias'
    }, '1 key(s) missing from the checkpoint: net.2.bias'),
    (lambda s: dict(s, extra=torch.zeros(1)), '1 key(s) not in the model: '
     'extra'),
    (lambda s: dict(s, **{'net.2.weight': torch.zeros(3, 8)}),
     'net.2.weight: checkpoint (3, 8), model (2, 8)'),
])
def test_evaluating_a_checkpoint_that_does_not_fit_is_refused(
        trained, edit, what, capfd):
    root, config, ckpt = trained
    bad = _save_variant(root, ckpt, edit)
    with pytest.raises(CheckpointMismatchError) as error:
        _test_runner(config, bad, root).test()
    assert what in str(error.value)
    assert f'Cannot evaluate {bad}' in str(error.value)
    # The tool says it in one line, without a traceback, and fails.
    assert run_tool(evaluate_tool,
                    [config, bad, '--work-dir',
                     str(root / 'tool')]) == 1
    err = capfd.readouterr().err
    assert f'error: Cannot evaluate {bad}' in err and what in err


def test_resuming_another_models_checkpoint_is_refused(trained):
    root, config, ckpt = trained
    bad = _save_variant(
        root, ckpt, lambda s: {
            k: v
            for k, v in s.items() if 'net.0' not in k
        })
    args = parse_train_args([
        config, '--work-dir',
        str(root / 'resume'), '--resume', bad, '--cfg-options',
        f'experiment_name={uuid.uuid4().hex}'
    ])
    runner = build_runner(merge_train_args(Config.fromfile(config), args))
    with pytest.raises(CheckpointMismatchError, match='Cannot resume'):
        runner.train()
    # Fine-tuning from load_from stays non-strict, as in mmengine.
    args = parse_train_args([
        config, '--work-dir',
        str(root / 'finetune'), '--cfg-options', f'load_from={bad}',
        f'experiment_name={uuid.uuid4().hex}', 'train_cfg.max_epochs=1'
    ])
    build_runner(merge_train_args(Config.fromfile(config), args)).train()


def test_resuming_never_runs_a_config_text_from_the_checkpoint(trained):
    """mmengine's Runner.resume runs Config.fromstring(meta['config']):
    Python from the file (a weights-only load cannot stop that)."""
    root, config, ckpt = trained
    marker = root / 'ran'
    evil = str(root / 'evil.pth')
    meta = dict(
        ckpt['meta'],
        config=f"a = __import__('os').system('touch {marker}')\n")
    torch.save(dict(ckpt, meta=meta), evil)
    args = parse_train_args([
        config, '--work-dir',
        str(root / 'evil'), '--resume', evil, '--cfg-options',
        f'experiment_name={uuid.uuid4().hex}', 'train_cfg.max_epochs=3'
    ])
    build_runner(merge_train_args(Config.fromfile(config), args)).train()
    assert not marker.exists()
