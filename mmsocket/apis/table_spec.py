# Copyright (c) mmsocket contributors. All rights reserved.
"""Table specs: which configs fill which cell of a paper table.

A spec (``configs/tables/*.py``, written by the config generator) is a
config file with ``title``, ``rows``, ``columns``, ``methods`` and
``cells`` (each cell: its row, column, method and the configs whose results
it averages, optionally the paper's value), plus the ``sources`` (checkpoint
-> config) the cells read and the ``needs`` (config -> the configs whose
output it reads, e.g. TGKT -> its TGMB stage).

Every cell is measured on each *replicate*: a (source seed, seed) pair. A
source model (or depth teacher) is trained once per source seed, so the std
covers the whole chain, not only the adaptation.
"""
import os.path as osp
from typing import Any, Dict, List, Optional, Sequence, Tuple

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
        # What the values are, decimals, and whether rows may be averaged
        # (not when rows are methods, as in the depth-distillation tables).
        self.unit = cfg.get('unit', f'{self.metric} %')
        self.digits = cfg.get('digits', 1)
        self.average = cfg.get('average', True)
        self.paper_note = cfg.get('paper_note', 'the authors\' numbers')
        self.sources: Dict[str, str] = dict(cfg.get('sources', {}))
        self.needs: Dict[str, List[str]] = {
            k: list(v)
            for k, v in cfg.get('needs', {}).items()
        }

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
        if (rows, columns, methods) != (None, None, None):
            self.sources = self._sources_read()

    def _sources_read(self) -> Dict[str, str]:
        """The sources that the (filtered) cells' configs, and the configs
        they need, read: a filtered table trains no other source model."""
        configs, todo = set(), [
            c for cell in self.cells for c in cell['configs']
        ]
        while todo:
            config = todo.pop()
            if config not in configs:
                configs.add(config)
                todo += self.needs.get(config, [])
        texts = [load_config(c).pretty_text for c in sorted(configs)]
        return {
            ckpt: config
            for ckpt, config in self.sources.items()
            if any(ckpt in text for text in texts)
        }

    def missing_sources(
        self, source_seeds: Sequence[Optional[int]] = (None, )) -> List[str]:
        """Checkpoints the cells read that do not exist yet."""
        return [
            p for p in source_runs(self, source_seeds) if not osp.isfile(p)
        ]


Replicate = Tuple[Optional[int], int]  # (source seed, seed)


def replicates(source_seeds: Sequence[Optional[int]],
               seeds: Sequence[int]) -> List[Replicate]:
    """Every (source seed, seed), source seed outermost."""
    return [(s, k) for s in source_seeds for k in seeds]


def seeded_checkpoint(ckpt: str, source_seed: Optional[int]) -> str:
    """Where the source model of ``source_seed`` goes:
    ``<dir>/seed<s>/<file>`` (None: ``ckpt`` itself, trained with the
    config's own seed)."""
    if source_seed is None:
        return ckpt
    return osp.join(
        osp.dirname(ckpt), f'seed{source_seed}', osp.basename(ckpt))


def redirect_paths(mapping: Dict[str, str]):
    """A config edit: every string that is a path in (or equal to) a key of
    ``mapping`` moves below its value (source checkpoints of one source
    seed, the TGMB translator of the same replicate)."""
    mapping = {osp.normpath(k): v for k, v in mapping.items()}

    def move(value: Any) -> Any:
        if isinstance(value, dict):
            for k in list(value):
                value[k] = move(value[k])
        elif isinstance(value, (list, tuple)):
            value = type(value)(move(v) for v in value)
        elif isinstance(value, str) and ('/' in value or '\\' in value):
            path = osp.normpath(value)
            for old, new in mapping.items():
                if path == old:
                    return new
                if path.startswith(old + osp.sep):
                    return osp.join(new, osp.relpath(path, old))
        return value

    def edit(cfg: Config) -> None:
        for key in list(cfg.keys()):
            cfg[key] = move(cfg[key])

    return edit


def is_test_only(config: str) -> bool:
    """Evaluation-only configs (Unadapted) are deterministic: one seed."""
    return not load_config(config).get('train_dataloader')


def run_dir(work_root: str,
            config: str,
            seed: int,
            source_seed: Optional[int] = None) -> str:
    """``<work_root>/<config path below configs/>[/source<s>]/seed<k>``."""
    below = osp.relpath(default_work_dir(config), './work_dirs')
    if source_seed is not None:
        below = osp.join(below, f'source{source_seed}')
    return osp.join(work_root, below, f'seed{seed}')


def run_seed(test_only: bool, replicate: Replicate,
             seeds: Sequence[int]) -> int:
    """The seed a config runs under: evaluation-only configs
    (deterministic) run once per source seed, under the first seed."""
    return seeds[0] if test_only else replicate[1]


def plan_runs(
    spec: TableSpec,
    seeds: Sequence[int],
    work_root: str,
    cfg_options: Optional[dict] = None,
    source_seeds: Sequence[Optional[int]] = (None, )
) -> Tuple[List[Run], Dict[str, bool]]:
    """Unique (config, source seed, seed) runs in table order, and which
    configs are evaluation-only.

    A run reads the source models of its source seed, and a config listed
    in ``spec.needs`` reads the runs of the same replicate that it needs
    (planned first, also when no cell shows them).
    """
    runs: Dict[Tuple[str, Optional[int], int], Run] = {}
    test_only: Dict[str, bool] = {}

    def plan(config: str, rep: Replicate, cell_of: str) -> Run:
        if config not in test_only:
            try:
                test_only[config] = is_test_only(config)
            except FileNotFoundError as e:
                raise FileNotFoundError(
                    f'{config} ({cell_of} of {spec.path}) does not exist; '
                    'run tools/misc/generate_configs.py') from e
        seed = run_seed(test_only[config], rep, seeds)
        key = (config, rep[0], seed)
        if key in runs:
            return runs[key]
        needs = [
            plan(c, rep, f'needed by {config}')
            for c in spec.needs.get(config, [])
        ]
        paths = {
            ckpt: seeded_checkpoint(ckpt, rep[0])
            for ckpt in spec.sources
        }
        paths.update({
            default_work_dir(c): n.work_dir
            for c, n in zip(spec.needs.get(config, []), needs)
        })
        src = '' if rep[0] is None else f'source seed {rep[0]}, '
        runs[key] = Run(
            config,
            run_dir(work_root, config, seed, rep[0]),
            seed=seed,
            label=f'{config} {src}seed {seed}',
            cfg_options=cfg_options,
            edits=(redirect_paths(paths), ),
            needs=tuple(needs))
        return runs[key]

    for cell in spec.cells:
        for config in cell['configs']:
            for rep in replicates(source_seeds, seeds):
                plan(config, rep, 'a cell')
    return list(runs.values()), test_only


def source_runs(
    spec: TableSpec, source_seeds: Sequence[Optional[int]] = (None, )
) -> Dict[str, Run]:
    """The training of every source model of ``spec`` per source seed, by
    checkpoint (source seed None: seed 0, into the checkpoint the spec
    names)."""
    runs = {}
    for s in source_seeds:
        for ckpt, config in spec.sources.items():
            path = seeded_checkpoint(ckpt, s)
            runs[path] = Run(
                config,
                osp.dirname(path),
                seed=0 if s is None else s,
                label=config if s is None else f'{config} seed {s}')
    return runs
