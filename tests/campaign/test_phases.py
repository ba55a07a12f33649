"""A day, phase by phase (docs/model.md, section 3): a small run is stepped through its days, and
after every phase the state is compared with what the rule of that step says it must be, computed
from the state before the phase with the kernels (tested on their own in test_kernels.py) and
with copies of the phase's random stream. This checks that each phase applies its rule to the
right officials, on the right days, and books what it did in the ledger and the daily record."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from quotasim import load_scenario
from quotasim.campaign import phases
from quotasim.campaign.engine import initial_state
from quotasim.campaign.phases import Today
from quotasim.campaign.state import Ledger
from quotasim.dynamics import complaint, effort, extraction, fear, patronage, ratchet, topup
from quotasim.enforcement import capacity
from quotasim.review import committee, sessions

SMALL = [
    "officials.count=48", "officials.bureaus=4", "campaign.duration_days=14", "campaign.review_day=9",
    "campaign.count=2", "campaign.gap_days=2", "campaign.quota_usd=80", "campaign.ratchet=0.5", "sessions.interval_days=3",
    "topup.window_days=4", "enforcement.case_capacity_per_day=1.5", "attitude.reports_to_open_case=2",
    "patronage.placement_rate=0.2", "review.shortfall_weight=1.5", "officials.risk_aversion_low=0",
    "officials.hardship_max=0.6", "topup.threshold=0.6", "deterrence.decay_per_day=0.05",
    *[f"localities.{i}.households={n}" for i, n in enumerate((400, 300, 300, 200, 200))],
]
VARIANTS = {
    "trade shut, bureau ratchet": SMALL,
    "trade open, own ratchet, depth 1": SMALL + ["campaign.quota_usd=250", "campaign.trade_open=true", 'campaign.ratchet_basis="own"', "enforcement.kin_depth=1"],
    "one session before the review": SMALL + ["sessions.interval_days=6", "review.criticism_weight=1.0"],
}


def snapshot(state):
    ledger = state.ledger
    return {
        "fear": state.officials.fear.copy(),
        "savings": state.officials.savings.copy(),
        "holdings": state.households.holdings.copy(),
        "takeable": state.takeable.copy(),
        "has_job": state.kin.has_job.copy(),
        "free": state.free.copy(),
        "waiting": state.queue.waiting.copy(),
        "order": state.queue.order.copy(),
        "ledger": ledger,
        "by_source": {k: v.copy() for k, v in ledger.by_source.items()} if ledger else None,
        "delivered": ledger.delivered.copy() if ledger else None,
        "complaint_days": ledger.complaint_days.copy() if ledger else None,
        "reports": ledger.reports.copy() if ledger else None,
        "criticisms": ledger.criticisms.copy() if ledger else None,
        "sessions_held": ledger.sessions_held if ledger else None,
        "wages": state.record.wages,
        "job_income": state.record.job_income,
        "daily": {k: v.copy() for k, v in state.record.daily.items()},
        "quota": state.quota.copy(),
        "n_ledgers": len(state.ledgers),
    }


def same_stream(copy_after_expected_draws, stream):
    """Each mechanism draws the same numbers every day, whatever happens that day (common random
    numbers: two runs of one seed differ only where the mechanisms differ)."""
    assert copy_after_expected_draws.bit_generator.state == stream.bit_generator.state


def delivered_today(state, before, source):
    return state.ledger.by_source[source] - before["by_source"][source]


def check_open_campaign(state, day, today, before, streams):
    if day.campaign_day != 1:
        assert state.ledger is before["ledger"] and len(state.ledgers) == before["n_ledgers"]
        np.testing.assert_array_equal(state.takeable, before["takeable"])
        return
    assert len(state.ledgers) == before["n_ledgers"] + 1 and state.ledgers[-1] is state.ledger
    assert state.ledger.campaign == day.campaign
    np.testing.assert_array_equal(state.ledger.quota, state.quota)
    assert state.ledger.quota is not state.quota
    np.testing.assert_array_equal(state.ledger.savings_start, state.officials.savings)
    assert state.ledger.savings_start is not state.officials.savings
    assert (state.ledger.delivered == 0).all()
    spec = state.config.campaign
    np.testing.assert_allclose(state.takeable, np.where(state.households.exiled, 0.0, spec.by_any_means * state.households.holdings))


def check_fade_fear(state, day, today, before, streams):
    spec = state.config.deterrence
    np.testing.assert_allclose(state.officials.fear, before["fear"] - spec.decay_per_day * (before["fear"] - spec.baseline_fear))


def check_place_and_pay_relatives(state, day, today, before, streams):
    rng, spec, n = streams["patronage"], state.config.patronage, state.n_officials
    placing = before["free"] & (rng.random(n) < spec.placement_rate)
    kin = copy.deepcopy(state.kin)
    kin.has_job = before["has_job"].copy()
    placed = patronage.place_relatives_inplace(placing, rng.random(n), kin, state.households.exiled)
    same_stream(rng, state.streams.patronage)
    np.testing.assert_array_equal(state.kin.has_job, kin.has_job)
    assert state.record.daily["jobs_placed"][day.number - 1] == len(placed)
    # The kept list of paying jobs is the list the rule gives.
    paying = patronage.paying_links(state.kin, state.households.exiled)
    np.testing.assert_array_equal(state.paying, paying)
    kick, kept, households = patronage.job_income(state.kin, paying, state.free, n, spec, day.in_campaign)
    gained = np.bincount(households, weights=kept, minlength=len(state.households.holdings))
    np.testing.assert_allclose(state.households.holdings, before["holdings"] + gained)
    assert state.record.job_income == pytest.approx(before["job_income"] + kept.sum())
    if day.in_campaign:
        np.testing.assert_allclose(delivered_today(state, before, "relatives_jobs"), kick)
        assert state.record.daily["from_relatives_jobs"][day.number - 1] == pytest.approx(kick.sum())
        assert (kick[~state.free] == 0).all()
    else:
        assert state.record.daily["from_relatives_jobs"][day.number - 1] == 0


def check_speak_out(state, day, today, before, streams):
    draw = streams["informants"].random(state.n_officials)
    same_stream(streams["informants"], state.streams.informants)
    if not day.in_campaign:
        assert today.grievance is None and today.complaining is None
        return
    config, ledger, off = state.config, state.ledger, state.officials
    behind = effort.behind_schedule(before["delivered"], ledger.quota, day.campaign_day - 1, config.campaign.review_day)
    g = effort.grievance(off.hardship, off.loyalty, behind, config.attitude.burden_weight)
    np.testing.assert_allclose(today.grievance, g)
    complaining = before["free"] & complaint.complains(g, off.risk_aversion, off.fear, state.known_penalty, config.attitude)
    np.testing.assert_array_equal(today.complaining, complaining)
    reported = complaint.reported(complaining, draw, config.attitude.informant_coverage)
    np.testing.assert_array_equal(ledger.complaint_days, before["complaint_days"] + complaining)
    np.testing.assert_array_equal(ledger.reports, before["reports"] + reported)
    assert ledger.indignant[reported].all()
    i = day.number - 1
    assert state.record.daily["complaints"][i] == complaining.sum()
    assert state.record.daily["reported"][i] == reported.sum()
    informed = reported & (ledger.reports == config.attitude.reports_to_open_case)
    joined = informed & ~before["waiting"]
    assert state.record.daily["referred_by_informants"][i] == joined.sum()
    assert (state.queue.waiting == (before["waiting"] | informed)).all()
    assert (state.queue.reason[joined] == committee.REASON_INFORMANTS).all()
    assert (state.queue.queued_day[joined] == day.number).all()
    assert (state.queue.queued_campaign[joined] == day.campaign).all()


def check_work(state, day, today, before, streams):
    if not day.in_campaign:
        assert today.effort is None
        return
    config, ledger, off = state.config, state.ledger, state.officials
    shirking = state.free & effort.shirks(today.grievance, off.fear, config.effort.shirk_threshold)
    level = effort.daily_effort(off.loyalty, off.fear, today.grievance, ledger.delivered >= ledger.quota, config.effort, config.campaign.after_quota_effort)
    np.testing.assert_allclose(today.effort, np.where(state.free & ~shirking, level, 0.0))
    i = day.number - 1
    assert state.record.daily["shirking"][i] == shirking.sum()
    assert state.record.daily["effort_mean"][i] == pytest.approx(today.effort[state.free].mean())


def check_trade(state, day, today, before, streams):
    if not day.in_campaign:
        return
    spec = state.config
    expected = extraction.trade_income(today.effort, state.officials.skill, spec.trade.usd_per_day, spec.campaign.trade_open)
    np.testing.assert_allclose(delivered_today(state, before, "trade"), expected)
    assert state.record.daily["from_trade"][day.number - 1] == pytest.approx(expected.sum())


def check_press_households(state, day, today, before, streams):
    draws = extraction.draw_visits(state.n_officials, state.config.dispatch.households_per_day, streams["visits"])
    same_stream(streams["visits"], state.streams.visits)
    if not day.in_campaign:
        np.testing.assert_array_equal(state.households.holdings, before["holdings"])
        return
    off, loc = state.officials, state.localities
    density = extraction.crowding_density(off.locality[today.effort > 0], loc.household_start)
    want = extraction.demand(today.effort, off.skill, loc.opportunity_usd_per_day[off.locality], density[off.locality], state.config.dispatch.crowding)
    holdings, takeable = before["holdings"].copy(), before["takeable"].copy()
    received, pressed, taken = extraction.extract_inplace(
        want, off.locality, loc.household_start, holdings, takeable, np.zeros(len(holdings), dtype=np.int64), draws
    )
    np.testing.assert_allclose(state.households.holdings, holdings)
    np.testing.assert_allclose(state.takeable, takeable)
    np.testing.assert_allclose(delivered_today(state, before, "households"), received)
    i = day.number - 1
    assert state.record.daily["household_usd_taken"][i] == pytest.approx(taken.sum())
    assert state.record.daily["households_pressed"][i] == np.count_nonzero(taken)
    assert state.record.daily["from_households"][i] == pytest.approx(received.sum())


def check_pay_own_money(state, day, today, before, streams):
    if not day.topup:
        np.testing.assert_array_equal(state.officials.savings, before["savings"])
        if state.ledger is not None:
            np.testing.assert_array_equal(state.ledger.own_savings, before["by_source"]["own_savings"])
        return
    ledger, off = state.ledger, state.officials
    pay = topup.own_savings_topup(ledger.quota - before["delivered"], before["savings"], ledger.savings_start, off.loyalty, off.fear, state.config.topup)
    pay = np.where(state.free, pay, 0.0)
    np.testing.assert_allclose(state.officials.savings, before["savings"] - pay)
    np.testing.assert_allclose(delivered_today(state, before, "own_savings"), pay)
    assert state.record.daily["from_own_savings"][day.number - 1] == pytest.approx(pay.sum())


def check_pay_wages(state, day, today, before, streams):
    wage = state.config.officials.wage_usd_per_month * 12 / 365
    np.testing.assert_allclose(state.officials.savings, before["savings"] + np.where(state.free, wage, 0.0))
    assert state.record.wages == pytest.approx(before["wages"] + wage * state.free.sum())


def check_sum_up(state, day, today, before, streams):
    if not day.session:
        if state.ledger is not None:
            assert state.ledger.sessions_held == before["sessions_held"]
        np.testing.assert_array_equal(state.officials.fear, before["fear"])
        return
    config, ledger, off = state.config, state.ledger, state.officials
    present = state.free & ~state.queue.waiting
    criticised = sessions.criticised(before["delivered"], ledger.quota, off.bureau, present, config.officials.bureaus, config.sessions)
    np.testing.assert_array_equal(ledger.criticisms, before["criticisms"] + criticised)
    assert ledger.sessions_held == before["sessions_held"] + 1
    felt = fear.criticism_shock(off.bureau, criticised, config.officials.bureaus, config.sessions)
    np.testing.assert_allclose(off.fear, 1 - (1 - before["fear"]) * np.exp(-felt))
    assert state.record.daily["criticised"][day.number - 1] == criticised.sum()


def check_review(state, day, today, before, streams):
    if not day.review:
        np.testing.assert_array_equal(state.queue.order, before["order"])
        same_stream(streams["review"], state.streams.review)  # nothing drawn
        return
    draw = streams["review"].random(state.n_officials)
    same_stream(streams["review"], state.streams.review)
    config, ledger = state.config, state.ledger
    seen = patronage.visibility(state.kin, state.n_officials, config.patronage.visibility_per_job)
    reviewed = state.free & ~before["waiting"]
    share = ledger.criticisms / max(ledger.sessions_held, 1)
    outcome, reason, score, probability = committee.review(ledger.delivered, ledger.quota, ledger.indignant, seen, share, reviewed, draw, config.review)
    np.testing.assert_array_equal(ledger.outcome, outcome)
    np.testing.assert_array_equal(ledger.reason, reason)
    np.testing.assert_array_equal(ledger.score, score)
    np.testing.assert_array_equal(ledger.probability, probability)
    np.testing.assert_array_equal(ledger.visibility, np.where(reviewed, seen, np.nan))
    referred = np.flatnonzero(outcome == committee.REFERRED)
    assert state.record.daily["referred"][day.number - 1] == len(referred)
    # The line: attitude first, then shortfall, sessions, suspicion; by score within each.
    rank = {committee.REASON_ATTITUDE: 0, committee.REASON_SHORTFALL: 1, committee.REASON_SESSIONS: 2, committee.REASON_SUSPICION: 3}
    line = sorted(referred, key=lambda o: (rank[int(reason[o])], -score[o], o))
    new = state.queue.order[line]
    assert (np.diff(new) > 0).all() and (before["order"][line] == capacity.NOT_QUEUED).all()
    assert (new.min(initial=capacity.NOT_QUEUED) > before["order"][before["waiting"]].max(initial=-1))
    np.testing.assert_array_equal(state.queue.reason[line], reason[line])
    assert (state.queue.queued_day[line] == day.number).all()


def check_security_service(state, day, today, before, streams):
    queue = copy.deepcopy(streams["queue"])
    cases = capacity.open_cases(queue)
    assert state.queue.credit == pytest.approx(queue.credit)
    np.testing.assert_array_equal(state.queue.order, queue.order)
    np.testing.assert_array_equal(state.free, before["free"] & ~np.isin(np.arange(state.n_officials), cases))
    i = day.number - 1
    assert state.record.daily["arrests"][i] == len(cases)
    if len(cases) == 0:
        np.testing.assert_array_equal(state.officials.fear, before["fear"])
        return
    # Jobs lost, households exiled: the kept list of paying jobs is the one the rule gives now.
    np.testing.assert_array_equal(state.paying, patronage.paying_links(state.kin, state.households.exiled))
    chunk = state.record.case_chunks[-1]
    np.testing.assert_array_equal(chunk["official"], cases)
    assert (chunk["day"] == day.number).all()
    np.testing.assert_array_equal(chunk["wait_days"], day.number - queue.queued_day[cases])
    np.testing.assert_array_equal(chunk["campaign"], queue.queued_campaign[cases] + 1)
    np.testing.assert_array_equal(chunk["reason"], queue.reason[cases])
    assert (state.record.arrest_day[cases] == day.number).all()
    np.testing.assert_array_equal(state.record.arrest_campaign[cases], queue.queued_campaign[cases])
    np.testing.assert_array_equal(state.record.exiled_official[cases], chunk["exiled"])
    for key in ("relatives_investigated", "relatives_lost_jobs", "exiled_persons"):
        assert state.record.daily[key][i] == chunk[key].sum()
    assert state.record.daily["seized_usd"][i] == pytest.approx(chunk["savings_seized_usd"].sum() + chunk["household_seized_usd"].sum())
    np.testing.assert_allclose(chunk["savings_seized_usd"], state.config.enforcement.seizure_share * before["savings"][cases])
    off, spec = state.officials, state.config
    felt = fear.case_shock(off.bureau, off.bureau[cases], chunk["severity"], spec.officials.bureaus, spec.deterrence)
    np.testing.assert_allclose(off.fear, 1 - (1 - before["fear"]) * np.exp(-felt))


def check_close_day(state, day, today, before, streams):
    i, daily = day.number - 1, state.record.daily
    assert daily["collected_usd"][i] == pytest.approx(sum(daily[f"from_{s}"][i] for s in ("households", "trade", "own_savings", "relatives_jobs")))
    assert daily["backlog"][i] == state.queue.waiting.sum()
    assert daily["officials_free"][i] == state.free.sum()
    assert daily["fear_index"][i] == pytest.approx(state.officials.fear[state.free].mean())
    ledger = state.ledger
    if day.review:
        assert ledger.at_review is not None
        np.testing.assert_array_equal(ledger.at_review["delivered"], ledger.delivered)
        np.testing.assert_array_equal(ledger.at_review["fear"], state.officials.fear)
        np.testing.assert_array_equal(ledger.at_review["savings"], state.officials.savings)
        np.testing.assert_array_equal(ledger.at_review["criticisms"], ledger.criticisms)
        assert state.record.review_stock["awaiting_arrest"] == state.queue.waiting.sum()
        assert state.record.review_stock["fear_index"] == pytest.approx(state.fear_index())
        np.testing.assert_array_equal(state.record.taken_at_review, state.record.taken)
        assert len(state.record.referral_probabilities) == ledger.campaign + 1
    elif ledger is not None and day.campaign_day and day.campaign_day < day.review_day:
        assert ledger.at_review is None
    if day.last:
        np.testing.assert_array_equal(ledger.savings_end, state.officials.savings)
        np.testing.assert_array_equal(ledger.fear_end, state.officials.fear)
        if day.campaign + 1 < state.config.campaign.count:
            spec = state.config.campaign
            np.testing.assert_allclose(state.quota, ratchet.next_quota(ledger.quota, ledger.delivered, state.officials.bureau, state.config.officials.bureaus, spec))
            assert (state.quota > ledger.quota).any()
            return
    np.testing.assert_array_equal(state.quota, before["quota"])


CHECKS = {
    phases.open_campaign: check_open_campaign,
    phases.fade_fear: check_fade_fear,
    phases.place_and_pay_relatives: check_place_and_pay_relatives,
    phases.speak_out: check_speak_out,
    phases.work: check_work,
    phases.trade: check_trade,
    phases.press_households: check_press_households,
    phases.pay_own_money: check_pay_own_money,
    phases.pay_wages: check_pay_wages,
    phases.sum_up: check_sum_up,
    phases.review: check_review,
    phases.security_service: check_security_service,
    phases.close_day: check_close_day,
}


@pytest.mark.parametrize("overrides", VARIANTS.values(), ids=VARIANTS.keys())
def test_every_phase_applies_its_rule(overrides):
    assert list(CHECKS) == list(phases.PHASES)
    state = initial_state(load_scenario("dprk-2020-80-day-battle", overrides), seed=5)
    seen = {"complaints": 0, "reported_cases": 0, "sessions": 0, "referred": 0, "arrests": 0, "topups": 0, "placed": 0}
    for day in state.record.days:
        today = Today()
        for phase in phases.PHASES:
            before = snapshot(state)
            streams = {name: copy.deepcopy(getattr(state.streams, name)) for name in ("patronage", "informants", "visits", "review")}
            streams["queue"] = copy.deepcopy(state.queue)
            phase(state, day, today)
            CHECKS[phase](state, day, today, before, streams)
        daily, i = state.record.daily, day.number - 1
        seen["complaints"] += daily["complaints"][i]
        seen["reported_cases"] += daily["referred_by_informants"][i]
        seen["sessions"] += day.session
        seen["referred"] += daily["referred"][i]
        seen["arrests"] += daily["arrests"][i]
        seen["topups"] += daily["from_own_savings"][i] > 0
        seen["placed"] += daily["jobs_placed"][i]
    # The run exercised every rule it checked (the test must be able to fail).
    assert all(seen.values()), seen
    assert len(state.ledgers) == 2 and all(isinstance(lg, Ledger) for lg in state.ledgers)


def test_referred_officials_of_equal_score_are_queued_in_the_order_of_their_numbers():
    # Three levels of shortfall (all, half, none), nobody indignant and no other term: many
    # referred officials share each score, and a referral is all but certain for a positive score.
    scenario = load_scenario("dprk-2020-80-day-battle", SMALL + [
        "officials.count=150", "review.referral_threshold=0.01", "review.referral_steepness=20",
        "review.attitude_weight=0", "review.visibility_weight=0", "review.criticism_weight=0",
    ])
    state = initial_state(scenario, 3)
    for day in state.record.days:
        today = Today()
        for phase in phases.PHASES:
            if phase is phases.review and day.review:
                ledger = state.ledger
                ledger.delivered[:] = ledger.quota * (np.arange(state.n_officials) % 3) / 2
                ledger.indignant[:] = False
                before = state.queue.order.copy()
                phase(state, day, today)
                referred = np.flatnonzero(ledger.outcome == committee.REFERRED)
                assert len(referred) > 50 and (ledger.reason[referred] == committee.REASON_SHORTFALL).all()
                line = sorted(referred, key=lambda o: (-ledger.score[o], o))
                assert (np.diff(state.queue.order[line]) > 0).all() and (before[line] == capacity.NOT_QUEUED).all()
                return
            phase(state, day, today)
