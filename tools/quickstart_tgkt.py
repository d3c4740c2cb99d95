# Copyright (c) mmsocket contributors. All rights reserved.
"""The quick start's second table: TGMB and TGKT beside SOCKET.

Single source (kv1 RGB -> kv1 depth) and two sources (kv1 + kv2 RGB ->
kv1 depth) on the embedded synthetic benchmark, over several seeds:
Unadapted, SHOT (DECISION for two sources), SOCKET, TGMB (the frozen
source on translated images) and TGKT (trained with the TGMB translator of
the same seed). Every run is an ordinary config under ``configs/``; the
configuration plumbing is ``tools/quickstart.py``'s.

    python tools/quickstart_tgkt.py                 # ~20 min on 2 CPU cores
    python tools/quickstart_tgkt.py --seeds 0 --quick

Source models are read from ``work_dirs/source/synthetic/<d>_rgb/
source.pth`` (``--source-dir``) and trained there first if missing.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time

import numpy as np

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.runner import Runner  # noqa: E402
from quickstart import Quickstart  # noqa: E402

from mmsocket.utils import register_all_modules, run_config  # noqa: E402

SETTINGS = {
    'kv1 -> kv1':
    dict(
        srcs=['kv1'],
        rows=[('SHOT', 'shot/synthetic/kv1_to_kv1.py'),
              ('SOCKET', 'socket/synthetic/kv1_to_kv1.py'),
              ('TGMB', 'tgmb/synthetic/kv1_to_kv1.py'),
              ('TGKT', 'tgkt/synthetic/kv1_to_kv1.py')]),
    'kv1 + kv2 -> kv1':
    dict(
        srcs=['kv1', 'kv2'],
        rows=[('DECISION', 'decision/synthetic/kv1+kv2_to_kv1.py'),
              ('SOCKET', 'socket/synthetic/kv1+kv2_to_kv1.py'),
              ('TGMB', 'tgmb/synthetic/kv1+kv2_to_kv1.py'),
              ('TGKT', 'tgkt/synthetic/kv1+kv2_to_kv1.py')]),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--data',
        default=None,
        help='default data/synthetic_rgbd (generated if '
        'missing; data/synthetic_rgbd_quick with --quick)')
    parser.add_argument(
        '--work-dir',
        default=None,
        help='default work_dirs/quickstart_tgkt[_quick]')
    parser.add_argument(
        '--source-dir',
        default=None,
        help='default work_dirs/source/synthetic (with '
        '--quick: <work-dir>/source, trained on the quick '
        'data)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--settings',
        nargs='+',
        default=list(SETTINGS),
        choices=list(SETTINGS))
    parser.add_argument(
        '--quick',
        action='store_true',
        help='1 epoch each: checks the pipeline only')
    parser.add_argument('--verbose', action='store_true')
    args = parser.parse_args()
    args.domain = 'kv1'  # the target; Quickstart._config reads it
    # --quick must not mix its tiny data or sources with the real ones.
    suffix = '_quick' if args.quick else ''
    args.data = args.data or f'data/synthetic_rgbd{suffix}'
    args.work_dir = args.work_dir or f'work_dirs/quickstart_tgkt{suffix}'
    args.source_dir = args.source_dir or (osp.join(args.work_dir, 'source')
                                          if args.quick else
                                          'work_dirs/source/synthetic')
    return args


class TGKTQuickstart(Quickstart):

    def source(self, domain: str) -> str:
        ckpt = osp.join(self.args.source_dir, f'{domain}_rgb', 'source.pth')
        if not osp.exists(ckpt):
            print(f'      training the {domain} RGB source -> {ckpt}')
            cfg = self._config(
                f'source/synthetic/{domain}_rgb.py',
                osp.dirname(ckpt),
                f'source_{domain}',
                final_eval_only=False)
            Runner.from_cfg(cfg).train()
        return ckpt

    def run_config(self,
                   path,
                   name,
                   ckpts,
                   seed=None,
                   train=True,
                   translator=None):
        work_dir = osp.join(self.args.work_dir, name)
        cfg = self._config(path, work_dir, name, seed)
        for src, ckpt in zip(cfg.model.sources, ckpts):
            src.checkpoint = ckpt
        if translator:
            cfg.model.translator_checkpoint = translator
        if not train:
            cfg.train_dataloader = cfg.train_cfg = cfg.optim_wrapper = None
            cfg.param_scheduler = None
            cfg.custom_hooks = []
        return run_config(cfg)['accuracy/top1'], work_dir

    def run(self):
        register_all_modules(init_default_scope=True)
        start = time.time()
        self.results = {}
        self.generate()  # reuses the data when already there
        for setting in self.args.settings:
            spec = SETTINGS[setting]
            ckpts = [self.source(d) for d in spec['srcs']]
            tag = '+'.join(spec['srcs'])
            res = self.results.setdefault(setting, {})
            # Unadapted: the (zeta = 1/n) source ensemble, no training.
            acc, _ = self.run_config(
                spec['rows'][1][1], f'{tag}_unadapted', ckpts, train=False)
            res['Unadapted'] = [acc] * len(self.args.seeds)
            print(f'{setting}: Unadapted {acc:.2f}')
            for seed in self.args.seeds:
                tgmb_dir = None
                for row, path in spec['rows']:
                    name = f'{tag}_{row.lower()}_seed{seed}'
                    translator = (
                        osp.join(tgmb_dir, 'tgmb.pth')
                        if row == 'TGKT' else None)
                    t0 = time.time()
                    acc, wd = self.run_config(
                        path, name, ckpts, seed, translator=translator)
                    if row == 'TGMB':
                        tgmb_dir = wd
                    res.setdefault(row, []).append(acc)
                    print(
                        f'{setting}: {row:8s} seed {seed}: {acc:.2f} '
                        f'({time.time() - t0:.0f} s)',
                        flush=True)
        table = self.table()
        print('\n' + table)
        print(f'\n{(time.time() - start) / 60:.1f} min in all')
        os.makedirs(self.args.work_dir, exist_ok=True)
        with open(osp.join(self.args.work_dir, 'results.md'), 'w') as f:
            f.write(table + '\n')
        with open(osp.join(self.args.work_dir, 'results.json'), 'w') as f:
            json.dump(self.results, f, indent=2)

    def table(self) -> str:
        lines = [
            'Synthetic benchmark, RGB source(s) -> kv1 depth, top-1 accuracy '
            f'(%), mean ± std over seeds {self.args.seeds}', '',
            '| method | ' + ' | '.join(self.results) + ' |',
            '|---|' + '---|' * len(self.results)
        ]
        rows = []
        for res in self.results.values():
            rows += [r for r in res if r not in rows]
        for row in rows:
            cells = []
            for res in self.results.values():
                v = np.array(res.get(row, []))
                cells.append(
                    f'{v.mean():.2f} ± {v.std():.2f}' if len(v) else '—')
            lines.append(f'| {row} | ' + ' | '.join(cells) + ' |')
        lines += ['', 'Per seed:', '']
        for setting, res in self.results.items():
            for row, v in res.items():
                lines.append(f'- {setting}, {row}: ' + ' / '.join(f'{x:.2f}'
                                                                  for x in v))
        return '\n'.join(lines)


def main():
    TGKTQuickstart(parse_args()).run()


if __name__ == '__main__':
    main()
