# Copyright (c) mmsocket contributors. All rights reserved.
"""Run / execute / execute_all: records, resume, failures, dependencies."""
import json
import os.path as osp
import re

import pytest
from toy_parts import write_toy_config

from mmsocket.apis import Run, execute, execute_all, read_result
from mmsocket.apis import runs as runs_module
from mmsocket.apis.runs import add_progress_bar, format_duration


def _evaluate_weights_of(first: Run):
    """Turn a toy training config into the evaluation of ``first``'s final
    checkpoint: a stage that reads an earlier stage's output."""

    def edit(cfg):
        cfg.train_dataloader = cfg.train_cfg = cfg.optim_wrapper = None
        cfg.param_scheduler = None
        cfg.load_from = osp.join(first.work_dir, 'epoch_1.pth')

    return edit


@pytest.fixture
def toy(tmp_path):
    return write_toy_config(
        str(tmp_path / 'toy.py'), extra="train_cfg['max_epochs'] = 1\n")


def test_execute_records_and_resumes(toy, tmp_path, monkeypatch):
    run = Run(toy, str(tmp_path / 'a'), seed=3, label='toy seed 3')
    record = execute(run)
    on_disk = json.loads((tmp_path / 'a' / 'result.json').read_text())
    assert on_disk == record
    assert record['config'] == toy and record['seed'] == 3
    assert set(record['metrics']) == {'toy/accuracy'}
    assert 0 <= record['metrics']['toy/accuracy'] <= 100
    # Final evaluation only: the last checkpoint is kept, no other.
    assert osp.isfile(tmp_path / 'a' / 'epoch_1.pth')

    def must_not_run(cfg):
        raise AssertionError('a finished run ran again')

    monkeypatch.setattr(runs_module, 'run_config', must_not_run)
    assert execute(run) == record
    with pytest.raises(AssertionError, match='ran again'):
        execute(run, resume=False)


def test_a_stage_reads_the_output_of_the_run_it_needs(toy, tmp_path):
    first = Run(toy, str(tmp_path / 'train'), label='train')
    second = Run(
        toy,
        str(tmp_path / 'eval'),
        label='eval',
        edits=(_evaluate_weights_of(first), ),
        needs=(first, ))
    logs = []
    records, failures = execute_all([first, second], log=logs.append)
    assert failures == []
    # Same weights, same test set: the same accuracy.
    assert records[second]['metrics'] == records[first]['metrics']
    assert logs[0] == '2 runs, 0 already done'
    # Everything done: nothing runs again.
    logs.clear()
    again, _ = execute_all([first, second], log=logs.append)
    assert logs == ['2 runs, 2 already done']
    assert again[second] == records[second]


def test_failures_are_kept_and_dependants_skipped(toy, tmp_path):
    broken = Run(
        toy,
        str(tmp_path / 'broken'),
        label='broken',
        cfg_options={'train_dataloader.dataset.type': 'NoSuchDataset'})
    dependant = Run(
        toy,
        str(tmp_path / 'dependant'),
        label='dependant',
        edits=(_evaluate_weights_of(broken), ),
        needs=(broken, ))
    fine = Run(toy, str(tmp_path / 'fine'), label='fine')
    logs = []
    records, failures = execute_all([broken, dependant, fine], log=logs.append)
    assert failures == ['broken', 'dependant (skipped)']
    assert list(records) == [fine]
    assert 'NoSuchDataset' in (tmp_path / 'broken' / 'error.txt').read_text()
    assert read_result(str(tmp_path / 'dependant')) is None
    assert not osp.exists(tmp_path / 'dependant')
    assert logs[1] == ('[1/3] broken: FAILED (see '
                       f'{tmp_path / "broken"}/error.txt)')
    assert logs[2] == '[2/3] dependant: SKIPPED (needs broken, which failed)'


def test_build_config_order_and_missing_config(toy, tmp_path):
    seen = []
    run = Run(
        toy,
        str(tmp_path / 'w'),
        seed=7,
        cfg_options={'train_cfg.max_epochs': 5},
        edits=(lambda cfg: seen.append(cfg.train_cfg.max_epochs),
               lambda cfg: cfg.train_cfg.update(max_epochs=9)))
    cfg = run.build_config(final_eval_only=False)
    # Options first, then prepare_config, then the edits in order.
    assert seen == [5] and cfg.train_cfg.max_epochs == 9
    assert cfg.randomness == dict(seed=7, deterministic=False)
    assert cfg.work_dir == str(tmp_path / 'w')
    assert cfg.train_dataloader.num_workers == 0
    with pytest.raises(FileNotFoundError, match='pip install -e'):
        Run('configs/no/such.py', str(tmp_path)).build_config()


def test_quiet_runs_show_a_bar_and_the_time_left(toy, tmp_path, monkeypatch):
    seen = []
    real = runs_module.execute

    def spy(run, **kwargs):
        seen.append(kwargs.get('progress_bar'))
        return real(run, **kwargs)

    monkeypatch.setattr(runs_module, 'execute', spy)
    runs = [Run(toy, str(tmp_path / n), label=n) for n in ('a', 'b')]
    logs = []
    execute_all(runs, log=logs.append)
    assert seen == ['[1/2] a', '[2/2] b']
    assert re.fullmatch(r'\[1/2\] a: .* \(\d+ s; 1 to go, about \d+ s\)',
                        logs[1]), logs[1]
    assert re.fullmatch(r'\[2/2\] b: .* \(\d+ s\)', logs[2]), logs[2]
    # Full logs (verbose grids) have no bar.
    seen.clear()
    runs = [Run(toy, str(tmp_path / 'c'), label='c')]
    execute_all(runs, log=logs.append, log_level='INFO')
    assert seen == [None]


def test_add_progress_bar_once_and_only_to_training(toy, tmp_path):
    cfg = Run(toy, str(tmp_path)).build_config(progress_bar='[1/1] toy')
    bars = [h for h in cfg.custom_hooks if h['type'] == 'ProgressBarHook']
    assert bars == [
        dict(type='ProgressBarHook', desc='[1/1] toy', keys=('loss', ))
    ]
    add_progress_bar(cfg, 'again')
    assert len([h for h in cfg.custom_hooks
                if h['type'] == 'ProgressBarHook']) == 1
    cfg.train_dataloader = None  # an evaluation-only config
    cfg.custom_hooks = []
    add_progress_bar(cfg, 'test only')
    assert cfg.custom_hooks == []


def test_format_duration():
    assert [format_duration(s) for s in (4, 89, 600, 5400, 9000)
            ] == ['4 s', '89 s', '10 min', '1.5 h', '2.5 h']


def test_a_configs_runner_type_builds_every_run(toy, tmp_path):
    """``runner_type`` (a registered Runner class) is what run_config, the
    source-model training and the tools build, not mmengine's Runner."""
    from mmengine.runner import Runner

    from mmsocket.apis import build_runner
    from mmsocket.apis.runs import train_source
    from mmsocket.registry import RUNNERS
    built = []

    class CountingRunner(Runner):

        @classmethod
        def from_cfg(cls, cfg):
            built.append(cfg.work_dir)
            return super().from_cfg(cfg)

    RUNNERS.register_module(
        name='CountingRunnerForTests', module=CountingRunner, force=True)
    config = str(tmp_path / 'counted.py')
    with open(config, 'w') as f:
        f.write(
            open(toy).read() + "\nrunner_type = 'CountingRunnerForTests'\n")
    record = execute(Run(config, str(tmp_path / 'a')))
    assert set(record['metrics']) == {'toy/accuracy'}
    with pytest.raises(RuntimeError, match='did not write'):
        train_source(Run(config, str(tmp_path / 'b')), 'missing.pth')
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    cfg.work_dir = str(tmp_path / 'c')
    assert isinstance(build_runner(cfg), CountingRunner)
    assert built == [str(tmp_path / d) for d in 'abc']
