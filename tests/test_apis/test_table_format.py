# Copyright (c) mmsocket contributors. All rights reserved.
"""Markdown tables and mean ± std cells, against hand-computed values."""
from mmsocket.apis import markdown_table, mean_std, per_seed
from mmsocket.apis.benchmark.interleave import (interleaved_rounds,
                                                median_ratio, rotated)


def test_markdown_table():
    assert markdown_table(['a', 'b'], [[1, 'x'], ['—', 2.5]]) == [
        '| a | b |', '|---|---|', '| 1 | x |', '| — | 2.5 |'
    ]


def test_mean_std():
    # mean 2, population std sqrt(2/3) = 0.8165, sample std 1.
    assert mean_std([1, 2, 3]) == '2.00 ± 0.82'
    assert mean_std([1, 2, 3], digits=1) == '2.0 ± 0.8'
    assert mean_std([1, 2, 3], 3, ddof=1) == '2.000 ± 1.000'
    assert mean_std([15.42] * 3) == '15.42 ± 0.00'
    assert mean_std([0.25], 3, ddof=1, single=True) == '0.250'
    assert mean_std([]) == '—'
    assert per_seed([19.31, 18.614, 19.58]) == '19.31 / 18.61 / 19.58'


def test_interleaved_rounds_rotate_and_drop_warmup():
    calls = []

    def step(name, r):
        calls.append((r, name))
        return 10 * r + 'abc'.index(name)

    kept = interleaved_rounds(step, ['a', 'b', 'c'], rounds=2, warmup=1)
    assert [n for _, n in calls] == list('abc'
                                         'bca'
                                         'cab')
    assert kept == dict(a=[10, 20], b=[11, 21], c=[12, 22])
    assert rotated(['a', 'b', 'c'], 4) == ['b', 'c', 'a']
    # Same-round ratios 2, 2, 3: median 2 (the ratio of medians is 2.5).
    assert median_ratio([2, 4, 9], [1, 2, 3]) == 2
