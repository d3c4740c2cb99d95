# Copyright (c) mmsocket contributors. All rights reserved.
"""Run every config of a paper table over seeds and print the table.

A table spec (``configs/tables/*.py``, written by
``tools/misc/generate_paper_configs.py``) says which configs fill which
cell. This script trains the source models the table needs if their
checkpoints are missing, runs each (config, seed) once (a config shared by
two cells or two tables runs once), and prints the paper-style table: rows =
source domains, columns = target domain x method, mean +- std over seeds,
with the paper's numbers and a comparison of the orderings beside it.

Examples::

    # the whole of Table 3 on the synthetic benchmark, on this machine
    python tools/analysis/run_table.py \\
        configs/tables/socket_table3_synthetic.py --seeds 0 1 2
    # a cluster: 16 independent shards (e.g. a Slurm array), then collect
    python tools/analysis/run_table.py SPEC --sources-only
    python tools/analysis/run_table.py SPEC --shard $SLURM_ARRAY_TASK_ID/16
    python tools/analysis/run_table.py SPEC --collect

Every run writes ``result.json`` in its own work dir when it finishes
(``<work-dir>/<config path below configs/>/seed<k>``), so a killed grid
resumes where it stopped; runs that fail are reported and retried next time.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
import traceback
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.config import Config, DictAction

from mmsocket.utils import (default_work_dir, prepare_config, read_result,
                            register_all_modules, run_config, write_result)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Run a paper table over seeds and print it')
    parser.add_argument(
        'spec',
        help='table spec, e.g. '
        'configs/tables/socket_table3_synthetic.py')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--work-dir', help='default: work_dirs/tables/'
        '<spec name>')
    parser.add_argument('--rows', nargs='+', help='only these rows')
    parser.add_argument('--columns', nargs='+', help='only these columns')
    parser.add_argument('--methods', nargs='+', help='only these methods')
    parser.add_argument('--shard', help='i/n: run every n-th run from i')
    parser.add_argument(
        '--sources-only',
        action='store_true',
        help='train the missing source models, then stop')
    parser.add_argument(
        '--collect',
        action='store_true',
        help='run nothing; print the table from the results '
        'on disk')
    parser.add_argument(
        '--dry-run',
        action='store_true',
        help='list the runs and their state, run nothing')
    parser.add_argument(
        '--num-workers',
        type=int,
        default=0,
        help='dataloader workers per run (default 0: load '
        'in this process)')
    parser.add_argument(
        '--verbose',
        action='store_true',
        help='mmengine INFO logs instead of warnings only')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='overrides applied to every run of the table')
    return parser.parse_args(argv)


class TableSpec:
    """A table spec file, filtered to the requested rows/columns/methods."""

    KEYS = ('title', 'rows', 'columns', 'methods', 'cells')

    def __init__(self, path: str, rows=None, columns=None, methods=None):
        cfg = Config.fromfile(path)
        missing = [k for k in self.KEYS if k not in cfg]
        if missing:
            raise ValueError(f'{path} is not a table spec: missing {missing}')
        self.path = path
        self.name = osp.splitext(osp.basename(path))[0]
        self.title = cfg.title
        self.row_title = cfg.get('row_title', '')
        self.metric = cfg.get('metric', 'accuracy/top1')
        self.paper_note = cfg.get('paper_note', 'the authors\' numbers')
        self.sources: Dict[str, str] = dict(cfg.get('sources', {}))

        def pick(values, wanted, what):
            if wanted is None:
                return list(values)
            unknown = sorted(set(wanted) - set(values))
            if unknown:
                raise ValueError(f'{what} {unknown} not in {path}; it has '
                                 f'{list(values)}')
            return [v for v in values if v in wanted]

        self.rows = pick(cfg.rows, rows, 'rows')
        self.columns = pick(cfg.columns, columns, 'columns')
        self.methods = pick(cfg.methods, methods, 'methods')
        self.cells = [
            dict(c) for c in cfg.cells if c['row'] in self.rows
            and c['column'] in self.columns and c['method'] in self.methods
        ]
        if not self.cells:
            raise ValueError(f'no cells of {path} left after filtering')


def is_test_only(config: str) -> bool:
    """Evaluation-only configs (Unadapted) are deterministic: one seed."""
    return not Config.fromfile(config).get('train_dataloader')


def run_dir(work_root: str, config: str, seed: int) -> str:
    below = osp.relpath(default_work_dir(config), './work_dirs')
    return osp.join(work_root, below, f'seed{seed}')


def plan_runs(
        spec: TableSpec,
        seeds: List[int]) -> Tuple[List[Tuple[str, int]], Dict[str, bool]]:
    """Unique (config, seed) pairs in table order, and which configs are
    evaluation-only."""
    runs: 'OrderedDict[Tuple[str, int], None]' = OrderedDict()
    test_only: Dict[str, bool] = {}
    for cell in spec.cells:
        for config in cell['configs']:
            if config not in test_only:
                if not osp.isfile(osp.join(ROOT, config)):
                    raise FileNotFoundError(
                        f'{config} (a cell of {spec.path}) does not exist; '
                        'run tools/misc/generate_paper_configs.py')
                test_only[config] = is_test_only(osp.join(ROOT, config))
            for seed in seeds[:1] if test_only[config] else seeds:
                runs[(config, seed)] = None
    return list(runs), test_only


def train_sources(spec: TableSpec, args) -> None:
    for ckpt, config in spec.sources.items():
        if osp.isfile(ckpt):
            continue
        print(f'[source] {config} -> {ckpt}', flush=True)
        cfg = Config.fromfile(osp.join(ROOT, config))
        work_dir = default_work_dir(config)
        prepare_config(
            cfg,
            work_dir,
            seed=0,
            num_workers=args.num_workers,
            log_level='INFO' if args.verbose else 'WARNING',
            final_eval_only=False)
        start = time.time()
        run_config(cfg)
        if not osp.isfile(ckpt):
            raise RuntimeError(f'training {config} did not write {ckpt}; '
                               'does the config export source.pth there?')
        print(f'         done in {time.time() - start:.0f} s', flush=True)


def execute(runs, work_root: str, args) -> List[str]:
    failures = []
    todo = [(c, s) for c, s in runs
            if read_result(run_dir(work_root, c, s)) is None]
    print(
        f'{len(runs)} runs, {len(runs) - len(todo)} already done', flush=True)
    for k, (config, seed) in enumerate(todo):
        work_dir = run_dir(work_root, config, seed)
        label = f'[{k + 1}/{len(todo)}] {config} seed {seed}'
        cfg = Config.fromfile(osp.join(ROOT, config))
        if args.cfg_options:
            cfg.merge_from_dict(args.cfg_options)
        prepare_config(
            cfg,
            work_dir,
            seed=seed,
            num_workers=args.num_workers,
            log_level='INFO' if args.verbose else 'WARNING')
        start = time.time()
        try:
            metrics = run_config(cfg)
        except Exception:  # keep going; report every failure at the end
            os.makedirs(work_dir, exist_ok=True)
            with open(osp.join(work_dir, 'error.txt'), 'w') as f:
                f.write(traceback.format_exc())
            print(f'{label}: FAILED (see {work_dir}/error.txt)', flush=True)
            failures.append(f'{config} seed {seed}')
            continue
        seconds = time.time() - start
        write_result(
            work_dir,
            config=config,
            seed=seed,
            seconds=round(seconds, 1),
            metrics={
                k: float(v)
                for k, v in metrics.items()
            })
        value = metrics.get(args.metric)
        shown = f'{value:.2f}' if value is not None else metrics
        print(f'{label}: {shown} ({seconds:.0f} s)', flush=True)
    return failures


def cell_values(cell: dict, seeds: List[int], work_root: str, metric: str,
                test_only: Dict[str, bool]) -> Optional[np.ndarray]:
    """Per-seed values of a cell (mean over its configs), or None if any
    run is missing. Evaluation-only configs ran once, under the first seed.
    """
    per_seed = []
    for seed in seeds:
        values = []
        for config in cell['configs']:
            s = seeds[0] if test_only[config] else seed
            result = read_result(run_dir(work_root, config, s))
            if result is None:
                return None
            if metric not in result['metrics']:
                raise KeyError(f'{metric} not among the metrics of '
                               f'{config}: {sorted(result["metrics"])}')
            values.append(result['metrics'][metric])
        per_seed.append(float(np.mean(values)))
    return np.array(per_seed)


def render(spec: TableSpec, seeds: List[int], work_root: str,
           test_only: Dict[str, bool]) -> dict:
    values: Dict[Tuple[str, str, str], np.ndarray] = {}
    paper: Dict[Tuple[str, str, str], float] = {}
    for cell in spec.cells:
        key = (cell['row'], cell['column'], cell['method'])
        v = cell_values(cell, seeds, work_root, spec.metric, test_only)
        if v is not None:
            values[key] = v
        if 'paper' in cell:
            paper[key] = cell['paper']
    heads = [(c, m) for c in spec.columns for m in spec.methods
             if any((r, c, m) in {(x['row'], x['column'], x['method'])
                                  for x in spec.cells} for r in spec.rows)]

    def head_text(c, m):
        return c if len(spec.methods) == 1 else f'{c} {m}'

    def table(get, fmt) -> List[str]:
        lines = [
            '| ' +
            ' | '.join([spec.row_title] + [head_text(c, m)
                                           for c, m in heads]) + ' |',
            '|' + '---|' * (len(heads) + 1)
        ]
        cols: Dict[Tuple[str, str], list] = {h: [] for h in heads}
        for r in spec.rows:
            row = []
            for c, m in heads:
                v = get((r, c, m))
                row.append('—' if v is None else fmt(v))
                if v is not None:
                    cols[(c, m)].append(np.mean(v))
            lines.append('| ' + ' | '.join([r] + row) + ' |')
        if len(spec.rows) > 1:
            avg = [
                f'{np.mean(cols[h]):.1f}'
                if len(cols[h]) == len(spec.rows) else '—' for h in heads
            ]
            lines.append('| Average | ' + ' | '.join(avg) + ' |')
        return lines

    out = [
        f'## {spec.title}', '',
        f'Measured: mean ± std over seeds {seeds} ({spec.metric} %; '
        'std with ddof=0).', ''
    ]
    out += table(values.get, lambda v: f'{v.mean():.1f} ± {v.std():.1f}')
    if paper:
        out += ['', f'Paper ({spec.paper_note}):', '']
        out += table(paper.get, lambda v: f'{v:.1f}')
    out += [
        '', 'Orderings (cells where the later method beats the earlier):', ''
    ]
    for a, b in zip(spec.methods, spec.methods[1:]):
        for name, src in (('measured', values), ('paper', paper)):
            keys = [k for k in src if k[2] == b and (k[0], k[1], a) in src]
            if not keys:
                continue
            wins = sum(
                np.mean(src[k]) > np.mean(src[(k[0], k[1], a)]) for k in keys)
            gain = np.mean([
                np.mean(src[k]) - np.mean(src[(k[0], k[1], a)]) for k in keys
            ])
            out.append(f'- {name}: {b} > {a} in {wins}/{len(keys)} cells, '
                       f'mean gain {gain:+.1f} points')
    done = sum(1 for c in spec.cells
               if (c['row'], c['column'], c['method']) in values)
    out += ['', f'{done}/{len(spec.cells)} cells complete.']
    return dict(
        markdown='\n'.join(out) + '\n',
        cells=[
            dict(
                row=r,
                column=c,
                method=m,
                values=v.tolist(),
                mean=float(v.mean()),
                std=float(v.std()),
                paper=paper.get((r, c, m))) for (r, c, m), v in values.items()
        ])


def main(argv=None) -> int:
    args = parse_args(argv)
    spec = TableSpec(args.spec, args.rows, args.columns, args.methods)
    args.metric = spec.metric
    work_root = args.work_dir or osp.join('work_dirs', 'tables', spec.name)
    register_all_modules(init_default_scope=True)
    runs, test_only = plan_runs(spec, args.seeds)
    if args.shard:
        i, n = (int(x) for x in args.shard.split('/'))
        if not 0 <= i < n:
            raise ValueError(f'--shard {args.shard}: need 0 <= i < n')
        runs = runs[i::n]

    failures: List[str] = []
    if args.dry_run:
        for config, seed in runs:
            state = 'done' if read_result(run_dir(work_root, config,
                                                  seed)) else 'todo'
            print(f'{state}  {config} seed {seed}')
        missing = [c for p, c in spec.sources.items() if not osp.isfile(p)]
        print(f'{len(runs)} runs; source models to train: {missing or 0}')
        return 0
    if not args.collect:
        start = time.time()
        if args.shard:
            missing = [p for p in spec.sources if not osp.isfile(p)]
            if missing:
                raise FileNotFoundError(
                    f'source models missing: {missing}; run once with '
                    '--sources-only before starting shards')
        else:
            train_sources(spec, args)
        if args.sources_only:
            return 0
        failures = execute(runs, work_root, args)
        print(f'{(time.time() - start) / 60:.1f} min', flush=True)

    result = render(spec, args.seeds, work_root, test_only)
    print('\n' + result['markdown'])
    os.makedirs(work_root, exist_ok=True)
    with open(osp.join(work_root, 'table.md'), 'w') as f:
        f.write(result['markdown'])
    with open(osp.join(work_root, 'table.json'), 'w') as f:
        json.dump(
            dict(spec=args.spec, seeds=args.seeds, cells=result['cells']),
            f,
            indent=1)
    print(f'saved {work_root}/table.md and table.json')
    if failures:
        print(f'{len(failures)} runs failed:\n  ' + '\n  '.join(failures))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
