"""The campaign model's two paths give the same results bit for bit: the vectorised NumPy kernels
(what a single small run takes) and the compiled loops (sweeps, calibration, the dashboard, large
runs; quotasim.compiled). Whole runs of several scenarios and settings, then each kernel on
random inputs, both ways, compared with exact equality."""

from __future__ import annotations

import copy
import warnings
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quotasim import compiled, load_scenario, simulate
from quotasim.dynamics import complaint, effort, extraction, patronage
from quotasim.dynamics import fear as fear_module
from quotasim.enforcement import security
from quotasim.review import sessions
from quotasim.population.build import Officials
from quotasim.scenario.campaign import Attitude, Deterrence, Effort, Enforcement, Patronage, Sessions

from .test_kernels import _kin
from .test_security import deterrence_specs, enforcement_specs, world

EXACT = settings(max_examples=40, deadline=None, derandomize=True)


def both_paths(fn):
    """``fn()`` on the vectorised path, then on the compiled path. A numerical warning on the
    vectorised path fails: its kernels compute where they may, without dividing by zero. (The
    compiled loops divide as Python scalars where Numba is off, under mutation testing, and may
    overflow there as the compiled code does silently.)"""
    try:
        compiled.enable(False)
        assert not compiled.active()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
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
        assert_same_result(*both_paths(lambda: simulate(scenario, seed=seed)))


def assert_same_result(a, b):
    """Two runs' summaries (but their provenance), tables and extra arrays are the same."""
    drop = lambda s: {k: v for k, v in s.items() if k != "provenance"}
    assert drop(a.summary) == drop(b.summary)
    assert set(a.tables) == set(b.tables)
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
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), contacts=st.integers(1, 5), crowding=st.floats(0, 3))
def test_households_pressed_the_same_on_both_paths(seed, n, contacts, crowding):
    rng = np.random.default_rng(seed)
    start = np.array([0, 6, 6, 30, 31])  # locality 1 has no household, locality 3 only one
    locality = rng.choice([0, 2, 3], n)
    effort = np.where(rng.random(n) < 0.2, 0.0, rng.random(n))
    skill, opportunity = 2 * rng.random(n), np.array([40.0, 0.0, 90.0, 70.0])
    holdings = 40 * rng.random(31)
    takeable = holdings * rng.random(31)
    draws = extraction.draw_visits(n, contacts, rng)
    later = extraction.draw_visits(n, contacts, rng)

    def press():
        """Two days with one ``claim`` array, as a run keeps it: yesterday's marks must not stop
        today's visits."""
        h, t, claim = holdings.copy(), takeable.copy(), np.zeros(31, dtype=np.int64)
        first = extraction.press_inplace(effort, skill, locality, start, opportunity, crowding, h, t, claim, draws, 1)
        second = extraction.press_inplace(effort, skill, locality, start, opportunity, crowding, h, t, claim, later, 2)
        return *first, *second, h, t

    for x, y in zip(*both_paths(press)):
        assert x.dtype == y.dtype and np.array_equal(x, y)


@EXACT
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 300), decay=st.floats(0, 1), baseline=st.floats(0, 1))
def test_fear_fades_the_same_on_both_paths(seed, n, decay, baseline):
    fear = np.random.default_rng(seed).random(n)
    deterrence = Deterrence(decay_per_day=decay, baseline_fear=baseline)

    def fade():
        faded = fear.copy()
        fear_module.fade_fear_inplace(faded, deterrence)
        return faded

    vectorised, compiled_fear = both_paths(fade)
    assert np.array_equal(vectorised, compiled_fear)


def _officials(rng, n):
    """Officials with extreme values mixed in: loyalty and fear at 0 and 1, hardship at 1."""
    def unit():
        return np.where(rng.random(n) < 0.15, rng.choice([0.0, 1.0], n), rng.random(n))
    zeros = np.zeros(n, dtype=np.int32)
    return Officials(
        bureau=zeros, home_locality=zeros, locality=zeros, household=np.zeros(n, dtype=np.int64),
        savings=100 * rng.random(n), skill=rng.random(n), loyalty=unit(), risk_aversion=unit(), hardship=unit(), fear=unit(),
    )


@EXACT
@given(
    seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), days_done=st.integers(0, 90), burden=st.floats(0, 3),
    coverage=st.floats(0, 1), threshold=st.floats(-1, 1), reports_to_open_case=st.integers(1, 3),
)
def test_complaints_the_same_on_both_paths(seed, n, days_done, burden, coverage, threshold, reports_to_open_case):
    rng = np.random.default_rng(seed)
    officials = _officials(rng, n)
    # Zero and tiny quotas (nobody behind; delivered / quota overflows), some quotas met.
    quota = np.where(rng.random(n) < 0.1, rng.choice([0.0, 1e-310], n), 1000 * rng.random(n))
    # Some met exactly, some nothing yet (with a tiny quota: behind, not infinitely ahead).
    delivered = np.where(rng.random(n) < 0.2, quota, np.where(rng.random(n) < 0.2, 0.0, 800 * rng.random(n)))
    free, draw = rng.random(n) < 0.8, rng.random(n)
    attitude = Attitude(burden_weight=burden, informant_coverage=coverage, threshold=threshold, reports_to_open_case=reports_to_open_case)
    start, indignant_before = rng.integers(0, 3, n).astype(np.int32), rng.random(n) < 0.1

    def speak():
        complaint_days, reports, indignant = start.copy(), start.copy(), indignant_before.copy()
        said = complaint.speak_out_inplace(
            officials, delivered, quota, days_done, 60, free, draw, 1.7, attitude, complaint_days, reports, indignant
        )
        return said.grievance, said.complaining, np.array([said.complaints, said.reported]), said.informed, complaint_days, reports, indignant

    for x, y in zip(*both_paths(speak)):
        assert x.dtype == y.dtype and np.array_equal(x, y)


@EXACT
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), after_quota=st.floats(0, 1), shirk_threshold=st.floats(0, 1))
@example(seed=1, n=40, after_quota=0.5, shirk_threshold=0.0)  # no grievance exactly at the threshold: nobody shirks
def test_effort_and_shirking_the_same_on_both_paths(seed, n, after_quota, shirk_threshold):
    rng = np.random.default_rng(seed)
    officials = _officials(rng, n)
    grievance_now = np.where(rng.random(n) < 0.1, 0.0, rng.random(n))
    met, free = rng.random(n) < 0.3, rng.random(n) < 0.8
    spec = Effort(shirk_threshold=shirk_threshold, fear_weight=2 * rng.random(), cost_weight=3 * rng.random())
    start = rng.integers(0, 3, n).astype(np.int32)

    def work():
        shirk_days = start.copy()
        level, shirking = effort.work_inplace(officials, grievance_now, met, free, spec, after_quota, shirk_days)
        return level, np.array([shirking]), shirk_days

    for x, y in zip(*both_paths(work)):
        assert x.dtype == y.dtype and np.array_equal(x, y)


@EXACT
@given(seed=st.integers(0, 2**32 - 1), in_campaign=st.booleans(), share=st.floats(0, 1), pay=st.floats(0, 10),
       rate=st.sampled_from([0.0, 0.3, 0.7, 1.0]))
def test_placements_and_job_pay_the_same_on_both_paths(seed, in_campaign, share, pay, rate):
    rng = np.random.default_rng(seed)
    kin = _kin(seed)
    # Official 1 has no close relatives: a pick would land on his first link, one who could take a job.
    kin.tier[kin.start[1]:kin.start[2]] = 3
    kin.close_count[1] = 0
    n = len(kin.close_count)
    exiled = rng.random(20) < 0.2
    free = rng.random(n) < 0.7
    draw, pick = rng.random(n), rng.random(n)
    draw[:1] = rate  # on the boundary: a draw equal to the rate places nobody
    # Official 1 (no close relatives) would place, and his first link could take the job.
    free[1], draw[1], first = True, 0.0, kin.start[1]
    kin.has_job[first], kin.job_lost[first], kin.member[first] = False, False, 0
    exiled[kin.household[first]] = False
    holdings = rng.random(20) * 100
    spec = Patronage(kickback_share=share, job_usd_per_day=pay, placement_rate=rate)

    def place_and_pay():
        mine, held = copy.deepcopy(kin), holdings.copy()
        jobs = patronage.place_and_pay_inplace(draw, pick, mine, exiled, patronage.paying_links(mine, exiled), free, held, spec, in_campaign)
        return np.array([jobs.placed]), jobs.paying, jobs.kickback, jobs.kept, mine.has_job, held

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



@EXACT
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 300), ties=st.booleans())
@example(seed=0, n=1, ties=False)  # one household: every cut is its own holdings
@example(seed=1, n=12, ties=True)  # holdings of 0-4 USD: households at the cuts themselves
def test_what_was_taken_by_tenths_is_summed_the_same_on_both_paths(seed, n, ties):
    from quotasim.campaign.summary import taken_by_decile

    rng = np.random.default_rng(seed)
    start = rng.integers(0, 5, n).astype(float) if ties else 100 * rng.lognormal(0, 2, n)
    taken = rng.random(n) * start
    vectorised, compiled_sum = both_paths(lambda: taken_by_decile(start, np.sort(start), taken))
    assert vectorised.dtype == compiled_sum.dtype and np.array_equal(vectorised, compiled_sum)


@EXACT
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 300), zeros=st.booleans())
def test_the_gini_is_the_same_on_both_paths(seed, n, zeros):
    from quotasim.campaign.summary import gini_of_sorted

    rng = np.random.default_rng(seed)
    x = np.sort(100 * rng.lognormal(0, 2, n) * (rng.random(n) < 0.5 if zeros else 1))
    for overwrite in (False, True):
        values = [x.copy(), x.copy()]
        calls = iter(values)
        vectorised, compiled_gini = both_paths(lambda: gini_of_sorted(next(calls), overwrite_x=overwrite))
        assert vectorised == compiled_gini
        # written over with the cumulative sums only when asked, the same on both paths
        assert np.array_equal(values[0], values[1]) and np.array_equal(values[0], np.cumsum(x) if overwrite and x.sum() > 0 else x)

@EXACT
@given(seed=st.integers(0, 2**32 - 1), spec=enforcement_specs, deter=deterrence_specs)
@example(  # every case exiles all its relatives: shared households go with the first case only
    seed=3, spec=Enforcement(kin_depth=3, harshness=1.0, kin_exile_probability=1.0, job_loss_probability=0.0), deter=Deterrence(),
)
def test_cases_punish_the_same_on_both_paths(seed, spec, deter):
    """The batch and everything it changes, on worlds where relatives' households are shared,
    already investigated or exiled."""
    start = world(seed)

    def punish():
        cases, officials, households, kin, takeable, fates = copy.deepcopy(start)
        batch = security.punish_inplace(cases, officials, households, kin, takeable, fates, spec, deter)
        return (
            *(getattr(batch, f.name) for f in fields(batch)), officials.savings, households.holdings,
            households.exiled, households.investigated, kin.has_job, kin.job_lost, takeable,
        )

    for x, y in zip(*both_paths(punish), strict=True):
        assert x.dtype == y.dtype and np.array_equal(x, y)


@EXACT
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), n_bureaus=st.integers(1, 6), lag=st.floats(0, 1))
def test_sessions_criticise_the_same_on_both_paths(seed, n, n_bureaus, lag):
    """Zero and tiny quotas (progress infinite: not counted), quotas under a dollar, bureaus with
    nobody present."""
    rng = np.random.default_rng(seed)
    quota = np.where(rng.random(n) < 0.25, rng.choice([0.0, 1e-310, 0.5], n), 1000 * rng.random(n))
    delivered = np.where(rng.random(n) < 0.2, quota, 900 * rng.random(n))
    bureau = rng.integers(0, n_bureaus, n)
    before_committee = rng.random(n) < 0.8
    a, b = both_paths(lambda: sessions.criticised(delivered, quota, bureau, before_committee, n_bureaus + 1, Sessions(lag_share=lag)))
    assert a.dtype == b.dtype and np.array_equal(a, b)
