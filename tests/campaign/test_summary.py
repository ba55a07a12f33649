"""The summary's measures (docs/outputs.md): the Gini coefficient, what was taken from each tenth
of households, households squeezed — against their textbook definitions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotasim.campaign import sorting, summary


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


@settings(max_examples=40, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 3000))
def test_the_radix_sort_is_numpys_sort_of_any_floats(seed, n):
    """The radix sort the summary uses on some processors is np.sort, value for value:
    negatives, zeros, infinities, neighbours one bit apart, and digits shared by every value
    (powers of two: all mantissa bits zero) included."""
    rng = np.random.default_rng(seed)
    pool = np.concatenate([
        rng.normal(0, 1e3, n), rng.lognormal(5, 2, n), [0.0, -0.0, np.inf, -np.inf, 5e-324, -5e-324],
        np.nextafter(1.0, [2.0, 0.0]), [1.0],
    ])
    values = rng.choice(pool, size=n)
    np.testing.assert_array_equal(sorting.radix_sorted(values), np.sort(values))
    powers = rng.permutation(2.0 ** np.arange(-30, 30))
    np.testing.assert_array_equal(sorting.radix_sorted(powers), np.sort(powers))
    near = rng.permutation(np.nextafter(1.0, np.full(4, 2.0)) + np.array([0.0, 2.2e-16, 4.4e-16, 0.0]))
    np.testing.assert_array_equal(sorting.radix_sorted(near), np.sort(near))


CPUINFO = """processor\t: 0
vendor_id\t: {vendor}
cpu family\t: {family}
model name\t: some processor
flags\t\t: fpu sse2 avx2 {extra}

processor\t: 1
vendor_id\t: AuthenticAMD
cpu family\t: 25
flags\t\t: fpu avx2 avx512f
"""


@pytest.mark.parametrize(("vendor", "family", "extra", "zen4"), [
    ("AuthenticAMD", 25, "avx512f avx512dq", True),  # Zen 4
    ("AuthenticAMD", 25, "", False),  # Zen 3: no AVX-512, NumPy's AVX2 sort is fast
    ("AuthenticAMD", 26, "avx512f", False),  # Zen 5
    ("GenuineIntel", 6, "avx512f avx512dq", False),
    ("AuthenticAMD", 250, "avx512f", False),
])
def test_numpy_sort_is_avoided_only_on_zen4(vendor, family, extra, zen4, monkeypatch):
    """Only the first processor's block counts (the second one here is a Zen 4), and the radix
    sort is taken only on the compiled path."""
    assert sorting.zen4(CPUINFO.format(vendor=vendor, family=family, extra=extra)) is zen4
    assert sorting.zen4(f"vendor_id\t: {vendor}\ncpu family\t: {family}\n") is False  # no flags line
    monkeypatch.setattr(sorting, "numpy_sort_is_slow", lambda: zen4)
    taken = []
    monkeypatch.setattr(sorting, "radix_sorted", lambda values: taken.append(1) or np.sort(values))
    values = np.array([3.0, 1.0, 2.0])
    for active in (False, True):
        monkeypatch.setattr(sorting.compiled, "active", lambda: active)
        np.testing.assert_array_equal(sorting.sorted_copy(values), [1.0, 2.0, 3.0])
    assert len(taken) == int(zen4)
