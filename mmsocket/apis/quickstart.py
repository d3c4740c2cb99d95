# Copyright (c) mmsocket contributors. All rights reserved.
"""The quick start: RGB -> depth transfer on the embedded synthetic data.

Generates the synthetic benchmark (once), trains an RGB source model on one
sensor domain, then evaluates the unadapted source model, SHOT and SOCKET on
that domain's depth images over several seeds and prints a markdown table.
Every step is an ordinary config under ``configs/``; this pipeline only
points them at the data and at each other and runs them in one process.
"""
import argparse
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence

from mmengine.config import Config

from ..utils import register_all_modules
from .runs import ConfigEdit, Run, add_progress_bar, execute, train_source
from .table_format import results_table, save_results

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
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
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
        seeds: Adaptation seeds. Defaults to (0, 1, 2).
        domain (str): Sensor domain: source RGB and target depth.
        methods: Among ``'shot'`` and ``'socket'``.
        quick (bool): Tiny data and one epoch per run: checks the pipeline,
            not the numbers.
        verbose (bool): Full training logs instead of progress bars.
    """

    name = 'quickstart'

    def __init__(self,
                 data: Optional[str] = None,
                 work_dir: Optional[str] = None,
                 seeds: Sequence[int] = (0, 1, 2),
                 domain: str = 'kv1',
                 methods: Sequence[str] = ('shot', 'socket'),
                 quick: bool = False,
                 verbose: bool = False) -> None:
        # --quick must not mix its tiny data or models with the real ones.
        suffix = '_quick' if quick else ''
        self.data = data or f'data/synthetic_rgbd{suffix}'
        self.work_dir = work_dir or f'work_dirs/{self.name}{suffix}'
        self.seeds = list(seeds)
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

    def source(self, config: str, ckpt: str, name: str) -> str:
        """Train the source model that exports ``ckpt`` unless it exists."""
        if not osp.exists(ckpt):
            run = self.run_of(config, name, work_dir=osp.dirname(ckpt))
            train_source(run, ckpt, log_level=self.log_level)
        return ckpt

    # ------------------------------------------------------- the pipeline
    def generate(self) -> None:
        from ..synthetic import generate_transfer_benchmark
        kwargs = dict(
            n_tr_per_class=6, n_ti_per_class=3,
            n_test_per_class=2) if self.quick else {}
        print(f'[1/4] Synthetic benchmark in {self.data}')
        generate_transfer_benchmark(self.data, seed=0, **kwargs)

    def train_source(self) -> str:
        ckpt = osp.join(self.work_dir, f'source_{self.domain}', 'source.pth')
        print(f'[2/4] RGB source model ({self.domain})')
        if osp.exists(ckpt):
            print(f'      reusing {ckpt}')
        return self.source('source/synthetic/kv1_rgb.py', ckpt,
                           f'source_{self.domain}')

    def unadapted(self, ckpt: str) -> float:
        print('[3/4] Unadapted source model on depth')
        return self.accuracy(
            self.run_of(
                'unadapted/synthetic/kv1_to_kv1.py',
                'unadapted',
                edits=[load_from(ckpt)]))

    def adapt(self, method: str, ckpt: str, seed: int) -> float:
        # Trains, then evaluates the final model once (the papers report
        # the final model).
        return self.accuracy(
            self.run_of(
                f'{method}/synthetic/kv1_to_kv1.py',
                f'{method}_seed{seed}',
                seed,
                edits=[source_checkpoints([ckpt])]))

    def run(self) -> Dict:
        register_all_modules(init_default_scope=True)
        start = time.time()
        self.generate()
        ckpt = self.train_source()
        acc = self.unadapted(ckpt)
        self.results['Unadapted'] = [acc] * len(self.seeds)
        print(f'      accuracy {acc:.2f}')
        print(f'[4/4] Adaptation on depth, seeds {self.seeds}')
        for method in self.methods:
            for seed in self.seeds:
                acc = self.adapt(method, ckpt, seed)
                name = METHOD_NAMES[method]
                self.results.setdefault(name, []).append(acc)
                print(f'      {name:7s} seed {seed}: {acc:.2f}')
        self.save(start)
        return self.results

    # ------------------------------------------------------------ results
    def table(self) -> str:
        d = self.domain
        return results_table(
            f'Synthetic benchmark, {d} RGB -> {d} depth, top-1 accuracy (%) '
            f'over seeds {self.seeds}', self.results)

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
