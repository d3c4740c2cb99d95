# Copyright (c) mmsocket contributors. All rights reserved.
"""Time and peak memory of a SOCKET training iteration vs. bare fwd+bwd.

For every configuration (network scale x number of sources) the variants of
:mod:`.socket_step` run on the same weights and the same input tensors, in
two kinds of subprocess:

* memory: one per variant, a fresh process each, so peaks do not mix. It
  runs ``mem_iters`` iterations and reports the peak RSS (``ru_maxrss``)
  and its increase over the RSS after model build + data creation.
* timing: one per configuration holding all variants (identical weights),
  run round-robin, one iteration of each per round, the order rotated every
  round (:mod:`.interleave`); ``warmup`` rounds are discarded, ``iters``
  are timed. The per-phase breakdown (encoder forwards, backwards,
  optimizer step, rest) comes from this run.

The subprocess is ``python -m mmsocket.apis.benchmark.socket_step_runner
--child SPEC --child-out FILE``, started in the repository.
"""
import argparse
import json
import os
import os.path as osp
import resource
import subprocess
import sys
import tempfile
import time
from typing import Optional, Sequence

from ..experiment import repo_root
from .interleave import interleaved_rounds
from .socket_step import GIB, SCALES, VARIANTS, StepBench, make_data
from .socket_step_report import merge_memory, report


# --------------------------------------------------------------- the child
def _rss_bytes() -> int:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    return 0


def _maxrss_bytes() -> int:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _setup(spec: dict):
    import logging
    import warnings
    warnings.filterwarnings('ignore')
    import torch
    torch.set_num_threads(spec['threads'])
    from mmengine.logging import MMLogger
    from mmengine.registry import init_default_scope

    import mmsocket.models  # noqa: F401
    MMLogger.get_instance('mmengine', log_level='ERROR')
    logging.getLogger('mmengine').setLevel(logging.ERROR)
    init_default_scope('mmsocket')


def child_memory(spec: dict) -> dict:
    """One variant alone in this process: its peak RSS."""
    _setup(spec)
    n = spec['mem_iters']
    batches, data_sum = make_data(spec, n)
    bench = StepBench(spec, spec['variant'],
                      len(batches) * SCALES[spec['scale']]['batch'])
    cuda = spec.get('device', 'cpu') != 'cpu'
    if cuda:
        import torch
        torch.cuda.reset_peak_memory_stats()
        cuda_base = torch.cuda.memory_allocated()
    rss_base, maxrss_base = _rss_bytes(), _maxrss_bytes()
    times = [bench.timed_step(batches[i])[0] for i in range(n)]
    extra = dict(
        cuda_base=cuda_base,
        cuda_peak=torch.cuda.max_memory_allocated()) if cuda else {}
    return dict(
        **extra,
        spec=spec,
        times=times,
        rss_base=rss_base,
        maxrss_base=maxrss_base,
        peak=_maxrss_bytes(),
        weight_sum=bench.weight_sum,
        data_sum=data_sum)


def child_timing(spec: dict) -> dict:
    """All variants of a configuration, interleaved round-robin."""
    _setup(spec)
    import torch
    variants = spec['variants']
    n_rounds = spec['warmup'] + spec['iters']
    batches, data_sum = make_data(spec, min(n_rounds, 8))
    benches = {
        v: StepBench(spec, v,
                     len(batches) * SCALES[spec['scale']]['batch'])
        for v in variants
    }
    kept = interleaved_rounds(
        lambda v, r: benches[v].timed_step(batches[r % len(batches)]),
        variants, spec['iters'], spec['warmup'])
    res = {
        v:
        dict(
            times=[dt for dt, _, _ in steps],
            cpu_times=[dc for _, dc, _ in steps],
            phases=[ph for _, _, ph in steps])
        for v, steps in kept.items()
    }

    profile = {}
    if spec.get('profile'):
        from torch.profiler import ProfilerActivity
        from torch.profiler import profile as torch_profile
        for v in ('bare', 'socket', 'socket_varmean'):
            if v not in benches:
                continue
            with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
                benches[v].step(batches[0])
            rows = [(ev.key, ev.self_cpu_time_total / 1e3, ev.count)
                    for ev in prof.key_averages()]
            rows.sort(key=lambda r: -r[1])
            profile[v] = rows[:80]
    return dict(
        spec=spec,
        results=res,
        weight_sums={
            v: b.weight_sum
            for v, b in benches.items()
        },
        data_sum=data_sum,
        num_bn_layers=max(b.num_bn_layers for b in benches.values()),
        load=os.getloadavg()[0],
        torch=torch.__version__,
        profile=profile)


def _child_main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--child', required=True)
    parser.add_argument('--child-out', required=True)
    args = parser.parse_args(argv)
    spec = json.loads(args.child)
    res = (
        child_timing(spec) if spec['mode'] == 'timing' else child_memory(spec))
    with open(args.child_out, 'w') as f:
        json.dump(res, f)


# -------------------------------------------------------------- the parent
def _run_child(spec: dict, label: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = osp.join(tmp, 'result.json')
        log = osp.join(tmp, 'log.txt')
        env = dict(os.environ)
        env['OMP_NUM_THREADS'] = env['MKL_NUM_THREADS'] = str(spec['threads'])
        cmd = [
            sys.executable, '-m', __spec__.name, '--child',
            json.dumps(spec), '--child-out', out
        ]
        t = time.time()
        with open(log, 'w') as f:
            ret = subprocess.run(
                cmd,
                stdout=f,
                stderr=subprocess.STDOUT,
                cwd=repo_root(),
                env=env)
        if ret.returncode != 0 or not osp.exists(out):
            with open(log) as f:
                tail = f.read()[-4000:]
            reason = (f'killed by signal {-ret.returncode} (out of memory?)'
                      if ret.returncode < 0 else f'exit {ret.returncode}')
            print(f'  !! {label} failed: {reason}\n{tail}', flush=True)
            return dict(spec=spec, failed=reason)
        with open(out) as f:
            res = json.load(f)
        print(
            f'  {label}: done in {time.time() - t:.0f} s' +
            (f', peak {res["peak"] / GIB:.2f} GiB' if 'peak' in res else ''),
            flush=True)
        return res


def benchmark_socket_step(scales: Sequence[str] = ('cpu', 'paper'),
                          sources: Sequence[int] = (1, 2),
                          paper_two_sources: bool = False,
                          variants: Sequence[str] = VARIANTS,
                          iters: Optional[int] = None,
                          warmup: Optional[int] = None,
                          mem_iters: int = 3,
                          no_memory: bool = False,
                          mem_repeats: int = 1,
                          no_timing: bool = False,
                          threads: Optional[int] = None,
                          seed: int = 0,
                          device: str = 'cpu',
                          amp: Optional[str] = None,
                          channels_last: bool = False,
                          profile: bool = False,
                          strict: bool = False,
                          out: Optional[str] = None,
                          json_out: Optional[str] = None) -> str:
    """Run the benchmark, print the report and return it (see the tool's
    options for the arguments)."""
    threads = threads or os.cpu_count()
    configs = [(scale, S) for scale in scales for S in sources
               if not (scale == 'paper' and S > 1 and not paper_two_sources)]
    print(f'threads={threads}, load average before: '
          f'{os.getloadavg()}',
          flush=True)
    t_start = time.time()
    timing, memory = {}, {}
    for scale, S in configs:
        sc = SCALES[scale]
        names = [v for v in VARIANTS if v in variants]
        if 'bare' not in names:
            names.insert(0, 'bare')
        if scale == 'paper' and S > 1 and 'socket_1bwd' in names:
            # Both graphs of two ResNet-50s at b32 224² alive at once: about
            # twice the 1-source case; not worth the risk on 24 GiB.
            names.remove('socket_1bwd')
        base = dict(
            scale=scale,
            sources=S,
            threads=threads,
            seed=seed,
            device=device,
            amp=amp,
            channels_last=channels_last,
            iters=iters or sc['iters'],
            warmup=warmup if warmup is not None else sc['warmup'],
            mem_iters=mem_iters)
        memory[(scale, S)] = {}
        if not no_memory:
            runs = {v: [] for v in names}
            for rep in range(mem_repeats):
                for v in names:
                    runs[v].append(
                        _run_child(
                            dict(base, mode='memory', variant=v),
                            f'memory {scale}/{S} src/{v} #{rep + 1}'))
            memory[(scale, S)] = {v: merge_memory(r) for v, r in runs.items()}
        if no_timing:
            timing[(scale, S)] = dict(spec=dict(base, variants=names))
        else:
            timing[(scale, S)] = _run_child(
                dict(base, mode='timing', variants=names, profile=profile),
                f'timing {scale}/{S} src')
            timing[(scale, S)].setdefault('spec', {})['variants'] = names

    text = report(timing, memory)
    t0 = next((t for t in timing.values() if 'torch' in t), {})
    header = (f'torch {t0.get("torch", "?")}, {threads} threads, '
              f'{os.cpu_count()} cores; device {device}, '
              f'{"AMP " + amp if amp else "fp32"}'
              f'{", channels_last" if channels_last else ""}; '
              f'total {time.time() - t_start:.0f} s')
    print('\n' + header + '\n\n' + text)
    if out:
        with open(out, 'w') as f:
            f.write(header + '\n\n' + text + '\n')
    if json_out:
        with open(json_out, 'w') as f:
            json.dump(
                dict(
                    timing={
                        f'{k[0]}/{k[1]}': v
                        for k, v in timing.items()
                    },
                    memory={
                        f'{k[0]}/{k[1]}': v
                        for k, v in memory.items()
                    }), f)
    failed = [
        r['failed'] for r in [
            *timing.values(), *(m for ms in memory.values()
                                for m in ms.values())
        ] if 'failed' in r
    ]
    if strict and failed:
        raise SystemExit(f'error: {len(failed)} benchmark subprocess(es) '
                         f'failed ({", ".join(failed)}); their logs are '
                         'printed above')
    return header + '\n\n' + text


if __name__ == '__main__':
    _child_main()
