"""The phases of a day, in order (:data:`PHASES`). Each is a function of the run's state, the day
and the day's scratch values; campaign days and the gap days between campaigns go through the
same phases, and a phase that has nothing to do on a day returns at once.

The mechanisms themselves (the elements S1–S10 of docs/system.md) are kernels in ``dynamics/``, ``review/`` and
``enforcement/``; a phase only applies them to the state and books what they did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quotasim.campaign.calendar import Day
from quotasim.campaign import sums
from quotasim.campaign.state import CampaignState, Ledger
from quotasim.dynamics import complaint, effort, extraction, fear, patronage, ratchet, topup
from quotasim.enforcement import capacity, security
from quotasim.review import committee, sessions


@dataclass
class Today:
    """What the phases of one day pass on to later phases of the same day."""

    grievance: np.ndarray | None = None
    complaining: np.ndarray | None = None
    effort: np.ndarray | None = None


def open_campaign(state: CampaignState, day: Day, today: Today) -> None:
    """S1/S2: a new order — each official's quota, the holdings that may be taken "by any means"."""
    if day.campaign_day != 1:
        return
    state.ledger = Ledger(day.campaign, state.quota.copy(), state.officials.savings.copy())
    state.ledgers.append(state.ledger)
    np.multiply(state.households.holdings, state.config.campaign.by_any_means, out=state.takeable)
    state.takeable[state.households.exiled] = 0.0


def fade_fear(state: CampaignState, day: Day, today: Today) -> None:
    """S9: fear fades toward the regime's standing level."""
    fear.fade_fear_inplace(state.officials.fear, state.config.deterrence)


def place_and_pay_relatives(state: CampaignState, day: Day, today: Today) -> None:
    """S8: officials place relatives in foreign-currency jobs; the jobs pay, and during a
    campaign part of the pay goes to the official's quota."""
    rng, rec = state.streams.patronage, state.record
    n = state.n_officials
    draws = rng.random(2 * n)  # the same numbers as two draws of n, in one call
    placement_draw, pick = draws[:n], draws[n:]
    jobs = patronage.place_and_pay_inplace(
        placement_draw, pick, state.kin, state.households.exiled, state.paying, state.free, state.households.holdings,
        state.config.patronage, day.in_campaign,
    )
    state.paying = jobs.paying
    rec.daily["jobs_placed"][day.number - 1] = jobs.placed
    rec.job_income += sums.total(jobs.kept)
    if day.in_campaign:
        _deliver(state, day, "relatives_jobs", jobs.kickback)


def speak_out(state: CampaignState, day: Day, today: Today) -> None:
    """S5: grievance and open complaint by Epstein's rule; informants report some complaints, and
    an official reported often enough has a case opened on him at once."""
    draw = state.streams.informants.random(state.n_officials)
    if not day.in_campaign:
        return
    config, ledger = state.config, state.ledger
    said = complaint.speak_out_inplace(
        state.officials, ledger.delivered, ledger.quota, day.campaign_day - 1, config.campaign.review_day, state.free,
        draw, state.known_penalty, config.attitude, ledger.complaint_days, ledger.reports, ledger.indignant,
    )
    today.grievance, today.complaining = said.grievance, said.complaining
    i = day.number - 1
    state.record.daily["complaints"][i] = said.complaints
    state.record.daily["reported"][i] = said.reported
    if len(said.informed):
        joined = capacity.enqueue(state.queue, said.informed, day.number, day.campaign, committee.REASON_INFORMANTS)
        state.record.daily["referred_by_informants"][i] = joined


def work(state: CampaignState, day: Day, today: Today) -> None:
    """S4: shirking at a relative's home, and the day's effort of the others."""
    if not day.in_campaign:
        return
    config, ledger = state.config, state.ledger
    today.effort, shirking = effort.work_inplace(
        state.officials, today.grievance, ledger.delivered >= ledger.quota, state.free, config.effort,
        config.campaign.after_quota_effort, ledger.shirk_days,
    )
    i = day.number - 1
    state.record.daily["shirking"][i] = shirking
    state.record.daily["effort_mean"][i] = sums.mean_where(today.effort, state.free)


def trade(state: CampaignState, day: Day, today: Today) -> None:
    """S1/S10: earnings through trade, while it is open."""
    if not day.in_campaign or not state.config.campaign.trade_open:
        return
    off = state.officials
    _deliver(state, day, "trade", extraction.trade_income(today.effort, off.skill, state.config.trade.usd_per_day, True))


def press_households(state: CampaignState, day: Day, today: Today) -> None:
    """S1/S3: households pressed "by any means" where officials are sent, with crowding."""
    draws = extraction.draw_visits(state.n_officials, state.config.dispatch.households_per_day, state.streams.visits)
    if not day.in_campaign:
        return
    off, loc, hh = state.officials, state.localities, state.households
    received, pressed, taken = extraction.press_inplace(
        today.effort, off.skill, off.locality, loc.household_start, loc.opportunity_usd_per_day,
        state.config.dispatch.crowding, hh.holdings, state.takeable, state.claim, draws, day.number,
    )
    _deliver(state, day, "households", received)
    state.record.households_pressed(day, pressed, taken)


def pay_own_money(state: CampaignState, day: Day, today: Today) -> None:
    """S4: own savings paid in, in the days before the review."""
    if not day.topup:
        return
    ledger, off = state.ledger, state.officials
    pay = topup.own_savings_topup(
        ledger.quota - ledger.delivered, off.savings, ledger.savings_start, off.loyalty, off.fear, state.config.topup
    )
    pay = np.where(state.free, pay, 0.0)
    off.savings -= pay
    _deliver(state, day, "own_savings", pay)


def pay_wages(state: CampaignState, day: Day, today: Today) -> None:
    """The state wage, paid into the savings of officials not arrested."""
    paid = sums.add_where(state.officials.savings, state.wage_per_day, state.free)
    state.record.wages += state.wage_per_day * paid


def sum_up(state: CampaignState, day: Day, today: Today) -> None:
    """S9: a summing-up session criticises the laggards before their bureau; criticism frightens
    them and the bureau, and the committee weighs it at the review."""
    if not day.session:
        return
    config, ledger, off = state.config, state.ledger, state.officials
    before_committee = state.free & ~state.queue.waiting
    criticised = sessions.criticised(
        ledger.delivered, ledger.quota, off.bureau, before_committee, config.officials.bureaus, config.sessions
    )
    ledger.criticisms += criticised
    ledger.sessions_held += 1
    fear.raise_fear_inplace(off.fear, fear.criticism_shock(off.bureau, criticised, config.officials.bureaus, config.sessions))
    state.record.daily["criticised"][day.number - 1] = np.count_nonzero(criticised)


def review(state: CampaignState, day: Day, today: Today) -> None:
    """S6: the bureau party committee reviews every official still before it."""
    draw = state.streams.review.random(state.n_officials) if day.review else None
    if not day.review:
        return
    config, ledger = state.config, state.ledger
    seen = patronage.visibility(state.kin, state.n_officials, config.patronage.visibility_per_job)
    reviewed = state.free & ~state.queue.waiting
    criticised_share = ledger.criticisms / max(ledger.sessions_held, 1)
    outcome, reason, score, probability = committee.review(
        ledger.delivered, ledger.quota, ledger.indignant, seen, criticised_share, reviewed, draw, config.review
    )
    ledger.outcome, ledger.reason, ledger.score, ledger.probability = outcome, reason, score, probability
    ledger.visibility = np.where(reviewed, seen, np.nan)
    referred = np.flatnonzero(outcome == committee.REFERRED)
    # The most political cases first; ties keep official order (stable sort).
    referred = referred[np.argsort(-score[referred], kind="stable")]
    for code in (committee.REASON_ATTITUDE, committee.REASON_SHORTFALL, committee.REASON_SESSIONS, committee.REASON_SUSPICION):
        capacity.enqueue(state.queue, referred[reason[referred] == code], day.number, day.campaign, code)
    state.record.daily["referred"][day.number - 1] = len(referred)


def security_service(state: CampaignState, day: Day, today: Today) -> None:
    """S7 then S9: the security service opens the cases its capacity allows, in queue order;
    punishments raise fear at once in the bureau and elsewhere by rumour."""
    cases = capacity.open_cases(state.queue)
    if len(cases) == 0:
        return
    state.free[cases] = False
    config = state.config
    batch = security.punish_inplace(
        cases, state.officials, state.households, state.kin, state.takeable, state.fates,
        config.enforcement, config.deterrence,
    )
    state.paying = patronage.still_paying(state.kin, state.paying, state.households.exiled)  # jobs lost, households exiled
    shock = fear.case_shock(state.officials.bureau, state.officials.bureau[cases], batch.severity, config.officials.bureaus, config.deterrence)
    fear.raise_fear_inplace(state.officials.fear, shock)
    state.record.cases(day, batch, state.queue)


def close_day(state: CampaignState, day: Day, today: Today) -> None:
    """Record the day's standing; keep the review's snapshot; close the campaign on its last day
    and ratchet the next quota (S1/S2)."""
    state.record.end_day(day, state)
    if day.review:
        state.ledger.snapshot_review(state.officials.fear, state.officials.savings)
        state.record.at_review(state)
    if day.last:
        state.ledger.close(state.officials.fear, state.officials.savings)
    if day.last and day.campaign + 1 < state.config.campaign.count:
        state.quota = ratchet.next_quota(
            state.ledger.quota, state.ledger.delivered, state.officials.bureau,
            state.config.officials.bureaus, state.config.campaign,
        )


def _deliver(state: CampaignState, day: Day, source: str, amount: np.ndarray) -> None:
    state.record.daily[f"from_{source}"][day.number - 1] += state.ledger.add(source, amount)


PHASES = (
    open_campaign,
    fade_fear,
    place_and_pay_relatives,
    speak_out,
    work,
    trade,
    press_households,
    pay_own_money,
    pay_wages,
    sum_up,
    review,
    security_service,
    close_day,
)
"""A day, phase by phase (docs/model.md, "Process overview and scheduling")."""
