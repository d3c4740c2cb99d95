# Copyright (c) mmsocket contributors. All rights reserved.
"""Time and peak memory of a SOCKET training iteration vs. bare fwd+bwd.

For every configuration (network scale x number of sources) the variants of
:mod:`.socket_step` run on the same weights and the same input tensors, in
two kinds of subprocess:

* memory: one per variant, a fresh process each, so peaks do not mix. It
  runs ``mem_iters`` iterations and reports its own peak RSS (``VmHWM``)
  and its increase over the RSS after model build + data creation.
* timing: one per configuration holding all variants (identical weights),
  run round-robin, one iteration of each per round, the order rotated every
  round (:mod:`.interleave`); ``warmup`` rounds are discarded, ``iters``
  are timed. The per-phase breakdown (encoder forwards, backwards,
  optimizer step, rest) comes from this run.

:func:`benchmark_socket_steps` runs several such benchmarks (the
precisions of ``tools/analysis/gpu_check.sh``) with one timing subprocess
for all of them: the runs follow one another in it, each with its own
models, optimizer wrappers and interleaved rounds, so each saves only the
process start-up; the memory subprocesses stay one per variant.

The subprocess is ``python -m mmsocket.apis.benchmark.socket_step_runner
--child SPEC --child-out FILE``, started in the repository.
"""
import argparse
import gc
import json
import os
import os.path as osp
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, List, Optional, Sequence, Tuple

from ...utils.thread_policy import usable_cores
from ..experiment import repo_root
from .interleave import interleaved_rounds
from .socket_step import GIB, SCALES, VARIANTS, StepBench, make_data
from .socket_step_report import merge_memory, report


# --------------------------------------------------------------- the child
def _proc_status_bytes(key: str) -> int:
    """A ``/proc/self/status`` size (``VmRSS``, ``VmHWM``), 0 without /proc."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(key + ':'):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _rss_bytes() -> int:
    return _proc_status_bytes('VmRSS')


def _maxrss_bytes() -> int:
    """This process's peak RSS. ``VmHWM`` is the high-water mark of its own
    address space; ``ru_maxrss`` (the fallback, KiB on Linux) keeps the
    parent's peak across fork + exec, so a child of a 600 MiB parent never
    reports less than that."""
    return (_proc_status_bytes('VmHWM')
            or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


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
    t_start = time.perf_counter()
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
        profile=profile,
        seconds=time.perf_counter() - t_start)


def child_timings(spec: dict, save: Optional[Callable] = None) -> list:
    """Several timing runs one after the other (``spec['runs']``, each a
    ``child_timing`` spec with its own models and optimizer wrappers, built
    after the previous run's are freed); ``save(results so far)`` after
    each, so a run that crashes the process loses only itself."""
    results = []
    for run in spec['runs']:
        results.append(child_timing(run))
        gc.collect()  # the previous run's models, before the next builds
        if run.get('device', 'cpu') != 'cpu':
            import torch
            torch.cuda.empty_cache()
        if save is not None:
            save(results)
    return results


def _write_json(path: str, obj) -> None:
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f)
    os.replace(tmp, path)


def _child_main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--child', required=True)
    parser.add_argument('--child-out', required=True)
    args = parser.parse_args(argv)
    spec = json.loads(args.child)
    if spec['mode'] == 'timings':
        child_timings(spec, lambda res: _write_json(args.child_out, res))
        return
    res = (
        child_timing(spec) if spec['mode'] == 'timing' else child_memory(spec))
    _write_json(args.child_out, res)


# -------------------------------------------------------------- the parent
def _child_cmd(spec: dict, out: str) -> List[str]:
    return [
        sys.executable, '-m', __spec__.name, '--child',
        json.dumps(spec), '--child-out', out
    ]


def _spawn(spec: dict, label: str) -> Tuple[Any, Optional[str], float]:
    """Run one child on ``spec``: (what it wrote or None, why it failed or
    None, seconds). A failed child's log tail is printed."""
    with tempfile.TemporaryDirectory() as tmp:
        out = osp.join(tmp, 'result.json')
        log = osp.join(tmp, 'log.txt')
        env = dict(os.environ)
        env['OMP_NUM_THREADS'] = env['MKL_NUM_THREADS'] = str(spec['threads'])
        t = time.time()
        with open(log, 'w') as f:
            ret = subprocess.run(
                _child_cmd(spec, out),
                stdout=f,
                stderr=subprocess.STDOUT,
                cwd=repo_root(),
                env=env)
        seconds = time.time() - t
        res = None
        if osp.exists(out):
            with open(out) as f:
                res = json.load(f)
        if ret.returncode == 0 and res is not None:
            return res, None, seconds
        with open(log) as f:
            tail = f.read()[-4000:]
        reason = (f'killed by signal {-ret.returncode} (out of memory?)'
                  if ret.returncode < 0 else f'exit {ret.returncode}')
        print(f'  !! {label} failed: {reason}\n{tail}', flush=True)
        return res, reason, seconds


def _run_child(spec: dict, label: str) -> dict:
    res, reason, seconds = _spawn(spec, label)
    if reason is not None:
        return dict(spec=spec, failed=reason)
    print(
        f'  {label}: done in {seconds:.0f} s' +
        (f', peak {res["peak"] / GIB:.2f} GiB' if 'peak' in res else ''),
        flush=True)
    return res


class _Benchmark:
    """One benchmark: its configurations (network scale x sources), the
    subprocess specs of each, their results and its report."""

    def __init__(self,
                 scales: Sequence[str] = ('cpu', 'paper'),
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
                 out: Optional[str] = None,
                 json_out: Optional[str] = None) -> None:
        self.threads = threads = threads or usable_cores()
        self.device, self.amp, self.channels_last = device, amp, channels_last
        self.no_memory, self.mem_repeats = no_memory, mem_repeats
        self.no_timing, self.profile = no_timing, profile
        self.out, self.json_out = out, json_out
        self.seconds = 0.0  # wall time of this benchmark's work
        self.timing, self.memory = {}, {}
        self.plan = {}  # (scale, S) -> (base spec, variant names)
        for scale in scales:
            for S in sources:
                if scale == 'paper' and S > 1 and not paper_two_sources:
                    continue
                sc = SCALES[scale]
                names = [v for v in VARIANTS if v in variants]
                if 'bare' not in names:
                    names.insert(0, 'bare')
                if scale == 'paper' and S > 1 and 'socket_1bwd' in names:
                    # Both graphs of two ResNet-50s at b32 224² alive at
                    # once: about twice the 1-source case; not worth the
                    # risk on 24 GiB.
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
                self.plan[(scale, S)] = (base, names)

    def start(self) -> None:
        print(
            f'threads={self.threads}, load average before: '
            f'{os.getloadavg()}',
            flush=True)

    def run_memory(self, key: Tuple[str, int]) -> None:
        """The memory subprocesses of a configuration: one fresh process
        per variant (and repeat)."""
        t = time.time()
        base, names = self.plan[key]
        self.memory[key] = {}
        if not self.no_memory:
            runs = {v: [] for v in names}
            for rep in range(self.mem_repeats):
                for v in names:
                    runs[v].append(
                        _run_child(
                            dict(base, mode='memory', variant=v),
                            f'memory {key[0]}/{key[1]} src/{v} #{rep + 1}'))
            self.memory[key] = {v: merge_memory(r) for v, r in runs.items()}
        self.seconds += time.time() - t

    def timing_spec(self, key: Tuple[str, int]) -> Optional[dict]:
        """The spec of the configuration's timing run (None: no timing)."""
        base, names = self.plan[key]
        if self.no_timing:
            return None
        return dict(base, mode='timing', variants=names, profile=self.profile)

    def set_timing(self, key: Tuple[str, int], res: Optional[dict]) -> None:
        base, names = self.plan[key]
        if res is None:  # no timing run
            res = dict(spec=dict(base, variants=names))
        res.setdefault('spec', {})['variants'] = names
        self.timing[key] = res

    def run_timing(self, key: Tuple[str, int]) -> None:
        """The configuration's own timing subprocess."""
        t = time.time()
        spec = self.timing_spec(key)
        self.set_timing(
            key, spec and _run_child(spec, f'timing {key[0]}/{key[1]} src'))
        self.seconds += time.time() - t

    def finish(self) -> Tuple[str, List[str]]:
        """Print and write the report; return it and the failures."""
        timing, memory = self.timing, self.memory
        text = report(timing, memory)
        t0 = next((t for t in timing.values() if 'torch' in t), {})
        amp, device = self.amp, self.device
        header = (f'torch {t0.get("torch", "?")}, {self.threads} threads, '
                  f'{usable_cores()} usable cores ({os.cpu_count()} online); '
                  f'device {device}, '
                  f'{"AMP " + amp if amp else "fp32"}'
                  f'{", channels_last" if self.channels_last else ""}; '
                  f'total {self.seconds:.0f} s')
        print('\n' + header + '\n\n' + text, flush=True)
        if self.out:
            with open(self.out, 'w') as f:
                f.write(header + '\n\n' + text + '\n')
        if self.json_out:
            with open(self.json_out, 'w') as f:
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
        return header + '\n\n' + text, failed


def _raise_failed(failed: List[str]) -> None:
    raise SystemExit(f'error: {len(failed)} benchmark subprocess(es) '
                     f'failed ({", ".join(failed)}); their logs are '
                     'printed above')


def benchmark_socket_step(strict: bool = False, **kwargs) -> str:
    """Run the benchmark, print the report and return it (see the tool's
    options for the arguments): per configuration its memory
    subprocesses, then its timing subprocess."""
    bench = _Benchmark(**kwargs)
    t = time.time()
    bench.start()
    for key in bench.plan:
        bench.run_memory(key)
        bench.run_timing(key)
    bench.seconds = time.time() - t
    text, failed = bench.finish()
    if strict and failed:
        _raise_failed(failed)
    return text


def benchmark_socket_steps(settings: Sequence[dict],
                           names: Sequence[str],
                           strict: bool = False,
                           **common) -> List[str]:
    """Several benchmarks (``settings[i]``: keyword arguments of
    :func:`benchmark_socket_step` on top of ``common``, e.g. one per
    precision) with ONE timing subprocess for all their configurations:
    each benchmark's runs keep their own models, optimizer wrappers and
    interleaved rounds, one benchmark after the other (the previous one's
    models freed first); the memory subprocesses stay one fresh process per
    variant. Prints and writes each report; returns them. A benchmark's
    ``total`` is its memory subprocesses plus its part of the shared timing
    subprocess (whose start-up counts in the first)."""
    benches = [_Benchmark(**common, **s) for s in settings]
    for name, bench in zip(names, benches):
        print(f'== {name}: memory', flush=True)
        bench.start()
        for key in bench.plan:
            bench.run_memory(key)
    runs = [(bench, key, spec, f'timing {key[0]}/{key[1]} src {name}')
            for name, bench in zip(names, benches) for key in bench.plan
            for spec in [bench.timing_spec(key)] if spec is not None]
    for bench in benches:
        for key in bench.plan:
            if bench.timing_spec(key) is None:
                bench.set_timing(key, None)
    failed_after = []
    if runs:
        print(
            '== timing: one subprocess for ' +
            ', '.join(label for *_, label in runs),
            flush=True)
        child = dict(
            mode='timings',
            threads=runs[0][2]['threads'],
            runs=[spec for _, _, spec, _ in runs])
        results, reason, seconds = _spawn(child, 'timing subprocess')
        results = results or []
        if reason is not None and len(results) == len(runs):
            failed_after.append(f'timing subprocess: {reason} after its '
                                'last run')
        inside = sum(r.get('seconds', 0.0) for r in results)
        for i, (bench, key, spec, label) in enumerate(runs):
            if i < len(results):
                res = results[i]
                res_seconds = res.get('seconds', 0.0)
                if i == 0:  # the start-up and what is outside the runs
                    res_seconds += max(0.0, seconds - inside)
                print(f'  {label}: done in {res_seconds:.0f} s', flush=True)
            else:  # the run that failed, and the runs after it
                res = dict(
                    spec=spec,
                    failed=reason if i == len(results) else
                    f'not run ({reason} before it in its subprocess)')
                res_seconds = 0.0
            bench.seconds += res_seconds
            bench.set_timing(key, res)
    texts, failed = [], failed_after
    for name, bench in zip(names, benches):
        print(f'== {name}', flush=True)
        text, bench_failed = bench.finish()
        texts.append(text)
        failed += bench_failed
    if strict and failed:
        _raise_failed(failed)
    return texts


if __name__ == '__main__':
    _child_main()
