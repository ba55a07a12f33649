"""report.html of a campaign run: key numbers and the plots, self-contained (opens offline).

The cards come in two groups: what stood at the review (the deadline that decides who is
commended, criticised or referred) and what the whole run did, including what came in and who
was punished after the review.
"""

from __future__ import annotations

import html

from quotasim.outputs import figures
from quotasim.outputs.html import page
from quotasim.result import Result, summary_items

AT_REVIEW = (
    ("at_review.collected_usd", "USD collected by the review"),
    ("met_quota", "{who} who met the quota by the review"),
    ("at_review.paid_from_savings", "{who} who paid from their own savings"),
    ("at_review.shirked", "{who} who shirked at least one day"),
    ("at_review.complained", "{who} who complained openly"),
    ("at_review.complaint_days", "complaint-days (an official complaining on a day)"),
    ("at_review.criticised_in_sessions", "{who} criticised at summing-up sessions"),
    ("at_review.arrested", "officials arrested by the review"),
    ("at_review.fear_index", "fear index at the review (0-1)"),
)
WHOLE_RUN = (
    ("collected_usd", "USD collected in all"),
    ("collected_after_review_usd", "of it, USD after the review"),
    ("quota_usd_total", "USD demanded (quotas)"),
    ("referred", "{who} referred at the review"),
    ("referred_by_informants", "cases opened on informants' reports"),
    ("arrested", "officials arrested in all"),
    ("relatives_investigated", "relatives investigated (persons)"),
    ("relatives_lost_jobs", "relatives who lost foreign-currency jobs"),
    ("exiled_persons", "persons exiled"),
    ("households_squeezed", "households that lost over 10% of their holdings"),
    ("household_usd_taken", "USD taken from households"),
    ("fear_index_end", "fear index at the end (0-1)"),
)


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.0f}"
    return f"{value:,}"


def _cards(values: dict, spec, who: str) -> str:
    return "".join(
        f'<div class="card"><div class="num">{_fmt(values[key])}</div>'
        f'<div class="lbl">{html.escape(label.format(who=who))}</div></div>'
        for key, label in spec
    )


def campaign_report(result: Result) -> str:
    s = result.summary
    t = result.tables
    values = dict(summary_items(s))
    who = "officials" if s["campaigns"] == 1 else "official-campaigns"
    sources = s["collected_by_source"]
    card_groups = (
        ("At the review (the deadline that decides outcomes)", _cards(values, AT_REVIEW, who)),
        ("The whole run", _cards(values, WHOLE_RUN, who)),
    )
    source_line = ", ".join(f"{k.replace('_', ' ')} {_fmt(v)}" for k, v in sources.items())
    review_days = t["daily"].loc[t["daily"]["campaign_day"] == result.scenario.config.campaign.review_day, "date"].tolist()
    figs = [
        figures.collection_by_source(t["daily"], review_days),
        figures.review_outcomes(t["officials"]),
        figures.fear_over_time(t["daily"], review_days),
        figures.people_punished(t["daily"], review_days),
        figures.kin_network(t["cases"]),
    ]
    intro = (
        f"<p>{html.escape(result.scenario.config.description)}</p>"
        f"<p>Collected by source over the whole run (USD): {html.escape(source_line)}. "
        "The review day, which decides outcomes, is marked on the time series.</p>"
    )
    return page(
        title=f"quotasim: {result.scenario.name}, seed {result.seed}",
        intro=intro,
        card_groups=card_groups,
        figures=figs,
        footer=(
            "Synthetic agents only: quotasim models the system to study it and contains no data on "
            "real people. Reproduce this run with <code>quotasim run scenario.toml --seed "
            f"{result.seed}</code> using the scenario.toml beside this report. Every number is "
            "defined in docs/outputs.md."
        ),
    )
