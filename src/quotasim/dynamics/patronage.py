"""S8: officials place relatives in foreign-currency jobs; the jobs pay, part flows back to the
official's quota, and "living well" makes the official visible."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quotasim import compiled
from quotasim.compiled import Kernel


def place_relatives_inplace(placing, pick, kin, household_exiled):
    """Officials in ``placing`` (bool per official) each find a job for one close relative (tier 1
    or 2), chosen by ``pick`` (a uniform per official); a relative who already has one, has lost
    one to an investigation, stands for nobody, or whose household is exiled, gains nothing.
    Returns the kin rows that got a job, in order."""
    who = np.flatnonzero(placing & (kin.close_count > 0))
    row = kin.start[who] + np.floor(pick[who] * kin.close_count[who]).astype(np.int64)
    new = ~kin.has_job[row] & ~kin.job_lost[row] & (kin.member[row] >= 0) & ~household_exiled[kin.household[row]]
    # Already sorted and distinct: each official picks within his own block of links, and the
    # blocks follow official order.
    placed = row[new]
    kin.has_job[placed] = True
    return placed


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
    kick_usd = _kick_usd(patronage, in_campaign)
    boss = kin.official[paying]
    kick = np.where(official_free[boss], kick_usd, 0.0)
    # float64 even with no paying link, for which NumPy's bincount gives int64 zeros
    kickback = np.bincount(boss, weights=kick, minlength=n_officials).astype(np.float64, copy=False)
    return kickback, patronage.job_usd_per_day - kick, kin.household[paying]


def _kick_usd(patronage, in_campaign) -> float:
    return (patronage.kickback_share if in_campaign else 0.0) * patronage.job_usd_per_day


@dataclass
class JobsToday:
    """What :func:`place_and_pay_inplace` did today: how many jobs were placed, the paying links
    after the placements (sorted), the kickback per official and the pay each paying link's
    household kept (in the order of ``paying``)."""

    placed: int
    paying: np.ndarray
    kickback: np.ndarray
    kept: np.ndarray


def place_and_pay_inplace(placement_draw, pick, kin, household_exiled, paying, official_free, holdings, patronage, in_campaign):
    """One day of S8: each free official whose ``placement_draw`` (a uniform per official) falls
    under ``placement_rate`` places a relative (:func:`place_relatives_inplace`, picked by
    ``pick``); the placed jobs join the paying links (``paying``, kept from day to day:
    :func:`with_placed`); every paying job pays (:func:`job_income`), and its household's
    ``holdings`` gain what it keeps (a household may hold two jobs).

    On the compiled path the four are one pass over the officials and the paying links, with the
    same results bit for bit (tests/campaign/test_compiled_paths.py): at the default scenario's
    size, the eight NumPy calls of the four cost about 40 microseconds a day in per-call overhead
    on the 2-core development machine, for a few hundred links."""
    n_officials = len(official_free)
    if compiled.active():
        merged = np.empty(len(paying) + n_officials, dtype=np.int64)
        kickback, kept = np.zeros(n_officials), np.empty(len(merged))
        placed, count = _place_and_pay(
            placement_draw, patronage.placement_rate, pick, official_free, kin.start, kin.close_count, kin.has_job,
            kin.job_lost, kin.member, kin.household, kin.official, household_exiled, paying,
            _kick_usd(patronage, in_campaign), patronage.job_usd_per_day, holdings, merged, kickback, kept,
        )
        return JobsToday(placed, merged[:count], kickback, kept[:count])
    placing = official_free & (placement_draw < patronage.placement_rate)
    placed = place_relatives_inplace(placing, pick, kin, household_exiled)
    if len(placed):  # the placed links held no job, so are not yet among the paying ones
        paying = with_placed(paying, placed)
    kickback, kept, paid_households = job_income(kin, paying, official_free, n_officials, patronage, in_campaign)
    np.add.at(holdings, paid_households, kept)
    return JobsToday(len(placed), paying, kickback, kept)


def _place_and_pay_loop(
    placement_draw, placement_rate, pick, official_free, start, close_count, has_job, job_lost, member, household,
    official, household_exiled, paying, kick_usd, job_usd, holdings, merged, kickback, kept,
):
    """:func:`place_and_pay_inplace`'s compiled path. Official by official, as
    :func:`place_relatives_inplace` does, each placement is merged at once among the paying links
    (both are in link order, and each official picks within his own block of links, the blocks in
    official order); then each paying link in turn pays, as :func:`job_income` and NumPy's
    ``add.at`` do, in that order. Fills the first ``count`` entries of ``merged`` and ``kept``,
    and ``kickback``; returns (jobs placed, ``count``)."""
    placed = 0
    count = 0
    old = 0
    for boss in range(len(official_free)):
        if official_free[boss] and placement_draw[boss] < placement_rate and close_count[boss] > 0:
            row = start[boss] + np.int64(np.floor(pick[boss] * close_count[boss]))
            if not has_job[row] and not job_lost[row] and member[row] >= 0 and not household_exiled[household[row]]:
                has_job[row] = True
                placed += 1
                while old < len(paying) and paying[old] < row:
                    merged[count] = paying[old]
                    count += 1
                    old += 1
                merged[count] = row
                count += 1
    while old < len(paying):
        merged[count] = paying[old]
        count += 1
        old += 1
    for k in range(count):
        link = merged[k]
        boss = official[link]
        kick = kick_usd if official_free[boss] else 0.0
        kickback[boss] += kick
        kept[k] = job_usd - kick
    # A pass of its own: at national scale each add is a random access into millions of
    # households, and mixed into the loop above they made the phase about 10% slower.
    for k in range(count):
        holdings[household[merged[k]]] += kept[k]
    return placed, count


_place_and_pay = Kernel(_place_and_pay_loop)


def visibility(kin, n_officials, visibility_per_job):
    """Suspicion from "living well": ``visibility_per_job`` for each relative in a job the
    official arranged."""
    return visibility_per_job * np.bincount(kin.official[kin.has_job], minlength=n_officials)
