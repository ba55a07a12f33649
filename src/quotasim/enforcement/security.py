"""S7: the security service's cases — arrest, home search, investigation along the kin network to
``kin_depth``, loss of relatives' foreign-currency jobs, exile of households.

Each person is counted once under each punishment: a household already investigated is not
investigated again, an exiled household is not exiled again, and a relative who lost a job gets
none again. One row per punished person of each case records what the case did to him.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quotasim import compiled
from quotasim.compiled import Kernel

# Punishment codes, most severe last; a person's row carries the most severe one of the case.
INVESTIGATED, LOST_JOB, EXILED_P, ARRESTED, ARRESTED_EXILED = 0, 1, 2, 3, 4
PUNISHMENTS = ("investigated", "lost_job", "exiled", "arrested", "arrested_and_exiled")


@dataclass
class CaseFates:
    """The chance part of every possible case, drawn once per run, so that a case's fate does not
    depend on when it happens: a uniform per official (exile) and per kin link (the relative's
    household exiled with him; job lost)."""

    exile: np.ndarray
    kin_exile: np.ndarray
    job_loss: np.ndarray


def draw_fates(n_officials: int, n_links: int, rng: np.random.Generator) -> CaseFates:
    return CaseFates(rng.random(n_officials), rng.random(n_links), rng.random(n_links))


@dataclass
class CaseBatch:
    """What one day's cases did. Per-case arrays have shape (C,); ``person_*`` one row per punished person."""

    official: np.ndarray
    savings_seized_usd: np.ndarray
    household_seized_usd: np.ndarray
    exiled: np.ndarray
    relatives_investigated: np.ndarray  # relatives investigated for the first time
    relatives_lost_jobs: np.ndarray
    exiled_persons: np.ndarray  # persons exiled for the first time, the official included
    severity: np.ndarray
    person_case: np.ndarray  # index into this batch
    person_tier: np.ndarray  # 0 = the official
    person_household: np.ndarray
    person_member: np.ndarray
    person_punishment: np.ndarray


def _kin_rows(cases, kin_start):
    counts = kin_start[cases + 1] - kin_start[cases]
    owner = np.repeat(np.arange(len(cases)), counts)
    first = np.repeat(kin_start[cases], counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, first + within


def _first_of_each(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """True at the first masked occurrence of each value (in array order)."""
    out = np.zeros(len(values), dtype=bool)
    where = np.flatnonzero(mask)
    _, first = np.unique(values[where], return_index=True)
    out[where[first]] = True
    return out


def home_search_inplace(cases, officials, households, takeable, enforcement):
    """Seize ``seizure_share`` of the official's savings and of his household's foreign currency."""
    own = officials.household[cases]
    savings_seized = enforcement.seizure_share * officials.savings[cases]
    officials.savings[cases] -= savings_seized
    household_seized = enforcement.seizure_share * households.holdings[own]
    households.holdings[own] -= household_seized
    takeable[own] = np.minimum(takeable[own], households.holdings[own])
    return savings_seized, household_seized


def punish_inplace(cases, officials, households, kin, takeable, fates, enforcement, deterrence) -> CaseBatch:
    """Carry out today's cases (officials ``cases``, in the order opened). Savings, holdings,
    exile and investigation flags, takeable holdings and jobs change in place. With
    ``kin_depth = 0`` no relative is touched, and an exiled official goes alone. On the compiled
    path the batch is one pass over the cases' kin links and one over the punished, with the same
    results bit for bit (tests/campaign/test_compiled_paths.py)."""
    if compiled.active():
        return _punish_compiled(cases, officials, households, kin, takeable, fates, enforcement, deterrence)
    c = len(cases)
    savings_seized, household_seized = home_search_inplace(cases, officials, households, takeable, enforcement)
    exiled = fates.exile[cases] < enforcement.harshness

    owner, rows = _kin_rows(cases, kin.start)
    tier = kin.tier[rows]
    reached = (tier <= enforcement.kin_depth) & ~households.exiled[kin.household[rows]]
    owner, rows, tier = owner[reached], rows[reached], tier[reached]
    household = kin.household[rows]
    # Relatives in the household: everyone but the official himself (member 0) in his own.
    first_member = (tier == 1).astype(np.int64)
    relatives = households.persons[household].astype(np.int64) - first_member

    goes = exiled[owner] & ((tier == 1) | (fates.kin_exile[rows] < enforcement.kin_exile_probability))
    loses = kin.has_job[rows] & ((fates.job_loss[rows] < enforcement.job_loss_probability) | goes)
    newly_investigated = _first_of_each(household, np.ones(len(household), dtype=bool)) & ~households.investigated[household]
    newly_exiled = _first_of_each(household, goes)

    households.investigated[household] = True
    households.exiled[household[goes]] = True
    takeable[household[goes]] = 0.0
    kin.has_job[rows[loses]] = False
    kin.job_lost[rows[loses]] = True

    rel_inv = np.bincount(owner, weights=np.where(newly_investigated, relatives, 0), minlength=c).astype(np.int64)
    rel_lost = np.bincount(owner, weights=loses, minlength=c).astype(np.int64)
    exiled_persons = np.bincount(owner, weights=np.where(newly_exiled, relatives, 0), minlength=c).astype(np.int64) + exiled
    reached_relatives = np.bincount(owner, weights=relatives, minlength=c)
    severity = (
        1.0
        + deterrence.kin_weight * reached_relatives / (reached_relatives + 5.0)
        + deterrence.exile_weight * exiled
    )

    # One row per punished relative: every relative of a household first investigated or exiled
    # here, and each relative who lost a job; then the officials themselves.
    everyone = newly_investigated | newly_exiled
    count = np.where(everyone, relatives, loses.astype(np.int64))
    row_of = np.repeat(np.arange(len(rows)), count)
    within = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    job_member = kin.member[rows].astype(np.int64)
    member = np.where(everyone[row_of], first_member[row_of] + within, job_member[row_of])
    punishment = np.where(
        newly_exiled[row_of],
        EXILED_P,
        np.where(loses[row_of] & (member == job_member[row_of]), LOST_JOB, INVESTIGATED),
    ).astype(np.int8)
    official_punishment = np.where(exiled, ARRESTED_EXILED, ARRESTED).astype(np.int8)
    return CaseBatch(
        official=cases,
        savings_seized_usd=savings_seized,
        household_seized_usd=household_seized,
        exiled=exiled,
        relatives_investigated=rel_inv,
        relatives_lost_jobs=rel_lost,
        exiled_persons=exiled_persons,
        severity=severity,
        person_case=np.concatenate([np.arange(c), owner[row_of]]),
        person_tier=np.concatenate([np.zeros(c, dtype=np.int8), tier[row_of]]),
        person_household=np.concatenate([officials.household[cases], household[row_of]]),
        person_member=np.concatenate([np.zeros(c, dtype=np.int64), member]),
        person_punishment=np.concatenate([official_punishment, punishment]),
    )


def _punish_compiled(cases, officials, households, kin, takeable, fates, enforcement, deterrence) -> CaseBatch:
    arrays = _punish(
        cases, officials.savings, officials.household, households.holdings, households.persons, households.exiled,
        households.investigated, takeable, kin.start, kin.tier, kin.household, kin.member, kin.has_job, kin.job_lost,
        fates.exile, fates.kin_exile, fates.job_loss, enforcement.seizure_share, enforcement.harshness,
        enforcement.kin_depth, enforcement.kin_exile_probability, enforcement.job_loss_probability,
        deterrence.kin_weight, deterrence.exile_weight,
    )
    return CaseBatch(cases, *arrays)


def _punish_loop(
    cases, savings, own_household, holdings, persons, household_exiled, investigated, takeable, kin_start, kin_tier,
    kin_household, kin_member, has_job, job_lost, exile_fate, kin_exile_fate, job_loss_fate, seizure_share, harshness,
    kin_depth, kin_exile_probability, job_loss_probability, kin_weight, exile_weight,
):
    """:func:`punish_inplace` case by case and link by link (its compiled path). The batch's rules
    read the state before the batch: the relatives reached are those not exiled before it (all
    reached links are marked first), and a household counts as newly investigated or exiled at its
    first link in the batch only (marking it at that link leaves the later ones unmarked)."""
    c = len(cases)
    savings_seized, household_seized = np.empty(c), np.empty(c)
    exiled = np.empty(c, dtype=np.bool_)
    for j in range(c):
        own = own_household[cases[j]]
        savings_seized[j] = seizure_share * savings[cases[j]]
        savings[cases[j]] -= savings_seized[j]
        household_seized[j] = seizure_share * holdings[own]
        holdings[own] -= household_seized[j]
        takeable[own] = min(takeable[own], holdings[own])
        exiled[j] = exile_fate[cases[j]] < harshness
    links = 0
    for j in range(c):
        links += kin_start[cases[j] + 1] - kin_start[cases[j]]
    # The reached links of the batch, in order: their case, link, relatives, and what befell them.
    owner = np.empty(links, dtype=np.int64)
    row = np.empty(links, dtype=np.int64)
    reached = 0
    for j in range(c):
        for link in range(kin_start[cases[j]], kin_start[cases[j] + 1]):
            if kin_tier[link] <= kin_depth and not household_exiled[kin_household[link]]:
                owner[reached] = j
                row[reached] = link
                reached += 1
    relatives = np.empty(reached, dtype=np.int64)
    everyone = np.empty(reached, dtype=np.bool_)  # the household first investigated or exiled here
    newly_exiled = np.empty(reached, dtype=np.bool_)
    loses = np.empty(reached, dtype=np.bool_)
    relatives_investigated = np.zeros(c, dtype=np.int64)
    relatives_lost_jobs = np.zeros(c, dtype=np.int64)
    exiled_persons = np.zeros(c, dtype=np.int64)
    reached_relatives = np.zeros(c)
    punished = c
    for k in range(reached):
        j, link = owner[k], row[k]
        household = kin_household[link]
        first_member = 1 if kin_tier[link] == 1 else 0
        relatives[k] = np.int64(persons[household]) - first_member
        goes = exiled[j] and (kin_tier[link] == 1 or kin_exile_fate[link] < kin_exile_probability)
        loses[k] = has_job[link] and (job_loss_fate[link] < job_loss_probability or goes)
        newly_investigated = not investigated[household]
        investigated[household] = True
        newly_exiled[k] = goes and not household_exiled[household]
        if goes:
            household_exiled[household] = True
            takeable[household] = 0.0
        if loses[k]:
            has_job[link] = False
            job_lost[link] = True
        everyone[k] = newly_investigated or newly_exiled[k]
        if newly_investigated:
            relatives_investigated[j] += relatives[k]
        if loses[k]:
            relatives_lost_jobs[j] += 1
        if newly_exiled[k]:
            exiled_persons[j] += relatives[k]
        reached_relatives[j] += relatives[k]
        punished += relatives[k] if everyone[k] else (1 if loses[k] else 0)
    severity = np.empty(c)
    for j in range(c):
        exiled_persons[j] += 1 if exiled[j] else 0
        severity[j] = 1.0 + kin_weight * reached_relatives[j] / (reached_relatives[j] + 5.0) + exile_weight * (1.0 if exiled[j] else 0.0)
    # One row per punished person: the officials, then each punished relative (see punish_inplace).
    person_case = np.empty(punished, dtype=np.int64)
    person_tier = np.empty(punished, dtype=np.int8)
    person_household = np.empty(punished, dtype=np.int64)
    person_member = np.empty(punished, dtype=np.int64)
    person_punishment = np.empty(punished, dtype=np.int8)
    for j in range(c):
        person_case[j] = j
        person_tier[j] = 0
        person_household[j] = own_household[cases[j]]
        person_member[j] = 0
        person_punishment[j] = ARRESTED_EXILED if exiled[j] else ARRESTED
    at = c
    for k in range(reached):
        link = row[k]
        job_member = np.int64(kin_member[link])
        count = relatives[k] if everyone[k] else (1 if loses[k] else 0)
        for within in range(count):
            member = (1 if kin_tier[link] == 1 else 0) + within if everyone[k] else job_member
            person_case[at] = owner[k]
            person_tier[at] = kin_tier[link]
            person_household[at] = kin_household[link]
            person_member[at] = member
            if newly_exiled[k]:
                person_punishment[at] = EXILED_P
            elif loses[k] and member == job_member:
                person_punishment[at] = LOST_JOB
            else:
                person_punishment[at] = INVESTIGATED
            at += 1
    return (
        savings_seized, household_seized, exiled, relatives_investigated, relatives_lost_jobs, exiled_persons, severity,
        person_case, person_tier, person_household, person_member, person_punishment,
    )


_punish = Kernel(_punish_loop)
