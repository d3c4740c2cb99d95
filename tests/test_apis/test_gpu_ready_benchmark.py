# Copyright (c) mmsocket contributors. All rights reserved.
"""The GPU-ready step benchmark on the CPU: AMP and channels_last variants
do what they say, and tools/analysis/gpu_check.sh runs end to end with
tiny sizes (gloo DDP, bf16), so it is known to work before a GPU sees
it."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from toy_parts import free_port

from mmsocket.apis.benchmark.socket_step import (StepBench, make_data,
                                                 optim_wrapper_class)
from mmsocket.utils import register_all_modules

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_fp16_on_cpu_is_refused_with_the_fix():
    with pytest.raises(ValueError, match='--amp bf16 or --device cuda'):
        optim_wrapper_class('cpu', 'fp16')
    with pytest.raises(ValueError, match='amp must be one of'):
        optim_wrapper_class('cpu', 'fp8')


def test_bf16_and_channels_last_variant():
    register_all_modules(init_default_scope=True)
    spec = dict(
        scale='tiny', sources=1, seed=0, amp='bf16', channels_last=True)
    bench = StepBench(spec, 'socket', 8)
    conv = next(m for m in bench.model.encoders.modules()
                if isinstance(m, torch.nn.Conv2d))
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)
    batches, _ = make_data(spec, 1)
    x = bench.model.data_preprocessor(batches[0]['target'], True)['inputs']
    with bench.optim_wrapper.optim_context(bench.model):
        assert conv(x[:, :conv.in_channels]).dtype == torch.bfloat16
    plain = StepBench(dict(spec, amp=None, channels_last=False), 'socket', 8)
    with plain.optim_wrapper.optim_context(plain.model):
        assert plain.model.encoders(x)[0].dtype == torch.float32
    dt, _, phases = bench.timed_step(batches[0])  # a whole bf16 step runs
    assert dt > 0 and phases['bwd_2'] > 0


@pytest.mark.slow
def test_gpu_check_runs_on_cpu_with_tiny_sizes(tmp_path):
    out = tmp_path / 'gpu_check'
    env = dict(
        os.environ,
        DEVICE='cpu',
        TINY='1',
        OUT=str(out),
        PYTHON=sys.executable,
        PORT=str(free_port()))
    ret = subprocess.run(['bash', 'tools/analysis/gpu_check.sh', '2'],
                         cwd=REPO,
                         env=env,
                         capture_output=True,
                         text=True,
                         timeout=900)
    assert ret.returncode == 0, ret.stdout[-3000:] + ret.stderr[-3000:]
    text = ret.stdout
    precisions = dict(
        fp32='fp32;',
        bf16='AMP bf16;',
        bf16_channels_last='AMP bf16, '
        'channels_last;')
    for name, header in precisions.items():
        table = (out / f'step_{name}.md').read_text()
        assert '| bare |' in table and '| socket |' in table
        assert header in table.splitlines()[0]
    assert 'AMP bf16, channels_last' in text
    assert '# gpu_check: tiny scale, device cpu, AMP bf16, 2 DDP processes' \
        in text
    assert 'DDP run:' in text and 'iterations logged' in text
    assert (out / 'ddp' / 'epoch_1.pth').exists()
    # Memory: a fresh process per variant (fp32 only on the CPU check);
    # timing: the three precisions in one process.
    log = (out / 'steps.log').read_text()
    assert log.count('  memory tiny/1 src/') == 2
    assert log.count('== timing: one subprocess for') == 1
    assert all(f'  timing tiny/1 src {name}: done' in log
               for name in precisions)


def _fake_timing(run, seconds=0.5):
    """What a timing child returns for ``run``, with made-up times."""
    from mmsocket.apis.benchmark.socket_step import PHASES
    steps = dict(
        times=[0.1, 0.1],
        cpu_times=[0.1, 0.1],
        phases=[{
            k: 0.01
            for k in PHASES
        }] * 2)
    return dict(
        spec=run,
        results={v: steps
                 for v in run['variants']},
        weight_sums={v: 1.0
                     for v in run['variants']},
        data_sum=0,
        num_bn_layers=1,
        load=0.1,
        torch='x',
        profile={},
        seconds=seconds)


def test_shared_timing_child_keeps_the_runs_before_a_failure(
        tmp_path, monkeypatch, capsys):
    """The precisions' timing runs share one child: when it dies in the
    second run, the first keeps its table, the second and third are marked
    failed, the child's log is printed and strict mode exits with an
    error after writing all three reports."""
    import json

    from mmsocket.apis.benchmark import socket_step_runner as runner
    started = []

    def fake_cmd(spec, out):
        started.append(spec)
        partial = json.dumps([_fake_timing(spec['runs'][0])])
        code = (f'import sys; open({out!r}, "w").write({partial!r}); '
                'print("Traceback: boom in the second run"); sys.exit(3)')
        return [sys.executable, '-c', code]

    monkeypatch.setattr(runner, '_child_cmd', fake_cmd)
    names = ['fp32', 'bf16', 'bf16_channels_last']
    outs = [tmp_path / f'step_{n}.md' for n in names]
    settings = [
        dict(out=str(outs[0])),
        dict(amp='bf16', out=str(outs[1])),
        dict(amp='bf16', channels_last=True, out=str(outs[2]))
    ]
    with pytest.raises(
            SystemExit,
            match=r'2 benchmark subprocess\(es\) failed \(exit 3, not run '
            r'\(exit 3 before it'):
        runner.benchmark_socket_steps(
            settings,
            names,
            strict=True,
            scales=['tiny'],
            sources=[1],
            variants=['bare', 'socket'],
            no_memory=True)
    assert len(started) == 1 and started[0]['mode'] == 'timings'
    runs = started[0]['runs']
    assert [(r['amp'], r['channels_last']) for r in runs] == [(None, False),
                                                              ('bf16', False),
                                                              ('bf16', True)]
    assert all(r['variants'] == ['bare', 'socket'] for r in runs)
    printed = capsys.readouterr().out
    assert 'timing subprocess failed: exit 3' in printed
    assert 'boom in the second run' in printed
    first = outs[0].read_text()
    assert '| bare | 0.100 |' in first and '| socket | 0.100 |' in first
    for out in outs[1:]:
        assert '| bare | — |' in out.read_text()


def test_shared_timing_child_saves_after_each_run(monkeypatch):
    """The child writes what it has after every run, so a crash loses only
    the run it happened in."""
    from mmsocket.apis.benchmark import socket_step_runner as runner
    saved = []

    def fake_timing(run):
        if run['name'] == 'b':
            raise RuntimeError('boom')
        return dict(name=run['name'])

    monkeypatch.setattr(runner, 'child_timing', fake_timing)
    spec = dict(runs=[dict(name='a'), dict(name='b'), dict(name='c')])
    with pytest.raises(RuntimeError, match='boom'):
        runner.child_timings(spec, lambda res: saved.append(list(res)))
    assert saved == [[dict(name='a')]]
    spec = dict(runs=[dict(name='a'), dict(name='c')])
    assert runner.child_timings(spec) == [dict(name='a'), dict(name='c')]


def _fake_steps(out_dir, scale, device, amp, amp_memory):
    from mmsocket.apis.benchmark.precision_steps import precision_names
    print('a line of the step benchmark')
    for name in precision_names(amp):
        with open(osp.join(out_dir, f'step_{name}.md'), 'w') as f:
            f.write(f'torch x; {name}; total 1 s\n\n'
                    '| configuration | variant | median s/it |\n'
                    '|---|---|---|\n'
                    '| tiny | bare | 0.1 |\n| tiny | socket | 0.2 |\n'
                    '\nPer-phase\n| tiny, 1 src | bare | 1 |\n')


def test_gpu_check_driver_prints_the_summary(tmp_path, monkeypatch, capsys):
    """The driver's stages in order, each logged to its file, and the
    lines the script prints (fake stages, a fake torchrun)."""
    from mmsocket.apis.benchmark import gpu_check
    calls = []

    def fake_torchrun(nproc, port, work_dir, options):
        calls.append((nproc, port, options))
        return [sys.executable, '-c', 'print("rank 0 trained")']

    monkeypatch.setattr(gpu_check, 'precision_steps', _fake_steps)
    monkeypatch.setattr(gpu_check, 'prepare', lambda d: ['a=1', 'b=[x]'])
    monkeypatch.setattr(gpu_check, 'torchrun_cmd', fake_torchrun)
    monkeypatch.setattr(gpu_check, 'summary',
                        lambda run_dir, s: f'DDP run: {s >= 0}')
    gpu_check.main(
        [str(tmp_path), '--device', 'cpu', '--scale', 'tiny', '--port', '123'])
    assert calls == [(2, 123, ['a=1', 'b=[x]'])]
    printed = capsys.readouterr().out
    assert 'a line of the step benchmark' not in printed
    assert 'a line of the step benchmark' in (tmp_path /
                                              'steps.log').read_text()
    assert 'rank 0 trained' in (tmp_path / 'ddp.log').read_text()
    lines = printed.splitlines()
    i = lines.index('# gpu_check: tiny scale, device cpu, AMP bf16, '
                    '2 DDP processes')
    assert lines[i + 1:i + 6] == [
        '', 'torch x; fp32; total 1 s', '| configuration | variant | '
        'median s/it |', '| tiny | bare | 0.1 |', '| tiny | socket | 0.2 |'
    ]
    assert 'torch x; bf16_channels_last; total 1 s' in lines
    assert lines[-2:-1] == ['DDP run: True']
    assert lines[-1].startswith('total ') and str(tmp_path) in lines[-1]


@pytest.mark.parametrize('stage', ['steps', 'prepare', 'torchrun'])
def test_gpu_check_failing_stage_prints_its_log_and_exits_1(
        stage, tmp_path, monkeypatch, capsys):
    from mmsocket.apis.benchmark import gpu_check
    later = []

    def failing_steps(*args):
        print('memory tiny/1 src/bare #1 failed: exit 3\nTraceback: boom')
        raise SystemExit('error: 1 benchmark subprocess(es) failed (exit 3)')

    def failing_prepare(work_dir):
        print('rendering the quick data')
        raise RuntimeError('no space left')

    def failing_torchrun(*args):
        return [
            sys.executable, '-c',
            'import sys; print("rank 1 boom", file=sys.stderr); sys.exit(2)'
        ]

    monkeypatch.setattr(gpu_check, 'precision_steps',
                        failing_steps if stage == 'steps' else _fake_steps)
    monkeypatch.setattr(
        gpu_check, 'prepare', failing_prepare if stage == 'prepare' else
        (lambda d: later.append('prepare') or ['a=1']))
    monkeypatch.setattr(
        gpu_check, 'torchrun_cmd', failing_torchrun
        if stage == 'torchrun' else lambda *a: later.append('torchrun'))
    monkeypatch.setattr(gpu_check, 'summary',
                        lambda *a: later.append('summary'))
    with pytest.raises(SystemExit) as exc:
        gpu_check.main([str(tmp_path), '--device', 'cpu', '--scale', 'tiny'])
    assert exc.value.code == 1
    printed = capsys.readouterr().out
    expected, log = dict(
        steps=(['Traceback: boom',
                'error: 1 benchmark subprocess(es) failed'], 'steps.log'),
        prepare=(['rendering the quick data',
                  'RuntimeError: no space left'], 'ddp_prep.log'),
        torchrun=(['rank 1 boom'], 'ddp.log'))[stage]
    for line in expected:
        assert line in printed and line in (tmp_path / log).read_text()
    assert 'summary' not in later and '# gpu_check' not in printed
    assert ('prepare' in later) == (stage == 'torchrun')


@pytest.mark.slow
def test_sharing_benchmark_on_tiny_steps():
    """Real children for ``alone`` and ``pair_pinned`` (the thread policy
    in each); ``pair`` and ``pair_passive`` start the same child, so they
    are checked without processes below."""
    from mmsocket.apis.benchmark.sharing import (benchmark_sharing,
                                                 sharing_report)
    results = benchmark_sharing(
        rounds=1,
        steps=1,
        warmup=0,
        scale='tiny',
        variants=('alone', 'pair_pinned'))
    assert list(results) == ['alone', 'pair_pinned']
    assert [len(r[0]) for r in results.values()] == [1, 2]
    cores = len(os.sched_getaffinity(0))
    # Threads by the policy: all cores alone, each pinned child its share.
    assert 1 <= results['alone'][0][0]['threads'] <= cores
    assert results['alone'][0][0]['cores'] == cores
    assert all(c['threads'] <= c['cores'] for c in results['pair_pinned'][0])
    assert {c['cores']
            for c in results['pair_pinned'][0]} == {max(1, cores // 2)}
    assert all(c['seconds'] > 0 for r in results.values() for c in r[0])
    text = sharing_report(results)
    assert '| alone | 1 |' in text and 'slowdown vs alone' in text


def test_sharing_variants_start_their_children(monkeypatch):
    """Every variant, rotated each round: which children start together,
    with which environment and cores."""
    import json

    from mmsocket.apis.benchmark import sharing
    from mmsocket.utils.thread_policy import PASSIVE_WAIT
    started = []

    class Child:

        def __init__(self, seconds):
            self.returncode = 0
            self.out = json.dumps(dict(seconds=seconds, threads=1, cores=1))

        def communicate(self):
            return 'log line\n' + self.out + '\n', ''

    def spawn(steps, warmup, scale, extra_env=None, cpus=None):
        started.append((steps, warmup, scale, extra_env, cpus))
        return Child(1.0 + len(started) % 2)

    monkeypatch.setattr(sharing, '_spawn', spawn)
    results = sharing.benchmark_sharing(
        rounds=2, steps=3, warmup=1, scale='tiny')
    assert list(results) == list(sharing.VARIANTS)
    sizes = [[len(r) for r in rounds] for rounds in results.values()]
    assert sizes == [[1, 1], [2, 2], [2, 2], [2, 2]]
    assert len(started) == 2 * 7
    assert {s[:3] for s in started} == {(3, 1, 'tiny')}
    envs = [s[3] for s in started]
    assert envs.count(PASSIVE_WAIT) == 4 and envs.count(None) == 10
    cpus = sorted(os.sched_getaffinity(0))
    half = max(1, len(cpus) // 2)
    pinned = [s[4] for s in started if s[4] is not None]
    assert pinned == [set(cpus[:half]), set(cpus[half:] or cpus[:half])] * 2
    text = sharing.sharing_report(results)
    for variant in sharing.VARIANTS:
        assert f'| {variant} |' in text

    class Failed(Child):

        def __init__(self, *args, **kwargs):
            self.returncode = 3

        def communicate(self):
            return '', 'Traceback: boom'

    monkeypatch.setattr(sharing, '_spawn', Failed)
    with pytest.raises(RuntimeError, match='exit 3'):
        sharing.run_variant('alone', 1, 0, 'tiny')


def test_a_memory_childs_peak_is_its_own_not_its_parents():
    """The peak RSS column: a fresh child of this (large) process reports
    its own high-water mark, where ``ru_maxrss`` would report at least the
    parent's resident size (kept across fork + exec)."""
    import inspect
    import json

    from mmsocket.apis.benchmark import socket_step_runner as runner
    if not os.path.exists('/proc/self/status'):
        pytest.skip('needs /proc (Linux)')
    parent_rss = runner._rss_bytes()
    assert parent_rss > 200 * 2**20  # torch and mmsocket are imported
    code = '\n'.join([
        'import json, resource',
        inspect.getsource(runner._proc_status_bytes),
        inspect.getsource(runner._maxrss_bytes),
        'print(json.dumps([_maxrss_bytes(), resource.getrusage('
        'resource.RUSAGE_SELF).ru_maxrss * 1024]))',
    ])
    out = subprocess.run([sys.executable, '-c', code],
                         capture_output=True,
                         text=True,
                         check=True).stdout
    peak, ru_maxrss = json.loads(out)
    assert 0 < peak < parent_rss / 4  # a bare interpreter: tens of MiB
    assert ru_maxrss >= parent_rss * 0.9  # why ru_maxrss is not used
