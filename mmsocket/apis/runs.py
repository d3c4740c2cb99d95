# Copyright (c) mmsocket contributors. All rights reserved.
"""One training of a config, as the grids and quick starts run it.

A :class:`Run` names a config, a seed and a work dir, plus the edits a
pipeline makes to the loaded config (a data root, a source checkpoint, the
translator that an earlier run wrote). :func:`execute` runs it in this
process and records its metrics in ``result.json``; :func:`execute_all`
runs a list, skips finished runs (so a killed grid resumes), keeps going
past a failure and skips the runs that need a failed one.
"""
import functools
import os
import os.path as osp
import time
import traceback
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config

from .experiment import (load_config, prepare_config, read_result, run_config,
                         write_result)

ConfigEdit = Callable[[Config], None]
log_flush = functools.partial(print, flush=True)


@dataclass(eq=False)
class Run:
    """A config to run once, and where.

    Args:
        config (str): Config path, absolute or relative to the repository.
        work_dir (str): Where the run writes (and its ``result.json``).
        seed (int, optional): ``randomness.seed``; None keeps the config's.
        label (str): How logs name the run. Defaults to the config path.
        cfg_options (dict, optional): Merged into the config first.
        edits (tuple): Functions that edit the prepared config in place, in
            order (after :func:`prepare_config`).
        needs (tuple[Run]): Runs whose output this one reads (e.g. the TGMB
            run whose translator a TGKT run loads); list them first.

    Runs compare by identity: a grid lists each (config, seed) once.
    """

    config: str
    work_dir: str
    seed: Optional[int] = None
    label: str = ''
    cfg_options: Optional[dict] = None
    edits: Tuple[ConfigEdit, ...] = ()
    needs: Tuple['Run', ...] = ()

    @property
    def name(self) -> str:
        return self.label or self.config

    def build_config(self,
                     num_workers: Optional[int] = 0,
                     log_level: str = 'WARNING',
                     final_eval_only: bool = True,
                     progress_bar: Optional[str] = None) -> Config:
        """The config this run trains, prepared for a shared process.

        ``progress_bar`` (a label) adds a bar over the training iterations
        (:func:`add_progress_bar`).
        """
        cfg = load_config(self.config, self.cfg_options)
        prepare_config(
            cfg,
            self.work_dir,
            seed=self.seed,
            num_workers=num_workers,
            log_level=log_level,
            final_eval_only=final_eval_only)
        for edit in self.edits:
            edit(cfg)
        if progress_bar:
            add_progress_bar(cfg, progress_bar)
        return cfg


def add_progress_bar(cfg: Config, desc: str, keys=('loss', )) -> None:
    """Show a bar over a training config's iterations (``ProgressBarHook``,
    labelled ``desc``, with the latest ``keys`` values): what a quiet
    (WARNING-level) run shows while it trains."""
    if not cfg.get('train_dataloader'):
        return
    hooks = list(cfg.get('custom_hooks', None) or [])
    if not any(h.get('type') == 'ProgressBarHook' for h in hooks):
        hooks.append(dict(type='ProgressBarHook', desc=desc, keys=keys))
    cfg.custom_hooks = hooks


def format_duration(seconds: float) -> str:
    """``'45 s'``, ``'12 min'``, ``'3.2 h'``."""
    if seconds < 90:
        return f'{seconds:.0f} s'
    if seconds < 90 * 60:
        return f'{seconds / 60:.0f} min'
    return f'{seconds / 3600:.1f} h'


def execute(run: Run, resume: bool = True, **prepare) -> dict:
    """Train (when the config trains) and test ``run``; return its record.

    With ``resume``, a run whose ``result.json`` exists is not run again.
    ``prepare`` goes to :meth:`Run.build_config`.
    """
    if resume:
        done = read_result(run.work_dir)
        if done is not None:
            return done
    cfg = run.build_config(**prepare)
    start = time.time()
    metrics = run_config(cfg)
    return write_result(
        run.work_dir,
        config=run.config,
        seed=run.seed,
        seconds=round(time.time() - start, 1),
        metrics={
            k: float(v)
            for k, v in metrics.items()
        })


def train_source(run: Run, checkpoint: str, **prepare) -> None:
    """Train a source model whose config exports ``checkpoint``.

    The validation loop stays: the export keeps the best validation epoch.
    """
    from .runner_args import build_runner
    prepare['final_eval_only'] = False
    build_runner(run.build_config(**prepare)).train()  # as run_config does
    if not osp.isfile(checkpoint):
        raise RuntimeError(f'training {run.config} did not write '
                           f'{checkpoint}; does the config export '
                           'source.pth there?')


def describe_metric(metric: str) -> Callable[[dict], str]:
    """Log one metric of a record (all of them if it is missing)."""

    def describe(metrics: dict) -> str:
        value = metrics.get(metric)
        return f'{value:.2f}' if value is not None else str(metrics)

    return describe


def execute_all(runs: Sequence[Run],
                describe: Callable[[dict], str] = str,
                log: Callable[[str], None] = log_flush,
                progress: bool = True,
                **prepare) -> Tuple[Dict[Run, dict], List[str]]:
    """Run every unfinished run of ``runs`` in order, each once.

    A failing run's traceback goes to ``<work_dir>/error.txt`` and the
    others go on; a run that needs a failed (or skipped) run is skipped.
    With ``progress``, a quiet run (``log_level`` WARNING, the default)
    shows a bar over its iterations, and each result line the time left
    for the others (the mean duration of the runs so far). Returns the
    records by run and the names of the runs that failed or were skipped.
    """
    records: Dict[Run, dict] = {}
    for run in runs:
        done = read_result(run.work_dir)
        if done is not None:
            records[run] = done
    todo = [r for r in runs if r not in records]
    log(f'{len(runs)} runs, {len(runs) - len(todo)} already done')
    failures, failed = [], set()
    quiet = prepare.get('log_level', 'WARNING') != 'INFO'
    spent = []
    for k, run in enumerate(todo):
        label = f'[{k + 1}/{len(todo)}] {run.name}'
        broken = [n.name for n in run.needs if n in failed]
        if broken:
            log(f'{label}: SKIPPED (needs {", ".join(broken)}, which failed)')
            failed.add(run)
            failures.append(f'{run.name} (skipped)')
            continue
        bar = label if progress and quiet else None
        start = time.time()
        try:
            record = execute(run, resume=False, progress_bar=bar, **prepare)
        except Exception:  # keep going; report every failure at the end
            os.makedirs(run.work_dir, exist_ok=True)
            with open(osp.join(run.work_dir, 'error.txt'), 'w') as f:
                f.write(traceback.format_exc())
            log(f'{label}: FAILED (see {run.work_dir}/error.txt)')
            failed.add(run)
            failures.append(run.name)
            continue
        records[run] = record
        spent.append(time.time() - start)
        left = len(todo) - k - 1
        eta = (f'; {left} to go, about '
               f'{format_duration(sum(spent) / len(spent) * left)}'
               if progress and left else '')
        log(f'{label}: {describe(record["metrics"])} '
            f'({record["seconds"]:.0f} s{eta})')
    return records, failures
