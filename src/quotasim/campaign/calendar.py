"""S2: the campaign calendar — campaigns in sequence with gaps between them, the review day,
summing-up sessions and the own-money window before the review."""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Day:
    """One simulated day and what happens on it."""

    number: int  # day of the run, 1-based
    campaign: int  # 0-based; on a gap day, the campaign that has just ended
    campaign_day: int  # 1-based day of the campaign; 0 on a gap day
    review_day: int  # the campaigns' review day (1-based day of a campaign)
    session: bool = False  # a summing-up session criticises laggards
    topup: bool = False  # officials may pay their shortfall from their own savings
    last: bool = False  # the campaign's last day

    @property
    def in_campaign(self) -> bool:
        return self.campaign_day > 0

    @property
    def review(self) -> bool:
        """The party committee reviews the officials today."""
        return self.campaign_day == self.review_day

    @property
    def by_review(self) -> bool:
        """A campaign day up to and including the review."""
        return 0 < self.campaign_day <= self.review_day


def calendar(campaign, sessions, topup) -> list[Day]:
    """Every day of the run, in order: ``campaign.count`` campaigns of ``duration_days`` with
    ``gap_days`` between them (none after the last)."""
    return list(_days(
        campaign.count, campaign.gap_days, campaign.duration_days, campaign.review_day, sessions.interval_days,
        topup.window_days,
    ))


def _build_days(count, gap_days, duration_days, review, interval_days, window_days) -> tuple[Day, ...]:
    days: list[Day] = []
    number = 0
    for index in range(count):
        if index > 0:
            for _ in range(gap_days):
                number += 1
                days.append(Day(number, index - 1, 0, review))
        for d in range(1, duration_days + 1):
            number += 1
            days.append(Day(
                number, index, d, review,
                session=interval_days > 0 and d % interval_days == 0,
                topup=review - window_days < d <= review,
                last=d == duration_days,
            ))
    return tuple(days)


_days = functools.lru_cache(maxsize=64)(_build_days)
"""The calendars of recent runs, kept for the runs of a sweep, which mostly share one: building it
is 0.1-0.2 ms, 1-2% of a default run. Days are frozen, so runs can share them. (Wrapped here
rather than decorated, so that mutation testing, which leaves decorated functions alone, reaches
the calendar's rules.)"""
