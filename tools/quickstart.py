# Copyright (c) mmsocket contributors. All rights reserved.
"""The quick start: RGB -> depth transfer on the embedded synthetic data.

Generates the synthetic benchmark (once), trains an RGB source model on one
sensor domain, then evaluates the unadapted source model, SHOT and SOCKET on
that domain's depth images over several seeds and prints a markdown table.
Every step is an ordinary config under ``configs/``; this script only runs
them in order (in one process, to pay the start-up cost once).

    python tools/quickstart.py                   # ~3 min on 2 CPU cores
    python tools/quickstart.py --seeds 0 --quick  # a one-minute smoke run
"""
import argparse
import json
import os
import os.path as osp
import time
from typing import Dict, List, Optional

import numpy as np
from mmengine.config import Config
from mmengine.runner import Runner

from mmsocket.synthetic import generate_transfer_benchmark
from mmsocket.utils import prepare_config, register_all_modules, run_config

CONFIGS = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--data',
        default=None,
        help='where the synthetic benchmark is written '
        '(default data/synthetic_rgbd, or '
        'data/synthetic_rgbd_quick with --quick)')
    parser.add_argument(
        '--work-dir',
        default=None,
        help='default work_dirs/quickstart[_quick]')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--domain',
        default='kv1',
        help='sensor domain: source RGB and target depth')
    parser.add_argument(
        '--methods',
        nargs='+',
        default=['shot', 'socket'],
        choices=['shot', 'socket'])
    parser.add_argument(
        '--quick',
        action='store_true',
        help='tiny data and 1 epoch each: checks the '
        'pipeline, not the numbers')
    parser.add_argument(
        '--verbose', action='store_true', help='show the full training logs')
    args = parser.parse_args()
    suffix = '_quick' if args.quick else ''
    args.data = args.data or f'data/synthetic_rgbd{suffix}'
    args.work_dir = args.work_dir or f'work_dirs/quickstart{suffix}'
    return args


class Quickstart:

    def __init__(self, args):
        self.args = args
        self.results: Dict[str, List[float]] = {}
        self.log_level = 'INFO' if args.verbose else 'WARNING'

    def _config(self,
                path: str,
                work_dir: str,
                name: str,
                seed: Optional[int] = None,
                final_eval_only: bool = True) -> Config:
        cfg = Config.fromfile(osp.join(CONFIGS, path))
        # Many runs share this process: in-process loading, a unique
        # experiment name, one evaluation after training (see
        # mmsocket.utils.experiment).
        prepare_config(
            cfg,
            work_dir,
            seed=seed,
            num_workers=0,
            log_level=self.log_level,
            final_eval_only=final_eval_only)
        domain = self.args.domain
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            loader = cfg.get(key)
            if not loader:
                continue
            dataset = loader['dataset']
            for ds in dataset.get('streams', {'': dataset}).values():
                if ds is None:
                    continue
                ds['data_root'] = self.args.data
                ds['ann_file'] = ds['ann_file'].replace('kv1_', f'{domain}_')
        if not self.args.verbose:
            cfg.custom_hooks = list(cfg.get('custom_hooks', [])) + [
                dict(type='ProgressBarHook', desc=name, keys=('loss', ))
            ]
        if self.args.quick and cfg.get('train_cfg'):
            cfg.train_cfg.max_epochs = 1
            if 'val_interval' in cfg.train_cfg:
                cfg.train_cfg.val_interval = 1
        return cfg

    def generate(self):
        kwargs = dict(
            n_tr_per_class=6, n_ti_per_class=3,
            n_test_per_class=2) if self.args.quick else {}
        print(f'[1/4] Synthetic benchmark in {self.args.data}')
        generate_transfer_benchmark(self.args.data, seed=0, **kwargs)

    def train_source(self) -> str:
        work_dir = osp.join(self.args.work_dir, f'source_{self.args.domain}')
        ckpt = osp.join(work_dir, 'source.pth')
        print(f'[2/4] RGB source model ({self.args.domain})')
        if osp.exists(ckpt):
            print(f'      reusing {ckpt}')
            return ckpt
        # The source keeps its validation: its export is the best epoch.
        cfg = self._config(
            'source/synthetic/kv1_rgb.py',
            work_dir,
            f'source_{self.args.domain}',
            final_eval_only=False)
        Runner.from_cfg(cfg).train()
        return ckpt

    def unadapted(self, ckpt: str) -> float:
        print('[3/4] Unadapted source model on depth')
        cfg = self._config('unadapted/synthetic/kv1_to_kv1.py',
                           osp.join(self.args.work_dir, 'unadapted'),
                           'unadapted')
        cfg.load_from = ckpt
        return run_config(cfg)['accuracy/top1']

    def adapt(self, method: str, ckpt: str, seed: int) -> float:
        name = f'{method}_seed{seed}'
        cfg = self._config(f'{method}/synthetic/kv1_to_kv1.py',
                           osp.join(self.args.work_dir, name), name, seed)
        for src in cfg.model.sources:
            src.checkpoint = ckpt
        # Trains, then evaluates the final model once (the papers report
        # the final model).
        return run_config(cfg)['accuracy/top1']

    def run(self):
        register_all_modules(init_default_scope=True)
        start = time.time()
        self.generate()
        ckpt = self.train_source()
        acc = self.unadapted(ckpt)
        self.results['Unadapted'] = [acc] * len(self.args.seeds)
        print(f'      accuracy {acc:.2f}')
        print(f'[4/4] Adaptation on depth, seeds {self.args.seeds}')
        names = dict(shot='SHOT', socket='SOCKET')
        for method in self.args.methods:
            for seed in self.args.seeds:
                acc = self.adapt(method, ckpt, seed)
                self.results.setdefault(names[method], []).append(acc)
                print(f'      {names[method]:7s} seed {seed}: {acc:.2f}')
        table = self.table()
        print('\n' + table)
        print(f'\n{(time.time() - start) / 60:.1f} min in all; results in '
              f'{self.args.work_dir}/results.md')
        os.makedirs(self.args.work_dir, exist_ok=True)
        with open(osp.join(self.args.work_dir, 'results.md'), 'w') as f:
            f.write(table + '\n')
        with open(osp.join(self.args.work_dir, 'results.json'), 'w') as f:
            json.dump(self.results, f, indent=2)

    def table(self) -> str:
        d = self.args.domain
        lines = [
            f'Synthetic benchmark, {d} RGB -> {d} depth, top-1 accuracy (%) '
            f'over seeds {self.args.seeds}', '',
            '| method | mean ± std | per seed |', '|---|---|---|'
        ]
        for name, values in self.results.items():
            v = np.array(values)
            per_seed = ' / '.join(f'{x:.2f}' for x in v)
            lines.append(f'| {name} | {v.mean():.2f} ± {v.std():.2f} | '
                         f'{per_seed} |')
        return '\n'.join(lines)


def main():
    Quickstart(parse_args()).run()


if __name__ == '__main__':
    main()
