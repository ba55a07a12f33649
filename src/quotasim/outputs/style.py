"""The one visual style of every report and page: a plotly template, colours, axes, page CSS.

Everything here is plain data (plotly is imported only by :func:`plotly_template`), so a report written as plain plotly dicts
(:mod:`quotasim.outputs.plotly_dict`) and one built with plotly.py figures can share it:

* ``figure["layout"]["template"] = TEMPLATE`` (plain dicts; :func:`plotly_dict.figure_div`
  puts it in by default), or ``fig.update_layout(template=plotly_template())`` (plotly.py: a
  registered template's name, as plotly.py validates a template given as a dict again for every
  figure, about 0.6 s each);
* axes through :func:`axis` (titled, with a unit) and :func:`count_axis` (whole-number ticks);
* colours from :data:`PALETTE` and the named maps below, so a thing has the same colour everywhere;
* the page's CSS, :data:`PAGE_CSS` (body and headings, then :data:`COMPONENTS_CSS`: cards, the
  "what happened" paragraph, tables, notes), which :func:`quotasim.outputs.html.page` inlines;
  the dashboard inlines :data:`COMPONENTS_CSS` in its own page.

The colours are Okabe and Ito's palette, which stays distinguishable to colour-blind readers.
"""

from __future__ import annotations

import math
from typing import Any

INK = "#1f2933"
MUTED = "#616e7c"
AXIS_LINE = "#9aa5b1"
GRID = "#e4e7eb"
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'

BLACK = "#000000"
ORANGE = "#e69f00"
SKY = "#56b4e9"
GREEN = "#009e73"
YELLOW = "#f0e442"
BLUE = "#0072b2"
VERMILLION = "#d55e00"
PURPLE = "#cc79a7"
GREY = "#8c8c8c"
DARK_PURPLE = "#6a3d9a"
PALETTE = (BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, BLACK, YELLOW)

# Marks on time series: what each is drawn as (and named, in the figure's JSON, by ``name``).
REVIEW_LINE = {"color": INK, "width": 1.5, "dash": "dash"}
SESSION_LINE = {"color": "#b8c2cc", "width": 1, "dash": "dot"}
CAMPAIGN_END_LINE = {"color": MUTED, "width": 1.5}
GAP_FILL = "rgba(97, 110, 124, 0.12)"
QUOTA_LINE = {"color": INK, "width": 2, "dash": "longdash"}

_AXIS = {
    "showline": True,
    "linecolor": AXIS_LINE,
    "ticks": "outside",
    "tickcolor": AXIS_LINE,
    "ticklen": 4,
    "zeroline": False,
    "automargin": True,
    "title": {"standoff": 8, "font": {"size": 13, "color": MUTED}},
}

TEMPLATE: dict[str, Any] = {
    "layout": {
        "font": {"family": FONT_FAMILY, "size": 13, "color": INK},
        "title": {"font": {"size": 16, "color": INK}, "x": 0.0, "xanchor": "left", "xref": "paper", "y": 0.98, "yanchor": "top"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": list(PALETTE),
        "xaxis": {**_AXIS, "showgrid": False},
        "yaxis": {**_AXIS, "showgrid": True, "gridcolor": GRID},
        # below everything, the axis titles included: "container" places it in the figure's margin
        "legend": {"orientation": "h", "x": 0.0, "xanchor": "left", "yref": "container", "y": 0.0, "yanchor": "bottom",
                   "font": {"size": 12}, "bgcolor": "rgba(255,255,255,0)"},
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": 12}, "bgcolor": "white", "bordercolor": AXIS_LINE},
        "margin": {"l": 70, "r": 30, "t": 70, "b": 70},
        "bargap": 0.25,
        "annotationdefaults": {"font": {"size": 12, "color": MUTED}},
        "colorscale": {"sequential": [[0.0, "#f7fbff"], [1.0, BLUE]]},
    },
    "data": {
        "scatter": [{"line": {"width": 2}}],
        "bar": [{"marker": {"line": {"width": 0}}}],
        "histogram": [{"marker": {"line": {"width": 1, "color": "white"}}}],
        "table": [{"header": {"fill": {"color": "#f0f3f6"}, "line": {"color": GRID}, "align": "left",
                              "font": {"color": INK, "size": 12}},
                   "cells": {"fill": {"color": "white"}, "line": {"color": GRID}, "align": "left",
                             "font": {"color": INK, "size": 12}, "height": 24}}],
    },
}
"""plotly template (layout defaults and per-trace defaults) for every figure quotasim draws."""


def axis(title: str, unit: str | None = None, **extra: Any) -> dict[str, Any]:
    """An axis titled ``title (unit)``: a unit that is already the title is not repeated."""
    text = title if not unit or unit == title else f"{title} ({unit})"
    return {"title": {"text": text}, **extra}


def whole_step(top: float, ticks: int = 5) -> int:
    """A whole-number tick step (1, 2, 5 x 10^k) giving about ``ticks`` ticks up to ``top``."""
    if not math.isfinite(top) or top <= ticks:
        return 1
    raw = top / ticks
    exp = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * exp >= raw:
            return int(m * exp)
    return int(10 * exp)  # pragma: no cover  (the loop always returns)


def count_axis(title: str, top: float, unit: str | None = None, **extra: Any) -> dict[str, Any]:
    """An axis for a count (officials, persons, cases): titled, whole-number ticks only
    (a fixed whole step from 0, so zooming cannot make 0.5 officials), starting at 0.

    ``top`` is the highest value drawn on it (stacked traces summed)."""
    top = float(top) if top is not None and math.isfinite(float(top)) else 0.0
    out = axis(title, unit, tickmode="linear", tick0=0, dtick=whole_step(top), tickformat=",d", rangemode="tozero")
    if top <= 0:
        out["range"] = [0, 1]
    out.update(extra)
    return out


def usd_axis(title: str = "USD", **extra: Any) -> dict[str, Any]:
    """An axis of US dollars: whole dollars with thousands separators."""
    return axis(title, None, tickformat=",.0f", rangemode="tozero", **extra)


def share_axis(title: str, **extra: Any) -> dict[str, Any]:
    """An axis for an index or share on [0, 1]."""
    return axis(title, None, range=[0, 1], tickformat=".1f", **extra)


def left_titles(layout: dict[str, Any]) -> dict[str, Any]:
    """Subplot titles (the annotations :func:`plotly_dict.subplots` makes) set flush left over
    their panel, where they do not run into marks drawn across the figure; in place, returned."""
    for note in layout.get("annotations", []):
        if note.get("xref") == "paper" and note.get("yanchor") == "bottom" and "name" not in note:
            axis_key = None
            for key, value in layout.items():
                if key.startswith("xaxis") and isinstance(value, dict) and "domain" in value:
                    lo, hi = value["domain"]
                    if abs((lo + hi) / 2 - note["x"]) < 1e-9:
                        axis_key = key
                        break
            if axis_key is not None:
                note.update(x=layout[axis_key]["domain"][0], xanchor="left", font={"size": 13, "color": INK})
    return layout


def fmt_number(value: Any) -> str:
    """A number as reports and the dashboard print it: whole numbers with separators, USD and
    other large amounts without decimals, indices with two; None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "–"
        if value == int(value) and abs(value) >= 1:
            return f"{int(value):,}"
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def plotly_template() -> str:
    """The name under which :data:`TEMPLATE` is registered with plotly.py (registered on first use)."""
    import plotly.graph_objects as go
    import plotly.io as pio

    if "quotasim" not in pio.templates:
        pio.templates["quotasim"] = go.layout.Template(TEMPLATE)
    return "quotasim"


COMPONENTS_CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --accent: #1d4e89; --card: #f5f7fa; }
p.story { font-size: 1.02rem; background: #eef4fb; border-left: 4px solid var(--accent); padding: .7rem 1rem;
          border-radius: 0 6px 6px 0; margin: .8rem 0 1rem; }
p.note, .note { color: var(--muted); font-size: .88rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr)); gap: .6rem; margin: .5rem 0 1.2rem; }
.card { background: var(--card); border-radius: 6px; padding: .55rem .75rem; }
.card .num { font-size: 1.35rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .unit { font-size: .8rem; color: var(--ink); font-weight: 600; margin-left: .25rem; }
.card .lbl { font-size: .8rem; color: var(--muted); }
.card .was { font-size: .78rem; color: var(--muted); }
table.facts { border-collapse: collapse; font-size: .88rem; margin: .5rem 0; }
table.facts th, table.facts td { padding: .2rem .6rem; border-bottom: 1px solid var(--line); text-align: left; }
table.facts td.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.terms { font-size: .88rem; color: var(--ink); margin: .4rem 0 1rem; }
dl.terms dt { font-weight: 600; display: inline; }
dl.terms dd { display: inline; margin: 0 0 0 .3rem; }
dl.terms dd::after { content: ""; display: block; margin-bottom: .25rem; }
section.figure { margin: 1.2rem 0; }
footer { margin-top: 2rem; font-size: .82rem; color: var(--muted); }
code { font-size: .85em; }
"""
"""The CSS of the pieces a report and the dashboard share: cards, the "what happened" paragraph,
tables of facts, defined terms, notes."""

PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 1120px;
       padding: 0 1rem; color: #1f2933; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .3rem; }
""" + COMPONENTS_CSS
"""The CSS of a report page: the page's body and headings, and :data:`COMPONENTS_CSS`."""


__all__ = [
    "COMPONENTS_CSS", "PAGE_CSS", "PALETTE", "TEMPLATE", "axis", "count_axis", "fmt_number", "left_titles", "plotly_template", "share_axis", "usd_axis", "whole_step",
]
