"""The key numbers of a run as cards, in plain words: shared by report.html and the dashboard.

A card's unit and words come from the declarations of the outputs
(:mod:`quotasim.campaign.outputs`): the unit as declared (``official-campaigns`` read as
*officials* when the run has one campaign), the words from the description, cut before any
aside that names other keys. The key itself and its whole description go into the card's
tooltip only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Mapping, Sequence

from quotasim.outputs.style import fmt_number
from quotasim.result import summary_items


@dataclass(frozen=True)
class Card:
    key: str  # the summary key, dotted
    value: Any  # its value, as the summary holds it
    number: str  # the value as shown
    unit: str  # plain unit shown beside the number ("" for an index)
    label: str  # plain words
    tooltip: str  # the key and its declared description


CAMPAIGN_AT_REVIEW = (
    "at_review.collected_usd",
    "at_review.met_quota",
    "at_review.paid_from_savings",
    "at_review.shirked",
    "at_review.complained",
    "at_review.complaint_days",
    "at_review.criticised_in_sessions",
    "commended",
    "criticised",
    "referred",
    "at_review.arrested",
    "at_review.fear_index",
)
CAMPAIGN_WHOLE_RUN = (
    "quota_usd_total",
    "collected_usd",
    "collected_after_review_usd",
    "referred_by_informants",
    "arrested",
    "relatives_investigated",
    "relatives_lost_jobs",
    "exiled_persons",
    "households_squeezed",
    "household_usd_taken",
    "case_wait_days_mean",
    "fear_index_end",
)
LABELS = {  # where the declared description leans on other keys' names
    "collected_after_review_usd": "of it, delivered after the review (changes no outcome)",
    "quota_usd_total": "demanded: every official's quota, summed",
    "collected_usd": "delivered in all, to each campaign's last day",
    "at_review.complaint_days": "days on which an official complained openly, summed over officials, by the review",
}
SHOWN_UNITS = {"index": "", "probability": "", "share": "", "complaint-days": "complaint-days"}


@cache
def _declared() -> dict[str, Any]:
    from quotasim.campaign.outputs import SUMMARY

    return {k.path: k for k in SUMMARY}


def plain_words(description: str, unit: str) -> str:
    """A declared description as a card label: up to the first ``;``, without asides in
    brackets that name keys, without a leading repetition of the unit."""
    text = description.split("; ")[0]
    text = re.sub(r"\s*\([^()]*`[^()]*\)", "", text)
    text = re.sub(r",?\s*[^,]*`[^`]*`[^,]*", "", text).strip(" ,;")
    for word in (unit, unit.rstrip("s"), "USD"):
        if word and text.lower().startswith(word.lower() + " "):
            text = text[len(word) + 1:]
            break
    return text.strip(" ,;")


def shown_unit(unit: str, campaigns: int) -> str:
    if unit == "official-campaigns" and campaigns <= 1:
        return "officials"
    return SHOWN_UNITS.get(unit, unit)


def campaign_card(summary_flat: Mapping[str, Any], key: str, campaigns: int) -> Card:
    declared = _declared()[key]
    value = summary_flat[key]
    unit = shown_unit(declared.unit, campaigns)
    label = LABELS.get(key) or plain_words(declared.description, declared.unit)
    tooltip = f"{key} ({declared.unit}): {declared.description}" if declared.unit else f"{key}: {declared.description}"
    number = fmt_number(value)
    return Card(key, value, number, unit, label, tooltip.replace("`", ""))


def campaign_card_groups(summary: Mapping[str, Any]) -> list[tuple[str, list[Card]]]:
    """(heading, cards) of a campaign run: what stood at the review, and what the whole run did."""
    flat = dict(summary_items(summary))
    campaigns = int(flat.get("campaigns", 1))
    return [
        ("At the review (the deadline that decides outcomes)", [campaign_card(flat, k, campaigns) for k in CAMPAIGN_AT_REVIEW]),
        ("The whole run", [campaign_card(flat, k, campaigns) for k in CAMPAIGN_WHOLE_RUN]),
    ]


CIVIL_VIOLENCE_CARDS = (  # key, unit, plain words
    ("citizens", "citizens", "on the grid"),
    ("cops_initial", "cops", "on the grid at the start"),
    ("mean_active", "citizens", "active, on average over the steps"),
    ("peak_active", "citizens", "active at the peak"),
    ("peak_active_step", "", "the step of the peak"),
    ("mean_jailed", "citizens", "in jail, on average"),
    ("mean_quiet_aggrieved", "citizens", "quiet but aggrieved (grievance above the threshold T), on average"),
    ("outbursts.count", "outbursts", "runs of steps with more actives than the threshold"),
    ("outbursts.mean_waiting_time", "steps", "between two outbursts, on average"),
    ("outbursts.mean_duration", "steps", "an outburst lasts, on average"),
)


def civil_violence_cards(summary: Mapping[str, Any]) -> list[Card]:
    flat = dict(summary_items(summary))
    cards = []
    for key, unit, label in CIVIL_VIOLENCE_CARDS:
        value = flat[key]
        count = flat["outbursts.count"]
        if key in ("outbursts.mean_waiting_time", "outbursts.mean_duration") and count < (2 if "waiting" in key else 1):
            value = None  # no outburst (or a single one): no such time
        if isinstance(value, float) and key.split(".")[-1].startswith("mean_"):
            number = f"{value:,.1f}"
        else:
            number = fmt_number(value)
        cards.append(Card(key, value, number, unit, label, key))
    return cards


def cards_html(cards: Sequence[Card]) -> str:
    """The cards as the report's HTML (each card's key in its tooltip and ``data-key``)."""
    import html
    import json

    out = []
    for c in cards:
        unit = f"<span class='unit'>{html.escape(c.unit)}</span>" if c.unit else ""
        out.append(
            f"<div class='card' title='{html.escape(c.tooltip, quote=True)}' data-key='{html.escape(c.key)}' "
            f"data-value='{html.escape(json.dumps(c.value, default=str), quote=True)}'>"
            f"<div class='num'>{html.escape(c.number)}{unit}</div>"
            f"<div class='lbl'>{html.escape(c.label)}</div></div>"
        )
    return "".join(out)


__all__ = ["Card", "campaign_card_groups", "cards_html", "civil_violence_cards", "plain_words"]
