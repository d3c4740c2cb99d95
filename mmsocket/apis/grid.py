# Copyright (c) mmsocket contributors. All rights reserved.
"""Run every config of a paper table over seeds, then render the table.

The source models the table needs are trained first, once per source seed,
if their checkpoints are missing; each (config, source seed, seed) runs once
(a config shared by two cells or two tables runs once) and writes
``result.json`` in ``<work_root>/<config path below configs/>/source<s>/
seed<k>``, so a killed grid resumes where it stopped and independent shards
can share a work root.
"""
import json
import os
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence, Tuple

from ..datasets.decode_cache import decode_cache
from ..utils import register_all_modules
from . import grid_jobs
from .experiment import read_result
from .runs import Run, describe_metric, execute_all, log_flush, train_source
from .table_render import render_table
from .table_spec import TableSpec, plan_runs, source_runs


def parse_shard(shard: str) -> Tuple[int, int]:
    """``'i/n'`` -> (i, n), with a clear error for a bad value."""
    try:
        i, n = (int(x) for x in shard.split('/'))
    except ValueError:
        raise ValueError(f'--shard {shard}: expected i/n, e.g. 0/4')
    if not 0 <= i < n:
        raise ValueError(f'--shard {shard}: need 0 <= i < n')
    return i, n


def shard_runs(runs: Sequence[Run], i: int, n: int) -> List[Run]:
    """The ``i``-th of ``n`` shards of ``runs``, in their order.

    A run and the runs it needs (:attr:`Run.needs`, transitively) form a
    group that one shard runs in order. Groups are dealt round-robin in
    table order within each kind (the config's directory, e.g.
    ``configs/socket/synthetic``; mixed groups by their kinds), so every
    shard gets about the same number of runs of each method; without
    needs and with one kind this is ``runs[i::n]``.
    """
    group_of: Dict[int, int] = {}  # id(run) -> group index
    groups: List[List[Run]] = []
    for run in runs:  # a run comes after what it needs
        joined = sorted(
            {group_of[id(r)]
             for r in run.needs if id(r) in group_of})
        if not joined:
            groups.append([])
            joined = [len(groups) - 1]
        first = joined[0]
        for k in joined[1:]:  # merge groups the run ties together
            for r in groups[k]:
                group_of[id(r)] = first
            groups[first] += groups[k]
            groups[k] = []
        groups[first].append(run)
        group_of[id(run)] = first
    dealt: Dict[Tuple[str, ...], int] = {}
    mine = set()
    for k, group in enumerate(groups):
        if not group:
            continue
        kind = tuple(sorted({osp.dirname(r.config) for r in group}))
        if dealt.get(kind, 0) % n == i:
            mine.add(k)
        dealt[kind] = dealt.get(kind, 0) + 1
    return [r for r in runs if group_of[id(r)] in mine]


def train_sources(spec: TableSpec,
                  log=log_flush,
                  source_seeds: Sequence[Optional[int]] = (None, ),
                  shard: Optional[Tuple[int, int]] = None,
                  progress: bool = True,
                  **prepare) -> None:
    """Train the source models of ``spec`` whose checkpoints are missing
    (a quiet run shows a bar over each one's iterations, with
    ``progress``); with ``shard`` (i, n) every n-th missing one from the
    i-th."""
    missing = [(ckpt, run)
               for ckpt, run in source_runs(spec, source_seeds).items()
               if not osp.isfile(ckpt)]
    if shard:
        missing = missing[shard[0]::shard[1]]
    for ckpt, run in missing:
        log(f'[source] {run.config} -> {ckpt}')
        start = time.time()
        if progress and prepare.get('log_level', 'WARNING') != 'INFO':
            prepare = dict(prepare, progress_bar=f'[source] {run.name}')
        train_source(run, ckpt, **prepare)
        log(f'         done in {time.time() - start:.0f} s')


def run_table(spec: str,
              seeds: Sequence[int] = (0, ),
              source_seeds: Optional[Sequence[int]] = (0, 1, 2),
              work_dir: Optional[str] = None,
              rows: Optional[Sequence[str]] = None,
              columns: Optional[Sequence[str]] = None,
              methods: Optional[Sequence[str]] = None,
              shard: Optional[str] = None,
              jobs: int = 1,
              sources_only: bool = False,
              collect: bool = False,
              dry_run: bool = False,
              num_workers: int = 0,
              verbose: bool = False,
              cfg_options: Optional[dict] = None,
              progress: bool = True,
              log=log_flush) -> int:
    """Run (or, with ``collect``, only render) a table; 1 if a run failed.

    Args:
        spec (str): The table spec file.
        seeds: Seeds of every trained cell, run on the source models of
            every source seed. Defaults to (0, ).
        source_seeds: One source model per seed and source config, trained
            into ``<checkpoint dir>/seed<s>/``. None: the checkpoints the
            spec names, trained once (seed 0) if missing; the std then
            covers the adaptation only. Defaults to (0, 1, 2).
        work_dir (str, optional): The work root; defaults to
            ``work_dirs/tables/<spec name>``.
        rows, columns, methods: Only these (default: all).
        shard (str, optional): ``'i/n'``: run the i-th of n shards
            (:func:`shard_runs`; the source models must exist: train them
            once first with ``sources_only``). With ``sources_only``: train
            every n-th missing source model from the i-th.
        jobs (int): Run the sources, then the table, as ``jobs`` shards in
            child processes, each bound to its own share of the usable
            cores with one thread per core (:mod:`.grid_jobs`); then render
            the table here. Defaults to 1 (everything in this process).
        sources_only (bool): Train the missing source models, then stop.
        collect (bool): Run nothing; render from the results on disk.
        dry_run (bool): List the runs and their state; run nothing.
        num_workers (int): Dataloader workers per run (0: in-process).
        verbose (bool): mmengine INFO logs instead of warnings only.
        cfg_options (dict, optional): Merged into every run of the table
            (not into the source models).
        progress (bool): A quiet run shows a bar over its iterations and
            the time left. Defaults to True.

    The runs of one process share one decode cache (each image decoded
    once per process; same values, so same results). Writes ``table.md``
    and ``table.json`` in the work root.
    """
    seeds = list(seeds)
    source_seeds = [None] if source_seeds is None else list(source_seeds)
    table = TableSpec(spec, rows, columns, methods)
    work_root = work_dir or osp.join('work_dirs', 'tables', table.name)
    register_all_modules(init_default_scope=True)
    runs, test_only = plan_runs(table, seeds, work_root, cfg_options,
                                source_seeds)
    part = parse_shard(shard) if shard else None
    if part and jobs > 1:
        raise ValueError(f'--shard {shard} with --jobs {jobs}: pass one of '
                         'them (--jobs runs its own shards)')
    if part:
        runs = shard_runs(runs, *part)
    prepare = dict(
        num_workers=num_workers, log_level='INFO' if verbose else 'WARNING')

    failures: List[str] = []
    if dry_run:
        for run in runs:
            state = 'done' if read_result(run.work_dir) else 'todo'
            log(f'{state}  {run.name}')
        missing = table.missing_sources(source_seeds)
        log(f'{len(runs)} runs; source models to train: {missing or 0}')
        return 0
    if not collect and jobs > 1:
        failures = _run_jobs(
            dict(
                spec=spec,
                seeds=seeds,
                source_seeds=None if source_seeds == [None] else source_seeds,
                work_dir=work_root,
                rows=rows,
                columns=columns,
                methods=methods,
                num_workers=num_workers,
                verbose=verbose,
                cfg_options=cfg_options), jobs, table, source_seeds, runs,
            sources_only, work_root, log)
        if sources_only or failures is None:
            return 1 if failures is None else 0
    elif not collect:
        start = time.time()
        if part and not sources_only:
            missing = table.missing_sources(source_seeds)
            if missing:
                raise FileNotFoundError(
                    f'source models missing: {missing}; run once with '
                    '--sources-only before starting shards')
        else:
            train_sources(table, log, source_seeds, part, progress, **prepare)
        if sources_only:
            return 0
        with decode_cache():  # one cache for every run of this process
            _, failures = execute_all(
                runs,
                describe_metric(table.metric),
                log,
                progress=progress,
                **prepare)
        log(f'{(time.time() - start) / 60:.1f} min')

    result = render_table(table, seeds, work_root, test_only, source_seeds)
    log('\n' + result['markdown'])
    os.makedirs(work_root, exist_ok=True)
    with open(osp.join(work_root, 'table.md'), 'w') as f:
        f.write(result['markdown'])
    with open(osp.join(work_root, 'table.json'), 'w') as f:
        json.dump(
            dict(
                spec=spec,
                source_seeds=source_seeds,
                seeds=seeds,
                cells=result['cells']),
            f,
            indent=1)
    log(f'saved {work_root}/table.md and table.json')
    if failures:
        log(f'{len(failures)} runs failed:\n  ' + '\n  '.join(failures))
        return 1
    return 0


def _run_jobs(kwargs: dict, jobs: int, table: TableSpec,
              source_seeds: List[Optional[int]], runs: List[Run],
              sources_only: bool, work_root: str, log) -> Optional[List[str]]:
    """The sources, then the runs, in ``jobs`` children; the runs left
    without a result (None: a source model is still missing)."""
    start = time.time()
    log_dir = osp.join(work_root, 'jobs')
    # The same cores (so threads) per child in both stages: a child's
    # threads change its runs' float reductions, so its results.
    shares = grid_jobs.core_shares(jobs)
    missing = table.missing_sources(source_seeds)
    if missing:
        n = min(jobs, len(missing))  # every n-th missing one per child
        log(f'{len(missing)} source models to train in {n} jobs')
        failed = grid_jobs.run_children(
            dict(kwargs, sources_only=True), shares[:n], 'sources', log_dir,
            log)
        _report_children(failed, log)
        missing = table.missing_sources(source_seeds)
        log(f'sources: {(time.time() - start) / 60:.1f} min')
        if missing:
            log(f'source models still missing: {missing}; fix the failure '
                'above and run the same command again')
            return None
    if sources_only:
        return []
    todo = [r for r in runs if read_result(r.work_dir) is None]
    log(f'{len(runs)} runs, {len(runs) - len(todo)} already done; '
        f'{len(todo)} in {jobs} jobs')
    if todo:
        _report_children(
            grid_jobs.run_children(kwargs, shares, 'runs', log_dir, log), log)
    log(f'{(time.time() - start) / 60:.1f} min')
    return [r.name for r in runs if read_result(r.work_dir) is None]


def _report_children(failed, log) -> None:
    for i, code, log_file in failed:
        log(f'job {i}: exited with code {code}; its log: {log_file} '
            '(grep FAILED / Traceback); run the same command again to '
            'resume')
