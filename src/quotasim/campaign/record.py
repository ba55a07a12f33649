"""Bookkeeping of a campaign run: per-official ledgers by source, daily series, cases; and the
Result (summary and tables) built from them at the end. Every USD is booked by source here, which
is what the conservation tests check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from quotasim.enforcement.security import PUNISHMENTS, CaseBatch
from quotasim.result import Result
from quotasim.review.committee import COMMENDED, CRITICISED, OUTCOMES, REASONS, REFERRED

SOURCES = ("households", "trade", "own_savings", "relatives_jobs")


@dataclass
class Ledger:
    """What each official delivered in one campaign, by source; arrays of shape (N,)."""

    campaign: int
    quota: np.ndarray
    today: dict[str, float]  # the recorder's flows of the current day, by source
    by_source: dict[str, np.ndarray] = field(init=False)
    delivered: np.ndarray = field(init=False)
    complaint_days: np.ndarray = field(init=False)
    shirk_days: np.ndarray = field(init=False)
    outcome: np.ndarray = field(init=False)  # review outcome code; -1 until reviewed
    reason: np.ndarray = field(init=False)
    score: np.ndarray = field(init=False)
    indignant: np.ndarray = field(init=False)
    visibility: np.ndarray = field(init=False)

    def __post_init__(self):
        n = len(self.quota)
        self.by_source = {s: np.zeros(n) for s in SOURCES}
        self.delivered = np.zeros(n)
        self.complaint_days = np.zeros(n, dtype=np.int32)
        self.shirk_days = np.zeros(n, dtype=np.int32)
        self.outcome = np.full(n, -1, dtype=np.int8)
        self.reason = np.zeros(n, dtype=np.int8)
        self.score = np.zeros(n)
        self.indignant = np.zeros(n, dtype=bool)
        self.visibility = np.zeros(n)

    @property
    def own_savings(self) -> np.ndarray:
        return self.by_source["own_savings"]

    def add(self, source: str, amount: np.ndarray) -> None:
        self.by_source[source] += amount
        self.delivered += amount
        self.today[source] += float(amount.sum())

    def reviewed(self, outcome, reason, score, indignant, visibility) -> None:
        self.outcome, self.reason, self.score = outcome, reason, score
        self.indignant, self.visibility = indignant.copy(), visibility


class Recorder:
    def __init__(self, pop, config, scenario, seed):
        self.config, self.scenario, self.seed = config, scenario, seed
        self.pop = pop
        n = len(pop.officials.bureau)
        self.savings_start = pop.officials.savings.copy()
        self.taken_total = np.zeros(len(pop.households.holdings))
        self.squeezed = 0
        self.wages = 0.0
        self.household_income = 0.0
        self.today: dict = {}
        self.flow = {s: 0.0 for s in SOURCES}
        self.cum = {s: 0.0 for s in SOURCES}
        self.daily: list[dict] = []
        self.ledgers: list[Ledger] = []
        self.case_chunks: list[dict] = []
        self.person_chunks: list[dict] = []
        self.n_cases = 0
        self.arrest_day = np.full(n, -1, dtype=np.int32)
        self.exiled_official = np.zeros(n, dtype=bool)
        self.seized = 0.0

    # --- campaigns and days ---------------------------------------------------------------
    def start_campaign(self, campaign: int, quota: np.ndarray) -> Ledger:
        ledger = Ledger(campaign, quota.copy(), self.flow)
        self.ledgers.append(ledger)
        return ledger

    def new_day(self) -> dict:
        for s in SOURCES:
            self.flow[s] = 0.0
        self.today = {
            "jobs_placed": 0, "referred": 0, "arrests": 0, "relatives_investigated": 0,
            "relatives_lost_jobs": 0, "exiled_persons": 0, "household_usd_taken": 0.0,
            "households_pressed": 0, "seized_usd": 0.0,
        }
        return self.today

    def households_pressed(self, pressed: np.ndarray, taken: np.ndarray) -> None:
        gave = taken > 0
        first_time = gave & (self.taken_total[pressed] == 0)
        self.squeezed += int(first_time.sum())
        np.add.at(self.taken_total, pressed, taken)
        self.today["household_usd_taken"] += float(taken.sum())
        self.today["households_pressed"] += int(gave.sum())

    def cases(self, batch: CaseBatch, day: int, campaign: int) -> None:
        ids = self.n_cases + np.arange(len(batch.official))
        self.n_cases += len(batch.official)
        self.arrest_day[batch.official] = day
        self.exiled_official[batch.official] = batch.exiled
        self.seized += float(batch.seized_usd.sum())
        self.today["arrests"] += len(batch.official)
        self.today["relatives_investigated"] += int(batch.relatives_investigated.sum())
        self.today["relatives_lost_jobs"] += int(batch.relatives_lost_jobs.sum())
        self.today["exiled_persons"] += int(batch.exiled_persons.sum())
        self.today["seized_usd"] += float(batch.seized_usd.sum())
        self.case_chunks.append({
            "case": ids, "official": batch.official, "campaign": np.full(len(ids), campaign + 1),
            "day": np.full(len(ids), day), "seized_usd": batch.seized_usd, "exiled": batch.exiled,
            "relatives_investigated": batch.relatives_investigated,
            "relatives_lost_jobs": batch.relatives_lost_jobs, "exiled_persons": batch.exiled_persons,
        })
        household = batch.person_household.copy()
        is_official = batch.person_tier == 0
        household[is_official] = self.pop.officials.household[batch.official[batch.person_case[is_official]]]
        self.person_chunks.append({
            "case": ids[batch.person_case], "official": batch.official[batch.person_case],
            "relation_tier": batch.person_tier, "household": household,
            "punishment": batch.person_punishment, "day": np.full(len(household), day),
        })

    def _row(self, day, campaign, campaign_day, fear, free):
        date = self.config.campaign.start_date + dt.timedelta(days=day - 1)
        for s in SOURCES:
            self.cum[s] += self.flow[s]
        collected_today = sum(self.flow[s] for s in SOURCES)
        row = {
            "day": day, "date": date, "campaign": campaign + 1, "campaign_day": campaign_day,
            "collected_usd": collected_today,
            **{f"from_{s}": self.flow[s] for s in SOURCES},
            "collected_usd_cumulative": sum(self.cum.values()),
            "households_squeezed_cumulative": self.squeezed,
            "fear_index": float(fear.mean()), "officials_free": int(free.sum()),
        }
        row.update(self.today)
        row.setdefault("complaints", 0)
        row.setdefault("reported", 0)
        row.setdefault("shirking", 0)
        row.setdefault("effort_mean", 0.0)
        self.daily.append(row)

    def end_day(self, day, campaign, campaign_day, fear, free) -> None:
        """Record the day's row (``campaign_day`` 0 for a day between campaigns)."""
        self._row(day, campaign, campaign_day, fear, free)

    # --- the result -----------------------------------------------------------------------
    def result(self, free, off, hh, kin, *, awaiting_arrest: int) -> Result:
        config, pop = self.config, self.pop
        n = len(off.bureau)
        names = np.array(pop.localities.name, dtype=object)
        frames = []
        for ledger in self.ledgers:
            frames.append(pd.DataFrame({
                "official": np.arange(n), "campaign": ledger.campaign + 1,
                "bureau": off.bureau, "home_locality": names[off.home_locality],
                "locality": names[off.locality], "quota_usd": ledger.quota,
                "delivered_usd": ledger.delivered,
                **{f"from_{s}": ledger.by_source[s] for s in SOURCES},
                "met_quota": ledger.delivered >= ledger.quota,
                "shirk_days": ledger.shirk_days, "complaint_days": ledger.complaint_days,
                "indignation_reported": ledger.indignant, "visibility": ledger.visibility,
                "political_score": ledger.score,
                "outcome": pd.Categorical.from_codes(np.where(ledger.outcome < 0, 0, ledger.outcome), OUTCOMES).astype(object),
                "referral_reason": np.array(REASONS, dtype=object)[ledger.reason],
            }))
        officials = pd.concat(frames, ignore_index=True)
        not_reviewed = np.concatenate([lg.outcome < 0 for lg in self.ledgers])
        officials.loc[not_reviewed, "outcome"] = "not_reviewed"
        officials["arrested"] = np.tile(self.arrest_day >= 0, len(self.ledgers))
        officials["arrest_day"] = np.tile(self.arrest_day, len(self.ledgers))
        officials["exiled"] = np.tile(self.exiled_official, len(self.ledgers))
        officials["savings_start_usd"] = np.tile(self.savings_start, len(self.ledgers))
        officials["savings_end_usd"] = np.tile(off.savings, len(self.ledgers))
        officials["loyalty"] = np.tile(off.loyalty, len(self.ledgers))
        officials["risk_aversion"] = np.tile(off.risk_aversion, len(self.ledgers))
        officials["fear_end"] = np.tile(off.fear, len(self.ledgers))

        daily = pd.DataFrame(self.daily)
        cases = _concat(self.person_chunks, {
            "case": np.int64, "official": np.int64, "relation_tier": np.int8, "household": np.int64,
            "punishment": np.int8, "day": np.int64,
        })
        cases["punishment"] = np.array(PUNISHMENTS, dtype=object)[cases["punishment"].to_numpy(dtype=np.int64)]
        case_summary = _concat(self.case_chunks, {
            "case": np.int64, "official": np.int64, "campaign": np.int64, "day": np.int64,
            "seized_usd": np.float64, "exiled": bool, "relatives_investigated": np.int64,
            "relatives_lost_jobs": np.int64, "exiled_persons": np.int64,
        })

        by_source = {s: float(sum(lg.by_source[s].sum() for lg in self.ledgers)) for s in SOURCES}
        collected = float(sum(lg.delivered.sum() for lg in self.ledgers))
        reviewed_frames = officials[officials["outcome"] != "not_reviewed"]
        summary = {
            "model": "campaign",
            "scenario": self.scenario.name,
            "seed": self.seed,
            "campaigns": config.campaign.count,
            "days": len(self.daily),
            "officials": n,
            "households": int(len(hh.holdings)),
            "persons": int(hh.persons.sum()),
            "collected_usd": collected,
            "collected_by_source": by_source,
            "quota_usd_total": float(sum(lg.quota.sum() for lg in self.ledgers)),
            "met_quota": int(officials["met_quota"].sum()),
            "delivered_something": int((officials["delivered_usd"] > 0).sum()),
            "paid_from_savings": int((officials["from_own_savings"] > 0).sum()),
            "shirked": int((officials["shirk_days"] > 0).sum()),
            "complained": int((officials["complaint_days"] > 0).sum()),
            "indignation_reported": int(officials["indignation_reported"].sum()),
            "commended": int((reviewed_frames["outcome"] == OUTCOMES[COMMENDED]).sum()),
            "criticised": int((reviewed_frames["outcome"] == OUTCOMES[CRITICISED]).sum()),
            "referred": int((reviewed_frames["outcome"] == OUTCOMES[REFERRED]).sum()),
            "referred_for_shortfall": int((officials["referral_reason"] == "shortfall").sum()),
            "arrested": int((self.arrest_day >= 0).sum()),
            "awaiting_arrest": int(awaiting_arrest),
            "exiled_persons": int(case_summary["exiled_persons"].sum()),
            "relatives_investigated": int(case_summary["relatives_investigated"].sum()),
            "relatives_lost_jobs": int(case_summary["relatives_lost_jobs"].sum()),
            "households_squeezed": int(self.squeezed),
            "household_usd_taken": float(self.taken_total.sum()),
            "household_holdings_start_usd": float(hh.holdings_start.sum()),
            "household_holdings_end_usd": float(hh.holdings.sum()),
            "household_job_income_usd": float(self.household_income),
            "officials_savings_start_usd": float(self.savings_start.sum()),
            "officials_savings_end_usd": float(off.savings.sum()),
            "officials_wages_usd": float(self.wages),
            "seized_usd": float(self.seized),
            "relatives_jobs_end": int(kin.has_job.sum()),
            "fear_index_end": float(off.fear.mean()),
        }
        return Result(
            model="campaign",
            scenario=self.scenario,
            seed=self.seed,
            summary=summary,
            tables={"daily": daily, "officials": officials, "cases": cases, "case_summary": case_summary},
            extra={"household_holdings": hh.holdings, "household_taken": self.taken_total, "official_savings": off.savings},
        )


def _concat(chunks: list[dict], dtypes: dict) -> pd.DataFrame:
    if not chunks:
        return pd.DataFrame({k: np.zeros(0, dtype=t) for k, t in dtypes.items()})
    return pd.DataFrame({k: np.concatenate([ch[k] for ch in chunks]).astype(t) for k, t in dtypes.items()})
