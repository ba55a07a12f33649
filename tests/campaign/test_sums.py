"""The run's books summed on the compiled path give NumPy's bits: quotasim.campaign.sums adds in
the order of ``np.add.reduce`` (pairwise, eight running sums a block of at most 128), so a daily
total or a mean is the same float whichever path made it. Compared with exact equality, on sizes
around each of the order's edges (8 values, a block of 128, halves cut to a multiple of 8)."""

from __future__ import annotations

import numpy as np
import pytest

from quotasim import compiled
from quotasim.campaign import sums

from .test_compiled_paths import both_paths

SIZES = [0, 1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 135, 136, 137, 200, 255, 256, 257, 1000, 1031, 4099, 100_003]


def _values(rng, n):
    """Mixed signs and magnitudes over ten orders: the order of the additions shows in the bits."""
    return rng.standard_normal(n) * 10.0 ** rng.integers(-5, 5, n)


def _bits(x) -> bytes:
    return np.float64(x).tobytes()


@pytest.mark.parametrize("n", SIZES)
def test_a_total_is_numpys_sum_bit_for_bit(n):
    rng = np.random.default_rng(n)
    for _ in range(5):
        values = _values(rng, n)
        assert compiled.active()
        assert _bits(sums.total(values)) == _bits(np.add.reduce(values)) == _bits(values.sum())


def test_a_total_of_a_part_is_numpys_sum_of_that_part():
    """The sum of ``values[start:start + count]``, as the kernels of the books take it; each part
    of 20 arrays, since one order of the additions can give another's bits by chance. Called
    from Python, as the block sum below: under mutation testing only such a call runs a kernel's
    mutant, where a compiled caller runs the original."""
    rng = np.random.default_rng(5)
    for _ in range(20):
        values = _values(rng, 3000)
        for start, count in [(0, 0), (3, 5), (1, 128), (17, 129), (3, 136), (100, 2049), (5, 2995)]:
            assert _bits(sums._pairwise_sum(values, start, count)) == _bits(values[start:start + count].sum())


@pytest.mark.parametrize("count", [0, 1, 7, 8, 9, 15, 16, 17, 64, 127, 128])
def test_a_block_is_summed_as_numpy_sums_it(count):
    rng = np.random.default_rng(count + 10)
    for start in (0, 3):
        for _ in range(20):
            values = _values(rng, count + 3)
            assert _bits(sums._block_sum(values, start, count)) == _bits(values[start:start + count].sum())


@pytest.mark.parametrize("n", [0, 1, 9, 200, 1000])
def test_a_mean_where_is_the_same_on_both_paths_and_nan_when_none_is_chosen(n):
    rng = np.random.default_rng(n + 1)
    values = _values(rng, n)
    for share in (0.0, 0.3, 0.9, 1.0):
        where = rng.random(n) < share
        vectorised, compiled_mean = both_paths(lambda: sums.mean_where(values, where))
        expected = values[where].mean() if where.any() else np.nan
        assert _bits(vectorised) == _bits(compiled_mean) == _bits(expected)


@pytest.mark.parametrize("n", [0, 5, 200, 1000])
def test_adding_and_totalling_is_the_same_on_both_paths(n):
    rng = np.random.default_rng(n + 2)
    amount = np.where(rng.random(n) < 0.3, 0.0, _values(rng, n))
    by_source, delivered = _values(rng, n), _values(rng, n)

    def book():
        mine, all_sources = by_source.copy(), delivered.copy()
        return sums.add_and_total(mine, all_sources, amount), mine, all_sources

    (total_a, mine_a, all_a), (total_b, mine_b, all_b) = both_paths(book)
    assert _bits(total_a) == _bits(total_b) == _bits(amount.sum())
    assert np.array_equal(mine_a, mine_b) and np.array_equal(mine_a, by_source + amount)
    assert np.array_equal(all_a, all_b) and np.array_equal(all_a, delivered + amount)


@pytest.mark.parametrize("n", [0, 5, 200, 1000])
def test_adding_at_distinct_places_is_the_same_on_both_paths(n):
    rng = np.random.default_rng(n + 3)
    index = rng.choice(3 * n + 1, n, replace=False)
    amount = np.where(rng.random(n) < 0.3, 0.0, _values(rng, n))  # negatives too: "not zero", as count_nonzero
    totals = np.abs(_values(rng, 3 * n + 1))

    def book():
        booked = totals.copy()
        return *sums.add_distinct(booked, index, amount), booked

    (total_a, nonzero_a, booked_a), (total_b, nonzero_b, booked_b) = both_paths(book)
    assert _bits(total_a) == _bits(total_b) == _bits(amount.sum())
    assert nonzero_a == nonzero_b == np.count_nonzero(amount)
    expected = totals.copy()
    expected[index] += amount
    assert np.array_equal(booked_a, booked_b) and np.array_equal(booked_a, expected)


@pytest.mark.parametrize("n", [0, 5, 200])
def test_adding_where_chosen_is_the_same_on_both_paths(n):
    rng = np.random.default_rng(n + 4)
    values, where = _values(rng, n), rng.random(n) < 0.6

    def pay():
        paid = values.copy()
        return sums.add_where(paid, 0.1, where), paid

    (count_a, paid_a), (count_b, paid_b) = both_paths(pay)
    assert count_a == count_b == np.count_nonzero(where)
    assert np.array_equal(paid_a, paid_b) and np.array_equal(paid_a, np.where(where, values + 0.1, values))
