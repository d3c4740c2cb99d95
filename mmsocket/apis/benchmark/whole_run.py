# Copyright (c) mmsocket contributors. All rights reserved.
"""Wall time of whole runs, split into phases, beside a bare training loop
over the same data and epochs (``tools/analysis/benchmark_run.py``).

``run``
    :func:`mmsocket.apis.experiment.run_config` of the prepared config (what
    the grid and the quick starts call): Runner build, training with every
    hook, the periodic passes, validation, checkpoints, the final test.
    Timed by :mod:`.phase_clock`, so the phases sum to the total.
``bare``
    The floor: the same config's model, train loader and optimizer
    (built by a Runner, untimed), then ``max_epochs`` passes over the loader
    with :func:`.bare_steps.bare_step` on every batch: data loading plus
    the networks' forward+backward with trivial losses. No hooks, no
    passes, no validation, no checkpoints. Images are decoded once, as in
    ``run``.
``run_nocache``
    ``run`` with the decode cache off (``run_config(...,
    decode_cache_bytes=0)``): the run as it was before that optimisation,
    timed in the same rounds.
``run_nosetupcache``
    ``run`` with mmengine's config formatting and environment summary
    computed by every Runner again (``run_config(..., cache_setup=False)``,
    :mod:`mmsocket.utils.run_setup_cache`): the "before" of that cache.

The variants of every case run round-robin (:mod:`.interleave`): each
round runs each once, in an order rotated every round; ratios are medians
over rounds of same-round ratios.
"""
import functools
import os
import os.path as osp
import platform
import shutil
from typing import Callable, Dict, List, Optional, Sequence

from mmengine.config import Config

from ..table_format import markdown_table
from .interleave import interleaved_rounds, median, median_ratio
from .phase_clock import (LOOP, ROOT, STEPS, PhaseClock, data_phase,
                          instrumented)

#: A case builds its prepared config for a fresh work dir.
CaseBuilder = Callable[[str], Config]
#: ``run_nocache``: the run as before the decode cache (the "before" of
#: that optimisation, timed in the same rounds).
KINDS = ('run', 'bare', 'run_nocache')
#: Every kind; ``run_nosetupcache`` on request (``--kinds``).
ALL_KINDS = KINDS + ('run_nosetupcache', )
RUN_KINDS = ('run_nocache', 'run_nosetupcache', 'run')


def time_whole_run(cfg: Config, **run_options) -> dict:
    """Run ``cfg`` end to end (:func:`run_config` with ``run_options``)
    under the phase clock.

    Returns:
        dict: ``total`` (s), ``phases`` (phase -> s, summing to
        ``total``), ``calls`` (phase -> times entered) and the ``metrics``.
    """
    from ..experiment import run_config
    clock = PhaseClock()
    with instrumented(clock):
        metrics = run_config(cfg, **run_options)
    total = clock.stop()
    return dict(
        total=total,
        phases=clock.split(),
        calls=dict(clock.calls),
        metrics={
            k: float(v)
            for k, v in metrics.items()
        })


def time_bare_loop(cfg: Config) -> dict:
    """``max_epochs`` passes of the bare step over the config's train
    loader (the Runner that builds model, loader and optimizer is not
    timed). Same result keys as :func:`time_whole_run` (no metrics)."""
    from mmengine.runner import Runner

    from ...utils.work_dir_lock import work_dir_lock
    from ..config_settings import resolve_config
    from .bare_steps import bare_step
    cfg = resolve_config(cfg)
    with work_dir_lock(cfg.work_dir):
        runner = Runner.from_cfg(cfg)
        loader = runner.build_dataloader(
            cfg.train_dataloader, seed=runner.seed)
        optim_wrapper = runner.build_optim_wrapper(cfg.optim_wrapper)
        model = runner.model
        model.train()
        clock = PhaseClock()
        with instrumented(clock), clock.phase(LOOP):
            for epoch in range(cfg.train_cfg.max_epochs):
                if hasattr(loader.sampler, 'set_epoch'):
                    loader.sampler.set_epoch(epoch)
                for data in loader:
                    with clock.phase(STEPS):
                        bare_step(model, data, optim_wrapper)
        total = clock.stop()
    return dict(total=total, phases=clock.split(), calls=dict(clock.calls))


def benchmark_runs(cases: Dict[str, CaseBuilder],
                   work_root: str,
                   rounds: int = 3,
                   warmup: int = 0,
                   kinds: Sequence[str] = KINDS,
                   keep_work_dirs: bool = False) -> Dict[str, List[dict]]:
    """Time every (case, kind) ``rounds`` times, interleaved.

    Returns:
        dict: ``'<case>/<kind>'`` -> the results of the timed rounds.
    """
    timers = dict(
        run=time_whole_run,
        bare=time_bare_loop,
        run_nocache=functools.partial(time_whole_run, decode_cache_bytes=0),
        run_nosetupcache=functools.partial(time_whole_run, cache_setup=False))
    names = [f'{case}/{kind}' for case in cases for kind in kinds]

    def one(name: str, r: int) -> dict:
        case, kind = name.split('/')
        work_dir = osp.join(work_root, f'{case}_{kind}_r{r}')
        if osp.exists(work_dir):
            shutil.rmtree(work_dir)
        result = timers[kind](cases[case](work_dir))
        print(f'  {name} round {r}: {result["total"]:.2f} s', flush=True)
        if not keep_work_dirs:
            shutil.rmtree(work_dir, ignore_errors=True)
        return result

    return interleaved_rounds(one, names, rounds, warmup)


# ------------------------------------------------------------- reporting
def conditions() -> str:
    """Machine, versions and threads: what every figure must carry."""
    import mmengine
    import torch
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(
                line.split(':', 1)[1].strip() for line in f
                if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    from ...utils.thread_policy import usable_cores
    cores = usable_cores()
    env = ', '.join(f'{k}={os.environ[k]}'
                    for k in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS',
                              'OMP_WAIT_POLICY', 'KMP_BLOCKTIME')
                    if k in os.environ) or 'no thread variables set'
    return (f'{cpu}, {cores} usable cores ({os.cpu_count()} online); '
            f'torch {torch.__version__}, mmengine {mmengine.__version__}, '
            f'{torch.get_num_threads()} torch threads; {env}; 1-min load '
            f'{os.getloadavg()[0]:.2f} at report time')


def phase_order(results: Dict[str, List[dict]]) -> List[str]:
    """The phases seen, in the order of a run's life."""
    first = [
        ROOT, STEPS,
        data_phase(LOOP), 'pseudo-label pass',
        data_phase('pseudo-label pass'), 'TI bank pass',
        data_phase('TI bank pass'), 'validation',
        data_phase('validation'), 'test',
        data_phase('test'), 'checkpoints', LOOP
    ]
    seen = {p for rs in results.values() for r in rs for p in r['phases']}
    return [p for p in first if p in seen] + sorted(seen - set(first))


def report(results: Dict[str, List[dict]]) -> str:
    """Markdown: the totals and ratios, then the phase split of the runs."""
    cases = list(dict.fromkeys(name.split('/')[0] for name in results))
    runs = [(case, kind) for case in cases for kind in RUN_KINDS
            if results.get(f'{case}/{kind}')]
    rows = []
    for case, kind in runs:
        run, bare = results[f'{case}/{kind}'], results.get(f'{case}/bare')
        totals = [r['total'] for r in run]
        steps = [r['phases'].get(STEPS, 0.0) for r in run]
        row = [case, kind, f'{median(totals):.2f}']
        if bare:
            bare_totals = [b['total'] for b in bare]
            bare_steps = [b['phases'].get(STEPS, 0.0) for b in bare]
            bare_data = [b['phases'].get(data_phase(LOOP), 0.0) for b in bare]
            row += [
                f'{median(bare_totals):.2f}',
                f'{median_ratio(totals, bare_totals):.2f}',
                f'{median(bare_steps):.2f}', f'{median(bare_data):.2f}',
                f'{median_ratio(steps, bare_steps):.2f}'
            ]
        else:
            row += ['—'] * 5
        rows.append(row)
    lines = markdown_table([
        'case', 'variant', 'run s', 'bare loop s', '**run / bare**',
        'bare steps s', 'bare data s', 'run steps / bare steps'
    ], rows)
    phases = phase_order({
        k: v
        for k, v in results.items() if not k.endswith('/bare')
    })
    split = []
    for case, kind in runs:
        run = results[f'{case}/{kind}']
        total = median([r['total'] for r in run])
        for p in phases:
            if not any(p in r['phases'] for r in run):
                continue
            secs = [r['phases'].get(p, 0.0) for r in run]
            calls = run[0]['calls'].get(p, '')
            split.append([
                case, kind, p, f'{median(secs):.3f}',
                f'{100 * median(secs) / total:.1f}',
                str(calls) if p != ROOT else ''
            ])
    lines += ['', 'Phase split of the runs (median seconds over rounds):', '']
    lines += markdown_table(
        ['case', 'variant', 'phase', 's', '% of run', 'calls'], split)
    return '\n'.join(lines)


def whole_run_table(results: Dict[str, List[dict]],
                    rounds: int,
                    command: Optional[str] = None) -> str:
    """The report with its conditions (and command) on top."""
    head = [f'Conditions: {conditions()}; {rounds} interleaved rounds.']
    if command:
        head.insert(0, f'`{command}`')
    return '\n\n'.join(head + [report(results)]) + '\n'
