# Copyright (c) mmsocket contributors. All rights reserved.
"""The quick start's second table: TGMB and TGKT beside SOCKET.

Single source (kv1 RGB -> kv1 depth) and two sources (kv1 + kv2 RGB -> kv1
depth) on the embedded synthetic benchmark, over several seeds: Unadapted,
SHOT (DECISION for two sources), SOCKET, TGMB (the frozen source on
translated images) and TGKT (trained with the TGMB translator of the same
seed).
"""
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config

from ..utils import register_all_modules
from .quickstart import Quickstart, source_checkpoints
from .runs import Run
from .table_format import markdown_table, mean_std, per_seed

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


def evaluation_only(cfg: Config) -> None:
    """Drop the training of a transfer config: evaluate its sources."""
    cfg.train_dataloader = cfg.train_cfg = cfg.optim_wrapper = None
    cfg.param_scheduler = None
    cfg.custom_hooks = []


def translator_of(tgmb: Run):
    """Load the translator that the TGMB run ``tgmb`` exports."""

    def edit(cfg: Config) -> None:
        cfg.model.translator_checkpoint = osp.join(tgmb.work_dir, 'tgmb.pth')

    return edit


class TGKTQuickstart(Quickstart):
    """Every method on one and two sources, kv1 depth the target.

    Args:
        source_dir (str, optional): Where the source models are read from
            (``<source_dir>/<domain>_rgb/source.pth``; trained there first if
            missing). Defaults to ``work_dirs/source/synthetic``, or
            ``<work_dir>/source`` with ``quick``.
        settings: Keys of :data:`SETTINGS`. Defaults to all.
        **kwargs: See :class:`Quickstart` (the domain is kv1).
    """

    name = 'quickstart_tgkt'

    def __init__(self,
                 source_dir: Optional[str] = None,
                 settings: Sequence[str] = tuple(SETTINGS),
                 **kwargs) -> None:
        super().__init__(domain='kv1', **kwargs)
        unknown = sorted(set(settings) - set(SETTINGS))
        if unknown:
            raise ValueError(f'settings {unknown} unknown; choose among '
                             f'{list(SETTINGS)}')
        self.settings = list(settings)
        self.source_dir = source_dir or (osp.join(self.work_dir, 'source')
                                         if self.quick else
                                         'work_dirs/source/synthetic')
        self.results: Dict[str, Dict] = {}

    def source_of(self, domain: str) -> str:
        ckpt = osp.join(self.source_dir, f'{domain}_rgb', 'source.pth')
        if not osp.exists(ckpt):
            print(f'      training the {domain} RGB source -> {ckpt}')
        return self.source(f'source/synthetic/{domain}_rgb.py', ckpt,
                           f'source_{domain}')

    def plan(self, setting: str,
             ckpts: Sequence[str]) -> Tuple[Run, List[Tuple[int, str, Run]]]:
        """The runs of ``setting`` on the source models ``ckpts``: the
        Unadapted run, then (seed, row, run) in order; each seed's TGKT run
        needs (and loads the translator of) that seed's TGMB run."""
        spec = SETTINGS[setting]
        sources = source_checkpoints(ckpts)
        tag = '+'.join(spec['srcs'])
        # Unadapted: the (zeta = 1/n) source ensemble of the SOCKET config.
        unadapted = self.run_of(
            spec['rows'][1][1],
            f'{tag}_unadapted',
            edits=[sources, evaluation_only])
        runs = []
        for seed in self.seeds:
            tgmb = None
            for row, path in spec['rows']:
                edits, needs = [sources], []
                if row == 'TGKT':
                    edits.append(translator_of(tgmb))
                    needs.append(tgmb)
                run = self.run_of(
                    path,
                    f'{tag}_{row.lower()}_seed{seed}',
                    seed,
                    edits,
                    needs=needs)
                if row == 'TGMB':
                    tgmb = run
                runs.append((seed, row, run))
        return unadapted, runs

    def run_setting(self, setting: str) -> None:
        ckpts = [self.source_of(d) for d in SETTINGS[setting]['srcs']]
        unadapted, runs = self.plan(setting, ckpts)
        res = self.results.setdefault(setting, {})
        acc = self.accuracy(unadapted)
        res['Unadapted'] = [acc] * len(self.seeds)
        print(f'{setting}: Unadapted {acc:.2f}')
        for seed, row, run in runs:
            t0 = time.time()
            acc = self.accuracy(run)
            res.setdefault(row, []).append(acc)
            print(
                f'{setting}: {row:8s} seed {seed}: {acc:.2f} '
                f'({time.time() - t0:.0f} s)',
                flush=True)

    def run(self) -> Dict:
        register_all_modules(init_default_scope=True)
        start = time.time()
        self.generate()  # reuses the data when already there
        for setting in self.settings:
            self.run_setting(setting)
        self.save(start)
        return self.results

    def table(self) -> str:
        rows = []
        for res in self.results.values():
            rows += [r for r in res if r not in rows]
        lines = [
            'Synthetic benchmark, RGB source(s) -> kv1 depth, top-1 accuracy '
            f'(%), mean ± std over seeds {self.seeds}', ''
        ] + markdown_table(
            ['method', *self.results],
            [[row] +
             [mean_std(res.get(row, [])) for res in self.results.values()]
             for row in rows])
        lines += ['', 'Per seed:', '']
        for setting, res in self.results.items():
            for row, v in res.items():
                lines.append(f'- {setting}, {row}: ' + per_seed(v))
        return '\n'.join(lines)
