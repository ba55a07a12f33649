"""TEMPORARY stand-in for ``quotasim.outputs.figures`` until the lead's module lands on main.

Delete this file after ``git merge main`` brings ``src/quotasim/outputs/figures.py``.
"""

from __future__ import annotations

import plotly.graph_objects as go


def _lines(df, title):
    fig = go.Figure()
    x = df["day"] if "day" in df else df.index
    for col in df.columns:
        if col != "day" and df[col].dtype.kind in "fiu":
            fig.add_scatter(x=x, y=df[col], name=col, mode="lines")
    fig.update_layout(title=title)
    return fig


def collection_by_source(daily):
    return _lines(daily, "Collection by source")


def review_outcomes(officials):
    fig = go.Figure()
    if "outcome" in officials:
        counts = officials["outcome"].value_counts()
        fig.add_bar(x=list(counts.index), y=list(counts.values))
    fig.update_layout(title="Review outcomes")
    return fig


def fear_over_time(daily):
    return _lines(daily[[c for c in daily.columns if "fear" in c or c == "day"]], "Fear")


def people_punished(daily):
    return _lines(daily[[c for c in daily.columns if "arrest" in c or "exile" in c or c == "day"]], "People punished")


def kin_network(cases, officials):
    fig = go.Figure()
    fig.update_layout(title="Kin network of the largest case")
    return fig
