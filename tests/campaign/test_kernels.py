"""The model's kernels, one rule at a time (docs/model.md, section 3), checked against the rule
as the document states it, on arrays drawn by hypothesis. Each test calls one kernel directly, so
they are cheap; the whole-run tests are in test_invariants.py and test_directions.py."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quotasim.dynamics import complaint, effort, extraction, fear, patronage, ratchet, topup
from quotasim.population.build import Kin
from quotasim.review import committee, sessions
from quotasim.scenario.campaign import (
    Attitude,
    Campaign,
    Deterrence,
    Effort,
    Enforcement,
    Patronage,
    Review,
    Sessions,
    TopUp,
)

# derandomize: the same examples on every run, so that the suite (and a mutation run) gives the
# same verdict each time.
FAST = settings(max_examples=60, deadline=None, derandomize=True)
unit = st.floats(0.0, 1.0)
seeds = st.integers(0, 2**32 - 1)


def rng_of(seed):
    return np.random.default_rng(seed)


# --- S9: fear --------------------------------------------------------------------------------


@FAST
@given(seed=seeds, decay=unit, baseline=unit)
def test_fear_fades_toward_the_baseline_by_its_decay_share(seed, decay, baseline):
    start = rng_of(seed).random(20)
    now = start.copy()
    fear.fade_fear_inplace(now, Deterrence(decay_per_day=decay, baseline_fear=baseline))
    np.testing.assert_allclose(now - baseline, (1.0 - decay) * (start - baseline), atol=1e-12)


@FAST
@given(seed=seeds, a=st.floats(0, 5), b=st.floats(0, 5))
def test_fear_shocks_compound_without_passing_one(seed, a, b):
    start = rng_of(seed).random(20)
    once = start.copy()
    fear.raise_fear_inplace(once, a)
    np.testing.assert_allclose(1.0 - once, (1.0 - start) * np.exp(-a), atol=1e-12)
    twice = once.copy()
    fear.raise_fear_inplace(twice, b)
    both = start.copy()
    fear.raise_fear_inplace(both, a + b)
    np.testing.assert_allclose(twice, both)
    assert (twice <= 1.0).all() and (twice >= once).all()


@FAST
@given(seed=seeds, n_bureaus=st.integers(1, 6), cases=st.integers(0, 5), shock=unit, reach=unit)
def test_a_case_frightens_its_bureau_at_once_and_the_others_by_rumour(seed, n_bureaus, cases, shock, reach):
    rng = rng_of(seed)
    bureau = rng.integers(0, n_bureaus, 30)
    case_bureau = rng.integers(0, n_bureaus, cases)
    severity = 1.0 + 2.0 * rng.random(cases)
    spec = Deterrence(same_bureau_shock=shock, rumour_reach=reach)
    felt = fear.case_shock(bureau, case_bureau, severity, n_bureaus, spec)
    own = np.array([severity[case_bureau == b].sum() for b in range(n_bureaus)])
    others = np.array([(own.sum() - own[b]) / max(n_bureaus - 1, 1) for b in range(n_bureaus)])
    np.testing.assert_allclose(felt, shock * (own[bureau] + reach * others[bureau]), atol=1e-12)


def test_a_punishment_frightens_its_bureau_more_than_elsewhere_and_more_for_a_severer_case():
    bureau = np.repeat(np.arange(4), 5)
    spec = Deterrence(same_bureau_shock=0.3, rumour_reach=0.2)
    mild = fear.case_shock(bureau, np.array([1]), np.array([1.0]), 4, spec)
    severe = fear.case_shock(bureau, np.array([1]), np.array([3.0]), 4, spec)
    for felt in (mild, severe):
        assert felt[bureau == 1].min() > felt[bureau != 1].max()
        assert (felt[bureau != 1] > 0).all()  # rumour reaches the others
    assert (severe > mild).all()
    assert (fear.case_shock(bureau, np.zeros(0, dtype=np.int64), np.zeros(0), 4, spec) == 0).all()
    # A single bureau has no other to hear of it; rumour reach then changes nothing.
    alone = fear.case_shock(np.zeros(3, dtype=np.int64), np.array([0]), np.array([2.0]), 1, spec)
    np.testing.assert_allclose(alone, 0.3 * 2.0)


@FAST
@given(seed=seeds, n_bureaus=st.integers(1, 5), own=st.floats(0, 1), watch=st.floats(0, 0.1))
def test_criticism_frightens_the_criticised_and_his_bureau(seed, n_bureaus, own, watch):
    rng = rng_of(seed)
    bureau = rng.integers(0, n_bureaus, 25)
    criticised = rng.random(25) < 0.3
    felt = fear.criticism_shock(bureau, criticised, n_bureaus, Sessions(criticism_fear=own, bureau_fear=watch))
    per_bureau = np.array([(criticised & (bureau == b)).sum() for b in range(n_bureaus)])
    np.testing.assert_allclose(felt, own * criticised + watch * per_bureau[bureau])


# --- S4: burden, grievance, shirking, effort -------------------------------------------------


@FAST
@given(seed=seeds, done=st.integers(0, 100), review_day=st.integers(1, 80))
def test_behind_schedule_is_the_linear_schedule_minus_the_share_delivered(seed, done, review_day):
    rng = rng_of(seed)
    quota = np.where(rng.random(20) < 0.2, 0.0, 1000.0 * rng.random(20))
    delivered = 1500.0 * rng.random(20)
    behind = effort.behind_schedule(delivered, quota, done, review_day)
    schedule = min(done / review_day, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(quota > 0, np.maximum(schedule - delivered / quota, 0.0), 0.0)
    np.testing.assert_allclose(behind, expected, atol=1e-12)


def test_behind_schedule_on_simple_days():
    quota, delivered = np.array([100.0, 100.0, 0.0]), np.array([0.0, 30.0, 0.0])
    np.testing.assert_allclose(effort.behind_schedule(delivered, quota, 0, 50), [0, 0, 0])
    np.testing.assert_allclose(effort.behind_schedule(delivered, quota, 25, 50), [0.5, 0.2, 0])
    np.testing.assert_allclose(effort.behind_schedule(delivered, quota, 90, 50), [1.0, 0.7, 0])
    # A quota below one dollar is a quota all the same.
    np.testing.assert_allclose(effort.behind_schedule(np.array([0.0, 0.25]), np.array([0.5, 0.5]), 25, 50), [0.5, 0.0])


def test_a_tiny_quota_far_exceeded_puts_nobody_behind_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert effort.behind_schedule(np.array([1e300]), np.array([1e-300]), 5, 10)[0] == 0.0
        assert committee.shortfall_share(np.array([1e300]), np.array([1e-300]))[0] == 0.0
        assert sessions.progress(np.array([1e300, 1.0]), np.array([1e-300, 0.0])).tolist() == [np.inf, np.inf]


@FAST
@given(seed=seeds, weight=st.floats(0, 3))
def test_grievance_is_hardship_raised_by_the_burden_times_one_minus_loyalty(seed, weight):
    rng = rng_of(seed)
    hardship, loyalty, behind = rng.random(20) * 0.8, rng.random(20), rng.random(20)
    g = effort.grievance(hardship, loyalty, behind, weight)
    np.testing.assert_allclose(g, np.clip(hardship + weight * behind, 0, 1) * (1 - loyalty))
    # The burden only adds to grievance: further behind, more aggrieved.
    assert (effort.grievance(hardship, loyalty, behind + 0.1, weight) >= g).all()


def test_shirking_needs_grievance_above_the_threshold_once_fear_is_discounted():
    g = np.array([0.5, 0.5, 0.2, 0.3])
    f = np.array([0.0, 0.8, 0.0, 0.5])
    assert effort.shirks(g, f, 0.15).tolist() == [True, False, True, False]
    assert not effort.shirks(np.array([0.3]), np.array([0.5]), 0.15)[0]  # equal is not above


@FAST
@given(seed=seeds, base=unit, lw=st.floats(0, 2), fw=st.floats(0, 2), cw=st.floats(0, 2), after=unit)
def test_daily_effort_follows_loyalty_fear_and_grievance(seed, base, lw, fw, cw, after):
    rng = rng_of(seed)
    loyalty, fear_now, g, met = rng.random(20), rng.random(20), rng.random(20), rng.random(20) < 0.5
    spec = Effort(base=base, loyalty_weight=lw, fear_weight=fw, cost_weight=cw)
    level = effort.daily_effort(loyalty, fear_now, g, met, spec, after)
    full = np.clip(base + lw * loyalty + fw * fear_now - cw * g, 0, 1)
    np.testing.assert_allclose(level, np.where(met, after * full, full))


# --- S5: open complaint ----------------------------------------------------------------------


@FAST
@given(ratio=st.floats(0, 5), k=st.floats(0, 10))
def test_estimated_arrest_probability_is_epsteins(ratio, k):
    p = complaint.estimated_arrest_probability(ratio, k)
    assert p == pytest.approx(1 - np.exp(-k * ratio))
    assert complaint.estimated_arrest_probability(ratio + 0.5, k) >= p


def test_acts_openly_only_strictly_above_the_threshold():
    g = np.array([0.5, 0.5, 0.35, 0.2])
    assert complaint.acts_openly(g, np.array([0.5, 1.0, 0.5, 0.0]), 0.5, 0.1).tolist() == [True, False, False, True]
    assert not complaint.acts_openly(0.35, 0.5, 0.5, 0.1 + 1e-12)
    # Exactly at the threshold (numbers exact in binary): not acting; nor without grievance at 0.
    assert complaint.acts_openly(np.array([0.75, 0.75, 0.0]), np.array([0.5, 0.5, 0.0]), 0.5, np.array([0.5, 0.25, 0.0])).tolist() == [False, True, False]


@FAST
@given(weight=st.floats(0, 3), harshness=unit, depth=st.integers(0, 3))
def test_the_known_penalty_grows_with_harshness_and_kin_depth(weight, harshness, depth):
    a, e = Attitude(penalty_weight=weight), Enforcement(harshness=harshness, kin_depth=depth)
    assert complaint.known_penalty(a, e) == pytest.approx(1 + weight * (harshness + depth / 3) / 2)


@FAST
@given(seed=seeds, coverage=unit, k=st.floats(0, 5), threshold=st.floats(-1, 1), penalty=st.floats(1, 3))
def test_complaints_follow_epsteins_rule_with_fear_as_the_perceived_risk(seed, coverage, k, threshold, penalty):
    rng = rng_of(seed)
    g, risk, fear_now = rng.random(40), rng.random(40), rng.random(40)
    spec = Attitude(informant_coverage=coverage, arrest_constant=k, threshold=threshold)
    expected = g - risk * penalty * (1 - np.exp(-k * coverage * fear_now)) > threshold
    assert (complaint.complains(g, risk, fear_now, penalty, spec) == expected).all()


def test_informants_report_a_complaint_with_probability_coverage():
    complaining = np.array([True, True, False, True])
    draw = np.array([0.1, 0.6, 0.1, 0.5])
    assert complaint.reported(complaining, draw, 0.5).tolist() == [True, False, False, False]


# --- S4: own money ---------------------------------------------------------------------------


@FAST
@given(seed=seeds, threshold=st.floats(0, 2), propensity=unit, weight=st.floats(0, 2), reserve=unit)
def test_own_money_is_paid_by_the_willing_out_of_savings_above_the_reserve(seed, threshold, propensity, weight, reserve):
    rng = rng_of(seed)
    shortfall = 1000 * rng.random(30) - 200
    savings_start = 800 * rng.random(30)
    savings = savings_start * rng.random(30)
    loyalty, fear_now = rng.random(30), rng.random(30)
    spec = TopUp(threshold=threshold, propensity=propensity, fear_weight=weight, reserve_share=reserve)
    pay = topup.own_savings_topup(shortfall, savings, savings_start, loyalty, fear_now, spec)
    willing = loyalty + weight * fear_now > threshold
    expected = np.minimum(np.maximum(savings - reserve * savings_start, 0), propensity * np.maximum(shortfall, 0))
    np.testing.assert_allclose(pay, np.where(willing, expected, 0.0))
    assert (pay >= 0).all() and (pay <= np.maximum(savings - reserve * savings_start, 0) + 1e-12).all()


def test_own_money_needs_loyalty_and_fear_strictly_above_the_threshold():
    spec = TopUp(threshold=0.75, fear_weight=0.5, propensity=0.5, reserve_share=0.0)
    pay = topup.own_savings_topup(np.full(3, 100.0), np.full(3, 1000.0), np.full(3, 1000.0), np.array([0.5, 0.5, 0.6]), np.array([0.5, 0.4, 0.5]), spec)
    assert pay.tolist() == [0.0, 0.0, 50.0]  # 0.75 is not above 0.75


# --- S1/S3: households, trade ----------------------------------------------------------------


def test_crowding_density_counts_officials_per_hundred_households():
    start = np.array([0, 200, 200, 250])
    density = extraction.crowding_density(np.array([0, 0, 2, 0]), start)
    np.testing.assert_allclose(density, [1.5, 0.0, 2.0])
    # A locality of one household: each official there is 100 per 100 households.
    np.testing.assert_allclose(extraction.crowding_density(np.array([1, 1]), np.array([0, 5, 6])), [0.0, 200.0])


@FAST
@given(e=unit, skill=st.floats(0, 3), opportunity=st.floats(0, 50), density=st.floats(0, 20), crowding=st.floats(0, 2))
def test_demand_is_divided_by_crowding(e, skill, opportunity, density, crowding):
    assert extraction.demand(e, skill, opportunity, density, crowding) == pytest.approx(
        e * skill * opportunity / (1 + crowding * density)
    )


def test_trade_pays_only_while_open():
    e, skill = np.array([0.5, 1.0]), np.array([2.0, 1.0])
    np.testing.assert_allclose(extraction.trade_income(e, skill, 10.0, True), [10.0, 10.0])
    np.testing.assert_allclose(extraction.trade_income(e, skill, 10.0, False), [0.0, 0.0])


def _extract_by_hand(demand_usd, locality, start, holdings, takeable, draws):
    """The rule of docs/model.md step 7, one visit at a time."""
    n, contacts = draws.pick.shape
    received = np.zeros(n)
    pressed, taken = [], []
    seen = set()
    for i in draws.order:
        if demand_usd[i] <= 0:
            continue
        lo, hi = start[locality[i]], start[locality[i] + 1]
        for c in range(contacts):
            h = lo + int(draws.pick[i, c] * (hi - lo))
            if h in seen:
                continue
            seen.add(h)
            take = min(demand_usd[i] / contacts, takeable[h])
            holdings[h] -= take
            takeable[h] -= take
            received[i] += take
            pressed.append(h)
            taken.append(take)
    return received, pressed, taken


@FAST
@given(seed=seeds, n=st.integers(1, 12), contacts=st.integers(1, 5))
def test_households_are_pressed_by_the_first_visit_only_and_give_what_may_be_taken(seed, n, contacts):
    rng = rng_of(seed)
    start = np.array([0, 6, 6, 15])  # locality 1 has no household, and nobody is sent there
    locality = rng.choice([0, 2], n)
    demand_usd = np.where(rng.random(n) < 0.2, 0.0, 60 * rng.random(n))
    holdings = 40 * rng.random(15)
    takeable = holdings * rng.random(15)
    draws = extraction.draw_visits(n, contacts, rng)
    h1, t1 = holdings.copy(), takeable.copy()
    received, pressed, taken = extraction.extract_inplace(demand_usd, locality, start, h1, t1, np.zeros(15, dtype=np.int64), draws)
    h2, t2 = holdings.copy(), takeable.copy()
    want_received, want_pressed, want_taken = _extract_by_hand(demand_usd, locality, start, h2, t2, draws)
    np.testing.assert_allclose(received, want_received)
    np.testing.assert_allclose(h1, h2)
    np.testing.assert_allclose(t1, t2)
    assert sorted(zip(pressed.tolist(), taken.tolist())) == sorted(zip(want_pressed, want_taken))
    assert len(set(pressed.tolist())) == len(pressed)
    assert (t1 >= 0).all() and (h1 >= 0).all()


def test_nobody_with_a_demand_presses_nobody():
    draws = extraction.draw_visits(3, 2, rng_of(0))
    holdings = np.ones(4)
    received, pressed, taken = extraction.extract_inplace(
        np.zeros(3), np.zeros(3, dtype=np.int64), np.array([0, 4]), holdings, holdings.copy(), np.zeros(4, dtype=np.int64), draws
    )
    assert (received == 0).all() and len(received) == 3 and len(pressed) == len(taken) == 0
    assert (holdings == 1).all()
    received, pressed, taken = extraction.press_inplace(  # nobody works: no demand (compiled path)
        np.zeros(3), np.ones(3), np.zeros(3, dtype=np.int64), np.array([0, 4]), np.array([50.0]), 1.0,
        holdings, holdings.copy(), np.zeros(4, dtype=np.int64), draws, 1,
    )
    assert (received == 0).all() and len(received) == 3 and len(pressed) == len(taken) == 0
    assert (holdings == 1).all()


# --- S8: patronage ---------------------------------------------------------------------------


def _kin(seed, n=6, households=20):
    rng = rng_of(seed)
    per = rng.integers(1, 6, n)
    start = np.concatenate([[0], np.cumsum(per)]).astype(np.int64)
    official = np.repeat(np.arange(n), per).astype(np.int32)
    offset = np.arange(start[-1]) - start[official]
    n2 = rng.integers(0, 3, n)
    tier = np.where(offset == 0, 1, np.where(offset <= n2[official], 2, 3)).astype(np.int8)
    close = np.array([(tier[start[i]:start[i + 1]] <= 2).sum() for i in range(n)], dtype=np.int64)
    k = len(official)
    return Kin(
        official=official,
        tier=tier,
        household=rng.integers(0, households, k),
        member=np.where(rng.random(k) < 0.15, -1, rng.integers(0, 3, k)).astype(np.int16),
        has_job=rng.random(k) < 0.3,
        job_lost=rng.random(k) < 0.2,
        start=start,
        close_count=close,
    )


@FAST
@given(seed=seeds)
def test_an_official_places_one_close_relative_who_can_take_a_job(seed):
    rng = rng_of(seed)
    kin = _kin(seed)
    n = len(kin.close_count)
    exiled = rng.random(20) < 0.2
    placing, pick = rng.random(n) < 0.7, rng.random(n)
    before = kin.has_job.copy()
    placed = patronage.place_relatives_inplace(placing, pick, kin, exiled)
    expected = []
    for i in np.flatnonzero(placing):
        row = kin.start[i] + int(pick[i] * kin.close_count[i])
        if kin.close_count[i] and not before[row] and not kin.job_lost[row] and kin.member[row] >= 0 and not exiled[kin.household[row]]:
            expected.append(row)
    assert placed.tolist() == sorted(expected)
    assert (kin.tier[placed] <= 2).all()
    assert (kin.has_job == (before | np.isin(np.arange(len(before)), expected))).all()


@FAST
@given(seed=seeds, in_campaign=st.booleans(), share=unit, pay=st.floats(0, 10))
def test_jobs_pay_their_household_and_a_kickback_to_a_free_official_in_a_campaign(seed, in_campaign, share, pay):
    rng = rng_of(seed)
    kin = _kin(seed)
    n = len(kin.close_count)
    exiled = rng.random(20) < 0.3
    free = rng.random(n) < 0.7
    paying = patronage.paying_links(kin, exiled)
    assert paying.tolist() == [r for r in range(len(kin.official)) if kin.has_job[r] and not exiled[kin.household[r]]]
    kickback, kept, households = patronage.job_income(kin, paying, free, n, Patronage(kickback_share=share, job_usd_per_day=pay), in_campaign)
    takes = in_campaign & free[kin.official[paying]]
    np.testing.assert_allclose(kept, np.where(takes, (1 - share) * pay, pay))
    assert (households == kin.household[paying]).all()
    expected = [share * pay * (takes & (kin.official[paying] == i)).sum() for i in range(n)]
    np.testing.assert_allclose(kickback, expected)
    np.testing.assert_allclose(kickback.sum() + kept.sum(), pay * len(paying))


@FAST
@given(seed=seeds)
def test_the_paying_links_kept_after_cases_are_those_the_rule_finds(seed):
    rng = rng_of(seed)
    kin = _kin(seed)
    exiled = rng.random(20) < 0.2
    paying = patronage.paying_links(kin, exiled)
    kin.has_job &= rng.random(len(kin.has_job)) < 0.7  # cases cost some relatives their jobs...
    exiled |= rng.random(20) < 0.2  # ...and exile some households
    np.testing.assert_array_equal(patronage.still_paying(kin, paying, exiled), patronage.paying_links(kin, exiled))


@FAST
@given(seed=seeds)
@example(seed=0)
def test_the_paying_links_after_a_placement_are_those_the_rule_finds(seed):
    """Jobs placed today join the kept list of paying links in order, among them, before and
    after them, as the rule (:func:`patronage.paying_links`) finds them."""
    rng = rng_of(seed)
    kin = _kin(seed)
    exiled = rng.random(20) < 0.2
    paying = patronage.paying_links(kin, exiled)
    placed = patronage.place_relatives_inplace(rng.random(len(kin.start) - 1) < 0.8, rng.random(len(kin.start) - 1), kin, exiled)
    merged = patronage.with_placed(paying, placed)
    assert merged.dtype == np.int64
    np.testing.assert_array_equal(merged, patronage.paying_links(kin, exiled))


def test_links_placed_before_between_and_after_the_paying_ones_merge_in_order():
    paying = np.array([3, 7, 8, 20], dtype=np.int64)
    placed = np.array([0, 1, 5, 9, 21, 30], dtype=np.int64)
    np.testing.assert_array_equal(patronage.with_placed(paying, placed), [0, 1, 3, 5, 7, 8, 9, 20, 21, 30])
    np.testing.assert_array_equal(patronage.with_placed(paying[:0], placed), placed)
    np.testing.assert_array_equal(patronage.with_placed(paying, placed[:0]), paying)


def test_an_official_without_close_relatives_places_nobody():
    kin = _kin(2)
    # Official 1's links are all tier 3: a pick would land on his first link, one who could take a job.
    kin.tier[kin.start[1]:kin.start[2]] = 3
    kin.close_count[1] = 0
    kin.has_job[:] = False
    kin.job_lost[:] = False
    kin.member[:] = 0
    placing = np.zeros(len(kin.close_count), dtype=bool)
    placing[1] = True
    assert len(patronage.place_relatives_inplace(placing, np.full(len(placing), 0.5), kin, np.zeros(20, dtype=bool))) == 0
    assert not kin.has_job.any()


def test_visibility_counts_the_relatives_in_jobs():
    kin = _kin(5)
    seen = patronage.visibility(kin, len(kin.close_count), 0.15)
    np.testing.assert_allclose(seen, [0.15 * kin.has_job[kin.official == i].sum() for i in range(len(kin.close_count))])


# --- S1/S2: the ratchet ----------------------------------------------------------------------


@FAST
@given(seed=seeds, n_bureaus=st.integers(1, 5), q=unit, ratchet_=st.floats(0, 2), growth=st.floats(0.5, 2))
def test_the_ratchet_raises_the_quota_toward_the_bureaus_quantile(seed, n_bureaus, q, ratchet_, growth):
    rng = rng_of(seed)
    n = 24
    bureau = rng.integers(0, n_bureaus, n)
    delivered = 2000 * rng.random(n)
    quota = 1000 * rng.random(n)
    spec = Campaign(ratchet=ratchet_, ratchet_basis="bureau_top", ratchet_quantile=q, quota_growth=growth)
    mark = ratchet.benchmark(delivered, bureau, n_bureaus, spec)
    for b in np.unique(bureau):
        np.testing.assert_allclose(mark[bureau == b], np.quantile(delivered[bureau == b], q))
    nxt = ratchet.next_quota(quota, delivered, bureau, n_bureaus, spec)
    np.testing.assert_allclose(nxt, growth * (quota + ratchet_ * np.maximum(mark - quota, 0)))
    assert (nxt >= growth * quota - 1e-9).all()  # the ratchet never lowers a quota
    own = Campaign(ratchet=ratchet_, ratchet_basis="own", quota_growth=growth)
    np.testing.assert_allclose(
        ratchet.next_quota(quota, delivered, bureau, n_bureaus, own), growth * (quota + ratchet_ * np.maximum(delivered - quota, 0))
    )


def test_the_bureau_top_ratchet_on_one_example():
    delivered = np.array([100.0, 300.0, 200.0, 50.0, 80.0])
    bureau = np.array([0, 0, 0, 2, 2])  # bureau 1 is empty
    spec = Campaign(ratchet=1.0, ratchet_quantile=1.0)
    np.testing.assert_allclose(ratchet.benchmark(delivered, bureau, 3, spec), [300, 300, 300, 80, 80])
    half = Campaign(ratchet=0.5, ratchet_quantile=0.5)
    np.testing.assert_allclose(ratchet.next_quota(np.full(5, 100.0), delivered, bureau, 3, half), [150, 150, 150, 100, 100])


# --- S9: summing-up sessions -----------------------------------------------------------------


@FAST
@given(seed=seeds, n_bureaus=st.integers(1, 4), empty=st.integers(0, 2), lag=unit)
def test_sessions_criticise_only_laggards_relative_to_their_bureau(seed, n_bureaus, empty, lag):
    rng = rng_of(seed)
    n = 30
    bureau = rng.integers(0, n_bureaus, n)  # the last ``empty`` bureaus have nobody
    # Zero quotas, and quotas below one dollar (a quota all the same).
    quota = np.where(rng.random(n) < 0.15, 0.0, np.where(rng.random(n) < 0.2, 0.5, 1000.0))
    delivered = 1.2 * rng.random(n) * np.where(quota > 0, quota, 1000.0)
    present = rng.random(n) < 0.8
    got = sessions.criticised(delivered, quota, bureau, present, n_bureaus + empty, Sessions(lag_share=lag))
    for i in range(n):
        peers = (bureau == bureau[i]) & present & (quota > 0)
        average = (delivered[peers] / quota[peers]).mean() if peers.any() else 0.0
        lags = present[i] and quota[i] > 0 and delivered[i] / quota[i] < (1 - lag) * average
        assert got[i] == lags, i


@FAST
@given(progress=st.floats(0.0, 2.0), quota=st.floats(1e-3, 1e4), officials=st.integers(1, 8), lag=st.floats(1e-6, 1.0))
@example(progress=0.0, quota=1000.0, officials=5, lag=0.0)
def test_nobody_is_criticised_where_everyone_progressed_alike(progress, quota, officials, lag):
    # Nobody lags his bureau's average when all are at it: not even when nobody has delivered
    # anything yet (progress 0, the average 0).
    delivered = np.full(officials, progress * quota)
    got = sessions.criticised(delivered, np.full(officials, quota), np.zeros(officials, dtype=np.int64),
                              np.ones(officials, bool), 1, Sessions(lag_share=lag))
    assert not got.any()


def test_a_session_singles_out_the_worst_even_when_everyone_is_behind():
    delivered = np.array([10.0, 50.0, 60.0, 5.0, 0.0])
    quota = np.array([100.0, 100.0, 100.0, 100.0, 0.0])
    bureau = np.array([0, 0, 0, 1, 1])
    present = np.array([True, True, True, True, True])
    got = sessions.criticised(delivered, quota, bureau, present, 2, Sessions(lag_share=0.4))
    # Bureau 0 averages 0.4: 0.1 < 0.24 is criticised, 0.5 and 0.6 are not; bureau 1's only
    # counted official is its own average, and a zero quota is never criticised.
    assert got.tolist() == [True, False, False, False, False]
    assert np.isinf(sessions.progress(np.array([3.0]), np.array([0.0])))[0]


# --- S6: the review --------------------------------------------------------------------------


def test_shortfall_share_is_floored_at_zero_and_zero_for_a_zero_quota():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is divided by a zero quota
        share = committee.shortfall_share(np.array([0.0, 250.0, 1500.0, 5.0, 0.0]), np.array([1000.0, 1000.0, 1000.0, 0.0, 0.0]))
    np.testing.assert_allclose(share, [1.0, 0.75, 0.0, 0.0, 0.0])


def test_a_tiny_positive_score_is_all_but_never_referred_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (threshold / score)^h overflows to inf: probability 0
        p = committee.referral_probability(np.array([1e-300, 1e-320, 0.0]), Review(referral_threshold=2.0, referral_steepness=6.0))
    assert p.tolist() == [0.0, 0.0, 0.0]


@FAST
@given(quota=st.floats(1e-3, 1e6), delivered_share=st.floats(0.0, 3.0))
def test_shortfall_share_is_the_missing_share_of_any_positive_quota(quota, delivered_share):
    # A quota below one dollar is a quota all the same (as for behind_schedule).
    share = committee.shortfall_share(np.array([delivered_share * quota]), np.array([quota]))[0]
    assert share == pytest.approx(max(0.0, 1.0 - delivered_share), abs=1e-9)


@FAST
@given(threshold=st.floats(0.1, 3), h=st.floats(0.5, 10), score=st.floats(0.01, 5))
def test_referral_probability_is_a_hill_function_of_the_score(threshold, h, score):
    spec = Review(referral_threshold=threshold, referral_steepness=h)
    p = committee.referral_probability(np.array([0.0, score, threshold, score * 1.5]), spec)
    assert p[0] == 0.0
    assert p[1] == pytest.approx(score**h / (score**h + threshold**h))
    assert p[2] == pytest.approx(0.5)
    assert p[3] >= p[1]


def _review(seed, spec):
    rng = rng_of(seed)
    n = 60
    quota = np.where(rng.random(n) < 0.1, 0.0, 1000.0)
    delivered = np.where(rng.random(n) < 0.3, 1200.0, 1000 * rng.random(n))
    indignant = rng.random(n) < 0.25
    seen = 0.15 * rng.integers(0, 4, n)
    share = rng.integers(0, 4, n) / 3
    reviewed = rng.random(n) < 0.85
    draw = rng.random(n)
    return (delivered, quota, indignant, seen, share, reviewed, draw), committee.review(delivered, quota, indignant, seen, share, reviewed, draw, spec)


review_weights = st.fixed_dictionaries({
    "shortfall_weight": st.floats(0, 3), "attitude_weight": st.floats(0, 3), "visibility_weight": st.floats(0, 3),
    "criticism_weight": st.floats(0, 3), "referral_threshold": st.floats(0.2, 2), "referral_steepness": st.floats(1, 10),
})


@FAST
@given(seed=seeds, weights=review_weights)
def test_the_reviews_outcomes_and_reason_codes_match_their_definitions(seed, weights):
    spec = Review(**weights)
    (delivered, quota, indignant, seen, share, reviewed, draw), (outcome, reason, score, probability) = _review(seed, spec)
    short = np.where(quota > 0, np.maximum(1 - delivered / np.where(quota > 0, quota, 1), 0), 0)
    terms = {
        "shortfall": spec.shortfall_weight * short,
        "sessions": spec.criticism_weight * share,
        "suspicion": spec.visibility_weight * seen,
    }
    expected_score = terms["shortfall"] + spec.attitude_weight * indignant + terms["suspicion"] + terms["sessions"]
    np.testing.assert_allclose(score[reviewed], expected_score[reviewed])
    assert np.isnan(score[~reviewed]).all() and np.isnan(probability[~reviewed]).all()
    np.testing.assert_allclose(probability[reviewed], committee.referral_probability(expected_score, spec)[reviewed])
    codes = {"shortfall": committee.REASON_SHORTFALL, "sessions": committee.REASON_SESSIONS, "suspicion": committee.REASON_SUSPICION}
    for i in range(len(quota)):
        if not reviewed[i]:
            assert outcome[i] == committee.NOT_REVIEWED and reason[i] == committee.REASON_NONE
            continue
        if draw[i] < probability[i]:
            assert outcome[i] == committee.REFERRED
            if indignant[i]:
                assert reason[i] == committee.REASON_ATTITUDE
            else:
                # The largest other term, shortfall before sessions before suspicion on ties; a
                # term of zero never gives its name, unless all are zero (suspicion, the last).
                largest = max(terms[k][i] for k in codes)
                name = next((k for k in codes if terms[k][i] == largest and largest > 0), "suspicion")
                assert reason[i] == codes[name], (i, {k: terms[k][i] for k in codes})
        else:
            assert reason[i] == committee.REASON_NONE
            met = short[i] == 0 and not indignant[i]
            assert outcome[i] == (committee.COMMENDED if met else committee.CRITICISED)


def test_each_reason_on_one_example():
    spec = Review(shortfall_weight=1, attitude_weight=1, visibility_weight=1, criticism_weight=1, referral_threshold=0.01)
    delivered = np.array([0.0, 500.0, 1000.0, 1000.0, 400.0, 1000.0])
    quota = np.full(6, 1000.0)
    indignant = np.array([True, False, False, False, False, False])
    seen = np.array([0.0, 0.2, 0.9, 0.3, 0.6, 0.0])
    share = np.array([0.0, 0.3, 0.5, 0.3, 0.6, 0.0])
    outcome, reason, _, probability = committee.review(delivered, quota, indignant, seen, share, np.ones(6, bool), np.full(6, 0.5), spec)
    R = committee
    assert reason.tolist() == [R.REASON_ATTITUDE, R.REASON_SHORTFALL, R.REASON_SUSPICION, R.REASON_SESSIONS, R.REASON_SHORTFALL, R.REASON_NONE]
    assert outcome.tolist() == [R.REFERRED] * 5 + [R.COMMENDED]
    assert probability[5] == 0.0
    # Ties: shortfall before sessions, sessions before suspicion.
    _, tied, _, _ = committee.review(np.array([500.0, 1000.0]), np.full(2, 1000.0), np.zeros(2, bool), np.array([0.5, 0.4]),
                                     np.array([0.5, 0.4]), np.ones(2, bool), np.zeros(2), spec)
    assert tied.tolist() == [R.REASON_SHORTFALL, R.REASON_SESSIONS]


@pytest.mark.parametrize("weight", ["shortfall_weight", "attitude_weight", "visibility_weight", "criticism_weight"])
def test_the_referral_probability_rises_with_each_weight(weight):
    args = (np.array([600.0]), np.array([1000.0]), np.array([True]), np.array([0.45]), np.array([0.5]), np.array([True]), np.array([1.0]))
    low = committee.review(*args, Review(**{weight: 0.2}))[3][0]
    high = committee.review(*args, Review(**{weight: 0.9}))[3][0]
    assert 0 < low < high < 1
