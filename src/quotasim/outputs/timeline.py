"""The calendar marks of a campaign run's time series: review days, summing-up sessions, the ends
of campaigns and the gaps between them, found in the daily table.

:func:`decorate` draws them into a plain plotly layout (shapes across the whole plotting area,
labels above it, and legend entries that say what each kind of line is). Every shape carries a
``name`` ("review day", "summing-up session", "end of campaign", "between campaigns"), so a test
or a reader of the figure's JSON can find them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from quotasim.outputs import style


@dataclass(frozen=True)
class Marks:
    """Dates (ISO strings) of the marks of one run."""

    reviews: list[tuple[str, int]] = field(default_factory=list)  # (date, campaign)
    sessions: list[str] = field(default_factory=list)
    ends: list[tuple[str, int]] = field(default_factory=list)  # last day of each campaign but the run's last
    gaps: list[tuple[str, str]] = field(default_factory=list)  # (last campaign day, first day of the next)


def iso_dates(daily: pd.DataFrame) -> list[str]:
    return [d.isoformat() if hasattr(d, "isoformat") else str(d)[:10] for d in daily["date"]]


def campaign_marks(daily: pd.DataFrame, *, review_day: int, session_interval: int) -> Marks:
    """The marks of a run from its daily table: sessions fall on every ``session_interval``-th
    day of a campaign (none when 0), as the campaign calendar holds them."""
    dates = iso_dates(daily)
    cday = daily["campaign_day"].to_numpy()
    camp = daily["campaign"].to_numpy()
    reviews = [(dates[i], int(camp[i])) for i in range(len(dates)) if cday[i] == review_day]
    sessions = [dates[i] for i in range(len(dates)) if cday[i] > 0 and session_interval > 0 and cday[i] % session_interval == 0]
    ends, gaps = [], []
    for i in range(len(dates) - 1):
        if cday[i] > 0 and cday[i + 1] == 0:
            ends.append((dates[i], int(camp[i])))
            j = i + 1
            while j < len(dates) and cday[j] == 0:
                j += 1
            gaps.append((dates[i], dates[min(j, len(dates) - 1)]))
        elif cday[i] > 0 and cday[i + 1] == 1:  # campaigns back to back, no gap
            ends.append((dates[i], int(camp[i])))
    return Marks(reviews, sessions, ends, gaps)


def legend_entries(marks: Marks) -> list[dict[str, Any]]:
    """Empty traces that put each kind of mark in the legend, in plain words."""
    entries = []
    if marks.reviews:
        entries.append(("review day (decides outcomes)", {"line": style.REVIEW_LINE, "mode": "lines"}))
    if marks.sessions:
        entries.append(("summing-up session", {"line": style.SESSION_LINE, "mode": "lines"}))
    if marks.ends:
        entries.append(("end of a campaign", {"line": style.CAMPAIGN_END_LINE, "mode": "lines"}))
    if marks.gaps:
        entries.append(("between campaigns", {"mode": "markers", "marker": {"symbol": "square", "size": 12, "color": style.GAP_FILL}}))
    return [{"type": "scatter", "x": [None], "y": [None], "name": name, "hoverinfo": "skip",
             "showlegend": True, **spec} for name, spec in entries]


def decorate(layout: dict[str, Any], marks: Marks, *, xref: str = "x", labels: bool = True, lift: int = 0) -> dict[str, Any]:
    """Add the marks to ``layout`` (in place; returned): lines and shading across the plotting
    area of the axes ``xref``, their labels above it when ``labels`` (``lift`` pixels higher,
    above a panel's title)."""
    shapes = layout.setdefault("shapes", [])
    notes = layout.setdefault("annotations", [])
    for x0, x1 in marks.gaps:
        shapes.append({"type": "rect", "name": "between campaigns", "xref": xref, "yref": "paper", "x0": x0, "x1": x1,
                       "y0": 0, "y1": 1, "fillcolor": style.GAP_FILL, "line": {"width": 0}, "layer": "below"})
        if labels:
            notes.append({"name": "between campaigns", "text": "gap", "xref": xref, "yref": "paper", "x": x0, "y": 1,
                          "xanchor": "left", "yanchor": "bottom", "showarrow": False, "yshift": lift})
    for x in marks.sessions:
        shapes.append({"type": "line", "name": "summing-up session", "xref": xref, "yref": "paper", "x0": x, "x1": x,
                       "y0": 0, "y1": 1, "line": style.SESSION_LINE, "layer": "below"})
    for x, campaign in marks.ends:
        shapes.append({"type": "line", "name": "end of campaign", "xref": xref, "yref": "paper", "x0": x, "x1": x,
                       "y0": 0, "y1": 1, "line": style.CAMPAIGN_END_LINE})
        if labels:
            notes.append({"name": "end of campaign", "text": f"end of campaign {campaign}", "xref": xref, "yref": "paper",
                          "x": x, "y": 1, "xanchor": "right", "yanchor": "bottom", "showarrow": False, "yshift": lift})
    for x, campaign in marks.reviews:
        shapes.append({"type": "line", "name": "review day", "xref": xref, "yref": "paper", "x0": x, "x1": x,
                       "y0": 0, "y1": 1, "line": style.REVIEW_LINE})
        if labels:
            text = "review" if len(marks.reviews) == 1 else f"review {campaign}"
            notes.append({"name": "review day", "text": text, "xref": xref, "yref": "paper", "x": x, "y": 1,
                          "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"color": style.INK},
                          "yshift": lift})
    return layout


__all__ = ["Marks", "campaign_marks", "decorate", "iso_dates", "legend_entries"]
