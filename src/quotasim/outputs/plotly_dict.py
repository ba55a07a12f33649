"""Plotly figures as plain dicts, drawn in a page by the plotly.js that ships with plotly.py.

Building ``plotly.graph_objects`` figures validates every property on the way in and again on the
way out, which for a report of three figures takes about half a second; a report that needs only
scatter lines, heatmaps and histograms can say the same in plain dicts (the layout keys are
plotly.js's own) and be written out in a few milliseconds. :func:`subplots` lays out a grid of
axes as ``plotly.subplots.make_subplots`` does; :func:`figure_div` writes a figure as
``Figure.to_html(full_html=False)`` does, in quotasim's own template
(:data:`quotasim.outputs.style.TEMPLATE`) unless the figure names one. Arrays go in as plotly.js
typed arrays (base64), as plotly.py writes them; :func:`untyped` reads them back.
"""

from __future__ import annotations

import base64
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np


def typed(values) -> dict[str, str] | list:
    """A NumPy array (or sequence of numbers) as a plotly.js typed array: the smallest integer type
    that holds it, or float64."""
    a = np.asarray(values)
    if a.size == 0:
        return []
    if a.dtype.kind in "iub":
        lo, hi = int(a.min()), int(a.max())
        for code, dtype in (("u1", np.uint8), ("i1", np.int8), ("u2", np.uint16), ("i2", np.int16), ("i4", np.int32)):
            info = np.iinfo(dtype)
            if info.min <= lo and hi <= info.max:
                break
        else:
            code, dtype = "f8", np.float64
    else:
        code, dtype = "f8", np.float64
    out = {"dtype": code, "bdata": base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode("ascii")}
    if a.ndim > 1:
        out["shape"] = ", ".join(str(n) for n in a.shape)
    return out


def untyped(values) -> np.ndarray:
    """The numbers of a trace's array as NumPy: a typed array (``{"dtype", "bdata"}``) decoded,
    a list converted (``None`` as NaN)."""
    if isinstance(values, dict) and "bdata" in values:
        a = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        if "shape" in values:
            a = a.reshape([int(n) for n in str(values["shape"]).split(",")])
        return a
    return np.asarray([np.nan if v is None else v for v in (values if values is not None else [])])


def subplots(
    rows: int = 1,
    cols: int = 1,
    *,
    row_heights: Sequence[float] | None = None,
    vertical_spacing: float | None = None,
    horizontal_spacing: float | None = None,
    shared_xaxes: bool = False,
    titles: Sequence[str] = (),
) -> dict[str, Any]:
    """The layout of a ``rows x cols`` grid of axes, as ``make_subplots`` sets it up (the same
    default spacings, top row first, subplot titles as annotations). Cell (r, c), counted from 1,
    is drawn on axes ``axis_ids(cols, r, c)``."""
    vs = 0.3 / rows if vertical_spacing is None else vertical_spacing
    hs = 0.2 / cols if horizontal_spacing is None else horizontal_spacing
    heights = np.ones(rows) if row_heights is None else np.asarray(row_heights, float)
    heights = heights / heights.sum() * (1 - vs * (rows - 1))
    width = (1 - hs * (cols - 1)) / cols
    layout: dict[str, Any] = {}
    annotations = []
    for r in range(1, rows + 1):
        top = 1 - heights[: r - 1].sum() - vs * (r - 1)
        bottom = top - heights[r - 1]
        for c in range(1, cols + 1):
            left = (c - 1) * (width + hs)
            n = (r - 1) * cols + c
            suffix = "" if n == 1 else str(n)
            layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": [float(left), float(left + width)]}
            layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [float(max(0.0, bottom)), float(top)]}
            if shared_xaxes and r < rows:
                last = (rows - 1) * cols + c
                layout[f"xaxis{suffix}"].update(matches=f"x{last}", showticklabels=False)
            if n <= len(titles):
                annotations.append({"font": {"size": 16}, "showarrow": False, "text": titles[n - 1],
                                    "x": float(left + width / 2), "xanchor": "center", "xref": "paper",
                                    "y": float(top), "yanchor": "bottom", "yref": "paper"})
    if annotations:
        layout["annotations"] = annotations
    return layout


def axis_ids(cols: int, row: int, col: int) -> dict[str, str]:
    """The ``xaxis`` and ``yaxis`` of a trace in cell (row, col) of a :func:`subplots` grid."""
    n = (row - 1) * cols + col
    suffix = "" if n == 1 else str(n)
    return {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}


def _plotly_data() -> Path:
    """plotly.py's package data, found without importing plotly."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("plotly is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data"


@cache
def plotly_js() -> str:
    return (_plotly_data() / "plotly.min.js").read_text("utf-8")


@cache
def default_template() -> dict[str, Any]:
    """plotly.py's default template ("plotly"), which its figures carry in their layout."""
    return json.loads((_plotly_data() / "templates" / "plotly.json").read_text("utf-8"))


def figure_div(figure: dict[str, Any], *, div_id: str, include_plotlyjs: bool, config: dict[str, Any]) -> str:
    """A ``{"data": [...], "layout": {...}}`` figure as a ``<div>`` that draws it (plotly.js
    inlined when ``include_plotlyjs``), in the form ``Figure.to_html(full_html=False)`` gives."""
    from quotasim.outputs.style import TEMPLATE

    layout = {"template": TEMPLATE, **figure.get("layout", {})}
    height = layout.get("height")
    height_css = f"{height}px" if isinstance(height, (int, float)) else "100%"
    width = layout.get("width")
    width_css = f"{width}px" if isinstance(width, (int, float)) else "100%"
    load = ""
    if include_plotlyjs:
        load = ("<script type=\"text/javascript\">window.PlotlyConfig = {MathJaxConfig: 'local'};</script>"
                f"<script charset=\"utf-8\" type=\"text/javascript\">{plotly_js()}</script>")
    data = json.dumps(figure.get("data", []), separators=(",", ":"))
    jlayout = json.dumps(layout, separators=(",", ":"))
    jconfig = json.dumps({"responsive": True, **config})
    frames = ""
    if figure.get("frames"):
        jframes = json.dumps(figure["frames"], separators=(",", ":"))
        frames = f'.then(function(){{Plotly.addFrames("{div_id}", {jframes});}})'
    return (
        f'<div style="height:{height_css}; width:{width_css};">{load}'
        f'<div id="{div_id}" class="plotly-graph-div" style="height:100%; width:100%;"></div>'
        "<script type=\"text/javascript\">window.PLOTLYENV=window.PLOTLYENV || {};"
        f'if (document.getElementById("{div_id}")) {{Plotly.newPlot("{div_id}", {data}, {jlayout}, {jconfig}){frames}}};'
        "</script></div>"
    )


def figures_in_page(page: str) -> list[dict[str, Any]]:
    """The figures a page draws, read back from its ``Plotly.newPlot(id, data, layout, config)``
    calls (as :func:`figure_div` and plotly.py write them): ``{"id", "data", "layout", "frames"}``
    each, in page order. For tests, and for anyone checking a report file."""
    decoder = json.JSONDecoder()
    out = []
    marker = "Plotly.newPlot("
    start = page.find(marker)
    while start >= 0:
        pos = start + len(marker)
        div_id, pos = decoder.raw_decode(page, pos)
        values = []
        for _ in range(3):
            while page[pos] in ", \n":
                pos += 1
            value, pos = decoder.raw_decode(page, pos)
            values.append(value)
        data, layout, _config = values
        frames = []
        tail = page[pos:pos + 200]
        then = tail.find("Plotly.addFrames(")
        if then >= 0 and tail[:then].strip().startswith(").then("):
            pos += then + len("Plotly.addFrames(")
            _same_id, pos = decoder.raw_decode(page, pos)
            while page[pos] in ", \n":
                pos += 1
            frames, pos = decoder.raw_decode(page, pos)
        out.append({"id": div_id, "data": data, "layout": layout, "frames": frames})
        start = page.find(marker, pos)
    return out


__all__ = ["axis_ids", "default_template", "figure_div", "figures_in_page", "plotly_js", "subplots", "typed", "untyped"]
