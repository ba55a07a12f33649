"""The cards speak plain words taken from the output declarations, and the "what happened"
paragraph says what the run's own numbers say."""

from __future__ import annotations

import re

import pytest

from quotasim import load_scenario, simulate
from quotasim.outputs.cards import campaign_card_groups, civil_violence_cards, plain_words
from quotasim.outputs.story import campaign_story, civil_violence_story
from quotasim.result import summary_items


@pytest.fixture(scope="module")
def runs():
    return {
        "default": simulate(load_scenario("dprk-2020-80-day-battle"), seed=5),
        "two": simulate(load_scenario("two-campaigns-ratchet"), seed=5),
        "calm": simulate(load_scenario("dprk-2020-80-day-battle").with_values(
            {"attitude.informant_coverage": 0.0, "review.referral_threshold": 100.0}), seed=5),
    }


def test_cards_show_the_summary_in_plain_words(runs):
    for name in ("default", "two"):
        result = runs[name]
        flat = dict(summary_items(result.summary))
        groups = campaign_card_groups(result.summary)
        assert [h for h, _ in groups] == ["At the review (the deadline that decides outcomes)", "The whole run"]
        for _heading, cards in groups:
            for card in cards:
                assert card.value == flat[card.key]
                assert card.label and "`" not in card.label and "_" not in card.label, card
                assert card.key in card.tooltip  # the code: in the tooltip only
                assert "_" not in card.unit and "`" not in card.number
        units = {c.key: c.unit for _h, cards in groups for c in cards}
        assert units["at_review.met_quota"] == ("officials" if name == "default" else "official-campaigns")
        assert units["relatives_investigated"] == "persons" and units["collected_usd"] == "USD"


def test_plain_words_cut_asides_that_name_keys():
    assert plain_words("of `collected_usd`, what came in after the review", "USD") == "what came in after the review"
    assert plain_words('taken from households "by any means" (equals `collected_by_source.households`)', "USD") == (
        'taken from households "by any means"')
    assert plain_words("officials arrested by the review", "officials") == "arrested by the review"
    assert plain_words("mean days a case waited; null without a case", "days") == "mean days a case waited"


def test_the_story_is_written_from_the_numbers(runs):
    result = runs["default"]
    s = result.summary
    c = result.scenario.config.campaign
    text = campaign_story(s, duration_days=c.duration_days, review_day=c.review_day)
    assert f"In a campaign of {c.duration_days} days, {s['officials']:,} officials" in text
    assert f"By the review on day {c.review_day}" in text
    assert f"USD {s['at_review']['collected_usd']:,.0f}" in text and f"USD {s['quota_usd_total']:,.0f}" in text
    assert f"{s['at_review']['met_quota']} officials" in text
    assert f"commended {s['commended']}, criticised {s['criticised']} and referred {s['referred']}" in text
    assert f"{s['arrested']} officials were arrested" in text
    assert f"{s['relatives_investigated']} relatives investigated" in text
    assert f"{s['at_review']['fear_index']:.2f}" in text and f"{s['fear_index_end']:.2f}" in text
    two = runs["two"].summary
    tc = runs["two"].scenario.config.campaign
    text2 = campaign_story(two, duration_days=tc.duration_days, review_day=tc.review_day, gap_days=tc.gap_days)
    assert text2.startswith(f"In {two['campaigns']} campaigns of {tc.duration_days} days")
    assert "official-campaigns" in text2
    calm = runs["calm"].summary
    assert calm["arrested"] == 0
    assert "Nobody was arrested." in campaign_story(calm, duration_days=80, review_day=55)


def test_the_civil_violence_story_and_cards():
    result = simulate(load_scenario("mesa-epstein-default"), seed=1)
    s = result.summary
    text = civil_violence_story(s, result.tables["steps"])
    assert f"Over {s['steps']:,} steps, of {s['citizens']:,} citizens" in text
    assert f"peaked at {s['peak_active']:,} citizens at step {s['peak_active_step']:,}" in text
    n = s["outbursts"]["count"]
    assert ("no outburst" in text) if n == 0 else (f"{n} outburst" in text)
    cards = civil_violence_cards(s)
    assert {c.key for c in cards} >= {"citizens", "peak_active", "outbursts.count"}
    assert all(not re.search(r"[a-z]_[a-z]", c.label) for c in cards)
    if n < 2:
        (wait,) = [c for c in cards if c.key == "outbursts.mean_waiting_time"]
        assert wait.value is None and wait.number == "–"
