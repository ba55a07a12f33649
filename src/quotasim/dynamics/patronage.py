"""S8: officials place relatives in foreign-currency jobs; the jobs pay, part flows back to the
official's quota, and "living well" makes the official visible."""

from __future__ import annotations

import numpy as np

from quotasim import compiled
from quotasim.compiled import Kernel


def place_relatives_inplace(placing, pick, kin, household_exiled):
    """Officials in ``placing`` (bool per official) each find a job for one close relative (tier 1
    or 2), chosen by ``pick`` (a uniform per official); a relative who already has one, has lost
    one to an investigation, stands for nobody, or whose household is exiled, gains nothing.
    Returns the kin rows that got a job, in order."""
    if compiled.active():
        placed = np.empty(len(placing), dtype=np.int64)
        count = _place(placing, pick, kin.start, kin.close_count, kin.has_job, kin.job_lost, kin.member, kin.household, household_exiled, placed)
        return placed[:count]
    who = np.flatnonzero(placing & (kin.close_count > 0))
    row = kin.start[who] + np.floor(pick[who] * kin.close_count[who]).astype(np.int64)
    new = ~kin.has_job[row] & ~kin.job_lost[row] & (kin.member[row] >= 0) & ~household_exiled[kin.household[row]]
    # Already sorted and distinct: each official picks within his own block of links, and the
    # blocks follow official order.
    placed = row[new]
    kin.has_job[placed] = True
    return placed


def _place_loop(placing, pick, start, close_count, has_job, job_lost, member, household, household_exiled, placed):
    """:func:`place_relatives_inplace` official by official (its compiled path): fills ``placed``
    (sorted, as each official picks within his own block of links and the blocks follow official
    order) and returns how many."""
    count = 0
    for official in range(len(placing)):
        if placing[official] and close_count[official] > 0:
            row = start[official] + np.int64(np.floor(pick[official] * close_count[official]))
            if not has_job[row] and not job_lost[row] and member[row] >= 0 and not household_exiled[household[row]]:
                has_job[row] = True
                placed[count] = row
                count += 1
    return count


_place = Kernel(_place_loop)


def paying_links(kin, household_exiled):
    """The kin links whose relative holds a job today: a job, and a household not exiled. It
    changes only when jobs are placed or lost and households exiled, so the run keeps it between
    those events."""
    return np.flatnonzero(kin.has_job & ~household_exiled[kin.household])


def with_placed(paying, placed):
    """The paying links with the jobs placed today among them, in order: :func:`paying_links`
    after a placement. Both are sorted, and disjoint (a link placed today held no job), so this
    merges them rather than sorting again: ``np.sort`` of the int64 links took 3.7 ms a day for
    43,000 links at national scale on AMD's Zen 4 (campaign/sorting.py says why), against under
    0.2 ms for the merge."""
    merged = np.empty(len(paying) + len(placed), dtype=np.int64)
    at = np.searchsorted(paying, placed) + np.arange(len(placed))
    old = np.ones(len(merged), dtype=bool)
    old[at] = False
    merged[at] = placed
    merged[old] = paying
    return merged


def still_paying(kin, paying, household_exiled):
    """The links of ``paying`` that still pay after jobs were lost and households exiled: the same
    links as :func:`paying_links` finds, since neither event gives a job, but read from the
    paying links only (a few per cent of all links at national scale) rather than from all."""
    return paying[kin.has_job[paying] & ~household_exiled[kin.household[paying]]]


def job_income(kin, paying, official_free, n_officials, patronage, in_campaign):
    """Today's pay of relatives' foreign-currency jobs (``paying``: from :func:`paying_links`).

    Returns (kickback per official, pay kept per paying link, household of each paying link).
    During a campaign a free official takes ``kickback_share`` of the pay for his quota; the
    relative keeps the rest, and the whole pay while the official is arrested or between
    campaigns (there is no quota to pay into then).
    """
    kick_usd = (patronage.kickback_share if in_campaign else 0.0) * patronage.job_usd_per_day
    if compiled.active():
        kickback, kept = np.zeros(n_officials), np.empty(len(paying))
        _pay(paying, kin.official, official_free, kick_usd, patronage.job_usd_per_day, kickback, kept)
        return kickback, kept, kin.household[paying]
    boss = kin.official[paying]
    kick = np.where(official_free[boss], kick_usd, 0.0)
    kickback = np.bincount(boss, weights=kick, minlength=n_officials)
    return kickback, patronage.job_usd_per_day - kick, kin.household[paying]


def _pay_loop(paying, official, official_free, kick_usd, job_usd, kickback, kept):
    """:func:`job_income` link by link (its compiled path): adds each kickback to its official's
    and fills ``kept``."""
    for k in range(len(paying)):
        boss = official[paying[k]]
        kick = kick_usd if official_free[boss] else 0.0
        kickback[boss] += kick
        kept[k] = job_usd - kick


_pay = Kernel(_pay_loop)


def visibility(kin, n_officials, visibility_per_job):
    """Suspicion from "living well": ``visibility_per_job`` for each relative in a job the
    official arranged."""
    return visibility_per_job * np.bincount(kin.official[kin.has_job], minlength=n_officials)
