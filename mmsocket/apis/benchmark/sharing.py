# Copyright (c) mmsocket contributors. All rights reserved.
"""Two small trainings at once on a shared CPU, against one alone
(``tools/analysis/benchmark_sharing.py``).

Each training is a child process running ``steps`` SOCKET iterations at
the step benchmark's CPU scale (narrow ResNet-18, 64², batch 32, 1 source)
after the thread policy (:mod:`mmsocket.utils.thread_policy`) picked its
threads; it reports the wall time of those iterations. Every round runs,
in an order rotated every round:

``alone``          one child with every core
``pair``           two children at once, each seeing every core
``pair_passive``   the same with ``OMP_WAIT_POLICY=PASSIVE`` (no busy-wait)
``pair_pinned``    two children, each bound to its own share of the cores
                   (``sched_setaffinity``), so the policy gives each that
                   share's threads

The slowdown of a child is its time over the same round's ``alone`` time.
``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` are removed from the
children's environment so the policy, not the caller's shell, picks the
threads.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from typing import Dict, List, Optional, Sequence

from ...utils.thread_policy import PASSIVE_WAIT, usable_cores
from ..experiment import repo_root
from ..table_format import markdown_table
from .interleave import interleaved_rounds, median

VARIANTS = ('alone', 'pair', 'pair_passive', 'pair_pinned')


def child(steps: int, warmup: int, scale: str) -> dict:
    """One training: threads by the policy, then timed iterations."""
    import logging
    import warnings
    warnings.filterwarnings('ignore')
    from mmengine.logging import MMLogger

    from ...utils import register_all_modules
    from ...utils.thread_policy import apply_thread_policy
    from .socket_step import SCALES, StepBench, make_data
    threads = apply_thread_policy()
    register_all_modules(init_default_scope=True)
    MMLogger.get_instance('mmengine', log_level='ERROR')
    logging.getLogger('mmengine').setLevel(logging.ERROR)
    spec = dict(scale=scale, sources=1, seed=0)
    batches, _ = make_data(spec, 2)
    bench = StepBench(spec, 'socket', 2 * SCALES[scale]['batch'])
    for i in range(warmup):
        bench.step(batches[i % 2])
    t0 = time.perf_counter()
    for i in range(steps):
        bench.step(batches[i % 2])
    return dict(
        seconds=time.perf_counter() - t0,
        threads=threads,
        cores=usable_cores())


def _spawn(steps, warmup, scale, extra_env=None, cpus=None):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS')
    }
    env.update(extra_env or {})
    cmd = [
        sys.executable, '-m', __spec__.name, '--child', '--steps',
        str(steps), '--warmup',
        str(warmup), '--scale', scale
    ]
    preexec = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    return subprocess.Popen(
        cmd,
        cwd=repo_root(),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec)


def _collect(procs) -> List[dict]:
    out = []
    for p in procs:
        stdout, stderr = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(
                f'a training child failed (exit {p.returncode}):\n'
                f'{stderr[-3000:]}')
        out.append(json.loads(stdout.strip().splitlines()[-1]))
    return out


def run_variant(variant: str, steps: int, warmup: int,
                scale: str) -> List[dict]:
    """Start the children of ``variant`` together; their results."""
    if variant == 'alone':
        return _collect([_spawn(steps, warmup, scale)])
    if variant == 'pair_pinned':
        cpus = sorted(os.sched_getaffinity(0))
        half = max(1, len(cpus) // 2)
        shares = [cpus[:half], cpus[half:] or cpus[:half]]
        return _collect(
            [_spawn(steps, warmup, scale, cpus=set(c)) for c in shares])
    env = PASSIVE_WAIT if variant == 'pair_passive' else None
    return _collect([_spawn(steps, warmup, scale, env) for _ in range(2)])


def benchmark_sharing(rounds: int = 3,
                      steps: int = 20,
                      warmup: int = 3,
                      scale: str = 'cpu',
                      variants: Sequence[str] = VARIANTS) -> Dict:
    """Every variant once per round (rotated); returns its results."""
    names = ['alone'] + [v for v in variants if v != 'alone']
    return interleaved_rounds(
        lambda v, r: run_variant(v, steps, warmup, scale), names, rounds)


def sharing_report(results: Dict) -> str:
    """Median seconds and slowdown vs ``alone`` (same round) per variant."""
    alone = [r[0]['seconds'] for r in results['alone']]
    rows = []
    for variant, per_round in results.items():
        secs = [max(c['seconds'] for c in r) for r in per_round]
        slow = [
            max(c['seconds'] for c in r) / a for r, a in zip(per_round, alone)
        ]
        threads = '/'.join(str(c['threads']) for c in per_round[0])
        rows.append([
            variant,
            str(len(per_round[0])), threads, f'{median(secs):.2f}',
            f'{median(slow):.2f}'
        ])
    return '\n'.join(
        markdown_table([
            'variant', 'processes', 'threads each', 'median s (slowest)',
            '**slowdown vs alone**'
        ], rows))


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--child', action='store_true')
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--scale', default='cpu')
    args = parser.parse_args(argv)
    print(json.dumps(child(args.steps, args.warmup, args.scale)))


if __name__ == '__main__':
    main()
