"""The HTML report of a civil-violence run: what happened, the key numbers, the time series, the
grid at chosen steps and as an animation, the outbursts; the terms defined; how to reproduce it.

The figures are plain plotly dicts (:mod:`quotasim.outputs.civil_violence_figures`), not
plotly.py figure objects: the same figures, written some fifty times faster, which is most of a
run's output time.
"""

from __future__ import annotations

import html

from quotasim.civil_violence.analysis import waiting_times
from quotasim.outputs import civil_violence_figures as cvf
from quotasim.outputs.cards import cards_html, civil_violence_cards
from quotasim.outputs.html import page
from quotasim.outputs.story import civil_violence_story
from quotasim.result import Result


def report_figures(result: Result) -> dict[str, dict]:
    """The report's figures by name, in page order."""
    steps = result.tables["steps"]
    bursts = result.tables["outbursts"]
    snapshots = result.extra.get("snapshots", {})
    out = {"series": cvf.series(steps, result.summary)}
    if snapshots:
        out["grids"] = cvf.grids(snapshots)
        if len(snapshots) > 6:  # more steps than the panels show: all of them, one at a time
            out["animation"] = cvf.grid_animation(snapshots)
    if len(bursts):
        out["outbursts"] = cvf.outbursts(bursts, waiting_times(bursts))
    return out


def terms_html() -> str:
    items = "".join(f"<dt>{html.escape(term)}</dt><dd>{html.escape(meaning)}</dd>" for term, meaning in cvf.TERMS)
    return f"<dl class='terms'>{items}</dl>"


def civil_violence_report(result: Result) -> str:
    s = result.summary
    intro = (
        f"<p>Epstein's (2002) civil-violence Model I, <b>{html.escape(s['variant'])}</b> variant: "
        f"{html.escape(result.scenario.config.description or '')}</p>"
    )
    notes = (
        "<p class='note'>Scenario <b>" + html.escape(str(s["scenario"])) + f"</b>, seed {s['seed']}, {s['steps']:,} steps. "
        "Terms used on this page:</p>" + terms_html()
    )
    captions = {
        "series": "The dashed red line is the outburst threshold; the quiet citizens (all) can be shown from the legend.",
        "animation": "Press play, or drag the slider: the grid at each snapshot step (white empty, blue quiet, red "
                     "active, grey in jail, black a cop).",
    }
    figures = [(fig, captions.get(name, "")) for name, fig in report_figures(result).items()]
    footer = (
        "quotasim — synthetic agents only. Reproduce this run with <code>quotasim run scenario.toml --seed "
        f"{s['seed']}</code> using the scenario.toml beside this report; docs/civil_violence.md describes the "
        "variants and their sources."
    )
    return page(title=f"Civil violence: {s['scenario']}, seed {s['seed']}", intro=intro,
                story=civil_violence_story(s, result.tables["steps"]), notes=notes,
                cards=cards_html(civil_violence_cards(s)), figures=figures, footer=footer)
