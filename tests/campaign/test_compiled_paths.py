"""The campaign model's two paths give the same results bit for bit: the vectorised NumPy kernels
(what a single small run takes) and the compiled loops (sweeps, calibration, the dashboard, large
runs; quotasim.compiled). Whole runs of several scenarios and settings, then each kernel on
random inputs, both ways, compared with exact equality."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotasim import compiled, load_scenario, simulate
from quotasim.dynamics import extraction, patronage
from quotasim.scenario.campaign import Patronage

from .test_kernels import _kin

EXACT = settings(max_examples=40, deadline=None, derandomize=True)


def both_paths(fn):
    """``fn()`` on the vectorised path, then on the compiled path."""
    try:
        compiled.enable(False)
        assert not compiled.active()
        vectorised = fn()
        compiled.enable(True)
        return vectorised, fn()
    finally:
        compiled.enable(True)  # as tests/conftest.py leaves it


@pytest.mark.parametrize(("name", "values"), [
    ("dprk-2020-80-day-battle", {}),
    ("two-campaigns-ratchet", {}),
    ("dprk-2020-80-day-battle", {"dispatch.households_per_day": 7, "patronage.placement_rate": 0.2, "enforcement.staff_per_1000_persons": 4.0}),
])
def test_whole_runs_are_the_same_on_both_paths(name, values):
    scenario = load_scenario(name).with_values(values, where="test") if values else load_scenario(name)
    for seed in (1, 2):
        a, b = both_paths(lambda: simulate(scenario, seed=seed))
        drop = lambda s: {k: v for k, v in s.items() if k != "provenance"}
        assert drop(a.summary) == drop(b.summary)
        for table in a.tables:
            assert a.tables[table].equals(b.tables[table]), table
        for key, array in a.extra.items():
            assert np.array_equal(array, b.extra[key]), key


def test_a_large_run_takes_the_compiled_path_even_when_not_enabled():
    try:
        compiled.enable(False)
        with compiled.for_run(compiled.WORTH_COMPILING_AGENT_DAYS - 1) as small:
            assert not small and not compiled.active()
        with compiled.for_run(compiled.WORTH_COMPILING_AGENT_DAYS) as large:
            assert large and compiled.active()
        assert not compiled.active()
    finally:
        compiled.enable(True)


@EXACT
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), contacts=st.integers(1, 5))
def test_households_pressed_the_same_on_both_paths(seed, n, contacts):
    rng = np.random.default_rng(seed)
    start = np.array([0, 6, 6, 30])
    locality = rng.choice([0, 2], n)
    demand_usd = np.where(rng.random(n) < 0.2, 0.0, 60 * rng.random(n))
    holdings = 40 * rng.random(30)
    takeable = holdings * rng.random(30)
    draws = extraction.draw_visits(n, contacts, rng)
    later = extraction.draw_visits(n, contacts, rng)

    def press():
        """Two days with one ``claim`` array, as a run keeps it: yesterday's marks must not stop
        today's visits."""
        h, t, claim = holdings.copy(), takeable.copy(), np.zeros(30, dtype=np.int64)
        first = extraction.extract_inplace(demand_usd, locality, start, h, t, claim, draws, 1)
        second = extraction.extract_inplace(demand_usd, locality, start, h, t, claim, later, 2)
        return *first, *second, h, t

    for x, y in zip(*both_paths(press)):
        assert x.dtype == y.dtype and np.array_equal(x, y)


@EXACT
@given(seed=st.integers(0, 2**32 - 1), in_campaign=st.booleans(), share=st.floats(0, 1), pay=st.floats(0, 10))
def test_placements_and_job_pay_the_same_on_both_paths(seed, in_campaign, share, pay):
    rng = np.random.default_rng(seed)
    kin = _kin(seed)
    # Official 1 has no close relatives: a pick would land on his first link, one who could take a job.
    kin.tier[kin.start[1]:kin.start[2]] = 3
    kin.close_count[1] = 0
    n = len(kin.close_count)
    exiled = rng.random(20) < 0.2
    free = rng.random(n) < 0.7
    placing, pick = rng.random(n) < 0.7, rng.random(n)

    def place_and_pay():
        mine = copy.deepcopy(kin)
        placed = patronage.place_relatives_inplace(placing, pick, mine, exiled)
        paying = patronage.paying_links(mine, exiled)
        kickback, kept, households = patronage.job_income(mine, paying, free, n, Patronage(kickback_share=share, job_usd_per_day=pay), in_campaign)
        return placed, mine.has_job, kickback, kept, households

    for x, y in zip(*both_paths(place_and_pay)):
        assert x.dtype == y.dtype and np.array_equal(x, y)


def test_what_was_taken_per_household_is_booked_the_same_on_both_paths():
    from quotasim.campaign.calendar import calendar
    from quotasim.campaign.record import Recorder

    config = load_scenario("dprk-2020-80-day-battle").config
    days = calendar(config.campaign, config.sessions, config.topup)
    rng = np.random.default_rng(4)
    pressed, taken = rng.choice(100, 30, replace=False), rng.random(30)

    def book():
        record = Recorder(days, 5, 100)
        record.taken[:] = np.linspace(0, 1, 100)
        record.households_pressed(days[0], pressed, taken)
        return record.taken, record.daily["household_usd_taken"], record.daily["households_pressed"]

    for x, y in zip(*both_paths(book)):
        assert np.array_equal(x, y)
