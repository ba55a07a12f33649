"""The figures of a civil-violence run, shared by report.html and the dashboard: plain plotly dicts
(:mod:`quotasim.outputs.plotly_dict`) in the shared style (:mod:`quotasim.outputs.style`).

Every axis is titled with its unit, counts (citizens, outbursts) have whole-number ticks, the
outburst threshold is drawn as a line on the citizens' panel, and changes of legitimacy or of the
number of cops are marked where they begin.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from quotasim.outputs import style
from quotasim.outputs.plotly_dict import axis_ids, subplots, typed

CODES = ("empty", "quiet", "active", "jailed", "cop")
"""What a cell of a grid snapshot holds, by its code (0-4)."""
STATE_COLOURS = ("#ffffff", style.BLUE, style.VERMILLION, "#b0b0b0", style.BLACK)
STATE_WORDS = ("empty", "quiet", "active (rebelling)", "in jail", "cop")
AGGRIEVED = style.ORANGE
MAX_CELLS_SIDE = 200  # a larger grid is pictured by every k-th cell (keeps the page small)
MAX_ANIMATED_SIDE = 100

TERMS = (
    ("active", "a citizen rebelling openly: his grievance minus his risk aversion times the estimated arrest "
               "probability exceeds the threshold T."),
    ("quiet but aggrieved", "a quiet citizen whose grievance G exceeds the threshold T (G > T): kept quiet only by "
                            "the risk of arrest."),
    ("grievance G", "hardship x (1 - legitimacy)."),
    ("tension", "the paper's index: the mean grievance of the citizens not in jail, times the share of them who "
                "are quiet, over their mean risk aversion."),
    ("outburst", "a run of steps with more citizens active than the threshold."),
)
"""The terms the figures use, defined on the page."""


def _changes(steps: pd.DataFrame) -> list[tuple[int, str]]:
    """(step, words) where a scheduled change of legitimacy or of the cops begins."""
    out = []
    step = steps["step"].to_numpy()
    for column, words in (("legitimacy", "legitimacy changes"), ("cops", "cops change")):
        values = steps[column].to_numpy()
        moved = np.flatnonzero(np.diff(values) != 0)
        if moved.size:
            out.append((int(step[moved[0] + 1]), words))
    return out


def series(steps: pd.DataFrame, summary: dict[str, Any]) -> dict[str, Any]:
    """Citizens by state each step (above), and the tension index with any scheduled legitimacy
    or share of cops (below): counts and ratios on axes of their own."""
    step = steps["step"].to_numpy()
    legitimacy = steps["legitimacy"].to_numpy()
    cops = steps["cops"].to_numpy()
    scheduled = np.ptp(legitimacy) > 0 or np.ptp(cops) > 0
    x = typed(step)
    top = axis_ids(1, 1, 1)
    bottom = axis_ids(1, 2, 1)
    data = []
    tallest = 0
    for column, name, colour, shown in (
        ("active", "active (rebelling)", STATE_COLOURS[2], True),
        ("jailed", "in jail", STATE_COLOURS[3], True),
        ("quiet_aggrieved", "quiet but aggrieved (G > T)", AGGRIEVED, True),
        ("quiet", "quiet (all)", STATE_COLOURS[1], "legendonly"),
    ):
        values = steps[column].to_numpy()
        if shown is True:
            tallest = max(tallest, int(values.max(initial=0)))
        data.append({"type": "scatter", "mode": "lines", "x": x, "y": typed(values), "name": name, "visible": shown,
                     "line": {"color": colour, "width": 1.6}, "hovertemplate": f"step %{{x}}: %{{y}} {name}<extra></extra>",
                     **top})
    data.append({"type": "scatter", "mode": "lines", "x": x, "y": typed(steps["tension"].to_numpy()),
                 "name": "tension index", "line": {"color": style.PURPLE, "width": 1.6},
                 "hovertemplate": "step %{x}: tension %{y:.3f}<extra></extra>", **bottom})
    if np.ptp(legitimacy) > 0:
        data.append({"type": "scatter", "mode": "lines", "x": x, "y": typed(legitimacy), "name": "legitimacy L",
                     "line": {"color": style.GREEN, "width": 1.6}, "hovertemplate": "step %{x}: L = %{y:.2f}<extra></extra>", **bottom})
    if np.ptp(cops) > 0:
        data.append({"type": "scatter", "mode": "lines", "x": x, "y": typed(cops / max(1, cops.max())),
                     "name": "cops (share of their most)", "line": {"color": style.BLACK, "dash": "dot", "width": 1.6},
                     "hovertemplate": "step %{x}: %{y:.2f} of the most cops<extra></extra>", **bottom})
    threshold = float(summary["outbursts"]["threshold_active"])
    layout = style.left_titles(subplots(2, 1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.09,
                                        titles=("citizens by state", "tension" + (" and what the schedule changes" if scheduled else ""))))
    layout["yaxis"].update(style.count_axis("citizens", max(tallest, threshold)))
    low = float(np.nanmin(steps["tension"].to_numpy())) if len(steps) else 0.0
    layout["yaxis2"].update(style.axis("index" if not scheduled else "index, or share (0–1)", None,
                                       rangemode="tozero" if scheduled or low < 0.05 else "normal"))
    layout["xaxis2"].update(style.axis("step"))
    layout.update(title={"text": "Citizens by state, and tension, each step"}, height=560, hovermode="x unified")
    layout["shapes"] = [{"type": "line", "name": "outburst threshold", "xref": "x", "yref": "y", "x0": float(step[0]),
                         "x1": float(step[-1]), "y0": threshold, "y1": threshold,
                         "line": {"color": STATE_COLOURS[2], "width": 1, "dash": "dash"}}]
    layout["annotations"].append({"name": "outburst threshold", "text": f"outburst threshold: {threshold:,.0f} active",
                                  "xref": "x", "yref": "y", "x": float(step[-1]), "y": threshold, "xanchor": "right",
                                  "yanchor": "bottom", "showarrow": False, "font": {"color": STATE_COLOURS[2]},
                                  "bgcolor": "rgba(255,255,255,0.85)"})
    for at, words in _changes(steps):
        layout["shapes"].append({"type": "line", "name": "schedule change", "xref": "x", "yref": "paper", "x0": at, "x1": at,
                                 "y0": 0, "y1": 1, "line": style.REVIEW_LINE})
        layout["annotations"].append({"name": "schedule change", "text": f"{words} (step {at})", "xref": "x", "yref": "paper",
                                      "x": at, "y": 1, "yanchor": "bottom", "showarrow": False, "font": {"color": style.INK}})
    return {"data": data, "layout": layout}


def _thin(grid: np.ndarray, side: int) -> np.ndarray:
    if max(grid.shape) > side:
        k = int(np.ceil(max(grid.shape) / side))
        grid = grid[::k, ::k]
    return grid


def _scale() -> list:
    scale = []
    for k, colour in enumerate(STATE_COLOURS):
        scale += [(k / len(STATE_COLOURS), colour), ((k + 1) / len(STATE_COLOURS), colour)]
    return scale


def _heatmap(grid: np.ndarray, *, colourbar: bool, as_list: bool = False) -> dict[str, Any]:
    words = np.asarray(STATE_WORDS)[grid]
    return {"type": "heatmap", "z": grid.tolist() if as_list else typed(grid), "zmin": -0.5, "zmax": len(CODES) - 0.5,
            "colorscale": _scale(), "showscale": colourbar, "customdata": words.tolist(), "xgap": 0, "ygap": 0,
            "colorbar": {"tickvals": list(range(len(CODES))), "ticktext": list(STATE_WORDS), "title": {"text": "cell"},
                         "len": 0.75, "thickness": 18},
            "hovertemplate": "cell (%{x}, %{y}): %{customdata}<extra></extra>"}


def grids(snapshots: dict[int, np.ndarray]) -> dict[str, Any]:
    """The grid at up to six of the snapshot steps, side by side."""
    chosen = sorted(snapshots)[:6]
    n = max(1, len(chosen))
    layout = subplots(1, n, horizontal_spacing=0.02, titles=[f"step {t}" for t in chosen])
    data = []
    for j, t in enumerate(chosen):
        ids = axis_ids(n, 1, j + 1)
        data.append({**_heatmap(_thin(snapshots[t], MAX_CELLS_SIDE), colourbar=j == n - 1), **ids})
        layout[ids["xaxis"].replace("x", "xaxis", 1)].update(showticklabels=False, showline=False, ticks="",
                                                              title={"text": "cells across"} if j == 0 else None)
        layout[ids["yaxis"].replace("y", "yaxis", 1)].update(showticklabels=False, showline=False, ticks="", showgrid=False,
                                                              scaleanchor=ids["xaxis"], title={"text": "cells down"} if j == 0 else None)
    for key in list(layout):
        if key.startswith(("xaxis", "yaxis")) and layout[key].get("title") is None:
            layout[key].pop("title", None)
    layout.update(title={"text": "The grid at chosen steps"}, height=360, margin={"l": 50, "r": 20, "t": 80, "b": 40})
    return {"data": data, "layout": layout}


def grid_animation(snapshots: dict[int, np.ndarray]) -> dict[str, Any]:
    """The grid as an animation over the snapshot steps: a play button and a slider of steps."""
    chosen = sorted(snapshots)
    first = _thin(snapshots[chosen[0]], MAX_ANIMATED_SIDE)
    frames = [{"name": str(t), "data": [{"z": _thin(snapshots[t], MAX_ANIMATED_SIDE).tolist(),
                                         "customdata": np.asarray(STATE_WORDS)[_thin(snapshots[t], MAX_ANIMATED_SIDE)].tolist()}]}
              for t in chosen]
    play = {"frame": {"duration": 450, "redraw": True}, "fromcurrent": True, "transition": {"duration": 0}, "mode": "immediate"}
    layout = {
        "title": {"text": "The grid, step by step"},
        "height": 620, "margin": {"l": 60, "r": 20, "t": 70, "b": 120},
        "xaxis": style.axis("cells across", None, showticklabels=False, ticks="", showline=False, constrain="domain"),
        "yaxis": style.axis("cells down", None, showticklabels=False, ticks="", showline=False, showgrid=False,
                            scaleanchor="x", constrain="domain"),
        "updatemenus": [{"type": "buttons", "direction": "left", "x": 0.0, "xanchor": "left", "y": -0.1, "yanchor": "top",
                         "pad": {"t": 0, "r": 8}, "showactive": False,
                         "buttons": [{"label": "▶ play", "method": "animate", "args": [None, play]},
                                     {"label": "❚❚ pause", "method": "animate",
                                      "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}]}]}],
        "sliders": [{"active": 0, "x": 0.24, "len": 0.76, "y": -0.04, "yanchor": "top", "pad": {"t": 0},
                     "currentvalue": {"prefix": "step ", "visible": True, "xanchor": "left"},
                     "steps": [{"label": str(t), "method": "animate",
                                "args": [[str(t)], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate",
                                                    "transition": {"duration": 0}}]} for t in chosen]}],
    }
    return {"data": [_heatmap(first, colourbar=True, as_list=True)], "layout": layout, "frames": frames}


def _bars(values: np.ndarray, *, colour: str, ids: dict[str, str], unit: str) -> tuple[dict[str, Any], int]:
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return {"type": "bar", "x": [], "y": [], "showlegend": False, **ids}, 0
    counts, edges = np.histogram(values, bins=min(15, max(1, int(np.ceil(np.sqrt(values.size))))))
    centres = (edges[:-1] + edges[1:]) / 2
    labels = [f"{a:,.0f}–{b:,.0f}" for a, b in zip(edges[:-1], edges[1:])]
    bar = {"type": "bar", "x": centres.tolist(), "y": counts.tolist(), "width": float(edges[1] - edges[0]) * 0.92,
           "marker": {"color": colour}, "showlegend": False, "customdata": labels,
           "hovertemplate": f"%{{customdata}} {unit}: %{{y}} outbursts<extra></extra>", **ids}
    return bar, int(counts.max())


def outbursts(bursts: pd.DataFrame, waits: np.ndarray) -> dict[str, Any]:
    """Histograms of the outbursts: their peaks, their total activation, the waits between them."""
    panels = (
        ("peak: most citizens active at once", "citizens", bursts["peak"].to_numpy(), STATE_COLOURS[2]),
        ("total activation: actives summed over its steps", "citizen-steps", bursts["total"].to_numpy(), AGGRIEVED),
        ("waiting time: steps from one outburst to the next", "steps", waits, STATE_COLOURS[1]),
    )
    layout = style.left_titles(subplots(1, 3, horizontal_spacing=0.08, titles=[p[0] for p in panels]))
    data = []
    for j, (_title, unit, values, colour) in enumerate(panels, start=1):
        ids = axis_ids(3, 1, j)
        bar, top = _bars(values, colour=colour, ids=ids, unit=unit)
        data.append(bar)
        suffix = "" if j == 1 else str(j)
        layout[f"xaxis{suffix}"].update(style.axis(unit))
        layout[f"yaxis{suffix}"].update(style.count_axis("outbursts", top))
    for note in layout.get("annotations", []):
        note["font"] = {"size": 12, "color": style.INK}
    layout.update(title={"text": f"{len(bursts)} outbursts"}, height=360, margin={"l": 60, "r": 20, "t": 90, "b": 60})
    return {"data": data, "layout": layout}


__all__ = ["CODES", "STATE_WORDS", "TERMS", "grid_animation", "grids", "outbursts", "series"]
