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
from typing import List, Optional, Sequence, Tuple

from ..utils import register_all_modules
from .experiment import read_result
from .runs import describe_metric, execute_all, log_flush, train_source
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


def train_sources(spec: TableSpec,
                  log=log_flush,
                  source_seeds: Sequence[Optional[int]] = (None, ),
                  **prepare) -> None:
    """Train the source models of ``spec`` whose checkpoints are missing
    (a quiet run shows a bar over each one's iterations)."""
    for ckpt, run in source_runs(spec, source_seeds).items():
        if osp.isfile(ckpt):
            continue
        log(f'[source] {run.config} -> {ckpt}')
        start = time.time()
        if prepare.get('log_level', 'WARNING') != 'INFO':
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
              sources_only: bool = False,
              collect: bool = False,
              dry_run: bool = False,
              num_workers: int = 0,
              verbose: bool = False,
              cfg_options: Optional[dict] = None,
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
        shard (str, optional): ``'i/n'``: run every n-th run from the i-th
            (the source models must exist: train them once first with
            ``sources_only``).
        sources_only (bool): Train the missing source models, then stop.
        collect (bool): Run nothing; render from the results on disk.
        dry_run (bool): List the runs and their state; run nothing.
        num_workers (int): Dataloader workers per run (0: in-process).
        verbose (bool): mmengine INFO logs instead of warnings only.
        cfg_options (dict, optional): Merged into every run of the table
            (not into the source models).

    Writes ``table.md`` and ``table.json`` in the work root.
    """
    seeds = list(seeds)
    source_seeds = [None] if source_seeds is None else list(source_seeds)
    table = TableSpec(spec, rows, columns, methods)
    work_root = work_dir or osp.join('work_dirs', 'tables', table.name)
    register_all_modules(init_default_scope=True)
    runs, test_only = plan_runs(table, seeds, work_root, cfg_options,
                                source_seeds)
    if shard:
        i, n = parse_shard(shard)
        runs = runs[i::n]
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
    if not collect:
        start = time.time()
        if shard:
            missing = table.missing_sources(source_seeds)
            if missing:
                raise FileNotFoundError(
                    f'source models missing: {missing}; run once with '
                    '--sources-only before starting shards')
        else:
            train_sources(table, log, source_seeds, **prepare)
        if sources_only:
            return 0
        _, failures = execute_all(runs, describe_metric(table.metric), log,
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
