"""Bookkeeping during a campaign run: the daily series (declared in
:mod:`quotasim.campaign.outputs`), what was taken from each household, the cases and the persons
they punished, and the standing at each review."""

from __future__ import annotations

import numpy as np

from quotasim.campaign.calendar import Day
from quotasim.campaign.outputs import DAILY, SOURCES
from quotasim.campaign import sums
from quotasim.enforcement.security import CaseBatch

CALENDAR_COLUMNS = ("day", "date", "campaign", "campaign_day")
_NUMPY_TYPES = {"int16": np.int16, "int32": np.int32, "int64": np.int64, "float64": np.float64}


class Recorder:
    def __init__(self, days: list[Day], n_officials: int, n_households: int):
        self.days = days
        self.daily = {
            c.name: np.full(len(days), np.nan) if c.nullable else np.zeros(len(days), dtype=_NUMPY_TYPES[c.type])
            for c in DAILY.columns
            if c.name not in CALENDAR_COLUMNS
        }
        self._from_source = [self.daily[f"from_{s}"] for s in SOURCES]
        self.taken = np.zeros(n_households)
        self.taken_at_review: np.ndarray | None = None
        self.job_income = 0.0
        self.wages = 0.0
        self.case_chunks: list[dict[str, np.ndarray]] = []
        self.person_chunks: list[dict[str, np.ndarray]] = []
        self.n_cases = 0
        self.arrest_day = np.full(n_officials, -1, dtype=np.int32)
        self.arrest_campaign = np.full(n_officials, -1, dtype=np.int16)
        self.case_wait = np.full(n_officials, -1, dtype=np.int32)
        self.exiled_official = np.zeros(n_officials, dtype=bool)
        self.review_stock: dict[str, float] = {}
        self.referral_probabilities: list[np.ndarray] = []

    def households_pressed(self, day: Day, pressed: np.ndarray, taken: np.ndarray) -> None:
        """Book what was taken from each pressed household today (each is pressed once a day)."""
        total, nonzero = sums.add_distinct(self.taken, pressed, taken)
        i = day.number - 1
        self.daily["household_usd_taken"][i] += total
        self.daily["households_pressed"][i] += nonzero

    def cases(self, day: Day, batch: CaseBatch, queue) -> None:
        c = len(batch.official)
        ids = self.n_cases + np.arange(c)
        self.n_cases += c
        campaign = queue.queued_campaign[batch.official]
        wait = day.number - queue.queued_day[batch.official]
        self.arrest_day[batch.official] = day.number
        self.arrest_campaign[batch.official] = campaign
        self.case_wait[batch.official] = wait
        self.exiled_official[batch.official] = batch.exiled
        i = day.number - 1
        self.daily["arrests"][i] += c
        self.daily["relatives_investigated"][i] += int(batch.relatives_investigated.sum())
        self.daily["relatives_lost_jobs"][i] += int(batch.relatives_lost_jobs.sum())
        self.daily["exiled_persons"][i] += int(batch.exiled_persons.sum())
        self.daily["seized_usd"][i] += float(batch.savings_seized_usd.sum() + batch.household_seized_usd.sum())
        self.case_chunks.append({
            "case": ids, "official": batch.official, "campaign": campaign + 1,
            "reason": queue.reason[batch.official], "queued_day": queue.queued_day[batch.official],
            "day": np.full(c, day.number), "wait_days": wait,
            "savings_seized_usd": batch.savings_seized_usd, "household_seized_usd": batch.household_seized_usd,
            "exiled": batch.exiled, "relatives_investigated": batch.relatives_investigated,
            "relatives_lost_jobs": batch.relatives_lost_jobs, "exiled_persons": batch.exiled_persons,
            "severity": batch.severity,
        })
        self.person_chunks.append({
            "case": ids[batch.person_case], "official": batch.official[batch.person_case],
            "campaign": (campaign + 1)[batch.person_case], "day": np.full(len(batch.person_case), day.number),
            "relation_tier": batch.person_tier, "household": batch.person_household,
            "member": batch.person_member, "punishment": batch.person_punishment,
        })

    def end_day(self, day: Day, state) -> None:
        i = day.number - 1
        self.daily["collected_usd"][i] = sum(column[i] for column in self._from_source)
        self.daily["backlog"][i] = len(state.queue)
        self.daily["fear_index"][i] = state.fear_index()
        self.daily["officials_free"][i] = np.count_nonzero(state.free)

    def at_review(self, state) -> None:
        """The standing at the end of a review day (the last review's is kept)."""
        self.taken_at_review = self.taken.copy()
        self.review_stock = {
            "awaiting_arrest": len(state.queue),
            "officials_savings_usd": float(state.officials.savings.sum()),
            "fear_index": state.fear_index(),
        }
        probability = state.ledger.probability
        self.referral_probabilities.append(probability[~np.isnan(probability)])

