# Copyright (c) mmsocket contributors. All rights reserved.
"""A paper table from the ``result.json`` files of its runs.

Rows = the spec's rows, columns = column x method, mean ± std over seeds,
the paper's numbers beside them and which method beats which, measured and
published.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .experiment import read_result
from .table_format import markdown_table, mean_std
from .table_spec import TableSpec, replicates, run_dir, run_seed

Key = Tuple[str, str, str]  # (row, column, method)


def cell_values(
    cell: dict,
    seeds: Sequence[int],
    work_root: str,
    metric: str,
    test_only: Dict[str, bool],
    source_seeds: Sequence[Optional[int]] = (None, )
) -> Optional[np.ndarray]:
    """Per-replicate values of a cell (mean over its configs), or None if
    any run is missing; replicates as :func:`.table_spec.replicates`.
    Evaluation-only configs ran once per source seed, under the first seed.
    A cell's own ``metric`` (e.g. a column per depth metric) wins over
    ``metric``.
    """
    metric = cell.get('metric', metric)
    per_seed = []
    for rep in replicates(source_seeds, seeds):
        values = []
        for config in cell['configs']:
            s = run_seed(test_only[config], rep, seeds)
            result = read_result(run_dir(work_root, config, s, rep[0]))
            if result is None:
                return None
            if metric not in result['metrics']:
                raise KeyError(f'{metric} not among the metrics of '
                               f'{config}: {sorted(result["metrics"])}')
            values.append(result['metrics'][metric])
        per_seed.append(float(np.mean(values)))
    return np.array(per_seed)


def _grid(spec: TableSpec, heads: List[Tuple[str, str]], get,
          fmt) -> List[str]:
    """One table: a row per spec row, a column per (column, method), and an
    Average row when there are several rows."""

    def head_text(c, m):
        return c if len(spec.methods) == 1 else f'{c} {m}'

    rows, cols = [], {h: [] for h in heads}
    for r in spec.rows:
        row = []
        for c, m in heads:
            v = get((r, c, m))
            row.append('—' if v is None else fmt(v))
            if v is not None:
                cols[(c, m)].append(np.mean(v))
        rows.append([r] + row)
    if spec.average and len(spec.rows) > 1:
        rows.append(['Average'] + [
            f'{np.mean(cols[h]):.1f}' if len(cols[h]) ==
            len(spec.rows) else '—' for h in heads
        ])
    return markdown_table([spec.row_title] + [head_text(*h) for h in heads],
                          rows)


def _orderings(methods: Sequence[str], values: Dict[Key, np.ndarray],
               paper: Dict[Key, float]) -> List[str]:
    """For consecutive methods a, b: in how many cells b beats a."""
    out = []
    for a, b in zip(methods, methods[1:]):
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
    return out


def spread_note(source_seeds: Sequence[Optional[int]],
                seeds: Sequence[int]) -> str:
    """What a ``mean ± std`` of the table varies."""
    if list(source_seeds) == [None]:
        return (f'seeds {list(seeds)} (one source model per config: the '
                'std covers the adaptation only)')
    return (f'source seeds {list(source_seeds)} x seeds {list(seeds)} (a '
            'source model per source seed)')


def render_table(
    spec: TableSpec,
    seeds: Sequence[int],
    work_root: str,
    test_only: Dict[str, bool],
    source_seeds: Sequence[Optional[int]] = (None, )
) -> dict:
    """The markdown table (``markdown``) and the finished cells
    (``cells``: per-replicate values, mean, std and the paper's value)."""
    values: Dict[Key, np.ndarray] = {}
    paper: Dict[Key, float] = {}
    for cell in spec.cells:
        key = (cell['row'], cell['column'], cell['method'])
        v = cell_values(cell, seeds, work_root, spec.metric, test_only,
                        source_seeds)
        if v is not None:
            values[key] = v
        if 'paper' in cell:
            paper[key] = cell['paper']
    present = {(x['row'], x['column'], x['method']) for x in spec.cells}
    heads = [(c, m) for c in spec.columns for m in spec.methods
             if any((r, c, m) in present for r in spec.rows)]

    out = [
        f'## {spec.title}', '',
        f'Measured: mean ± std over {spread_note(source_seeds, seeds)} '
        f'({spec.unit}; std with ddof=0).', ''
    ]
    digits = spec.digits
    out += _grid(spec, heads, values.get, lambda v: mean_std(v, digits))
    if paper:
        out += ['', f'Paper ({spec.paper_note}):', '']
        out += _grid(spec, heads, paper.get, lambda v: f'{v:.{digits}f}')
    if len(spec.methods) > 1:
        out += [
            '', 'Orderings (cells where the later method beats the earlier):',
            ''
        ] + _orderings(spec.methods, values, paper)
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
