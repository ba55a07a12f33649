"""report.html of a campaign run: what happened, the key numbers and the figures, self-contained
(plotly.js inlined once; opens offline).

The cards come in two groups: what stood at the review (the deadline that decides who is
commended, criticised or referred) and what the whole run did, including what came in and who
was punished after the review. The figures are plain plotly dicts (:mod:`quotasim.outputs.figures`).
"""

from __future__ import annotations

import html
from typing import Any

from quotasim.outputs import figures
from quotasim.outputs.cards import campaign_card_groups, cards_html
from quotasim.outputs.html import page
from quotasim.outputs.story import campaign_story
from quotasim.outputs.timeline import Marks, campaign_marks
from quotasim.result import Result


def run_marks(result: Result) -> Marks:
    config = result.scenario.config
    return campaign_marks(result.tables["daily"], review_day=config.campaign.review_day,
                          session_interval=config.sessions.interval_days)


def report_figures(result: Result) -> dict[str, dict[str, Any]]:
    """The report's figures by name, in page order (the dashboard shows the same)."""
    t = result.tables
    marks = run_marks(result)
    return {
        "collection": figures.collection_by_source(t["daily"], t["officials"], marks),
        "delivered": figures.delivered_share(t["officials"]),
        "reviews": figures.review_outcomes(t["officials"]),
        "fear": figures.fear_and_silence(t["daily"], marks),
        "punished": figures.people_punished(t["daily"], marks),
        "kin": figures.kin_network(t["cases"], t.get("case_summary")),
    }


CAPTIONS = {
    "collection": "Stacked: each band is one source, the top edge all of them. The dashed black step is the "
                  "quota demanded so far (every official's quota, summed); the dashed vertical line is the review, "
                  "dotted lines the weekly summing-up sessions.",
    "delivered": "Each bar counts the officials who had delivered that share of their own quota by the review; "
                 "those right of the line met it.",
    "kin": "Rings: tier 1 is the official's own household, tier 2 his parents' and siblings' households, tier 3 "
           "three generations. A square is a household, with the number of its persons the case punished; each "
           "person is drawn in the colour and shape of the worst the case did to him. Buttons above switch between "
           "the largest cases.",
}


def campaign_report(result: Result) -> str:
    s = result.summary
    config = result.scenario.config
    card_groups = [(head, cards_html(cards)) for head, cards in campaign_card_groups(s)]
    story = campaign_story(s, duration_days=config.campaign.duration_days, review_day=config.campaign.review_day,
                           gap_days=config.campaign.gap_days if config.campaign.count > 1 else 0)
    sources = ", ".join(f"{label} USD {s['collected_by_source'][column.removeprefix('from_')]:,.0f}"
                        for column, label, _ in figures.SOURCES)
    intro = f"<p>{html.escape(config.description)}</p>"
    after = (
        f"<p class='note'>Delivered by source over the whole run: {html.escape(sources)}. Scenario "
        f"<b>{html.escape(result.scenario.name)}</b>, seed {result.seed}. Hover over a card for the summary key it "
        "shows and its definition.</p>"
    )
    figs = [(fig, CAPTIONS.get(name, "")) for name, fig in report_figures(result).items()]
    return page(
        title=f"quotasim: {result.scenario.name}, seed {result.seed}",
        story=story,
        intro=intro,
        notes=after,
        card_groups=card_groups,
        figures=figs,
        footer=(
            "Synthetic agents only: quotasim models the system to study it and contains no data on "
            "real people. Reproduce this run with <code>quotasim run scenario.toml --seed "
            f"{result.seed}</code> using the scenario.toml beside this report. Every number is "
            "defined in docs/outputs.md."
        ),
    )
