# Copyright (c) mmsocket contributors. All rights reserved.
"""``--deterministic``: two trainings of a tiny SOCKET config in one
environment give the same weights and the same metrics."""
import uuid

import pytest
import torch

from mmsocket.apis import build_runner, merge_train_args, parse_train_args
from tests.test_engine.test_socket_runner import transfer_cfg


@pytest.fixture
def restore_determinism():
    """mmengine switches torch's deterministic mode on for the process."""
    before = torch.are_deterministic_algorithms_enabled()
    yield
    torch.use_deterministic_algorithms(before)


def test_deterministic_option_sets_mmengine_randomness(tmp_path):
    from mmengine.config import Config
    from toy_parts import write_toy_config
    config = write_toy_config(str(tmp_path / 'toy.py'))
    on = merge_train_args(
        Config.fromfile(config), parse_train_args([config, '--deterministic']))
    assert on.randomness.deterministic is True
    off = merge_train_args(Config.fromfile(config), parse_train_args([config]))
    assert not off.get('randomness', {}).get('deterministic', False)


@pytest.mark.slow
def test_two_deterministic_socket_runs_are_identical(source_ckpt, tmp_path,
                                                     restore_determinism):
    data_root, ckpt, num_classes = source_ckpt
    results = []
    for k in range(2):
        work = tmp_path / f'run{k}'
        cfg = transfer_cfg('socket', data_root, ckpt, num_classes, str(work))
        cfg.randomness = dict(seed=3)
        config = str(tmp_path / f'socket{k}.py')
        cfg.dump(config)
        args = parse_train_args([
            config, '--deterministic', '--work-dir',
            str(work), '--cfg-options', f'experiment_name={uuid.uuid4().hex}'
        ])
        runner = build_runner(merge_train_args(cfg, args))
        runner.train()
        assert torch.are_deterministic_algorithms_enabled()
        state = {k: v.clone() for k, v in runner.model.state_dict().items()}
        results.append((state, dict(runner.val_loop.run())))
    (w0, m0), (w1, m1) = results
    assert m0 == m1 and 'accuracy/top1' in m0
    assert w0.keys() == w1.keys()
    for key in w0:
        assert torch.equal(w0[key], w1[key]), key
