# Copyright (c) mmsocket contributors. All rights reserved.
"""Markdown tables and ``mean ± std`` cells, the one way every tool prints
its results, and the seed options every table tool takes."""
import argparse
import json
import os
import os.path as osp
import time
from typing import Dict, Iterable, List, Sequence

import numpy as np


def markdown_table(headers: Sequence[str],
                   rows: Iterable[Sequence]) -> List[str]:
    """The lines of a markdown table (cells formatted with ``str``)."""
    lines = [
        '| ' + ' | '.join(str(h) for h in headers) + ' |',
        '|' + '---|' * len(headers)
    ]
    lines += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return lines


def mean_std(values: Sequence[float],
             digits: int = 2,
             ddof: int = 0,
             single: bool = False) -> str:
    """``mean ± std`` of ``values`` with ``digits`` decimals.

    Args:
        values: The per-seed values; empty gives ``'—'``.
        digits (int): Decimals. Defaults to 2.
        ddof (int): 0 for the population std (what the quick starts and
            ``run_table`` report), 1 for the sample std. Defaults to 0.
        single (bool): Print a single value without ``± std`` (a sample std
            of one value does not exist). Defaults to False.
    """
    v = np.asarray(values, dtype=float)
    if not len(v):
        return '—'
    if single and len(v) == 1:
        return f'{v[0]:.{digits}f}'
    return f'{v.mean():.{digits}f} ± {v.std(ddof=ddof):.{digits}f}'


def per_seed(values: Sequence[float], digits: int = 2) -> str:
    """``a / b / c``: every seed's value."""
    return ' / '.join(f'{x:.{digits}f}' for x in values)


def results_table(title: str, results: Dict[str, Sequence[float]]) -> str:
    """A titled table of ``method -> per-seed values``: mean ± std and
    every seed (what the quick starts and ``tools/adapt.py`` print). A row
    of one value (an evaluation without training) shows no std."""
    rows = [[name, mean_std(v, single=True),
             per_seed(v)] for name, v in results.items()]
    return '\n'.join(
        [title, ''] +
        markdown_table(['method', 'mean ± std', 'per seed'], rows))


def save_results(work_dir: str, table: str, results: dict,
                 start: float) -> None:
    """Print ``table`` and the time since ``start``; keep the table in
    ``work_dir/results.md`` and the raw values in ``results.json``."""
    print('\n' + table)
    print(f'\n{(time.time() - start) / 60:.1f} min in all; results in '
          f'{work_dir}/results.md')
    os.makedirs(work_dir, exist_ok=True)
    with open(osp.join(work_dir, 'results.md'), 'w') as f:
        f.write(table + '\n')
    with open(osp.join(work_dir, 'results.json'), 'w') as f:
        json.dump(results, f, indent=2)


def add_seed_options(parser: argparse.ArgumentParser) -> None:
    """``--source-seeds`` (default 0 1 2) and ``--seeds`` (default 0): a
    source model per source seed, each adapted with every seed."""
    parser.add_argument(
        '--source-seeds',
        type=int,
        nargs='+',
        default=[0, 1, 2],
        help='one source model per seed (trained once if missing, reused)')
    parser.add_argument(
        '--seeds',
        type=int,
        nargs='+',
        default=[0],
        help='adaptation seeds, run on every source model')
