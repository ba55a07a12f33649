"""The figures the pages show: the reports' own builders (plain plotly dicts), built on the worker
thread that ran the simulation, and the pairing of a pinned run's figure with the next one's on
the same y ranges (no web code here)."""

from __future__ import annotations

import copy
import logging
from typing import Any

import numpy as np

from quotasim.outputs.plotly_dict import untyped
from quotasim.result import Result

log = logging.getLogger(__name__)

PLOTS: tuple[tuple[str, str], ...] = (
    ("collection", "Foreign currency delivered, by source"),
    ("delivered", "Delivered by the review, per official"),
    ("reviews", "Outcomes of the review"),
    ("fear", "Fear and silence"),
    ("punished", "People punished"),
    ("kin", "Kin network of the largest cases"),
)
"""(name, title) of each campaign plot, in page order (the report's order)."""

CV_PLOTS: tuple[tuple[str, str], ...] = (
    ("animation", "The grid, step by step"),
    ("series", "Citizens by state, and tension"),
    ("outbursts", "Outbursts"),
)
"""(name, title) of each civil-violence plot, in page order."""

CV_SNAPSHOTS = 20
"""Grid snapshots the civil-violence page asks a run for (the most a scenario may ask)."""


def snapshot_steps(steps: int, n: int = CV_SNAPSHOTS) -> list[int]:
    """``n`` steps from 0 to ``steps``, evenly spaced (fewer for a short run)."""
    return sorted({int(round(k * steps / (n - 1))) for k in range(n)})


def build_figures(result: Result) -> dict[str, Any]:
    """The figures of ``result`` by name (report.html's builders); runs on a worker thread.

    A figure that fails to build is replaced by a note, so one bad figure does not hide the run.
    """
    if result.model == "civil_violence":
        from quotasim.civil_violence.analysis import waiting_times
        from quotasim.outputs import civil_violence_figures as cvf

        steps, bursts = result.tables["steps"], result.tables["outbursts"]
        snapshots = result.extra.get("snapshots", {})
        makers = {
            "animation": lambda: cvf.grid_animation(snapshots),
            "series": lambda: cvf.series(steps, result.summary),
            "outbursts": lambda: cvf.outbursts(bursts, waiting_times(bursts)) if len(bursts) else "no outburst in this run",
        }
        names = CV_PLOTS
    else:
        from quotasim.outputs.campaign_report import run_marks
        from quotasim.outputs import figures as cf

        t = result.tables
        makers = {
            "collection": lambda: cf.collection_by_source(t["daily"], t["officials"], run_marks(result)),
            "delivered": lambda: cf.delivered_share(t["officials"]),
            "reviews": lambda: cf.review_outcomes(t["officials"]),
            "fear": lambda: cf.fear_and_silence(t["daily"], run_marks(result)),
            "punished": lambda: cf.people_punished(t["daily"], run_marks(result)),
            "kin": lambda: cf.kin_network(t["cases"], t.get("case_summary")),
        }
        names = PLOTS
    figures: dict[str, Any] = {}
    for name, _title in names:
        try:
            figures[name] = makers[name]()
        except Exception as exc:
            log.exception("plot %s failed", name)
            figures[name] = f"this plot could not be drawn: {type(exc).__name__}: {exc}"
    return {"figures": figures}


def _axis_of(trace: dict[str, Any]) -> str:
    return trace.get("yaxis") or "y"


def y_extent(fig: dict[str, Any], axis: str = "y") -> tuple[float, float] | None:
    """(lowest, highest) value a figure draws on one y axis ("y", "y2", …), stacked traces
    (``stackgroup``, or bars with ``barmode="stack"``) summed per x; None when it draws nothing."""
    stacked_bars = fig.get("layout", {}).get("barmode") == "stack"
    lows, highs, stacks = [], [], {}
    for trace in fig.get("data", []):
        if _axis_of(trace) != axis or trace.get("type") in ("table", "heatmap") or trace.get("y") is None:
            continue
        ys = untyped(trace["y"]).astype(float)
        if ys.size == 0 or not np.isfinite(ys).any():
            continue
        group = trace.get("stackgroup") or ("bars" if stacked_bars and trace.get("type") == "bar" else None)
        if group is None:
            lows.append(np.nanmin(ys))
            highs.append(np.nanmax(ys))
        else:
            xs = trace.get("x")
            key = (group, tuple(str(x) for x in xs) if isinstance(xs, list) else len(ys))
            total = stacks.setdefault(key, np.zeros(len(ys)))
            total += np.where(np.isnan(ys), 0.0, ys)
    for total in stacks.values():
        lows.append(total.min())
        highs.append(total.max())
    if not highs:
        return None
    return float(min(lows)), float(max(highs))


def shared_y(a: dict[str, Any], b: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Copies of two figures of the same kind with the same range on each y axis, so heights can be
    compared side by side; an axis with a fixed range, or hidden, is left alone. A count axis keeps
    whole-number ticks: its step is widened to suit the shared range."""
    from quotasim.outputs.style import whole_step

    a, b = copy.deepcopy(a), copy.deepcopy(b)
    keys = sorted({k for f in (a, b) for k in f.get("layout", {}) if k.startswith("yaxis")}) or ["yaxis"]
    for key in keys:
        axis_a = a.setdefault("layout", {}).setdefault(key, {})
        axis_b = b.setdefault("layout", {}).setdefault(key, {})
        if axis_a.get("visible") is False or axis_b.get("visible") is False:
            continue
        fixed_a, fixed_b = axis_a.get("range"), axis_b.get("range")
        if fixed_a is not None and fixed_a == fixed_b and axis_a.get("tickformat") != ",d":
            continue  # the same fixed range (an index on 0-1): nothing to share
        trace_axis = "y" + key.removeprefix("yaxis")  # layout "yaxis2" is trace axis "y2"
        extents = [e for e in (y_extent(a, trace_axis), y_extent(b, trace_axis)) if e]
        extents += [tuple(r) for r in (fixed_a, fixed_b) if r is not None]
        if not extents:
            continue
        lo, hi = min(0.0, *(e[0] for e in extents)), max(e[1] for e in extents)
        if hi <= lo:
            continue
        rng = [lo, hi + 0.05 * (hi - lo)] if fixed_a is None and fixed_b is None else [lo, hi]
        for axis in (axis_a, axis_b):
            axis["range"] = rng
            if axis.get("tickformat") == ",d":
                axis["dtick"] = whole_step(hi)
    return a, b


__all__ = ["CV_PLOTS", "PLOTS", "build_figures", "shared_y", "snapshot_steps", "y_extent"]
