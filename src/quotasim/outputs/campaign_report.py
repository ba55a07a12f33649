"""report.html of a campaign run: key numbers and the plots, self-contained (opens offline)."""

from __future__ import annotations

import html

from quotasim.outputs import figures
from quotasim.outputs.html import page
from quotasim.result import Result

KEY_NUMBERS = (
    ("collected_usd", "USD collected"),
    ("quota_usd_total", "USD demanded (quotas)"),
    ("met_quota", "officials who met the quota"),
    ("paid_from_savings", "paid from their own savings"),
    ("shirked", "shirked at least one day"),
    ("complained", "complained openly"),
    ("referred", "referred to the security service"),
    ("arrested", "officials arrested"),
    ("relatives_investigated", "relatives investigated"),
    ("relatives_lost_jobs", "relatives who lost jobs"),
    ("exiled_persons", "persons exiled"),
    ("households_squeezed", "households squeezed"),
    ("household_usd_taken", "USD taken from households"),
    ("fear_index_end", "fear index at the end (0-1)"),
)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 10 else f"{value:,.0f}"
    return f"{value:,}"


def campaign_report(result: Result) -> str:
    s = result.summary
    t = result.tables
    sources = s["collected_by_source"]
    cards = "".join(
        f'<div class="card"><div class="num">{_fmt(s[k])}</div><div class="lbl">{html.escape(label)}</div></div>'
        for k, label in KEY_NUMBERS
    )
    source_line = ", ".join(f"{k.replace('_', ' ')} {_fmt(v)}" for k, v in sources.items())
    figs = [
        figures.collection_by_source(t["daily"]),
        figures.review_outcomes(t["officials"]),
        figures.fear_over_time(t["daily"]),
        figures.people_punished(t["daily"]),
        figures.kin_network(t["cases"]),
    ]
    intro = (
        f"<p>{html.escape(result.scenario.config.description)}</p>"
        f"<p>Collected by source (USD): {html.escape(source_line)}.</p>"
    )
    return page(
        title=f"quotasim: {result.scenario.name}, seed {result.seed}",
        intro=intro,
        cards=cards,
        figures=figs,
        footer=(
            "Synthetic agents only: quotasim models the system to study it and contains no data on "
            "real people. Reproduce this run with <code>quotasim run scenario.toml --seed "
            f"{result.seed}</code> using the scenario.toml beside this report."
        ),
    )
