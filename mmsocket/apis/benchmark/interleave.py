# Copyright (c) mmsocket contributors. All rights reserved.
"""Interleaved timing: what keeps step benchmarks meaningful on a machine
shared with other jobs.

Every variant runs once per round, in an order rotated every round, so a
burst of load from another process hits all variants of that round; ratios
are the median over rounds of ``t_variant / t_base`` within a round.
"""
import statistics
from typing import Callable, Dict, List, Sequence, TypeVar

T = TypeVar('T')


def rotated(names: Sequence[str], r: int) -> List[str]:
    """``names`` starting at position ``r`` (mod their number)."""
    k = r % len(names)
    return list(names[k:]) + list(names[:k])


def interleaved_rounds(step: Callable[[str, int], T],
                       names: Sequence[str],
                       rounds: int,
                       warmup: int = 0) -> Dict[str, List[T]]:
    """Call ``step(name, round)`` for every name in each of ``warmup +
    rounds`` rounds (order rotated every round); keep what the timed rounds
    return, per name."""
    kept: Dict[str, List[T]] = {n: [] for n in names}
    for r in range(warmup + rounds):
        for name in rotated(names, r):
            result = step(name, r)
            if r >= warmup:
                kept[name].append(result)
    return kept


def median(xs: Sequence[float]) -> float:
    """The median, NaN for no values."""
    return statistics.median(xs) if xs else float('nan')


def median_ratio(times: Sequence[float], base: Sequence[float]) -> float:
    """Median over rounds of ``times[r] / base[r]``."""
    return median([a / b for a, b in zip(times, base)])
