# Copyright (c) mmsocket contributors. All rights reserved.
"""Table specs: which configs fill which cell of a paper table.

A spec (``configs/tables/*.py``, written by the config generator) is a
config file with ``title``, ``rows``, ``columns``, ``methods`` and
``cells`` (each cell: its row, column, method and the configs whose results
it averages, optionally the paper's value), plus the ``sources`` (checkpoint
-> config) the cells read.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.config import Config

from ..utils import default_work_dir
from .experiment import load_config
from .runs import Run


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

    def missing_sources(self) -> List[str]:
        """Checkpoints the cells read that do not exist yet."""
        return [p for p in self.sources if not osp.isfile(p)]


def is_test_only(config: str) -> bool:
    """Evaluation-only configs (Unadapted) are deterministic: one seed."""
    return not load_config(config).get('train_dataloader')


def run_dir(work_root: str, config: str, seed: int) -> str:
    """``<work_root>/<config path below configs/>/seed<k>``."""
    below = osp.relpath(default_work_dir(config), './work_dirs')
    return osp.join(work_root, below, f'seed{seed}')


def plan_runs(
        spec: TableSpec,
        seeds: Sequence[int],
        work_root: str,
        cfg_options: Optional[dict] = None
) -> Tuple[List[Run], Dict[str, bool]]:
    """Unique (config, seed) runs in table order, and which configs are
    evaluation-only (those run once, under the first seed)."""
    runs: Dict[Tuple[str, int], Run] = {}
    test_only: Dict[str, bool] = {}
    for cell in spec.cells:
        for config in cell['configs']:
            if config not in test_only:
                try:
                    test_only[config] = is_test_only(config)
                except FileNotFoundError as e:
                    raise FileNotFoundError(
                        f'{config} (a cell of {spec.path}) does not exist; '
                        'run tools/misc/generate_configs.py') from e
            for seed in seeds[:1] if test_only[config] else seeds:
                if (config, seed) not in runs:
                    runs[(config, seed)] = Run(
                        config,
                        run_dir(work_root, config, seed),
                        seed=seed,
                        label=f'{config} seed {seed}',
                        cfg_options=cfg_options)
    return list(runs.values()), test_only


def source_runs(spec: TableSpec) -> Dict[str, Run]:
    """The training of every source model of ``spec``, by checkpoint."""
    return {
        ckpt: Run(config, default_work_dir(config), seed=0, label=config)
        for ckpt, config in spec.sources.items()
    }
