"""The synthetic population (docs/model.md, sections 2 and 5): each attribute follows the
distribution the scenario gives it, officials' households are their own, kin networks have the
documented tiers and members. Distributions are checked on a population large enough that the
tolerances are several standard errors wide."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.stats import poisson

from quotasim import load_scenario
from quotasim.population import build
from quotasim.scenario.campaign import home_allocation

from .test_compiled_paths import both_paths

BIG = [
    "officials.count=3000", "officials.bureaus=7", "kin.tier2_households=2.5", "kin.tier3_households=1.5",
    "kin.home_share=0.6", "patronage.initial_job_share=0.3", "officials.risk_aversion_low=0.2",
    "officials.risk_aversion_high=0.7", "officials.hardship_max=0.4", "officials.loyalty_mean=0.65",
    "officials.savings_median_usd=500", "officials.skill_sigma=0.5", "deterrence.baseline_fear=0.15",
]


@pytest.fixture  # per test, not per module: mutmut links a function only to the tests that call it
def population():
    config = load_scenario("dprk-2020-80-day-battle", BIG).config
    return config, build.build_population(config, np.random.default_rng(11))


def test_households_per_locality_and_their_holdings_and_sizes(population):
    config, pop = population
    hh, loc = pop.households, pop.localities
    counts = [l.households for l in config.localities]
    assert np.diff(loc.household_start).tolist() == counts and loc.household_start[0] == 0
    assert np.bincount(hh.locality, minlength=len(counts)).tolist() == counts
    assert (np.diff(hh.locality) >= 0).all()  # grouped by locality
    assert loc.name == [l.name for l in config.localities] and loc.kind == [l.kind for l in config.localities]
    np.testing.assert_array_equal(loc.opportunity_usd_per_day, [l.opportunity_usd_per_day for l in config.localities])
    for index, l in enumerate(config.localities):
        mine = hh.locality == index
        # Log-normal around the locality's median: the log's median and spread.
        logs = np.log(hh.holdings[mine] / l.holdings_median_usd)
        assert abs(np.median(logs)) < 4 * 1.25 * l.holdings_sigma / np.sqrt(mine.sum())
        assert np.std(logs) == pytest.approx(l.holdings_sigma, rel=0.1)
        assert hh.persons[mine].mean() == pytest.approx(l.persons_per_household, rel=0.05)
    np.testing.assert_array_equal(hh.holdings_start, hh.holdings)
    assert hh.holdings_start is not hh.holdings
    assert not hh.exiled.any() and not hh.investigated.any()
    assert hh.persons.min() >= 1 and hh.persons.max() <= build.MAX_DRAWN_PERSONS


@settings(max_examples=40, deadline=None, derandomize=True)
@given(mean=st.floats(1.0, 20.0), seed=st.integers(0, 2**32 - 1))
@example(mean=1.0, seed=0)
def test_household_sizes_are_one_plus_poisson_capped(mean, seed):
    u = np.random.default_rng(seed).random(500)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one-person households (mean 1) are valid: no numerical warning
        vectorised, sizes = both_paths(lambda: build._household_sizes(mean, u))
    assert vectorised.dtype == sizes.dtype == np.int16 and np.array_equal(vectorised, sizes)
    if mean == 1.0:
        assert (sizes == 1).all()
    else:
        np.testing.assert_array_equal(sizes, np.minimum(1 + poisson.ppf(u, mean - 1.0), build.MAX_DRAWN_PERSONS))


def test_officials_attributes_follow_their_distributions(population):
    config, pop = population
    off, spec, hh = pop.officials, config.officials, pop.households
    n = spec.count
    sizes = np.bincount(off.bureau, minlength=spec.bureaus)
    assert sizes.max() - sizes.min() <= 1 and len(sizes) == spec.bureaus
    assert np.bincount(off.home_locality, minlength=len(config.localities)).tolist() == home_allocation(config)
    # His own household: in his home locality, and nobody else's.
    assert (hh.locality[off.household] == off.home_locality).all()
    assert len(np.unique(off.household)) == n
    assert hh.official_home.sum() == n and hh.official_home[off.household].all()
    # Dispatched in proportion to dispatch_weight.
    w = np.array([l.dispatch_weight for l in config.localities])
    share = np.bincount(off.locality, minlength=len(w)) / n
    np.testing.assert_allclose(share, w / w.sum(), atol=4 * np.sqrt(0.25 / n))
    logs = np.log(off.savings / spec.savings_median_usd)
    assert abs(np.median(logs)) < 4 * 1.25 * spec.savings_sigma / np.sqrt(n)
    assert np.std(logs) == pytest.approx(spec.savings_sigma, rel=0.1)
    assert abs(np.median(np.log(off.skill))) < 4 * 1.25 * spec.skill_sigma / np.sqrt(n)
    assert np.std(np.log(off.skill)) == pytest.approx(spec.skill_sigma, rel=0.1)
    # Beta(mean m, concentration c): variance m(1 - m)/(c + 1).
    m, c = spec.loyalty_mean, spec.loyalty_concentration
    assert off.loyalty.mean() == pytest.approx(m, abs=4 * np.sqrt(m * (1 - m) / (c + 1) / n))
    assert off.loyalty.var() == pytest.approx(m * (1 - m) / (c + 1), rel=0.15)
    lo, hi = spec.risk_aversion_low, spec.risk_aversion_high
    assert off.risk_aversion.min() >= lo and off.risk_aversion.max() <= hi
    assert off.risk_aversion.mean() == pytest.approx((lo + hi) / 2, abs=0.02)
    assert off.hardship.min() >= 0 and off.hardship.max() <= spec.hardship_max
    assert off.hardship.mean() == pytest.approx(spec.hardship_max / 2, abs=0.02)
    np.testing.assert_array_equal(off.fear, config.deterrence.baseline_fear)


def test_kin_networks_have_their_tiers_members_and_jobs(population):
    config, pop = population
    kin, off, hh = pop.kin, pop.officials, pop.households
    n = config.officials.count
    per = np.bincount(kin.official, minlength=n)
    np.testing.assert_array_equal(kin.start, np.concatenate([[0], np.cumsum(per)]))
    assert (np.diff(kin.official) >= 0).all()
    first = kin.start[:-1]
    assert (kin.tier[first] == 1).all() and (kin.household[first] == off.household).all()
    assert (kin.tier == 1).sum() == n
    assert (np.diff(kin.tier.astype(int))[np.diff(kin.official) == 0] >= 0).all()  # tiers in order
    close = np.bincount(kin.official[kin.tier <= 2], minlength=n)
    np.testing.assert_array_equal(kin.close_count, close)
    tier2 = np.bincount(kin.official[kin.tier == 2], minlength=n)
    tier3 = np.bincount(kin.official[kin.tier == 3], minlength=n)
    assert tier2.mean() == pytest.approx(config.kin.tier2_households, abs=4 * np.sqrt(config.kin.tier2_households / n))
    assert tier3.mean() == pytest.approx(config.kin.tier3_households, abs=4 * np.sqrt(config.kin.tier3_households / n))
    # Relatives at home with probability home_share, else anywhere in proportion to households.
    rel = kin.tier > 1
    at_home = hh.locality[kin.household[rel]] == off.home_locality[kin.official[rel]]
    counts = np.diff(pop.localities.household_start)
    p_same = (counts / counts.sum())[off.home_locality[kin.official[rel]]]
    expected = config.kin.home_share + (1 - config.kin.home_share) * p_same.mean()
    assert at_home.mean() == pytest.approx(expected, abs=4 * np.sqrt(0.25 / rel.sum()))
    # Members: 1 beside the official in his own household, then 0, 1, ... per household.
    own = kin.tier == 1
    np.testing.assert_array_equal(kin.member[own], np.where(hh.persons[kin.household[own]] >= 2, 1, -1))
    assert (kin.member[~own] < hh.persons[kin.household[~own]]).all()
    assert ((kin.member >= 0) | (kin.member == -1)).all()
    # Jobs only for close relatives who stand for somebody, in the initial share.
    able = (kin.tier <= 2) & (kin.member >= 0)
    assert not kin.has_job[~able].any()
    share = config.patronage.initial_job_share
    assert kin.has_job[able].mean() == pytest.approx(share, abs=4 * np.sqrt(share * (1 - share) / able.sum()))
    assert not kin.job_lost.any()


def test_members_are_numbered_per_household_in_link_order():
    household = np.array([5, 7, 8, 7, 9, 7, 7, 7, 7])
    tier = np.array([1, 2, 2, 3, 1, 2, 3, 3, 2], dtype=np.int8)
    persons = np.zeros(10, dtype=np.int16)
    persons[[5, 7, 8, 9]] = [3, 4, 1, 1]
    # Own households: member 1 beside the official, nobody in a household of one. Relatives'
    # links naming household 7 (4 persons) take members 0, 1, 2, 3, then nobody.
    assert build._members(household, tier, persons).tolist() == [1, 0, 0, 1, -1, 2, 3, -1, -1]


def test_clashes_are_a_relatives_link_to_an_officials_home_or_a_repeat():
    household = np.array([0, 3, 3, 4, 1, 3, 0])
    official = np.array([0, 0, 0, 0, 1, 1, 1])
    tier = np.array([1, 2, 3, 2, 1, 2, 2], dtype=np.int8)
    home = np.zeros(5, dtype=bool)
    home[[0, 1]] = True
    # Link 2 repeats household 3 in official 0's network; link 6 names official 0's home.
    # Official 1 naming household 3 too is allowed.
    assert build._clashes(household, official, tier, home).tolist() == [False, False, True, False, False, False, True]


def _network(seed, n_households):
    """Links as _build_kin lays them out: grouped by official, his own household (tier 1) first."""
    rng = np.random.default_rng(seed)
    per_official = rng.integers(1, 12, 8)
    official = np.repeat(np.arange(8), per_official)
    tier = np.where(np.arange(len(official)) == np.repeat(np.cumsum(per_official) - per_official, per_official), 1, rng.integers(2, 4, len(official)))
    return rng, official, tier.astype(np.int8), rng.integers(0, n_households, len(official))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), n_households=st.integers(3, 15))
def test_a_clash_is_a_relatives_link_to_an_officials_home_or_to_a_household_he_named_before(seed, n_households):
    rng, official, tier, household = _network(seed, n_households)
    home = rng.random(n_households) < 0.2
    named, expected = set(), []
    for o, t, h in zip(official.tolist(), tier.tolist(), household.tolist()):
        expected.append(t > 1 and (bool(home[h]) or (o, h) in named))
        named.add((o, h))
    assert build._clashes(household, official, tier, home).tolist() == expected


@settings(max_examples=30, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), n_households=st.integers(3, 15))
def test_relatives_take_the_members_of_a_household_in_link_order(seed, n_households):
    rng, official, tier, household = _network(seed, n_households)
    persons = rng.integers(1, 6, n_households).astype(np.int16)
    taken, expected = {}, []
    for t, h in zip(tier.tolist(), household.tolist()):
        if t == 1:
            expected.append(1 if persons[h] >= 2 else -1)  # beside the official, member 0
        else:
            rank = taken.get(h, 0)
            taken[h] = rank + 1
            expected.append(rank if rank < persons[h] else -1)
    assert build._members(household, tier, persons).tolist() == expected


def test_a_locality_of_one_household_keeps_its_weight():
    # Weights are shared over the localities that have households, however few.
    np.testing.assert_allclose(build._weights([1.0, 3.0, 2.0], np.array([1, 0, 4])), [1 / 3, 0.0, 2 / 3])


def test_links_that_still_clash_after_every_redraw_are_dropped():
    # A locality of two households, both officials' homes: a relative there can never be placed.
    config = load_scenario("dprk-2020-80-day-battle", [
        "officials.count=2", "officials.bureaus=1", "localities.0.households=2", "kin.home_share=1",
        *[f"localities.{i}.home_weight=0" for i in range(1, 5)],
    ]).config
    pop = build.build_population(config, np.random.default_rng(0))
    kin = pop.kin
    assert (kin.tier[kin.start[:-1]] == 1).all()
    assert (pop.households.official_home[kin.household] == (kin.tier == 1)).all()
    assert len(kin.official) == 2  # every relative's link was dropped


def test_estimated_memory_grows_with_each_part_of_the_scenario():
    base = load_scenario("dprk-2020-80-day-battle").config
    households = sum(l.households for l in base.localities)
    links = base.officials.count * (1 + base.kin.tier2_households + base.kin.tier3_households)
    assert build.estimate_bytes(base) == int(
        build.BYTES_FIXED + build.BYTES_PER_HOUSEHOLD * households
        + build.BYTES_PER_OFFICIAL_CAMPAIGN * base.officials.count * base.campaign.count + build.BYTES_PER_KIN_LINK * links
    )
    for override in ("officials.count=400", "campaign.count=3", "kin.tier2_households=5", "kin.tier3_households=9", "localities.0.households=90000"):
        assert build.estimate_bytes(load_scenario("dprk-2020-80-day-battle", [override]).config) > build.estimate_bytes(base)


def test_nobody_is_sent_to_or_lives_in_a_locality_without_households():
    config = load_scenario("dprk-2020-80-day-battle", ["localities.2.households=0", "localities.2.dispatch_weight=5", "localities.2.home_weight=5"]).config
    pop = build.build_population(config, np.random.default_rng(3))
    assert not (pop.officials.locality == 2).any() and not (pop.officials.home_locality == 2).any()
    assert (pop.officials.locality != 0).all()  # dispatch_weight 0: nobody sent to the home city
    assert not (pop.households.locality[pop.kin.household] == 2).any()


def test_the_population_arrays_have_their_documented_types(population):
    """The dtypes of docs/model.md, section 2 (they set the memory a national-scale run needs)."""
    _, pop = population
    hh, off, kin = pop.households, pop.officials, pop.kin
    expected = [
        (hh, "locality", "int32"), (hh, "persons", "int16"), (hh, "holdings", "float64"), (hh, "official_home", "bool"),
        (hh, "exiled", "bool"), (hh, "investigated", "bool"),
        (off, "bureau", "int32"), (off, "home_locality", "int32"), (off, "locality", "int32"), (off, "household", "int64"),
        (off, "savings", "float64"), (off, "fear", "float64"),
        (kin, "official", "int32"), (kin, "tier", "int8"), (kin, "household", "int64"), (kin, "member", "int16"),
        (kin, "has_job", "bool"), (kin, "job_lost", "bool"), (kin, "start", "int64"), (kin, "close_count", "int64"),
    ]
    for group, name, dtype in expected:
        assert str(getattr(group, name).dtype) == dtype, name


@pytest.mark.parametrize("mean", [1.0, 1.5, 4.2, 19.0])
def test_household_sizes_count_a_uniform_equal_to_a_cdf_value_on_both_paths(mean):
    """A uniform exactly at a value of the distribution function counts it (``>=``), on both
    paths; so do its neighbours one float away on either side, each as its side says."""
    cdf = build._size_cdf(mean)
    u = np.concatenate([cdf, np.nextafter(cdf, 0.0), np.nextafter(cdf, 2.0), [0.0, 0.999999999]])
    u = u[u < 1.0]
    vectorised, compiled_sizes = both_paths(lambda: build._household_sizes(mean, u))
    assert np.array_equal(vectorised, compiled_sizes)


def test_household_sizes_of_no_households_on_both_paths():
    """A locality without households (the loader allows it) draws no sizes, on either path."""
    vectorised, compiled_sizes = both_paths(lambda: build._household_sizes(4.2, np.zeros(0)))
    assert vectorised.dtype == compiled_sizes.dtype == np.int16 and len(vectorised) == len(compiled_sizes) == 0
