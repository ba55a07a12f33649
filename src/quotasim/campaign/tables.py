"""The tables of a campaign run (declared in :mod:`quotasim.campaign.outputs`), built from the
run's arrays only when asked for: sweeps read the summary alone and never pay for them."""

from __future__ import annotations

import datetime as dt

import numpy as np

from quotasim.campaign.outputs import CASE_SUMMARY, CASES, DAILY, OFFICIALS, SOURCES, Table
from quotasim.enforcement.security import PUNISHMENTS
from quotasim.population.build import MAX_PERSONS
from quotasim.result import LazyTables
from quotasim.review.committee import NOT_REVIEWED, OUTCOMES, REASONS


def campaign_tables(state, record) -> LazyTables:
    return LazyTables({
        "daily": lambda: _daily(state, record),
        "officials": lambda: _officials(state, record),
        "cases": lambda: _cases(record),
        "case_summary": lambda: _case_summary(record),
    })


def _frame(table: Table, columns: dict) -> object:
    import pandas as pd

    if tuple(columns) != table.names:
        raise RuntimeError(f"{table.name} columns differ from their declaration: {sorted(set(columns) ^ set(table.names))}")
    return pd.DataFrame(columns)


def _categorical(codes: np.ndarray, categories, *, null_code: int | None = None):
    import pandas as pd

    codes = np.asarray(codes, dtype=np.int64)
    if null_code is not None:
        codes = np.where(codes == null_code, -1, codes)
    return pd.Categorical.from_codes(codes, categories=list(categories))


def _nullable_int(values: np.ndarray, missing: np.ndarray):
    import pandas as pd

    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int32), missing.copy())


def _daily(state, record):
    start = state.config.campaign.start_date
    days = record.days
    cols: dict = {
        "day": np.array([d.number for d in days], dtype=np.int32),
        "date": np.array([start + dt.timedelta(days=d.number - 1) for d in days], dtype=object),
        "campaign": np.array([d.campaign + 1 for d in days], dtype=np.int16),
        "campaign_day": np.array([d.campaign_day for d in days], dtype=np.int16),
    }
    for column in DAILY.columns[4:]:
        if column.name == "collected_usd_cumulative":
            cols[column.name] = np.cumsum(record.daily["collected_usd"])
        else:
            cols[column.name] = record.daily[column.name]
    return _frame(DAILY, cols)


def _officials(state, record):
    import pandas as pd

    off, names = state.officials, state.localities.name
    frames = []
    for lg in state.ledgers:
        n = len(lg.quota)
        at = lg.at_review or {"delivered": lg.delivered, "fear": lg.fear_end, "indignant": lg.indignant}
        mine = record.arrest_campaign == lg.campaign
        outcome = np.where(lg.outcome == NOT_REVIEWED, len(OUTCOMES), lg.outcome)
        cols = {
            "official": np.arange(n, dtype=np.int32),
            "campaign": np.full(n, lg.campaign + 1, dtype=np.int16),
            "bureau": off.bureau,
            "home_locality": _categorical(off.home_locality, names),
            "locality": _categorical(off.locality, names),
            "quota_usd": lg.quota,
            "delivered_at_review_usd": at["delivered"],
            "delivered_after_review_usd": lg.delivered - at["delivered"],
            "delivered_usd": lg.delivered,
            **{f"from_{s}": lg.by_source[s] for s in SOURCES},
            "met_quota": at["delivered"] >= lg.quota,
            "met_quota_by_end": lg.delivered >= lg.quota,
            "shirk_days": lg.shirk_days.astype(np.int16),
            "complaint_days": lg.complaint_days.astype(np.int16),
            "reports": lg.reports.astype(np.int16),
            "criticisms": lg.criticisms.astype(np.int16),
            "indignation_reported": at["indignant"],
            "visibility": lg.visibility,
            "political_score": lg.score,
            "referral_probability": lg.probability,
            "outcome": _categorical(outcome, (*OUTCOMES, "not_reviewed")),
            "referral_reason": _categorical(_referral_reason(lg, record, mine), REASONS[1:], null_code=-1),
            "arrested": mine,
            "arrest_day": _nullable_int(record.arrest_day, ~mine),
            "case_wait_days": _nullable_int(record.case_wait, ~mine),
            "exiled": mine & record.exiled_official,
            "savings_start_usd": lg.savings_start,
            "savings_end_usd": lg.savings_end,
            "fear_at_review": at["fear"],
            "fear_end": lg.fear_end,
            "loyalty": off.loyalty,
            "risk_aversion": off.risk_aversion,
        }
        frames.append(_frame(OFFICIALS, cols))
    return pd.concat(frames, ignore_index=True)


def _referral_reason(ledger, record, arrested_here) -> np.ndarray:
    """The reason code (minus one, for REASONS[1:]) of each official referred in this campaign:
    the review's reason, else that of the case opened during the campaign; -1 for none."""
    reason = np.where(ledger.reason > 0, ledger.reason.astype(np.int64), 0)
    case_reason = np.zeros(len(reason), dtype=np.int64)
    for chunk in record.case_chunks:
        case_reason[chunk["official"]] = np.where(
            record.arrest_campaign[chunk["official"]] == ledger.campaign, chunk["reason"], case_reason[chunk["official"]]
        )
    reason = np.where(reason > 0, reason, case_reason)
    return reason - 1


def _concat(chunks: list[dict], key: str, dtype) -> np.ndarray:
    if not chunks:
        return np.zeros(0, dtype=dtype)
    return np.concatenate([ch[key] for ch in chunks]).astype(dtype)


def _cases(record):
    chunks = record.person_chunks
    household = _concat(chunks, "household", np.int64)
    cols = {
        "case": _concat(chunks, "case", np.int32),
        "official": _concat(chunks, "official", np.int32),
        "campaign": _concat(chunks, "campaign", np.int16),
        "day": _concat(chunks, "day", np.int32),
        "relation_tier": _concat(chunks, "relation_tier", np.int8),
        "household": household,
        "person": household * MAX_PERSONS + _concat(chunks, "member", np.int64),
        "punishment": _categorical(_concat(chunks, "punishment", np.int64), PUNISHMENTS),
    }
    return _frame(CASES, cols)


def _case_summary(record):
    chunks = record.case_chunks
    cols = {
        "case": _concat(chunks, "case", np.int32),
        "official": _concat(chunks, "official", np.int32),
        "campaign": _concat(chunks, "campaign", np.int16),
        "reason": _categorical(_concat(chunks, "reason", np.int64) - 1, REASONS[1:]),
        "queued_day": _concat(chunks, "queued_day", np.int32),
        "day": _concat(chunks, "day", np.int32),
        "wait_days": _concat(chunks, "wait_days", np.int32),
        "savings_seized_usd": _concat(chunks, "savings_seized_usd", np.float64),
        "household_seized_usd": _concat(chunks, "household_seized_usd", np.float64),
        "exiled": _concat(chunks, "exiled", bool),
        "relatives_investigated": _concat(chunks, "relatives_investigated", np.int32),
        "relatives_lost_jobs": _concat(chunks, "relatives_lost_jobs", np.int32),
        "exiled_persons": _concat(chunks, "exiled_persons", np.int32),
        "severity": _concat(chunks, "severity", np.float64),
    }
    return _frame(CASE_SUMMARY, cols)
