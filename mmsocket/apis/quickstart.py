# Copyright (c) mmsocket contributors. All rights reserved.
"""The quick start: RGB -> depth transfer on the embedded synthetic data.

Generates the synthetic benchmark (once), trains an RGB source model on one
sensor domain per source seed, then evaluates the unadapted source model,
SHOT and SOCKET on that domain's depth images for every (source seed,
adaptation seed) and prints a markdown table. Varying the source seed as
well as the adaptation seed makes the std cover the whole chain, which is
what a rerun on another machine would see.
Every step is an ordinary config under ``configs/``; this pipeline only
points them at the data and at each other and runs them in one process.
"""
import argparse
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config

from ..utils import register_all_modules
from .runs import ConfigEdit, Run, add_progress_bar, execute, train_source
from .table_format import (add_seed_options, markdown_table, mean_std,
                           per_seed, save_results)

METHOD_NAMES = dict(shot='SHOT', socket='SOCKET')


def quickstart_parser(description: str, name: str) -> argparse.ArgumentParser:
    """The options every quick start has (its tool adds its own)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        '--data',
        default=None,
        help='where the synthetic benchmark is (generated if missing); '
        'default data/synthetic_rgbd, or data/synthetic_rgbd_quick with '
        '--quick')
    parser.add_argument(
        '--work-dir', default=None, help=f'default work_dirs/{name}[_quick]')
    add_seed_options(parser)
    parser.add_argument(
        '--deterministic',
        action='store_true',
        help="deterministic algorithms (mmengine's randomness."
        'deterministic): slower; same environment, same numbers')
    parser.add_argument(
        '--quick',
        action='store_true',
        help='tiny data and 1 epoch each: checks the pipeline, not the '
        'numbers')
    parser.add_argument(
        '--verbose', action='store_true', help='show the full training logs')
    return parser


class Quickstart:
    """Source model, Unadapted, SHOT and SOCKET on one sensor domain.

    Args:
        data (str, optional): Where the synthetic benchmark is (generated if
            missing). Defaults to ``data/synthetic_rgbd`` (``..._quick``
            with ``quick``).
        work_dir (str, optional): Defaults to ``work_dirs/quickstart``
            (``..._quick`` with ``quick``).
        source_seeds: Seeds of the source models, one trained (once, then
            reused) per seed. Defaults to (0, 1, 2).
        seeds: Adaptation seeds, each run on every source model. Defaults
            to (0, ).
        domain (str): Sensor domain: source RGB and target depth.
        methods: Among ``'shot'`` and ``'socket'``.
        quick (bool): Tiny data and one epoch per run: checks the pipeline,
            not the numbers.
        verbose (bool): Full training logs instead of progress bars.
        deterministic (bool): mmengine's ``randomness.deterministic`` in
            every run. Defaults to False.
    """

    name = 'quickstart'

    def __init__(self,
                 data: Optional[str] = None,
                 work_dir: Optional[str] = None,
                 source_seeds: Sequence[int] = (0, 1, 2),
                 seeds: Sequence[int] = (0, ),
                 domain: str = 'kv1',
                 methods: Sequence[str] = ('shot', 'socket'),
                 quick: bool = False,
                 verbose: bool = False,
                 deterministic: bool = False) -> None:
        # --quick must not mix its tiny data or models with the real ones.
        suffix = '_quick' if quick else ''
        self.data = data or f'data/synthetic_rgbd{suffix}'
        self.work_dir = work_dir or f'work_dirs/{self.name}{suffix}'
        self.source_seeds = list(source_seeds)
        self.seeds = list(seeds)
        self.deterministic = deterministic
        self.domain = domain
        self.methods = list(methods)
        self.quick = quick
        self.verbose = verbose
        self.results: Dict = {}
        self.log_level = 'INFO' if verbose else 'WARNING'

    # ------------------------------------------------------------ the runs
    def edit(self, name: str) -> ConfigEdit:
        """Point a config at the quick start's data and domain."""

        def edit(cfg: Config) -> None:
            for key in ('train_dataloader', 'val_dataloader',
                        'test_dataloader'):
                loader = cfg.get(key)
                if not loader:
                    continue
                dataset = loader['dataset']
                for ds in dataset.get('streams', {'': dataset}).values():
                    if ds is None:
                        continue
                    ds['data_root'] = self.data
                    ds['ann_file'] = ds['ann_file'].replace(
                        'kv1_', f'{self.domain}_')
            if not self.verbose:
                add_progress_bar(cfg, name)
            if self.deterministic:
                cfg.randomness = dict(
                    cfg.get('randomness') or {}, deterministic=True)
            if self.quick and cfg.get('train_cfg'):
                cfg.train_cfg.max_epochs = 1
                if 'val_interval' in cfg.train_cfg:
                    cfg.train_cfg.val_interval = 1

        return edit

    def run_of(
        self,
        config: str,
        name: str,
        seed: Optional[int] = None,
        edits: Sequence[ConfigEdit] = (),
        work_dir: Optional[str] = None,
        needs: Sequence[Run] = ()) -> Run:
        """``configs/<config>`` run as ``<work_dir>/<name>``."""
        return Run(
            osp.join('configs', config),
            work_dir or osp.join(self.work_dir, name),
            seed=seed,
            label=name,
            edits=(self.edit(name), *edits),
            needs=tuple(needs))

    def accuracy(self, run: Run) -> float:
        """Train and test ``run`` (again, even if it ran before)."""
        record = execute(run, resume=False, log_level=self.log_level)
        return record['metrics']['accuracy/top1']

    def source(self,
               config: str,
               ckpt: str,
               name: str,
               seed: Optional[int] = None) -> str:
        """Train the source model that exports ``ckpt`` unless it exists."""
        if not osp.exists(ckpt):
            run = self.run_of(config, name, seed, work_dir=osp.dirname(ckpt))
            train_source(run, ckpt, log_level=self.log_level)
        return ckpt

    def replicates(self) -> List[Tuple[int, int]]:
        """(source seed, adaptation seed) of every run, in table order."""
        return [(s, a) for s in self.source_seeds for a in self.seeds]

    # ------------------------------------------------------- the pipeline
    def generate(self, domains: Optional[Sequence[str]] = None) -> None:
        """Render the data set (``domains``: only these sensor domains;
        default all)."""
        from ..synthetic import generate_transfer_benchmark
        kwargs = dict(
            n_tr_per_class=6, n_ti_per_class=3,
            n_test_per_class=2) if self.quick else {}
        if domains is not None:
            kwargs['domains'] = tuple(domains)
        print(f'[1/4] Synthetic benchmark in {self.data}')
        generate_transfer_benchmark(self.data, seed=0, **kwargs)

    def train_source(self, source_seed: int) -> str:
        name = f'source_{self.domain}'
        ckpt = osp.join(self.work_dir, name, f'seed{source_seed}',
                        'source.pth')
        if osp.exists(ckpt):
            print(f'      reusing {ckpt}')
        else:
            print(f'      source seed {source_seed} -> {ckpt}')
        return self.source('source/synthetic/kv1_rgb.py', ckpt,
                           f'{name}_seed{source_seed}', source_seed)

    def unadapted(self, ckpt: str, source_seed: int) -> float:
        return self.accuracy(
            self.run_of(
                'unadapted/synthetic/kv1_to_kv1.py',
                f'unadapted_source{source_seed}',
                edits=[load_from(ckpt)]))

    def adapt(self, method: str, ckpt: str, source_seed: int,
              seed: int) -> float:
        # Trains, then evaluates the final model once (the papers report
        # the final model).
        return self.accuracy(
            self.run_of(
                f'{method}/synthetic/kv1_to_kv1.py',
                f'{method}_source{source_seed}_seed{seed}',
                seed,
                edits=[source_checkpoints([ckpt])]))

    def run(self) -> Dict:
        register_all_modules(init_default_scope=True)
        start = time.time()
        self.generate()
        print(f'[2/4] RGB source models ({self.domain}), source seeds '
              f'{self.source_seeds}')
        ckpts = {s: self.train_source(s) for s in self.source_seeds}
        print('[3/4] Unadapted source models on depth')
        unadapted = {s: self.unadapted(ckpts[s], s) for s in ckpts}
        # Evaluation only: the same value for every adaptation seed.
        self.results['Unadapted'] = [
            unadapted[s] for s, _ in self.replicates()
        ]
        print('      accuracy ' + per_seed(list(unadapted.values())))
        print(f'[4/4] Adaptation on depth, adaptation seeds {self.seeds}')
        for method in self.methods:
            name = METHOD_NAMES[method]
            for s, seed in self.replicates():
                acc = self.adapt(method, ckpts[s], s, seed)
                self.results.setdefault(name, []).append(acc)
                print(f'      {name:7s} source seed {s}, seed {seed}: '
                      f'{acc:.2f}')
        self.save(start)
        return self.results

    # ------------------------------------------------------------ results
    def table(self) -> str:
        d = self.domain
        rows = [[name, mean_std(v), per_seed(v)]
                for name, v in self.results.items()]
        runs = ' / '.join(f'{s}/{a}' for s, a in self.replicates())
        return '\n'.join([
            f'Synthetic benchmark, {d} RGB -> {d} depth, top-1 accuracy (%), '
            f'mean ± std over source seeds {self.source_seeds} x adaptation '
            f'seeds {self.seeds}', ''
        ] + markdown_table(['method', 'mean ± std', f'runs {runs}'], rows))

    def save(self, start: float) -> None:
        """Print the table; keep it (and the raw values) in the work dir."""
        save_results(self.work_dir, self.table(), self.results, start)


def load_from(ckpt: str) -> ConfigEdit:
    """Evaluate the weights in ``ckpt`` (an evaluation-only config)."""

    def edit(cfg: Config) -> None:
        cfg.load_from = ckpt

    return edit


def source_checkpoints(ckpts: List[str]) -> ConfigEdit:
    """Load source model i from ``ckpts[i]``."""

    def edit(cfg: Config) -> None:
        for src, ckpt in zip(cfg.model.sources, ckpts):
            src.checkpoint = ckpt

    return edit
