"""The figures of a campaign run, shared by report.html and the dashboard: each takes result
tables and returns a plain plotly figure, ``{"data": [...], "layout": {...}}``
(:mod:`quotasim.outputs.plotly_dict`), in the shared style (:mod:`quotasim.outputs.style`).

Every axis is titled with its unit, counts have whole-number ticks, the time series carry the
calendar's marks (:mod:`quotasim.outputs.timeline`), legends speak in plain words (the codes of
the tables appear only in hover text), and no line is drawn where it can hide another: series of
different things get panels of their own.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from quotasim.outputs import style
from quotasim.outputs.plotly_dict import axis_ids, subplots, typed
from quotasim.outputs.timeline import Marks, decorate, iso_dates, legend_entries

SOURCES = (  # daily column, legend, colour
    ("from_households", 'households ("by any means")', style.VERMILLION),
    ("from_trade", "trade", style.BLUE),
    ("from_own_savings", "officials' own savings", style.ORANGE),
    ("from_relatives_jobs", "relatives' foreign-currency jobs", style.PURPLE),
)
OUTCOMES = (  # code, plain words, colour
    ("commended", "commended", style.GREEN),
    ("criticised", "criticised", style.ORANGE),
    ("referred", "referred to the security service", style.VERMILLION),
    ("not_reviewed", "not reviewed (already arrested or waiting for arrest)", style.GREY),
)
PUNISHMENTS = {  # code: (plain words, colour, marker symbol)
    "arrested": ("arrested (the official)", style.BLACK, "diamond"),
    "arrested_and_exiled": ("arrested and exiled (the official)", style.DARK_PURPLE, "star"),
    "exiled": ("exiled with the household", style.VERMILLION, "triangle-up"),
    "lost_job": ("lost a foreign-currency job", style.BLUE, "square"),
    "investigated": ("investigated", style.ORANGE, "circle"),
}
TIERS = {
    0: "the official",
    1: "tier 1: his own household",
    2: "tier 2: parents' and siblings' households",
    3: "tier 3: three generations (cousins)",
}
REASONS = {
    "informants": "informants' reports during the campaign",
    "attitude": "the review: reported indignation",
    "shortfall": "the review: the shortfall",
    "sessions": "the review: repeated criticism at summing-up sessions",
    "suspicion": 'the review: suspicion ("living well")',
}
KIN_CASES = 3
"""How many of the largest cases the kin-network figure offers."""


def _time_layout(title: str, marks: Marks, *, height: int = 420, **extra: Any) -> dict[str, Any]:
    layout = {"title": {"text": title}, "height": height, "hovermode": "x unified",
              "xaxis": style.axis("date", hoverformat="%-d %b %Y"), **extra}
    return decorate(layout, marks)


def collection_by_source(daily: pd.DataFrame, officials: pd.DataFrame, marks: Marks) -> dict[str, Any]:
    """Cumulative USD delivered, stacked by source, with the quota demanded so far as a line."""
    x = iso_dates(daily)
    data = []
    for column, label, colour in SOURCES:
        data.append({"type": "scatter", "x": x, "y": typed(daily[column].cumsum().to_numpy()), "name": label,
                     "stackgroup": "usd", "mode": "lines", "line": {"width": 0.5, "color": colour},
                     "fillcolor": colour, "hovertemplate": "USD %{y:,.0f}"})
    quota = _quota_so_far(daily, officials)
    data.append({"type": "scatter", "x": x, "y": typed(quota), "name": "quota demanded (all officials)",
                 "mode": "lines", "line": {**style.QUOTA_LINE, "shape": "hv"}, "hovertemplate": "USD %{y:,.0f}"})
    data += legend_entries(marks)
    layout = _time_layout("Foreign currency delivered, by source (cumulative), against the quota", marks, height=460,
                          yaxis=style.usd_axis("USD, cumulative"))
    return {"data": data, "layout": layout}


def _quota_so_far(daily: pd.DataFrame, officials: pd.DataFrame) -> np.ndarray:
    """Each day, the quotas of the campaigns begun so far, summed over officials."""
    per_campaign = officials.groupby("campaign")["quota_usd"].sum()
    started = daily["campaign"].to_numpy()
    cumulative = per_campaign.sort_index().cumsum()
    return np.array([float(cumulative.get(int(c), 0.0)) for c in started])


def delivered_share(officials: pd.DataFrame) -> dict[str, Any]:
    """How far each official got by the review: his delivery as a share of his quota, in bins of
    10%, with the quota marked at 100%."""
    rows = officials[officials["quota_usd"] > 0]
    share = (100 * rows["delivered_at_review_usd"] / rows["quota_usd"]).to_numpy()
    who = "officials" if officials["campaign"].nunique() <= 1 else "official-campaigns"
    top_edge = max(110.0, 10 * np.ceil((share.max() if share.size else 0) / 10 + 1e-9))
    edges = np.arange(0, top_edge + 10, 10.0)
    counts, _ = np.histogram(np.minimum(share, edges[-1] - 1e-9), bins=edges)
    centres = (edges[:-1] + 5).tolist()
    labels = [f"{int(a)}–{int(a + 10)}%" for a in edges[:-1]]
    short = [c if lo < 100 else 0 for c, lo in zip(counts, edges[:-1])]
    met = [c if lo >= 100 else 0 for c, lo in zip(counts, edges[:-1])]
    data = []
    for name, values, colour in (("short of the quota", short, style.ORANGE), ("met the quota", met, style.GREEN)):
        data.append({"type": "bar", "x": centres, "y": [int(v) for v in values], "width": 9.2, "name": name,
                     "marker": {"color": colour}, "customdata": labels,
                     "hovertemplate": f"%{{customdata}} of the quota: %{{y}} {who}<extra></extra>"})
    layout = {
        "title": {"text": "Delivered by the review, as a share of each official's quota"},
        "height": 380, "barmode": "overlay",
        "xaxis": style.axis("share of the quota delivered by the review", "%", range=[0, float(edges[-1])],
                            dtick=max(10, style.whole_step(float(edges[-1]), 8)), ticksuffix="%"),
        "yaxis": style.count_axis(who, max(counts.max() if counts.size else 0, 0)),
        "shapes": [{"type": "line", "name": "quota", "xref": "x", "yref": "paper", "x0": 100, "x1": 100, "y0": 0, "y1": 1,
                    "line": style.QUOTA_LINE}],
        "annotations": [{"name": "quota", "text": "quota", "xref": "x", "yref": "paper", "x": 100, "y": 1,
                         "yanchor": "bottom", "showarrow": False, "font": {"color": style.INK}}],
    }
    return {"data": data, "layout": layout}


def review_outcomes(officials: pd.DataFrame) -> dict[str, Any]:
    """Officials by the review's outcome: one bar per outcome (in groups per campaign), each with
    its count and share written on it."""
    counts = officials.groupby(["campaign", "outcome"], observed=False).size().unstack(fill_value=0)
    campaigns = [int(c) for c in counts.index]
    totals = counts.sum(axis=1).to_numpy()
    x = [f"campaign {c}" for c in campaigns]
    data = []
    for code, label, colour in OUTCOMES:
        values = counts[code].to_numpy() if code in counts else np.zeros(len(campaigns), dtype=int)
        if code == "not_reviewed" and not values.any():
            continue
        text = [f"{int(v):,} ({_percent(v, t)})" if t else "0" for v, t in zip(values, totals)]
        data.append({"type": "bar", "x": x, "y": [int(v) for v in values], "name": label, "marker": {"color": colour},
                     "text": text, "textposition": "outside", "cliponaxis": False,
                     "hovertemplate": f"%{{x}}: %{{y}} {label} <i>(outcome: {code})</i><extra></extra>"})
    top = int(counts.to_numpy().max()) if counts.size else 0
    yaxis = style.count_axis("officials", top)
    yaxis["range"] = [0, max(1, top) * 1.15]  # room for the numbers above the bars
    layout = {"title": {"text": "Outcomes of the review"}, "height": 400, "barmode": "group", "bargroupgap": 0.08,
              "xaxis": style.axis("campaign"), "yaxis": yaxis, "hovermode": "closest"}
    return {"data": data, "layout": layout}


def _percent(part: float, whole: float) -> str:
    share = part / whole
    return "<1%" if 0 < share < 0.01 else f"{share:.0%}"


def fear_and_silence(daily: pd.DataFrame, marks: Marks) -> dict[str, Any]:
    """The fear index; officials complaining openly each day; officials criticised at each
    summing-up session: three panels on one time axis."""
    x = iso_dates(daily)
    layout = subplots(3, 1, shared_xaxes=True, row_heights=[0.44, 0.28, 0.28], vertical_spacing=0.07,
                      titles=("fear index: mean fear of the officials not arrested",
                              "officials complaining openly that day",
                              "officials criticised at the summing-up session"))
    fear = daily["fear_index"].to_numpy(dtype=float)
    complaints = daily["complaints"].to_numpy()
    sessions = daily["criticised"].to_numpy()
    data = [
        {"type": "scatter", "x": x, "y": typed(fear), "name": "fear index", "mode": "lines", "showlegend": False,
         "line": {"color": style.VERMILLION, "width": 2.5}, "hovertemplate": "fear %{y:.2f}", **axis_ids(1, 1, 1)},
        {"type": "bar", "x": x, "y": typed(complaints), "name": "complaining openly", "showlegend": False,
         "marker": {"color": style.GREY}, "hovertemplate": "%{y} complaining", **axis_ids(1, 2, 1)},
        {"type": "bar", "x": x, "y": typed(sessions), "name": "criticised at the session", "showlegend": False,
         "marker": {"color": style.ORANGE}, "hovertemplate": "%{y} criticised", **axis_ids(1, 3, 1)},
        *legend_entries(marks),
    ]
    style.left_titles(layout)
    layout.update(title={"text": "Fear and silence"}, height=580, hovermode="x unified")
    layout["yaxis"].update(style.share_axis("fear index (0–1)"))
    layout["yaxis2"].update(style.count_axis("officials", complaints.max(initial=0)))
    layout["yaxis3"].update(style.count_axis("officials", sessions.max(initial=0)))
    layout["xaxis3"].update(style.axis("date", hoverformat="%-d %b %Y"))
    layout["xaxis"].update(hoverformat="%-d %b %Y")
    layout["xaxis2"].update(hoverformat="%-d %b %Y")
    return {"data": data, "layout": decorate(layout, marks, lift=20)}


PUNISHED_PANELS = (  # daily column, panel title, unit, colour
    ("arrests", "officials arrested (cumulative)", "officials", style.BLACK),
    ("relatives_investigated", "relatives investigated (cumulative)", "persons", style.ORANGE),
    ("relatives_lost_jobs", "relatives who lost foreign-currency jobs (cumulative)", "persons", style.BLUE),
    ("exiled_persons", "persons exiled (cumulative)", "persons", style.VERMILLION),
    ("backlog", "cases waiting in the security service's queue (end of day)", "cases", style.GREY),
)


def people_punished(daily: pd.DataFrame, marks: Marks) -> dict[str, Any]:
    """Who was punished, day by day: one panel per kind of punishment (so no line can hide
    another) and the security service's queue, on one time axis."""
    x = iso_dates(daily)
    rows = len(PUNISHED_PANELS)
    layout = style.left_titles(subplots(rows, 1, shared_xaxes=True, vertical_spacing=0.055, titles=[p[1] for p in PUNISHED_PANELS]))
    data = []
    for r, (column, title, unit, colour) in enumerate(PUNISHED_PANELS, start=1):
        values = daily[column].to_numpy()
        y = values if column == "backlog" else np.cumsum(values)
        ids = axis_ids(1, r, 1)
        shape = "hv"
        data.append({"type": "scatter", "x": x, "y": typed(y), "name": title, "mode": "lines", "showlegend": False,
                     "line": {"color": colour, "width": 2, "shape": shape}, "hovertemplate": f"%{{y}} {unit}", **ids})
        key = "yaxis" if r == 1 else f"yaxis{r}"
        layout[key].update(style.count_axis(unit, y.max(initial=0)))
        layout["xaxis" if r == 1 else f"xaxis{r}"].update(hoverformat="%-d %b %Y")
    layout[f"xaxis{rows}"].update(style.axis("date", hoverformat="%-d %b %Y"))
    data += legend_entries(marks)
    layout.update(title={"text": "People punished, and the queue of cases"}, height=150 * rows + 120, hovermode="x unified")
    return {"data": data, "layout": decorate(layout, marks, lift=20)}


def largest_cases(cases: pd.DataFrame, n: int = KIN_CASES) -> list[int]:
    """The ids of the ``n`` cases that punished the most persons, largest first (lower id on ties)."""
    if cases.empty:
        return []
    sizes = cases.groupby("case").size()
    order = sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))
    return [int(case) for case, _ in order[:n]]


def largest_case(cases: pd.DataFrame) -> int | None:
    """The case id that punished the most persons (lowest id on ties), or None without cases."""
    ids = largest_cases(cases, 1)
    return ids[0] if ids else None


def kin_network(cases: pd.DataFrame, case_summary: pd.DataFrame | None = None) -> dict[str, Any]:
    """The kin network of the largest cases, one at a time (buttons switch): the official in the
    centre, his relatives' households on labelled rings by tier, each person drawn in the colour
    and shape of what the case did to him, each household labelled with the persons it lost;
    beside it, a table of the case."""
    chosen = largest_cases(cases)
    if not chosen:
        layout = {"title": {"text": "Kin network of the largest cases"}, "height": 260,
                  "xaxis": {"visible": False}, "yaxis": {"visible": False},
                  "annotations": [{"text": "No case in this run: nobody was arrested.", "showarrow": False,
                                   "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "font": {"size": 14}}]}
        return {"data": [], "layout": layout}
    summaries = case_summary.set_index("case") if case_summary is not None and len(case_summary) else None
    data: list[dict[str, Any]] = []
    views = []
    for k, case in enumerate(chosen):
        rows = cases[cases["case"] == case]
        facts = summaries.loc[case] if summaries is not None and case in summaries.index else None
        traces, shapes, notes, title = _kin_case(case, rows, facts)
        first = len(data)
        for t in traces:
            t["visible"] = k == 0
        data += traces
        views.append((case, len(rows), range(first, len(data)), shapes, notes, title))
    reach = float(cases.loc[cases["case"].isin(chosen), "relation_tier"].max()) + 0.65
    layout: dict[str, Any] = {
        "height": 660, "hovermode": "closest", "margin": {"l": 20, "r": 20, "t": 110, "b": 40},
        "xaxis": {"domain": [0.0, 0.56], "visible": False, "range": [-reach, reach]},
        "yaxis": {"visible": False, "range": [-reach, reach], "scaleanchor": "x"},
    }
    _, _, _, shapes, notes, title = views[0]
    layout.update(shapes=shapes, annotations=notes, title={"text": title})
    if len(views) > 1:
        buttons = []
        for case, size, indices, shapes, notes, title in views:
            visible = [i in indices for i in range(len(data))]
            buttons.append({"label": f"case {case} ({size} persons)", "method": "update",
                            "args": [{"visible": visible}, {"shapes": shapes, "annotations": notes, "title": {"text": title}}]})
        layout["updatemenus"] = [{"type": "buttons", "direction": "right", "buttons": buttons, "showactive": True,
                                  "x": 0.0, "xanchor": "left", "y": 1.02, "yanchor": "bottom", "pad": {"r": 4, "t": 0},
                                  "font": {"size": 12}, "bgcolor": "#f5f7fa", "bordercolor": style.GRID}]
    return {"data": data, "layout": layout}


def _kin_case(case: int, rows: pd.DataFrame, facts) -> tuple[list, list, list, str]:
    official = rows[rows["relation_tier"] == 0]
    relatives = rows[rows["relation_tier"] > 0]
    official_row = official.iloc[0] if len(official) else rows.iloc[0]
    punished = {code: ([], [], []) for code in PUNISHMENTS}  # x, y, hover text
    edge_x: list = []
    edge_y: list = []
    hh = {"x": [], "y": [], "text": [], "hover": []}
    if len(official):
        code = str(official_row["punishment"])
        punished[code][0].append(0.0)
        punished[code][1].append(0.0)
        punished[code][2].append(f"official #{int(official_row['official'])}: {PUNISHMENTS[code][0]} <i>({code})</i>")
    tiers = sorted(int(t) for t in relatives["relation_tier"].unique())
    ring_notes = []
    household_rows = []
    for tier in tiers:
        group = relatives[relatives["relation_tier"] == tier]
        households = list(dict.fromkeys(group["household"].tolist()))
        for k, household in enumerate(households):
            # around the ring, leaving its top free for the ring's label
            gap = 0.45 / tier
            angle = np.pi / 2 + gap + (2 * np.pi - 2 * gap) * (k + 0.5) / len(households)
            hx, hy = tier * np.cos(angle), tier * np.sin(angle)
            members = group[group["household"] == household]
            kinds = members["punishment"].astype(str).value_counts()
            what = ", ".join(f"{n} {PUNISHMENTS[c][0]}" for c, n in kinds.items())
            hh["x"].append(hx)
            hh["y"].append(hy)
            hh["text"].append(str(len(members)))
            hh["hover"].append(f"household {int(household)}, {TIERS[tier]}<br>{len(members)} persons punished: {what}")
            household_rows.append((tier, int(household), len(members), what))
            edge_x += [0.0, hx, None]
            edge_y += [0.0, hy, None]
            spread = 0.34 + 0.025 * max(0, len(members) - 5)
            for j, (_, person) in enumerate(members.iterrows()):
                a = angle + 2 * np.pi * (j + 0.5) / len(members)
                px, py = hx + spread * np.cos(a), hy + spread * np.sin(a)
                edge_x += [hx, px, None]
                edge_y += [hy, py, None]
                code = str(person["punishment"])
                punished[code][0].append(px)
                punished[code][1].append(py)
                punished[code][2].append(f"person {int(person['person'])} of household {int(household)}, tier {tier}: "
                                         f"{PUNISHMENTS[code][0]} <i>({code})</i>")
        persons = len(group)
        ring_notes.append({"text": f"<b>{TIERS[tier]}</b>: {len(households)} household{'s' if len(households) != 1 else ''}, "
                                   f"{persons} person{'s' if persons != 1 else ''}",
                           "x": 0, "y": tier + 0.02, "xref": "x", "yref": "y", "yanchor": "bottom", "showarrow": False,
                           "font": {"size": 11, "color": style.MUTED}, "bgcolor": "rgba(255,255,255,0.8)", "name": f"tier {tier}"})
    traces: list[dict[str, Any]] = [
        {"type": "scatter", "x": edge_x, "y": edge_y, "mode": "lines", "line": {"color": "#c9d1d9", "width": 1},
         "hoverinfo": "skip", "showlegend": False, "name": "kinship"},
        {"type": "scatter", "x": hh["x"], "y": hh["y"], "mode": "markers+text", "name": "household (number: persons punished)",
         "text": hh["text"], "textposition": "middle center", "textfont": {"size": 10, "color": style.INK},
         "marker": {"symbol": "square", "size": 18, "color": "white", "line": {"color": style.MUTED, "width": 1.5}},
         "hovertext": hh["hover"], "hoverinfo": "text"},
    ]
    for code, (label, colour, symbol) in PUNISHMENTS.items():
        xs, ys, texts = punished[code]
        if not xs:
            continue
        size = 20 if code.startswith("arrested") else 11
        traces.append({"type": "scatter", "x": xs, "y": ys, "mode": "markers", "name": label,
                       "marker": {"symbol": symbol, "size": size, "color": colour, "line": {"color": "white", "width": 1}},
                       "hovertext": texts, "hoverinfo": "text"})
    traces += _case_tables(case, official_row, household_rows, facts, len(rows))
    shapes = [{"type": "circle", "name": f"tier {t}", "xref": "x", "yref": "y", "x0": -t, "y0": -t, "x1": t, "y1": t,
               "line": {"color": "#d9e2ec", "dash": "dot"}, "layer": "below"} for t in tiers]
    title = f"Kin network of case {case}: official #{int(official_row['official'])}, {len(rows)} persons punished"
    return traces, shapes, ring_notes, title


def _case_tables(case: int, official, household_rows, facts, persons: int) -> list[dict[str, Any]]:
    what = [("case", f"{case}"), ("official", f"#{int(official['official'])}"), ("campaign", f"{int(official['campaign'])}"),
            ("persons punished", f"{persons}")]
    if facts is not None:
        reason = str(facts["reason"])
        what += [
            ("opened on", f"{REASONS.get(reason, reason)}"),
            ("arrested on", f"day {int(facts['day'])} of the run, after {int(facts['wait_days'])} days in the queue"),
            ("the official", "arrested and exiled" if bool(facts["exiled"]) else "arrested"),
            ("seized in the home search", f"USD {facts['savings_seized_usd'] + facts['household_seized_usd']:,.0f}"),
        ]
    facts_table = {"type": "table", "name": f"case {case}", "domain": {"x": [0.6, 1.0], "y": [0.52, 1.0]},
                   "columnwidth": [0.9, 2.1],
                   "header": {"values": ["<b>the case</b>", ""]},
                   "cells": {"values": [[k for k, _ in what], [v for _, v in what]]}}
    rows = sorted(household_rows)
    households_table = {"type": "table", "name": f"households of case {case}", "domain": {"x": [0.6, 1.0], "y": [0.0, 0.48]},
                        "columnwidth": [0.5, 0.9, 0.6, 2.0],
                        "header": {"values": ["<b>tier</b>", "<b>household</b>", "<b>persons</b>", "<b>what happened to them</b>"]},
                        "cells": {"values": [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]]}}
    return [facts_table, households_table]


__all__ = [
    "KIN_CASES", "OUTCOMES", "PUNISHMENTS", "SOURCES", "TIERS", "collection_by_source", "delivered_share",
    "fear_and_silence", "kin_network", "largest_case", "largest_cases", "people_punished", "review_outcomes",
]
