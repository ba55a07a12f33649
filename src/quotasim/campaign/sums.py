"""Sums of a run's arrays for its books, with NumPy's bits, in one compiled call each.

A day books a dozen sums and counts of arrays of a few hundred officials (what was delivered from
each source, what was taken from households, the mean fear of those still free). NumPy spends
about 1.5 microseconds on each such call, more than the arithmetic; on the compiled path
(:func:`quotasim.compiled.active`) each is one compiled call of a fraction of that, with the same
result bit for bit: :func:`_pairwise_sum` adds in the order NumPy's ``np.add.reduce`` of a
contiguous float64 array does (pairwise, blocks of up to 128 values in eight running sums), so a
total is the same float whichever path made it (tests/campaign/test_sums.py).

The kernels here call :func:`_pairwise_sum`. A kernel may call only kernels of its own module:
Numba's cache checks the caller's source file, not its callees' (quotasim.compiled).
"""

from __future__ import annotations

import numpy as np

from quotasim import compiled
from quotasim.compiled import Kernel

_BLOCK = 128
"""NumPy's ``PW_BLOCKSIZE``: the most values added in one block of eight running sums."""


def total(values: np.ndarray) -> float:
    """``np.add.reduce(values)`` of a contiguous float64 array, the same bits on both paths."""
    if compiled.active():
        return _pairwise_sum(values, 0, len(values))
    return float(np.add.reduce(values))


def mean_where(values: np.ndarray, where: np.ndarray) -> float:
    """The mean of ``values[where]`` as NumPy computes it (its sum over the count), NaN when
    ``where`` holds nothing."""
    chosen = values[where]
    return total(chosen) / len(chosen) if len(chosen) else np.nan


def add_and_total(total_so_far: np.ndarray, other_total: np.ndarray, amount: np.ndarray) -> float:
    """``total_so_far += amount`` and ``other_total += amount``, in place; returns the sum of
    ``amount`` (what a source delivered today, added to its ledger and to the official's total)."""
    if compiled.active():
        return _add_and_total(total_so_far, other_total, amount)
    total_so_far += amount
    other_total += amount
    return float(np.add.reduce(amount))


def add_distinct(totals: np.ndarray, index: np.ndarray, amount: np.ndarray) -> tuple[float, int]:
    """``totals[index] += amount`` for distinct indices (one pass, where NumPy's fancy indexing
    makes two: at national scale each is a random walk through millions of households); returns
    the sum of ``amount`` and how many of its entries are not zero."""
    if compiled.active():
        return _add_distinct(totals, index, amount)
    totals[index] += amount
    return float(np.add.reduce(amount)), int(np.count_nonzero(amount))


def add_where(values: np.ndarray, amount: float, where: np.ndarray) -> int:
    """``values[where] += amount`` in place (a wage paid to the officials still free); returns
    how many were added to."""
    if compiled.active():
        return _add_where(values, amount, where)
    np.add(values, amount, out=values, where=where)
    return int(np.count_nonzero(where))


def _pairwise_sum_loop(values, start, count):
    """The sum of ``values[start:start + count]`` in NumPy's order: a part of up to
    :data:`_BLOCK` values is summed by :func:`_block_sum`; a longer one is cut in two, the first
    half a multiple of 8 long, and the two halves' sums (each so) are added. The halving is walked
    with a stack rather than by recursion, which Numba's cache cannot load."""
    if count <= _BLOCK:
        return _block_sum(values, start, count)
    depth = 64  # each cut halves the part: 64 levels reach past any array's length
    part_start, part_count = np.empty(depth, dtype=np.int64), np.empty(depth, dtype=np.int64)
    halves_done = np.zeros(depth, dtype=np.int64)
    sums, n_sums = np.empty(depth + 1), 0
    part_start[0], part_count[0], top = start, count, 0
    while top >= 0:
        s, c = part_start[top], part_count[top]
        if c <= _BLOCK:
            sums[n_sums] = _block_sum(values, s, c)
            n_sums += 1
            top -= 1
            continue
        half = c // 2
        half -= half % 8
        if halves_done[top] == 2:  # both halves summed: add them
            n_sums -= 1
            sums[n_sums - 1] += sums[n_sums]
            top -= 1
            continue
        first = halves_done[top] == 0
        halves_done[top] += 1
        top += 1
        part_start[top] = s if first else s + half
        part_count[top] = half if first else c - half
        halves_done[top] = 0
    return sums[0]


_pairwise_sum = Kernel(_pairwise_sum_loop)


def _block_sum_loop(values, start, count):
    """The sum of a part of at most :data:`_BLOCK` values as NumPy takes it: below 8 values one
    after the other; else in eight running sums added in pairs, then the rest one by one."""
    if count < 8:
        result = 0.0
        for k in range(start, start + count):
            result += values[k]
        return result
    r0, r1, r2, r3 = values[start], values[start + 1], values[start + 2], values[start + 3]
    r4, r5, r6, r7 = values[start + 4], values[start + 5], values[start + 6], values[start + 7]
    k = 8
    whole = count - count % 8
    while k < whole:
        at = start + k
        r0 += values[at]
        r1 += values[at + 1]
        r2 += values[at + 2]
        r3 += values[at + 3]
        r4 += values[at + 4]
        r5 += values[at + 5]
        r6 += values[at + 6]
        r7 += values[at + 7]
        k += 8
    result = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while k < count:
        result += values[start + k]
        k += 1
    return result


_block_sum = Kernel(_block_sum_loop)


def _add_and_total_loop(total_so_far, other_total, amount):
    for k in range(len(amount)):
        total_so_far[k] += amount[k]
        other_total[k] += amount[k]
    return _pairwise_sum(amount, 0, len(amount))


_add_and_total = Kernel(_add_and_total_loop)


def _add_distinct_loop(totals, index, amount):
    nonzero = 0
    for k in range(len(index)):
        totals[index[k]] += amount[k]
        if amount[k] != 0:
            nonzero += 1
    return _pairwise_sum(amount, 0, len(amount)), nonzero


_add_distinct = Kernel(_add_distinct_loop)


def _add_where_loop(values, amount, where):
    added = 0
    for k in range(len(values)):
        if where[k]:
            values[k] += amount
            added += 1
    return added


_add_where = Kernel(_add_where_loop)
