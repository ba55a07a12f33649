"""The summary's measures (docs/outputs.md): the Gini coefficient, what was taken from each tenth
of households, households squeezed — against their textbook definitions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotasim.campaign import summary


def gini_by_definition(x):
    """Mean absolute difference over all pairs, divided by twice the mean."""
    x = np.asarray(x, dtype=float)
    if len(x) == 0 or x.sum() == 0:
        return 0.0
    return np.abs(x[:, None] - x[None, :]).mean() / (2 * x.mean())


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.floats(0, 1e4), min_size=0, max_size=40))
def test_gini_is_the_mean_absolute_difference_over_twice_the_mean(values):
    x = np.array(values)
    assert summary.gini(x) == pytest.approx(gini_by_definition(x), abs=1e-9)
    assert summary.gini_of_sorted(np.sort(x)) == pytest.approx(gini_by_definition(x), abs=1e-9)
    sorted_x = np.sort(x)
    assert summary.gini_of_sorted(sorted_x.copy(), overwrite_x=True) == summary.gini_of_sorted(sorted_x)
    np.testing.assert_array_equal(sorted_x, np.sort(x))  # not overwritten unless asked


def test_gini_on_examples():
    assert summary.gini(np.array([5.0, 5.0, 5.0])) == 0.0
    assert summary.gini(np.array([0.0, 0.0, 0.0, 8.0])) == pytest.approx(0.75)
    assert summary.gini(np.zeros(3)) == 0.0 and summary.gini(np.zeros(0)) == 0.0
    # Scale-free: the same for holdings of a few cents in all.
    assert summary.gini(np.array([0.0, 0.0, 0.0, 0.08])) == pytest.approx(0.75)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), ties=st.booleans())
def test_taken_by_decile_cuts_households_into_tenths_by_rank(seed, n, ties):
    rng = np.random.default_rng(seed)
    start = rng.integers(0, 5, n).astype(float) if ties else 100 * rng.random(n)
    taken = rng.random(n) * start
    sorted_start = np.sort(start)
    got = summary.taken_by_decile(start, sorted_start, taken)
    cuts = sorted_start[(np.arange(1, 10) * n) // 10]
    want = np.zeros(10)
    for h in range(n):
        want[(start[h] >= cuts).sum()] += taken[h]
    np.testing.assert_allclose(got, want)
    assert got.sum() == pytest.approx(taken.sum())
    if not ties and n >= 10:
        # Distinct holdings: each tenth holds n/10 households, richest last.
        order = np.argsort(start)
        top = order[(9 * n) // 10:]
        assert got[9] == pytest.approx(taken[top].sum())


def test_taken_by_decile_of_no_household():
    assert summary.taken_by_decile(np.zeros(0), np.zeros(0), np.zeros(0)).tolist() == [0.0] * 10


def test_squeezed_means_more_than_the_share_taken():
    taken, start = np.array([10.0, 11.0, 0.0, 5.0]), np.array([100.0, 100.0, 0.0, 10.0])
    assert summary.lost_more_than(taken, start, 0.1).tolist() == [False, True, False, True]
