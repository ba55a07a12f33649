"""The HTML report of a civil-violence run: the time series, the grid at chosen steps, outbursts.

The figures are plain plotly dicts (:mod:`quotasim.outputs.plotly_dict`), not plotly.py figure
objects: the same figures, written some fifty times faster, which is most of a run's output time.
"""

from __future__ import annotations

import html

import numpy as np

from quotasim.civil_violence.analysis import waiting_times
from quotasim.outputs.html import page
from quotasim.outputs.plotly_dict import axis_ids, subplots, typed
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


def _series(steps, s) -> dict:
    """Citizens by state above; the paper's tension (and any scheduled legitimacy or cop count, as
    shares) below, since they are ratios, not counts."""
    step = steps["step"].to_numpy()
    legitimacy = steps["legitimacy"].to_numpy()
    cops = steps["cops"].to_numpy()
    scheduled = np.ptp(legitimacy) > 0 or np.ptp(cops) > 0
    top, bottom = axis_ids(1, 1, 1), axis_ids(1, 2, 1)
    x = typed(step)
    data = []
    for col, name, colour in (
        ("active", "active", COLOURS[2]),
        ("jailed", "jailed", COLOURS[3]),
        ("quiet_aggrieved", "quiet, grievance > T", "#f58518"),
        ("quiet", "quiet", COLOURS[1]),
    ):
        data.append({"type": "scatter", "x": x, "y": typed(steps[col].to_numpy()), "name": name,
                     "line": {"color": colour, "width": 1.5}, "visible": True if col != "quiet" else "legendonly",
                     **top})
    data.append({"type": "scatter", "x": x, "y": typed(steps["tension"].to_numpy()),
                 "name": "tension (mean G x quiet share / mean R)", "line": {"color": "#b279a2", "width": 1.5},
                 **bottom})
    if scheduled:
        data.append({"type": "scatter", "x": x, "y": typed(legitimacy), "name": "legitimacy",
                     "line": {"color": "#54a24b"}, **bottom})
        data.append({"type": "scatter", "x": x, "y": typed(cops / max(1, cops.max())), "name": "cops (share of max)",
                     "line": {"color": "#111", "dash": "dot"}, **bottom})
    layout = subplots(2, 1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.06)
    layout["yaxis"]["title"] = {"text": "citizens"}
    layout["yaxis2"]["title"] = {"text": "index"}
    layout.update(title={"text": "Citizens by state, and tension, each step"}, height=540,
                  legend={"orientation": "h"})
    return {"data": data, "layout": layout}


def _grids(snapshots: dict[int, np.ndarray]) -> dict:
    chosen = sorted(snapshots)[:6]
    n = max(1, len(chosen))
    scale = []
    for k, colour in enumerate(COLOURS):
        scale += [(k / len(COLOURS), colour), ((k + 1) / len(COLOURS), colour)]
    layout = subplots(1, n, horizontal_spacing=0.02, titles=[f"step {t}" for t in chosen])
    data = []
    for j, t in enumerate(chosen):
        grid = snapshots[t]
        if max(grid.shape) > 200:  # keep the page small: every k-th cell
            k = int(np.ceil(max(grid.shape) / 200))
            grid = grid[::k, ::k]
        ids = axis_ids(n, 1, j + 1)
        data.append({"type": "heatmap", "z": typed(grid), "zmin": -0.5, "zmax": len(COLOURS) - 0.5,
                     "colorscale": scale, "showscale": j == n - 1,
                     "colorbar": {"tickvals": list(range(len(CODES))), "ticktext": list(CODES)},
                     "hovertemplate": "x %{x}, y %{y}: %{z}<extra></extra>", **ids})
        layout[ids["xaxis"].replace("x", "xaxis", 1)]["showticklabels"] = False
        layout[ids["yaxis"].replace("y", "yaxis", 1)].update(showticklabels=False, scaleanchor=ids["xaxis"])
    layout.update(title={"text": "The grid (white empty, blue quiet, red active, grey jailed, black cop)"},
                  height=330, margin={"l": 20, "r": 20})
    return {"data": data, "layout": layout}


def _outbursts(bursts) -> dict:
    waits = waiting_times(bursts)
    layout = subplots(1, 3, titles=("peak actives", "total activation", "waiting time (steps)"))
    data = [
        {"type": "histogram", "x": typed(bursts["peak"].to_numpy()), "marker": {"color": COLOURS[2]},
         "showlegend": False, **axis_ids(3, 1, 1)},
        {"type": "histogram", "x": typed(bursts["total"].to_numpy()), "marker": {"color": "#f58518"},
         "showlegend": False, **axis_ids(3, 1, 2)},
        {"type": "histogram", "x": typed(waits), "marker": {"color": COLOURS[1]}, "showlegend": False,
         **axis_ids(3, 1, 3)},
    ]
    layout.update(title={"text": f"{len(bursts)} outbursts"}, height=320)
    return {"data": data, "layout": layout}
