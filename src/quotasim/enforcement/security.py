"""S7: the security service — arrests within its case capacity, home search, investigation along
the kin network to ``kin_depth``, loss of relatives' foreign-currency jobs, exile of households."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Punishment codes, most severe last; a person punished twice keeps the most severe.
INVESTIGATED, LOST_JOB, EXILED_P, ARRESTED, ARRESTED_EXILED = 0, 1, 2, 3, 4
PUNISHMENTS = ("investigated", "lost_job", "exiled", "arrested", "arrested_and_exiled")


@dataclass
class CaseBatch:
    """What one day's cases did. Per-case arrays have shape (C,); ``person_*`` one row per punished person."""

    official: np.ndarray
    seized_usd: np.ndarray
    exiled: np.ndarray
    relatives_investigated: np.ndarray
    relatives_lost_jobs: np.ndarray
    exiled_persons: np.ndarray
    severity: np.ndarray
    person_case: np.ndarray  # index into this batch
    person_tier: np.ndarray  # 0 = the official
    person_household: np.ndarray
    person_punishment: np.ndarray


def open_cases(queue, capacity):
    """Split the queue (ordered by priority) into today's cases and the rest."""
    return queue[:capacity], queue[capacity:]


def _kin_rows(cases, kin_start):
    counts = kin_start[cases + 1] - kin_start[cases]
    owner = np.repeat(np.arange(len(cases)), counts)
    first = np.repeat(kin_start[cases], counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, first + within


def punish_inplace(cases, savings, household_persons, household_exiled, takeable, kin_start, kin_tier, kin_household, has_job, rng, *, kin_depth, harshness, seizure_share, kin_exile_probability, job_loss_probability, kin_weight, exile_weight):
    """Carry out today's cases (officials ``cases``). Savings, exile flags, takeable holdings and
    jobs change in place. With ``kin_depth = 0`` no relative is touched, and an exiled official
    goes alone."""
    c = len(cases)
    seized = seizure_share * savings[cases]
    savings[cases] -= seized
    exiled = rng.random(c) < harshness
    owner, rows = _kin_rows(cases, kin_start)
    tier = kin_tier[rows]
    investigated = tier <= kin_depth
    owner, rows, tier = owner[investigated], rows[investigated], tier[investigated]
    household = kin_household[rows]
    # Relatives in the household: everyone but the official himself in his own (tier-1) household.
    persons = household_persons[household].astype(np.int64) - (tier == 1)
    # Draw in a fixed order: exile of each relative household, then job loss.
    kin_exile_draw = rng.random(len(rows))
    job_draw = rng.random(len(rows))
    household_goes = exiled[owner] & ((tier == 1) | (kin_exile_draw < kin_exile_probability))
    loses_job = has_job[rows] & ((job_draw < job_loss_probability) | household_goes)
    has_job[rows[loses_job]] = False
    gone = household[household_goes]
    household_exiled[gone] = True
    takeable[gone] = 0.0

    n_exiled_rel = np.where(household_goes, persons, 0)
    n_lost = np.where(loses_job & ~household_goes & (persons > 0), 1, 0)
    n_inv = persons - n_exiled_rel - n_lost
    rel_inv = np.bincount(owner, weights=persons, minlength=c).astype(np.int64)
    rel_lost = np.bincount(owner, weights=loses_job, minlength=c).astype(np.int64)
    exiled_persons = np.bincount(owner, weights=n_exiled_rel, minlength=c).astype(np.int64) + exiled
    punished_rel = rel_inv
    severity = 1.0 + kin_weight * punished_rel / (punished_rel + 5.0) + exile_weight * exiled

    # One row per punished person: the official, then each relative with their punishment.
    per_row = np.stack([n_inv, n_lost, n_exiled_rel], axis=1)  # (R, 3)
    kinds = np.array([INVESTIGATED, LOST_JOB, EXILED_P], dtype=np.int8)
    reps = per_row.ravel()
    person_row = np.repeat(np.repeat(np.arange(len(rows)), 3), reps)
    person_kind = np.repeat(np.tile(kinds, len(rows)), reps)
    official_kind = np.where(exiled, ARRESTED_EXILED, ARRESTED).astype(np.int8)
    return CaseBatch(
        official=cases,
        seized_usd=seized,
        exiled=exiled,
        relatives_investigated=rel_inv,
        relatives_lost_jobs=rel_lost,
        exiled_persons=exiled_persons,
        severity=severity,
        person_case=np.concatenate([np.arange(c), owner[person_row]]),
        person_tier=np.concatenate([np.zeros(c, dtype=np.int8), tier[person_row]]),
        person_household=np.concatenate([np.full(c, -1, dtype=np.int64), household[person_row]]),
        person_punishment=np.concatenate([official_kind, person_kind]),
    )
