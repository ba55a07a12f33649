"""Plot builders shared by report.html and the dashboard: each takes result tables, returns a
plotly Figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

SOURCE_LABELS = {
    "from_households": "households (by any means)",
    "from_trade": "trade",
    "from_own_savings": "officials' own savings",
    "from_relatives_jobs": "relatives' foreign-currency jobs",
}
SOURCE_COLOURS = {
    "from_households": "#c0392b",
    "from_trade": "#2980b9",
    "from_own_savings": "#f39c12",
    "from_relatives_jobs": "#8e44ad",
}
PUNISHMENT_COLOURS = {
    "arrested": "#111111",
    "arrested_and_exiled": "#000000",
    "exiled": "#c0392b",
    "lost_job": "#e67e22",
    "investigated": "#f1c40f",
}
OUTCOME_COLOURS = {"commended": "#27ae60", "criticised": "#f39c12", "referred": "#c0392b", "not_reviewed": "#95a5a6"}


def _layout(fig: go.Figure, title: str, **kw) -> go.Figure:
    fig.update_layout(
        title=title, template="plotly_white", height=400, margin=dict(l=60, r=20, t=60, b=90),
        legend=dict(orientation="h", y=-0.3), **kw,
    )
    return fig


def _mark_reviews(fig: go.Figure, review_days) -> go.Figure:
    for day in review_days or ():
        fig.add_vline(x=day, line=dict(color="#555", dash="dash", width=1))
        fig.add_annotation(x=day, y=1, yref="paper", text="review", showarrow=False, yanchor="bottom", font=dict(size=11))
    return fig


def collection_by_source(daily: pd.DataFrame, review_days=None) -> go.Figure:
    """Cumulative USD collected, stacked by source, over the days of the run."""
    fig = go.Figure()
    for column, label in SOURCE_LABELS.items():
        fig.add_trace(go.Scatter(
            x=daily["date"], y=daily[column].cumsum(), name=label, stackgroup="usd",
            line=dict(width=0.5, color=SOURCE_COLOURS[column]),
        ))
    _mark_reviews(fig, review_days)
    return _layout(fig, "Foreign currency collected, by source (cumulative USD)", yaxis_title="USD", xaxis_title="date")


def review_outcomes(officials: pd.DataFrame) -> go.Figure:
    """Officials commended, criticised and referred at each campaign's review."""
    counts = officials.groupby(["campaign", "outcome"], observed=False).size().unstack(fill_value=0)
    fig = go.Figure()
    for outcome in ("commended", "criticised", "referred", "not_reviewed"):
        if outcome in counts:
            fig.add_trace(go.Bar(
                x=[f"campaign {c}" for c in counts.index], y=counts[outcome], name=outcome,
                marker_color=OUTCOME_COLOURS[outcome], text=counts[outcome], textposition="auto",
            ))
    return _layout(fig, "Outcomes of the review (officials)", barmode="stack", yaxis_title="officials")


def fear_over_time(daily: pd.DataFrame, review_days=None) -> go.Figure:
    """The fear index (mean fear of the officials not arrested) with open complaints per day."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=daily["date"], y=daily["complaints"], name="officials complaining openly that day",
                         marker_color="#7f8c8d", yaxis="y2", opacity=0.5))
    fig.add_trace(go.Scatter(x=daily["date"], y=daily["fear_index"], name="fear index", line=dict(color="#c0392b", width=3)))
    _mark_reviews(fig, review_days)
    return _layout(
        fig, "Fear and silence",
        xaxis_title="date",
        yaxis=dict(title="fear index (0-1)", range=[0, 1]),
        yaxis2=dict(title="officials complaining", overlaying="y", side="right", rangemode="tozero", tickformat="d"),
    )


def people_punished(daily: pd.DataFrame, review_days=None) -> go.Figure:
    """Cumulative arrests, relatives investigated, relatives who lost jobs and exiled persons."""
    fig = go.Figure()
    for column, label, colour in (
        ("arrests", "officials arrested", "#111111"),
        ("relatives_investigated", "relatives investigated", "#f1c40f"),
        ("relatives_lost_jobs", "relatives who lost jobs", "#e67e22"),
        ("exiled_persons", "persons exiled", "#c0392b"),
    ):
        fig.add_trace(go.Scatter(x=daily["date"], y=daily[column].cumsum(), name=label, line=dict(color=colour, width=2)))
    _mark_reviews(fig, review_days)
    return _layout(fig, "People punished (cumulative)", yaxis_title="persons", xaxis_title="date")


def largest_case(cases: pd.DataFrame) -> int | None:
    """The case id that punished the most persons (lowest id on ties), or None without cases."""
    if cases.empty:
        return None
    sizes = cases.groupby("case").size()
    return int(sizes.index[np.argmax(sizes.to_numpy())])


def kin_network(cases: pd.DataFrame) -> go.Figure:
    """The kin network of the largest case: the official in the centre, relatives' households on
    rings by tier (1 immediate family, 2 parents and siblings, 3 three generations), each person
    coloured by what happened to them."""
    case = largest_case(cases)
    fig = go.Figure()
    if case is None:
        fig.add_annotation(text="No case in this run: nobody was arrested.", showarrow=False, x=0, y=0)
        return _layout(fig, "Kin network of the largest case", xaxis=dict(visible=False), yaxis=dict(visible=False))
    rows = cases[cases["case"] == case]
    official = rows[rows["relation_tier"] == 0].iloc[0]
    relatives = rows[rows["relation_tier"] > 0]
    edge_x, edge_y = [], []
    nodes = {"x": [0.0], "y": [0.0], "colour": [PUNISHMENT_COLOURS[official["punishment"]]],
             "text": [f"official #{official['official']}: {official['punishment']}"], "size": [22]}
    hh_x, hh_y, hh_text = [], [], []
    for tier, group in relatives.groupby("relation_tier"):
        households = group["household"].drop_duplicates().tolist()
        for k, household in enumerate(households):
            angle = 2 * np.pi * (k + 0.5 * (tier - 1)) / max(len(households), 1)
            hx, hy = tier * np.cos(angle), tier * np.sin(angle)
            hh_x.append(hx)
            hh_y.append(hy)
            members = group[group["household"] == household]
            hh_text.append(f"household {household} (tier {tier}): {len(members)} relatives")
            edge_x += [0.0, hx, None]
            edge_y += [0.0, hy, None]
            for j, (_, person) in enumerate(members.iterrows()):
                a = angle + 2 * np.pi * j / max(len(members), 1)
                px, py = hx + 0.22 * np.cos(a), hy + 0.22 * np.sin(a)
                edge_x += [hx, px, None]
                edge_y += [hy, py, None]
                nodes["x"].append(px)
                nodes["y"].append(py)
                nodes["colour"].append(PUNISHMENT_COLOURS[person["punishment"]])
                nodes["text"].append(f"tier {tier} relative: {person['punishment']}")
                nodes["size"].append(10)
    fig.add_trace(go.Scatter(x=edge_x, y=edge_y, mode="lines", line=dict(color="#bbbbbb", width=1), hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(x=hh_x, y=hh_y, mode="markers", marker=dict(symbol="square", size=12, color="#ecf0f1", line=dict(color="#7f8c8d", width=1)),
                             text=hh_text, hoverinfo="text", name="household"))
    fig.add_trace(go.Scatter(x=nodes["x"], y=nodes["y"], mode="markers", marker=dict(color=nodes["colour"], size=nodes["size"], line=dict(color="white", width=1)),
                             text=nodes["text"], hoverinfo="text", showlegend=False))
    for punishment, colour in PUNISHMENT_COLOURS.items():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker=dict(color=colour, size=10), name=punishment))
    for tier in range(1, int(relatives["relation_tier"].max() if len(relatives) else 0) + 1):
        fig.add_shape(type="circle", x0=-tier, y0=-tier, x1=tier, y1=tier, line=dict(color="#eeeeee", dash="dot"))
    fig = _layout(fig, f"Kin network of the largest case (case {case}: {len(rows)} persons punished)",
                  xaxis=dict(visible=False), yaxis=dict(visible=False, scaleanchor="x"))
    fig.update_layout(height=520)
    return fig
