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


def calendar(campaign, sessions, topup) -> list[Day]:
    """Every day of the run, in order: ``campaign.count`` campaigns of ``duration_days`` with
    ``gap_days`` between them (none after the last)."""
    days: list[Day] = []
    number = 0
    review = campaign.review_day
    for index in range(campaign.count):
        if index > 0:
            for _ in range(campaign.gap_days):
                number += 1
                days.append(Day(number, index - 1, 0, review))
        for d in range(1, campaign.duration_days + 1):
            number += 1
            days.append(Day(
                number, index, d, review,
                session=sessions.interval_days > 0 and d % sessions.interval_days == 0,
                topup=review - topup.window_days < d <= review,
                last=d == campaign.duration_days,
            ))
    return days
