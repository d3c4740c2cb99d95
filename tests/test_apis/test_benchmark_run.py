# Copyright (c) mmsocket contributors. All rights reserved.
"""The whole-run benchmark: its phases sum to the run's wall time, every
phase of a run is seen, and the work in each is counted right (steps,
passes, loader batches). No timing thresholds."""
import time

import pytest

from mmsocket.apis.benchmark import phase_clock
from mmsocket.apis.benchmark.phase_clock import (LOOP, ROOT, STEPS, PhaseClock,
                                                 data_phase, hook_phase,
                                                 instrumented)
from mmsocket.apis.benchmark.whole_run import (benchmark_runs, time_bare_loop,
                                               time_whole_run, whole_run_table)
from mmsocket.apis.experiment import prepare_config
from tests.test_engine.test_exact_resume import dfdd_cfg
from tests.test_engine.test_socket_runner import transfer_cfg

EPOCHS = 2


def test_clock_is_exclusive_and_sums_to_total(monkeypatch):
    ticks = iter([0.0, 1.0, 3.0, 6.0, 10.0, 15.0])
    monkeypatch.setattr(phase_clock.time, 'perf_counter', lambda: next(ticks))
    clock = PhaseClock()  # 0
    with clock.phase('a'):  # 1: root 1
        with clock.phase('b'):  # 3: a 2
            pass  # 6: b 3
    # 10: a 4
    assert clock.stop() == 15.0  # root gets 15 - 10 = 5 more
    assert clock.split() == {ROOT: 6.0, 'a': 6.0, 'b': 3.0}
    assert clock.calls == {'a': 1, 'b': 1}


def test_instrumented_restores_the_patched_methods():
    from mmengine.runner import Runner
    before = Runner.call_hook
    with instrumented(PhaseClock()):
        assert Runner.call_hook is not before
    assert Runner.call_hook is before


def _socket(source, work_dir, method='socket'):
    data_root, ckpt, num_classes = source
    cfg = transfer_cfg(method, data_root, ckpt, num_classes, work_dir, EPOCHS)
    return prepare_config(cfg, work_dir, seed=0, final_eval_only=False)


def _assert_sums(result, outer):
    assert sum(result['phases'].values()) == pytest.approx(
        result['total'], rel=1e-9, abs=1e-9)
    assert 0 < result['total'] <= outer


def _iters_per_epoch(cfg):
    from mmengine.runner import Runner
    return len(Runner.build_dataloader(cfg.train_dataloader, seed=0))


@pytest.mark.parametrize('method', ['socket', 'shot'])
def test_whole_run_split(source_ckpt, tmp_path, method):
    cfg = _socket(source_ckpt, str(tmp_path / 'run'), method)
    iters = _iters_per_epoch(cfg)
    t0 = time.perf_counter()
    result = time_whole_run(cfg)
    _assert_sums(result, time.perf_counter() - t0)
    phases, calls = result['phases'], result['calls']
    expected = {
        ROOT, STEPS,
        data_phase(LOOP), 'checkpoints', LOOP, 'validation', 'test',
        hook_phase('before_run'),
        hook_phase('before_train_epoch'),
        hook_phase('after_train_iter'), 'pseudo-label pass',
        data_phase('pseudo-label pass'),
        data_phase('validation'),
        data_phase('test')
    }
    if method == 'socket':
        expected |= {'TI bank pass', data_phase('TI bank pass')}
        assert calls['TI bank pass'] == 1
    else:
        assert 'TI bank pass' not in phases  # SHOT has no TI stream
    assert expected <= set(phases), set(phases) ^ expected
    assert all(phases[p] > 0 for p in expected)
    assert calls[STEPS] == EPOCHS * iters
    assert calls[hook_phase('after_train_iter')] == EPOCHS * iters
    assert calls[hook_phase('before_train_epoch')] == EPOCHS
    # One StopIteration per epoch ends each pass over the train loader.
    assert calls[data_phase(LOOP)] == EPOCHS * (iters + 1)
    assert calls['pseudo-label pass'] == EPOCHS  # refreshed every epoch
    assert calls['validation'] == 1 and calls['test'] == 1  # val_interval=2
    assert 0 <= result['metrics']['accuracy/top1'] <= 100


def test_bare_loop_counts_the_same_batches(source_ckpt, tmp_path):
    cfg = _socket(source_ckpt, str(tmp_path / 'bare'))
    iters = _iters_per_epoch(cfg)
    t0 = time.perf_counter()
    result = time_bare_loop(cfg)
    _assert_sums(result, time.perf_counter() - t0)
    assert set(result['phases']) == {ROOT, LOOP, STEPS, data_phase(LOOP)}
    assert result['calls'][STEPS] == EPOCHS * iters


def test_dfdd_whole_run_and_bare(depth_data, tmp_path):
    cfg = dfdd_cfg(depth_data, str(tmp_path / 'dfdd'))
    cfg.custom_hooks = [
        h for h in cfg.get('custom_hooks', [])
        if h['type'] != 'FaultInjectionHook'
    ]
    run_cfg = prepare_config(
        cfg.copy(), str(tmp_path / 'run'), seed=0, final_eval_only=False)
    result = time_whole_run(run_cfg)
    assert {STEPS, data_phase(LOOP), 'validation',
            'test'} <= set(result['phases'])
    bare_cfg = prepare_config(
        cfg.copy(), str(tmp_path / 'bare'), seed=0, final_eval_only=False)
    bare = time_bare_loop(bare_cfg)
    assert bare['calls'][STEPS] == result['calls'][STEPS]


def test_benchmark_runs_interleaves_and_reports(source_ckpt, tmp_path):
    order = []

    def case(work_dir):
        order.append(work_dir.rsplit('/', 1)[1])
        cfg = _socket(source_ckpt, work_dir, 'shot')
        cfg.train_cfg.max_epochs = 1
        return cfg

    results = benchmark_runs(dict(shot=case), str(tmp_path), rounds=2)
    assert order == [
        'shot_run_r0', 'shot_bare_r0', 'shot_run_nocache_r0', 'shot_bare_r1',
        'shot_run_nocache_r1', 'shot_run_r1'
    ]  # rotated every round
    assert [len(v) for v in results.values()] == [2, 2, 2]
    # The decode cache changes no result.
    assert [r['metrics'] for r in results['shot/run']
            ] == [r['metrics'] for r in results['shot/run_nocache']]
    text = whole_run_table(results, 2, 'the command')
    assert '`the command`' in text and 'torch' in text
    rows = [line for line in text.splitlines() if line.startswith('| shot |')]
    assert rows[0].startswith('| shot | run_nocache |')
    assert rows[1].startswith('| shot | run |')
    assert len(rows[0].split('|')) == 10  # 8 columns
    assert f'| shot | run | {STEPS} |' in text
    assert not list(tmp_path.iterdir())  # work dirs removed


def test_bare_steps_of_the_step_benchmarks():
    """The shared bare steps keep the step benchmarks' structure: SOCKET's
    bare step has two forwards and two backwards; DFDD's bare variant
    updates the student and G."""
    import torch

    from mmsocket.apis.benchmark import dfdd_step
    from mmsocket.apis.benchmark.bare_steps import bare_step
    from mmsocket.apis.benchmark.socket_step import StepBench, make_data
    from mmsocket.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    spec = dict(scale='cpu', sources=1, seed=0)
    batches, _ = make_data(spec, 1)
    bench = StepBench(spec, 'bare', 32)
    _, _, phases = bench.timed_step(batches[0])
    assert phases['fwd_ti'] > 0 and phases['bwd_2'] > 0

    small = dict(dfdd_step.SCALES['cpu'], batch=2, size=(24, 32))
    model, wrappers = dfdd_step.build(dfdd_step.dfdd_model(small))
    data = dfdd_step.make_batch(small['size'], small['batch'])

    def weights(net):
        return torch.cat(
            [p.detach().flatten().clone() for p in net.parameters()])

    before = {
        n: weights(getattr(model, n))
        for n in ('teacher', 'student', 'generator')
    }
    bare_step(model, data, wrappers)
    assert torch.equal(weights(model.teacher), before['teacher'])
    assert not torch.equal(weights(model.student), before['student'])
    assert not torch.equal(weights(model.generator), before['generator'])
    with pytest.raises(TypeError, match='no bare step for Linear'):
        bare_step(torch.nn.Linear(1, 1), {}, None)


def test_dfdd_step_benchmark_memory_child_and_variant_choice(monkeypatch):
    """The DFDD step benchmark's memory child reports its own peak above
    the set-up RSS, and a misspelt variant is refused with the choices."""
    from mmsocket.apis.benchmark import dfdd_step
    monkeypatch.setitem(dfdd_step.SCALES, 'tiny',
                        dict(dfdd_step.SCALES['cpu'], batch=2, size=(24, 32)))
    import torch
    threads = torch.get_num_threads()
    try:  # the child sets one thread: it expects a process of its own
        mem = dfdd_step.memory_child('tiny', 'dfdd', 1)
    finally:
        torch.set_num_threads(threads)
    assert 0 < mem['setup'] <= mem['peak']
    with pytest.raises(
            ValueError, match="unknown variants.*'dfdd_studentfirst'"):
        dfdd_step.benchmark_dfdd_step(
            scales=['tiny'], rounds=1, warmup=0, variant_names=['dfdd_sf'])
