"""The HTML report of a civil-violence run: the time series, the grid at chosen steps, outbursts."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from quotasim.civil_violence.analysis import waiting_times
from quotasim.outputs.html import page
from quotasim.result import Result

CODES = ("empty", "quiet", "active", "jailed", "cop")
COLOURS = ("#ffffff", "#4c78a8", "#e45756", "#9d9d9d", "#111111")


def civil_violence_report(result: Result) -> str:
    s = result.summary
    steps = result.tables["steps"]
    bursts = result.tables["outbursts"]
    figures = [_series(steps, s), _grids(result.extra.get("snapshots", {}))]
    if len(bursts):
        figures.append(_outbursts(bursts))
    ob = s["outbursts"]
    cards = "".join(
        f"<div class='card'><div class='num'>{html.escape(v)}</div><div class='lbl'>{html.escape(k)}</div></div>"
        for k, v in (
            ("variant", s["variant"]),
            ("citizens", f"{s['citizens']:,}"),
            ("cops at start", f"{s['cops_initial']:,}"),
            ("mean active", f"{s['mean_active']:.1f}"),
            ("peak active (step)", f"{s['peak_active']:,} ({s['peak_active_step']})"),
            ("mean jailed", f"{s['mean_jailed']:.1f}"),
            ("outbursts", f"{ob['count']}"),
            ("mean waiting time", f"{ob['mean_waiting_time']:.1f} steps"),
        )
    )
    intro = (
        f"<p>Epstein's (2002) civil-violence Model I, <b>{html.escape(s['variant'])}</b> variant, scenario "
        f"<b>{html.escape(str(s['scenario']))}</b>, seed {s['seed']}, {s['steps']} steps. An outburst is a run of "
        f"steps with more than {ob['threshold_active']:.0f} citizens active. Tension is the paper's index: the mean "
        "grievance of the citizens not in jail, times the share of them who are quiet, over their mean risk "
        "aversion.</p>"
    )
    footer = "quotasim — synthetic agents only; docs/civil_violence.md describes the variants and their sources."
    return page(title=f"Civil violence: {s['scenario']}", intro=intro, cards=cards, figures=figures, footer=footer)


def _series(steps, s) -> go.Figure:
    """Citizens by state above; the paper's tension (and any scheduled legitimacy or cop count, as
    shares) below, since they are ratios, not counts."""
    scheduled = steps["legitimacy"].nunique() > 1 or steps["cops"].nunique() > 1
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.06)
    for col, name, colour in (
        ("active", "active", COLOURS[2]),
        ("jailed", "jailed", COLOURS[3]),
        ("quiet_aggrieved", "quiet, grievance > T", "#f58518"),
        ("quiet", "quiet", COLOURS[1]),
    ):
        fig.add_trace(go.Scatter(x=steps["step"], y=steps[col], name=name, line=dict(color=colour, width=1.5),
                                 visible=True if col != "quiet" else "legendonly"), row=1, col=1)
    fig.add_trace(go.Scatter(x=steps["step"], y=steps["tension"], name="tension (mean G x quiet share / mean R)",
                             line=dict(color="#b279a2", width=1.5)), row=2, col=1)
    if scheduled:
        fig.add_trace(go.Scatter(x=steps["step"], y=steps["legitimacy"], name="legitimacy",
                                 line=dict(color="#54a24b")), row=2, col=1)
        fig.add_trace(go.Scatter(x=steps["step"], y=steps["cops"] / max(1, steps["cops"].max()),
                                 name="cops (share of max)", line=dict(color="#111", dash="dot")), row=2, col=1)
    fig.update_layout(title="Citizens by state, and tension, each step", height=540,
                      xaxis_title=None, legend=dict(orientation="h"))
    fig.update_yaxes(title_text="citizens", row=1, col=1)
    fig.update_yaxes(title_text="index", row=2, col=1)
    return fig


def _grids(snapshots: dict[int, np.ndarray]) -> go.Figure:
    chosen = sorted(snapshots)[:6]
    n = max(1, len(chosen))
    fig = make_subplots(rows=1, cols=n, subplot_titles=[f"step {t}" for t in chosen], horizontal_spacing=0.02)
    scale = []
    for k, colour in enumerate(COLOURS):
        scale += [(k / len(COLOURS), colour), ((k + 1) / len(COLOURS), colour)]
    for j, t in enumerate(chosen):
        grid = snapshots[t]
        if max(grid.shape) > 200:  # keep the page small: every k-th cell
            k = int(np.ceil(max(grid.shape) / 200))
            grid = grid[::k, ::k]
        fig.add_trace(
            go.Heatmap(z=grid, zmin=-0.5, zmax=len(COLOURS) - 0.5, colorscale=scale, showscale=(j == n - 1),
                       colorbar=dict(tickvals=list(range(len(CODES))), ticktext=list(CODES)),
                       hovertemplate="x %{x}, y %{y}: %{z}<extra></extra>"),
            row=1, col=j + 1,
        )
        fig.update_xaxes(showticklabels=False, row=1, col=j + 1)
        fig.update_yaxes(showticklabels=False, scaleanchor=f"x{j + 1 if j else ''}", row=1, col=j + 1)
    fig.update_layout(title="The grid (white empty, blue quiet, red active, grey jailed, black cop)",
                      height=330, margin=dict(l=20, r=20))
    return fig


def _outbursts(bursts) -> go.Figure:
    waits = waiting_times(bursts)
    fig = make_subplots(rows=1, cols=3, subplot_titles=("peak actives", "total activation", "waiting time (steps)"))
    fig.add_trace(go.Histogram(x=bursts["peak"], marker_color=COLOURS[2], showlegend=False), row=1, col=1)
    fig.add_trace(go.Histogram(x=bursts["total"], marker_color="#f58518", showlegend=False), row=1, col=2)
    fig.add_trace(go.Histogram(x=waits, marker_color=COLOURS[1], showlegend=False), row=1, col=3)
    fig.update_layout(title=f"{len(bursts)} outbursts", height=320)
    return fig
