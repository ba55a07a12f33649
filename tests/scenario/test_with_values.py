"""``Scenario.with_values``: the fast path (only the changed sections re-validated) gives exactly
what re-validating the whole tree gives, and refuses what it refuses with the same error."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotasim.errors import InputError
from quotasim.scenario import DEFAULT_SCENARIO, builtin_names, load_scenario
from quotasim.scenario.loader import _with_plain_values, _with_values_revalidated

BASE = load_scenario(DEFAULT_SCENARIO)
RANGED = sorted(BASE.ranges())
# keys without a range that other checks read across fields (review day within the campaign,
# bureaus <= officials, risk-aversion bounds, somewhere to send the officials)
CROSS = ["campaign.duration_days", "officials.bureaus", "officials.count", "officials.risk_aversion_high",
         "localities.1.dispatch_weight", "localities.0.home_weight", "campaign.count", "seed", "name"]
ODD = ["campaign.nope", "localities.9.households", "campaign.quota_usd.value", "campaign.quota_usd.range", "nope"]


def in_range(path: str):
    lo, hi = BASE.ranges()[path]
    if isinstance(BASE.value(path), int):
        return st.integers(int(lo), int(hi))
    return st.floats(lo, hi, allow_nan=False)


ANY_VALUE = st.one_of(
    st.integers(-(2**64), 2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=5),
    st.none(),
    st.just(0),
    st.just(1.0),
)


@st.composite
def value_sets(draw):
    """A few of the default scenario's ranged parameters, mostly within their ranges, sometimes
    with any value at all, a key checked across fields, or a path that does not exist."""
    paths = draw(st.lists(st.sampled_from(RANGED), min_size=1, max_size=8, unique=True))
    values = {p: draw(st.one_of(in_range(p), in_range(p), in_range(p), ANY_VALUE)) for p in paths}
    if draw(st.booleans()):
        values[draw(st.sampled_from(CROSS + ODD))] = draw(st.one_of(st.integers(0, 300), ANY_VALUE))
    return values


def fields_given(config) -> dict:
    """The values the scenario gave explicitly, nested: equal fields_set all the way down."""
    return config.model_dump(exclude_unset=True)


def outcome(fn):
    try:
        return fn(), None
    except InputError as exc:
        return None, (str(exc), exc.where, exc.key)


def assert_same(values, where="sweep values"):
    tree_before = copy.deepcopy(BASE.tree)
    fast, fast_error = outcome(lambda: BASE.with_values(values, where=where))
    slow, slow_error = outcome(lambda: _with_values_revalidated(BASE, values, where))
    assert fast_error == slow_error
    if slow is not None:
        assert fast.config == slow.config
        assert fields_given(fast.config) == fields_given(slow.config)
        assert fast.tree == slow.tree
        assert fast.params == slow.params and (fast.name, fast.model, fast.origin) == (slow.name, slow.model, slow.origin)
    assert BASE.tree == tree_before  # the base scenario is never changed in place


@settings(max_examples=400, deadline=None)
@given(values=value_sets())
def test_fast_path_equals_full_revalidation(values):
    assert_same(values)


def test_sweep_values_take_the_fast_path():
    lo_hi = {p: BASE.ranges()[p] for p in RANGED}
    values = {p: (int(lo) if isinstance(BASE.value(p), int) else float(hi)) for p, (lo, hi) in lo_hi.items()}
    fast = _with_plain_values(BASE, values)
    assert fast is not None
    assert fast.config == _with_values_revalidated(BASE, values, "x").config
    # untouched sections are shared, touched ones are new
    one = _with_plain_values(BASE, {"campaign.quota_usd": 777.0})
    assert one.config.officials is BASE.config.officials and one.config.campaign is not BASE.config.campaign
    assert one.tree["officials"] is BASE.tree["officials"] and one.tree["campaign"] is not BASE.tree["campaign"]
    assert one.tree["campaign"]["quota_usd"] == {**BASE.tree["campaign"]["quota_usd"], "value": 777.0}


@pytest.mark.parametrize(
    "values",
    [
        {"campaign.review_day": 81},  # beyond duration_days: the section's own check
        {"campaign.duration_days": 40},  # review_day 55 now beyond it
        {"officials.bureaus": 300},  # more bureaus than officials
        {"officials.risk_aversion_low": 0.9, "officials.risk_aversion_high": 0.5},
        {f"localities.{i}.dispatch_weight": 0.0 for i in range(5)},  # nowhere to send the officials
        {"campaign.by_any_means": 2.0, "enforcement.harshness": -1.0},  # two problems: the count is the same
        {"campaign.quota_usd": "lots"},
        {"campaign.review_day": 50.5},
        {"campaign.trade_open": 1},
        {"campaign.nope": 1},
        {"localities.9.households": 1},
        {"localities": []},
    ],
)
def test_refusals_read_the_same(values):
    assert_same(values)
    with pytest.raises(InputError):
        BASE.with_values(values, where="sweep values")


@pytest.mark.parametrize(
    "values",
    [{"campaign.quota_usd.value": 1.0}, {"campaign.quota_usd.range": [1, 2]}, {"campaign.quota_usd": {"value": 1.0}}, {"campaign.count": 2, "name": "x"},
     {"localities.0.name": "Elsewhere"}, {"seed": 5}],
)
def test_tables_and_other_keys_read_the_same(values):
    assert_same(values)


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_same_both_ways(name):
    scenario = load_scenario(name)
    for path, (lo, hi) in sorted(scenario.ranges().items()):
        value = int(hi) if isinstance(scenario.value(path), int) else float(hi)
        fast = scenario.with_values({path: value}, where="w")
        slow = _with_values_revalidated(scenario, {path: value}, "w")
        assert fast.config == slow.config and fields_given(fast.config) == fields_given(slow.config), path
        assert fast.tree == slow.tree, path
