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
    for name in ('fp32', 'bf16', 'bf16_channels_last'):
        table = (out / f'step_{name}.md').read_text()
        assert '| bare |' in table and '| socket |' in table
    assert 'AMP bf16, channels_last' in text
    assert 'DDP run:' in text and 'iterations logged' in text
    assert (out / 'ddp' / 'epoch_1.pth').exists()


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
