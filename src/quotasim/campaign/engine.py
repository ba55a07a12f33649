"""The campaign model: one run of a sequence of campaigns, day by day (SYSTEM.md S1–S10).

Each day, in this order (docs/model.md, "Process overview and scheduling"):
fear decays (S9); officials place relatives in jobs and the jobs pay (S8); grievance, open
complaints by Epstein's rule and informants (S5); shirking and effort (S4); earnings from trade
(S1, S10) and from households by any means with crowding (S1, S3); own-savings top-ups before the
review (S4); the party committee's review on review day (S6); the security service works its
queue within capacity (S7), and punishments raise fear (S9). Between campaigns the quota
ratchets up from what was delivered.
"""

from __future__ import annotations

import numpy as np

from quotasim.campaign.record import Recorder
from quotasim.dynamics.complaint import acts_openly, estimated_arrest_probability
from quotasim.dynamics.effort import burden, daily_effort, grievance, shirks
from quotasim.dynamics.extraction import demand, extract_inplace, trade_income
from quotasim.dynamics.fear import decay_fear_inplace, shock_fear_inplace
from quotasim.dynamics.patronage import job_income, place_relatives_inplace, visibility
from quotasim.dynamics.topup import own_savings_topup
from quotasim.enforcement.security import open_cases, punish_inplace
from quotasim.memory import check_fits
from quotasim.population.build import build_population, estimate_bytes
from quotasim.result import Result
from quotasim.review.committee import REFERRED, review
from quotasim.scenario import Scenario

DAYS_PER_MONTH = 365.0 / 12.0


def run_campaign(scenario: Scenario, *, seed: int, progress=None) -> Result:
    config = scenario.config
    check_fits(estimate_bytes(config), what=f"scenario {scenario.name!r}", where=scenario.origin)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    pop = build_population(config, rng)
    off, hh, kin, loc = pop.officials, pop.households, pop.kin, pop.localities
    n = len(off.bureau)
    c = config.campaign
    total_days = c.count * c.duration_days + (c.count - 1) * c.gap_days
    rec = Recorder(pop, config, scenario, seed)

    free = np.ones(n, dtype=bool)  # not arrested
    quota = np.full(n, c.quota_usd)
    queue = np.zeros(0, dtype=np.int64)
    wage_per_day = config.officials.wage_usd_per_month / DAYS_PER_MONTH
    en = config.enforcement
    # S5/S7: the known punishment (exile, kin to kin_depth) raises the felt cost of arrest.
    penalty = 1.0 + config.attitude.penalty_weight * (en.harshness + en.kin_depth / 3.0) / 2.0
    takeable = np.zeros(len(hh.holdings))

    def work_queue(queue, day, campaign):
        """S7 then S9: the security service opens today's cases, within capacity; punishments
        raise fear at once in the bureau and elsewhere by rumour. Returns the rest of the queue."""
        cases, rest = open_cases(queue, en.case_capacity_per_day)
        if len(cases) == 0:
            return rest
        free[cases] = False
        d = config.deterrence
        batch = punish_inplace(
            cases, off.savings, hh.persons, hh.exiled, takeable, kin.start, kin.tier,
            kin.household, kin.has_job, rng, kin_depth=en.kin_depth, harshness=en.harshness,
            seizure_share=en.seizure_share, kin_exile_probability=en.kin_exile_probability,
            job_loss_probability=en.job_loss_probability, kin_weight=d.kin_weight,
            exile_weight=d.exile_weight,
        )
        shock_fear_inplace(
            off.fear, off.bureau, off.bureau[cases], batch.severity, config.officials.bureaus,
            same_bureau_shock=d.same_bureau_shock, rumour_reach=d.rumour_reach,
        )
        rec.cases(batch, day, campaign)
        return rest

    day = 0
    for campaign in range(c.count):
        if campaign > 0:
            # Between campaigns nothing is collected; fear fades, wages are paid, and the security
            # service goes on working its queue.
            for _ in range(c.gap_days):
                day += 1
                rec.new_day()
                decay_fear_inplace(off.fear, config.deterrence.decay_per_day, config.deterrence.baseline_fear)
                off.savings[free] += wage_per_day
                rec.wages += wage_per_day * free.sum()
                queue = work_queue(queue, day, campaign)
                rec.end_day(day, campaign, 0, off.fear, free)
                if progress is not None:
                    progress(day, total_days)
        ledger = rec.start_campaign(campaign, quota)
        savings_at_start = off.savings.copy()
        takeable[:] = np.where(hh.exiled, 0.0, c.by_any_means * hh.holdings)
        indignant = np.zeros(n, dtype=bool)
        for campaign_day in range(1, c.duration_days + 1):
            day += 1
            today = rec.new_day()

            # S9: fear fades.
            decay_fear_inplace(off.fear, config.deterrence.decay_per_day, config.deterrence.baseline_fear)

            # S8: patronage and the pay of relatives' jobs.
            p = config.patronage
            placing = free & (rng.random(n) < p.placement_rate)
            today["jobs_placed"] = place_relatives_inplace(
                kin.has_job, kin.start, kin.close_count, placing, hh.exiled, kin.household, rng
            )
            kickback, kept, paid_households = job_income(
                kin.has_job, kin.official, kin.household, hh.exiled, free, n,
                usd_per_day=p.job_usd_per_day, kickback_share=p.kickback_share,
            )
            np.add.at(hh.holdings, paid_households, kept)
            rec.household_income += kept.sum()
            ledger.add("relatives_jobs", kickback)

            # S5: grievance and open complaint by Epstein's rule; informants report some.
            load = burden(ledger.delivered, quota, campaign_day - 1, c.review_day, ledger.own_savings, savings_at_start)
            griev = grievance(off.hardship, off.loyalty, load, config.attitude.burden_weight)
            a = config.attitude
            p_arrest = estimated_arrest_probability(a.informant_coverage + off.fear, a.arrest_constant)
            complains = free & acts_openly(griev, off.risk_aversion * penalty, p_arrest, a.threshold)
            reported = complains & (rng.random(n) < a.informant_coverage)
            indignant |= reported
            ledger.complaint_days += complains

            # S4: shirking and effort.
            e = config.effort
            shirking = free & ~complains & shirks(griev, off.fear, e.shirk_threshold)
            ledger.shirk_days += shirking
            met = ledger.delivered >= quota
            effort = daily_effort(
                off.loyalty, off.fear, griev, met, base=e.base, loyalty_weight=e.loyalty_weight,
                fear_weight=e.fear_weight, cost_weight=e.cost_weight, after_quota=c.after_quota_effort,
            )
            effort = np.where(free & ~shirking, effort, 0.0)

            # S1, S10: trade, when open.
            ledger.add("trade", trade_income(effort, off.skill, config.trade.usd_per_day, c.trade_open))

            # S1, S3: households pressed "by any means", with crowding.
            working = effort > 0
            crowd = np.bincount(off.locality[working], minlength=len(loc.name))
            per_100_households = 100.0 * crowd / np.maximum(np.diff(loc.household_start), 1)
            want = demand(
                effort, off.skill, loc.opportunity_usd_per_day[off.locality],
                per_100_households[off.locality], config.dispatch.crowding,
            )
            received, pressed, taken = extract_inplace(
                want, off.locality, loc.household_start, hh.holdings, takeable,
                config.dispatch.households_per_day, rng,
            )
            ledger.add("households", received)
            rec.households_pressed(pressed, taken)

            # S4: own money paid in before the review.
            t = config.topup
            if c.review_day - t.window_days < campaign_day <= c.review_day:
                pay = own_savings_topup(
                    quota - ledger.delivered, off.savings, savings_at_start, off.loyalty, off.fear,
                    threshold=t.threshold, propensity=t.propensity, fear_weight=t.fear_weight, reserve_share=t.reserve_share,
                )
                pay = np.where(free, pay, 0.0)
                off.savings -= pay
                ledger.add("own_savings", pay)

            off.savings[free] += wage_per_day
            rec.wages += wage_per_day * free.sum()

            # S6: the review.
            if campaign_day == c.review_day:
                r = config.review
                vis = visibility(kin.has_job, kin.official, n, p.visibility_per_job)
                awaiting = np.zeros(n, dtype=bool)
                awaiting[queue] = True
                outcome, reason, score = review(
                    ledger.delivered, quota, indignant, vis, free & ~awaiting,
                    shortfall_weight=r.shortfall_weight, attitude_weight=r.attitude_weight,
                    visibility_weight=r.visibility_weight, referral_threshold=r.referral_threshold,
                )
                ledger.reviewed(outcome, reason, score, indignant, vis)
                referred = np.flatnonzero(outcome == REFERRED)
                # The most political cases first; ties keep official order (stable sort).
                referred = referred[np.argsort(-score[referred], kind="stable")]
                queue = np.concatenate([queue, referred])
                today["referred"] = len(referred)

            # S7, S9: the security service works its queue; punishments raise fear.
            queue = work_queue(queue, day, campaign)

            today.update(
                complaints=int(complains.sum()),
                reported=int(reported.sum()),
                shirking=int(shirking.sum()),
                effort_mean=float(effort[free].mean()) if free.any() else 0.0,
            )
            rec.end_day(day, campaign, campaign_day, off.fear, free)
            if progress is not None:
                progress(day, total_days)

        # Ratchet (Weitzman 1980): next quota = growth x (quota + ratchet x over-delivery).
        quota = c.quota_growth * (quota + c.ratchet * np.maximum(ledger.delivered - quota, 0.0))
    return rec.result(free, off, hh, kin, awaiting_arrest=len(queue))
