# Copyright (c) mmsocket contributors. All rights reserved.
"""tools/train.py and tools/test.py: their options and what they do to a
config (mmsocket.apis.runner_args) in-process on toy configs, and the real
scripts once as subprocesses."""
import json
import os
import os.path as osp
import shutil
import uuid

import pytest
import torch
from mmengine.config import Config
from toy_parts import REPO_ROOT, run_checked, write_toy_config

import mmsocket.apis.runner_args as runner_args
import mmsocket.utils.dist as dist_utils
from mmsocket.apis import (build_runner, merge_test_args, merge_train_args,
                           parse_test_args, parse_train_args, report_metrics)


def _unique_name(argv):
    # Runners started within one second share a timestamp; a unique
    # experiment name keeps their loggers (and log files) apart.
    return [*argv, '--cfg-options', f'experiment_name={uuid.uuid4().hex}']


def _train(argv):
    """What tools/train.py does, without a launcher."""
    args = parse_train_args(_unique_name(argv))
    runner = build_runner(merge_train_args(Config.fromfile(args.config), args))
    runner.train()
    return runner


def _test(argv):
    """What tools/test.py does, without a launcher."""
    args = parse_test_args(_unique_name(argv))
    runner = build_runner(merge_test_args(Config.fromfile(args.config), args))
    metrics = runner.test()
    report_metrics(metrics, args)
    return metrics


def _merged(config, argv):
    args = parse_train_args([config, *argv])
    return merge_train_args(Config.fromfile(config), args)


def _load(path):
    # Goes through the weights-only allow-list: resume-ability is part of
    # what these tests check.
    return torch.load(path, map_location='cpu', weights_only=True)


def test_train_few_iterations(tmp_path):
    config = write_toy_config(str(tmp_path / 'toy.py'))
    work_dir = str(tmp_path / 'work')
    _train([
        config, '--work-dir', work_dir, '--cfg-options',
        'train_cfg.max_epochs=1'
    ])
    ckpt = _load(osp.join(work_dir, 'epoch_1.pth'))
    assert ckpt['meta']['epoch'] == 1
    assert ckpt['meta']['iter'] == 4  # 16 samples / batch 4
    assert set(ckpt['state_dict']) == {
        'net.0.weight', 'net.0.bias', 'net.2.weight', 'net.2.bias'
    }
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read().strip() == osp.join(work_dir, 'epoch_1.pth')


def test_cfg_options_and_cli_merging(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = write_toy_config(
        str(tmp_path / 'toy_cfg.py'),
        extra='auto_scale_lr = dict(base_batch_size=8)\n')
    cfg = _merged(config, [
        '--cfg-options', 'optim_wrapper.optimizer.lr=0.5',
        'train_cfg.max_epochs=7', 'param_scheduler.0.milestones=[2,3]',
        'work_dir=from_options', '--no-validate', '--auto-scale-lr'
    ])
    # Options merge into nested dicts and lists, keeping siblings.
    assert cfg.optim_wrapper.optimizer == dict(
        type='SGD', lr=0.5, momentum=0.9)
    assert cfg.train_cfg == dict(by_epoch=True, max_epochs=7, val_interval=1)
    assert cfg.param_scheduler[0].milestones == [2, 3]
    assert cfg.work_dir == 'from_options'
    assert cfg.val_dataloader is None and cfg.val_cfg is None
    assert cfg.val_evaluator is None
    assert cfg.auto_scale_lr.enable is True
    assert cfg.default_scope == 'mmsocket'
    # No workers: persistent_workers must be off; no GPU: no pinning.
    assert cfg.train_dataloader.persistent_workers is False
    assert cfg.train_dataloader.pin_memory is False

    # CLI flags win over --cfg-options; the default work dir follows the
    # config name.
    cfg = _merged(config,
                  ['--work-dir', 'cli', '--cfg-options', 'work_dir=opt'])
    assert cfg.work_dir == 'cli'
    assert _merged(config, []).work_dir == osp.join('./work_dirs', 'toy_cfg')

    with pytest.raises(SystemExit, match='base_batch_size'):
        _merged(
            write_toy_config(str(tmp_path / 'no_scale.py')),
            ['--auto-scale-lr'])


def test_amp(tmp_path, monkeypatch):
    single = write_toy_config(str(tmp_path / 'single.py'))
    two = write_toy_config(str(tmp_path / 'two.py'), 'two_optim')
    monkeypatch.setattr(runner_args, 'is_accelerator_available', lambda: False)
    with pytest.raises(SystemExit, match='--amp needs a GPU'):
        _merged(single, ['--amp'])

    monkeypatch.setattr(runner_args, 'is_accelerator_available', lambda: True)
    cfg = _merged(single, ['--amp'])
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    # A multi-optimizer dict: each sub-wrapper, not the dict, gets the type.
    cfg = _merged(two, ['--amp'])
    assert 'type' not in cfg.optim_wrapper
    assert cfg.optim_wrapper.constructor == 'ToolsToyMultiOptimConstructor'
    for name in ('generator', 'student'):
        assert cfg.optim_wrapper[name].type == 'AmpOptimWrapper'
    with pytest.raises(SystemExit, match='only converts OptimWrapper'):
        _merged(
            single,
            ['--amp', '--cfg-options', 'optim_wrapper.type=ApexOptimWrapper'])


@pytest.mark.parametrize('kind', ['single', 'two_optim'])
def test_resume_matches_uninterrupted_run(tmp_path, kind):
    # two_optim: OptimWrapperDict (SGD+Adam) with per-optimizer schedulers.
    config = write_toy_config(str(tmp_path / 'toy.py'), kind)
    full, resumed = str(tmp_path / 'full'), str(tmp_path / 'resumed')
    _train([config, '--work-dir', full])
    _train([
        config, '--work-dir', resumed, '--resume',
        osp.join(full, 'epoch_1.pth')
    ])
    a = _load(osp.join(full, 'epoch_2.pth'))
    b = _load(osp.join(resumed, 'epoch_2.pth'))
    assert not osp.exists(osp.join(resumed, 'epoch_1.pth'))
    assert b['meta']['epoch'] == a['meta']['epoch'] == 2
    assert b['meta']['iter'] == a['meta']['iter'] == 8
    assert a['state_dict'].keys() == b['state_dict'].keys()
    for key in a['state_dict']:
        torch.testing.assert_close(
            a['state_dict'][key], b['state_dict'][key], rtol=0, atol=0)
    # Optimizer state (momentum / Adam moments and lr after the milestone).
    torch.testing.assert_close(a['optimizer'], b['optimizer'], rtol=0, atol=0)
    assert a['param_schedulers'] == b['param_schedulers']


def test_auto_resume_skips_truncated_checkpoint(tmp_path):
    """`--resume` without a value picks the newest *complete* checkpoint."""
    config = write_toy_config(str(tmp_path / 'toy.py'))
    work_dir = str(tmp_path / 'work')
    _train([config, '--work-dir', work_dir])
    epoch2 = osp.join(work_dir, 'epoch_2.pth')
    reference = _load(epoch2)
    # What a kill during a non-atomic save leaves: last_checkpoint names a
    # half-written file.
    size = os.path.getsize(epoch2)
    with open(epoch2, 'r+b') as f:
        f.truncate(size // 2)
    epoch1_stamp = os.stat(osp.join(work_dir, 'epoch_1.pth')).st_mtime_ns
    with pytest.warns(UserWarning, match='missing or incomplete'):
        _train([config, '--work-dir', work_dir, '--resume'])
    # It resumed after epoch 1 (a fresh run would rewrite epoch_1.pth).
    assert os.stat(osp.join(work_dir,
                            'epoch_1.pth')).st_mtime_ns == epoch1_stamp
    again = _load(epoch2)
    assert again['meta']['iter'] == 8
    for key, value in reference['state_dict'].items():
        torch.testing.assert_close(again['state_dict'][key], value)


def test_auto_resume_without_checkpoint_starts_from_scratch(tmp_path):
    config = write_toy_config(str(tmp_path / 'toy.py'))
    work_dir = str(tmp_path / 'work')
    cfg = _merged(config, ['--work-dir', work_dir, '--resume'])
    assert cfg.resume is False and cfg.get('load_from') is None


def test_test_tool_dumps_metrics(tmp_path):
    config = write_toy_config(str(tmp_path / 'toy.py'))
    work_dir = str(tmp_path / 'work')
    _train([
        config, '--work-dir', work_dir, '--cfg-options',
        'train_cfg.max_epochs=1'
    ])
    out = str(tmp_path / 'metrics.json')
    metrics = _test([
        config,
        osp.join(work_dir, 'epoch_1.pth'), '--work-dir', work_dir, '--out',
        out, '--amp'
    ])
    with open(out) as f:
        dumped = json.load(f)
    assert set(dumped) == {'toy/accuracy'}
    assert dumped['toy/accuracy'] == pytest.approx(metrics['toy/accuracy'])

    pred = str(tmp_path / 'pred.pkl')
    _test([
        config,
        osp.join(work_dir, 'epoch_1.pth'), '--work-dir', work_dir, '--out',
        pred, '--out-item', 'pred'
    ])
    assert osp.getsize(pred) > 0
    with pytest.raises(SystemExit, match='must end with'):
        _test([config, 'x.pth', '--out', 'metrics.txt'])

    # Without a checkpoint argument the config's load_from is tested (the
    # unadapted configs name their source model there) ...
    ckpt = osp.join(work_dir, 'epoch_1.pth')
    again = _test(
        [config, '--work-dir', work_dir, '--cfg-options', f'load_from={ckpt}'])
    assert again['toy/accuracy'] == pytest.approx(metrics['toy/accuracy'])
    # ... and with neither, the error says what to do.
    with pytest.raises(ValueError, match='No checkpoint to test'):
        _test([config, '--work-dir', work_dir])


def test_setup_distributed_is_a_no_op_without_launcher(tmp_path):
    cfg = Config.fromfile(write_toy_config(str(tmp_path / 'toy.py')))
    before = cfg.to_dict()
    assert dist_utils.setup_distributed(cfg, 'none') is False
    assert cfg.launcher == 'none'
    after = cfg.to_dict()
    after.pop('launcher')
    assert after == before


def test_copy_of_work_dir_resumes(tmp_path):
    """Checkpoints hold absolute paths nowhere that resume depends on."""
    config = write_toy_config(str(tmp_path / 'toy.py'))
    work_dir = str(tmp_path / 'work')
    _train([
        config, '--work-dir', work_dir, '--cfg-options',
        'train_cfg.max_epochs=1'
    ])
    moved = str(tmp_path / 'moved')
    shutil.copytree(work_dir, moved)
    os.remove(osp.join(moved, 'last_checkpoint'))
    epoch1_stamp = os.stat(osp.join(moved, 'epoch_1.pth')).st_mtime_ns
    _train([config, '--work-dir', moved, '--resume'])
    assert os.stat(osp.join(moved, 'epoch_1.pth')).st_mtime_ns == epoch1_stamp
    assert _load(osp.join(moved, 'epoch_2.pth'))['meta']['epoch'] == 2


def test_dump_results_joins_every_evaluator_form():
    """--out-item pred appends DumpResults to a single metric, a list of
    metrics and an Evaluator dict alike."""
    dump = dict(type='DumpResults', out_file_path='p.pkl')
    acc = dict(type='ToolsToyAccuracy')
    forms = [(acc, [acc, dump]), ([acc], [acc, dump]),
             (dict(type='Evaluator',
                   metrics=acc), dict(type='Evaluator', metrics=[acc, dump]))]
    for evaluator, expected in forms:
        cfg = Config(dict(test_evaluator=evaluator))
        runner_args.add_dump_results(cfg, 'p.pkl')
        got = cfg.test_evaluator
        got = got.to_dict() if hasattr(got,
                                       'to_dict') else [dict(x) for x in got]
        assert got == expected


def test_test_args_refuse_a_bad_out_before_loading_anything(tmp_path):
    with pytest.raises(SystemExit, match='must end with'):
        parse_test_args(['missing.py', '--out', 'metrics.txt'])
    with pytest.raises(SystemExit, match='pred dumps a .pkl'):
        parse_test_args(
            ['missing.py', '--out', 'p.json', '--out-item', 'pred'])


@pytest.mark.slow
def test_train_and_test_scripts(tmp_path):
    """The scripts themselves, as a user runs them."""
    config = write_toy_config(str(tmp_path / 'toy.py'))
    work_dir = str(tmp_path / 'work')

    def run(*argv):
        return run_checked(list(argv), cwd=str(tmp_path))

    run(
        osp.join(REPO_ROOT, 'tools', 'train.py'), config, '--work-dir',
        work_dir, '--cfg-options', 'train_cfg.max_epochs=1')
    out = str(tmp_path / 'metrics.json')
    printed = run(
        osp.join(REPO_ROOT, 'tools', 'test.py'), config,
        osp.join(work_dir, 'epoch_1.pth'), '--work-dir', work_dir, '--out',
        out)
    with open(out) as f:
        dumped = json.load(f)
    assert set(dumped) == {'toy/accuracy'}
    assert f'toy/accuracy: {dumped["toy/accuracy"]}' in printed
