"""S2: the campaign calendar — campaigns in sequence with gaps between them, the review day,
summing-up sessions and the own-money window before the review."""

from __future__ import annotations

from typing import NamedTuple


class Day(NamedTuple):
    """One simulated day and what happens on it (a named tuple: as unchangeable as a frozen
    dataclass, and a quarter of its cost to make, for the hundreds of days each run lays out)."""

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


def calendar(campaign, sessions, topup) -> tuple[Day, ...]:
    """Every day of the run, in order: ``campaign.count`` campaigns of ``duration_days`` with
    ``gap_days`` between them (none after the last). The days are named tuples in a tuple, so one
    laying out serves every run with the same six numbers (a sweep's runs mostly share them: 50 µs
    of a 9 ms run)."""
    shape = (campaign.count, campaign.duration_days, campaign.gap_days, campaign.review_day,
             sessions.interval_days, topup.window_days)
    days = _LAID_OUT.get(shape)
    if days is None:
        days = _lay_out(*shape)
        if len(days) <= KEPT_DAYS:
            if len(_LAID_OUT) >= KEPT_CALENDARS:
                del _LAID_OUT[next(iter(_LAID_OUT))]  # the oldest
            _LAID_OUT[shape] = days
    return days


KEPT_CALENDARS = 64
KEPT_DAYS = 4_000
"""Calendars of at most this many days are kept (64 of them, about 100 bytes a day: at most about
25 MB); a longer one is laid out for each run."""
_LAID_OUT: dict[tuple[int, ...], tuple[Day, ...]] = {}


def _lay_out(count: int, duration_days: int, gap_days: int, review: int, interval_days: int, window_days: int) -> tuple[Day, ...]:
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
