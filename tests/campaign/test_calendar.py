"""The campaign calendar (docs/model.md, sections 2 and 3): campaigns in sequence with gaps, the
review day, summing-up sessions every ``interval_days`` and the own-money window."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quotasim.campaign.calendar import Day, calendar
from quotasim.scenario.campaign import Campaign, Sessions, TopUp


@st.composite
def calendars(draw):
    duration = draw(st.integers(1, 40))
    spec = Campaign(
        duration_days=duration, review_day=draw(st.integers(1, duration)), count=draw(st.integers(1, 4)),
        gap_days=draw(st.integers(0, 6)),
    )
    return spec, Sessions(interval_days=draw(st.integers(0, 9))), TopUp(window_days=draw(st.integers(0, 12)))


@settings(max_examples=80, deadline=None, derandomize=True)
@given(specs=calendars())
def test_the_calendar_lays_out_campaigns_gaps_sessions_and_the_window(specs):
    campaign, sessions, topup = specs
    days = calendar(campaign, sessions, topup)
    assert len(days) == campaign.count * campaign.duration_days + (campaign.count - 1) * campaign.gap_days
    assert [d.number for d in days] == list(range(1, len(days) + 1))
    expected = []
    for index in range(campaign.count):
        if index:
            expected += [(index - 1, 0)] * campaign.gap_days  # a gap belongs to the campaign just ended
        expected += [(index, d) for d in range(1, campaign.duration_days + 1)]
    assert [(d.campaign, d.campaign_day) for d in days] == expected
    review = campaign.review_day
    for d in days:
        assert d.review_day == review
        assert d.in_campaign == (d.campaign_day > 0)
        assert d.review == (d.campaign_day == review)
        assert d.by_review == (0 < d.campaign_day <= review)
        assert d.last == (d.campaign_day == campaign.duration_days)
        interval = sessions.interval_days
        assert d.session == (d.campaign_day > 0 and interval > 0 and d.campaign_day % interval == 0)
        assert d.topup == (d.campaign_day > 0 and review - topup.window_days < d.campaign_day <= review)
    assert sum(d.review for d in days) == sum(d.last for d in days) == campaign.count


def test_the_default_calendar():
    days = calendar(Campaign(), Sessions(), TopUp())
    assert len(days) == 80
    assert [d.campaign_day for d in days if d.session] == list(range(7, 81, 7))
    assert [d.campaign_day for d in days if d.topup] == list(range(46, 56))
    assert [d.number for d in days if d.review] == [55]
    assert days[-1].last and not days[-2].last
    gap = Day(number=3, campaign=0, campaign_day=0, review_day=5)
    assert not gap.in_campaign and not gap.review and not gap.by_review
    assert not (gap.session or gap.topup or gap.last)


def test_a_calendar_is_laid_out_once_for_the_same_six_numbers(monkeypatch):
    from quotasim.campaign import calendar as module

    monkeypatch.setattr(module, "_LAID_OUT", {})
    first = calendar(Campaign(), Sessions(), TopUp())
    assert calendar(Campaign(quota_usd=123.0), Sessions(), TopUp()) is first  # the quota lays out no day
    assert isinstance(first, tuple) and first == module._lay_out(1, 80, 30, 55, 7, 10)
    for other in (Campaign(duration_days=81), Campaign(review_day=54), Campaign(count=2), Campaign(count=2, gap_days=3)):
        assert calendar(other, Sessions(), TopUp()) is not first
    assert calendar(Campaign(), Sessions(interval_days=6), TopUp()) is not first
    assert calendar(Campaign(), Sessions(), TopUp(window_days=9)) is not first
    assert len(module._LAID_OUT) == 7


def test_long_calendars_are_not_kept_and_the_oldest_goes_first(monkeypatch):
    from quotasim.campaign import calendar as module

    monkeypatch.setattr(module, "_LAID_OUT", {})
    monkeypatch.setattr(module, "KEPT_CALENDARS", 2)
    monkeypatch.setattr(module, "KEPT_DAYS", 80)
    long = Campaign(duration_days=81, review_day=55)
    assert calendar(long, Sessions(), TopUp()) is not calendar(long, Sessions(), TopUp())
    assert not module._LAID_OUT
    shapes = [Campaign(duration_days=d, review_day=10) for d in (70, 75, 80)]
    kept = [calendar(c, Sessions(), TopUp()) for c in shapes]
    assert [len(days) for days in module._LAID_OUT.values()] == [75, 80]
    assert calendar(shapes[2], Sessions(), TopUp()) is kept[2]
    assert calendar(shapes[0], Sessions(), TopUp()) is not kept[0]
