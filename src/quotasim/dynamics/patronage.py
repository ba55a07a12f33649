"""S8: officials place relatives in foreign-currency jobs; the jobs pay, part flows back to the
official's quota, and "living well" makes the official visible."""

from __future__ import annotations

import numpy as np


def place_relatives_inplace(has_job, kin_start, close_count, placing, household_exiled, kin_household, rng):
    """Officials in ``placing`` (bool per official) each find a job for one close relative (tier 1
    or 2), chosen at random; a relative who already has one, or whose household is exiled, gains
    nothing. Returns how many new jobs were placed."""
    who = np.flatnonzero(placing & (close_count > 0))
    if len(who) == 0:
        return 0
    row = kin_start[who] + np.floor(rng.random(len(who)) * close_count[who]).astype(np.int64)
    new = ~has_job[row] & ~household_exiled[kin_household[row]]
    has_job[row[new]] = True
    return int(new.sum())


def job_income(has_job, kin_official, kin_household, household_exiled, official_free, n_officials, *, usd_per_day, kickback_share):
    """Today's pay of relatives' foreign-currency jobs.

    Returns (kickback per official, pay kept per household row, household index per paying row).
    An arrested official gets no kickback; the relative keeps the whole pay.
    """
    paying = np.flatnonzero(has_job & ~household_exiled[kin_household])
    boss = kin_official[paying]
    kick = np.where(official_free[boss], kickback_share * usd_per_day, 0.0)
    kickback = np.bincount(boss, weights=kick, minlength=n_officials)
    return kickback, usd_per_day - kick, kin_household[paying]


def visibility(has_job, kin_official, n_officials, visibility_per_job):
    """Suspicion from "living well": visibility_per_job for each relative in a job the official arranged."""
    return visibility_per_job * np.bincount(kin_official[has_job], minlength=n_officials)
