"""report.html of a calibration: self-contained (plotly.js inlined once), figures as plain dicts,
in the shared style of every report (``quotasim.outputs.style``: template, colours, page CSS)."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from quotasim.outputs import style
from quotasim.outputs.plotly_dict import axis_ids, figure_div, subplots, typed

# The shared page style, plus the tables only a calibration report has.
_CSS = style.PAGE_CSS + """
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}td,th{padding:.2rem .6rem;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}td.text{text-align:left;max-width:32rem}.muted{color:var(--muted)}
"""
POSTERIOR_COLOUR = style.BLUE
PRIOR_COLOUR = style.VERMILLION
TARGET_COLOUR = style.GREEN
TARGET_FILL = "rgba(0, 158, 115, 0.18)"  # style.GREEN, light


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "–"
    if isinstance(v, (float, np.floating)):
        a = abs(float(v))
        return f"{v:,.0f}" if a >= 1000 else f"{v:.3g}"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    return html.escape(str(v))


def _table(df: pd.DataFrame, text_cols: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, row):
            cls = " class='text'" if c in text_cols else ""
            cells.append(f"<td{cls}>{_fmt(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class _Figures:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, fig: dict) -> str:
        self.n += 1
        return figure_div(fig, div_id=f"figure-{self.n}", include_plotlyjs=self.n == 1, config={"displaylogo": False})


def _grid(n: int, cols: int = 3) -> tuple[int, int]:
    cols = max(1, min(cols, n))
    return -(-n // cols), cols


def posterior_figure(plan, raw: pd.DataFrame, weights: np.ndarray) -> dict:
    rows, cols = _grid(len(plan.priors))
    layout = subplots(rows, cols, titles=[p.path for p in plan.priors], vertical_spacing=0.12 if rows > 1 else None)
    data = []
    for k, p in enumerate(plan.priors):
        r, c = divmod(k, cols)
        ax = axis_ids(cols, r + 1, c + 1)
        lo, hi = p.support
        counts, edges = np.histogram(raw[p.path].to_numpy(float), bins=20, range=(lo, hi), weights=weights / weights.sum())
        density = counts / np.diff(edges)
        data.append({"type": "bar", "x": typed((edges[:-1] + edges[1:]) / 2), "y": typed(density), "width": float(edges[1] - edges[0]),
                     "marker": {"color": POSTERIOR_COLOUR}, "name": "posterior", "showlegend": k == 0, **ax})
        data.append({"type": "scatter", "mode": "lines", "x": [lo, hi], "y": [1 / (hi - lo)] * 2, "line": {"color": PRIOR_COLOUR, "dash": "dash"},
                     "name": "prior (uniform)", "showlegend": k == 0, **ax})
    layout.update(height=260 * rows, title={"text": "Posterior (bars) against the prior (dashed), density"}, bargap=0)
    return {"data": data, "layout": style.left_titles(layout)}


def correlations(plan, raw: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    paths = [p.path for p in plan.priors]
    if len(paths) < 2:
        return pd.DataFrame(columns=["parameter_a", "parameter_b", "correlation"])
    x = raw[paths].to_numpy(float)
    w = weights / weights.sum()
    mean = w @ x
    cov = ((x - mean) * w[:, None]).T @ (x - mean)
    sd = np.sqrt(np.diag(cov))
    with np.errstate(all="ignore"):
        corr = cov / np.outer(sd, sd)
    rows = [(paths[i], paths[j], float(corr[i, j])) for i in range(len(paths)) for j in range(i + 1, len(paths))]
    rows.sort(key=lambda r: -abs(r[2]) if np.isfinite(r[2]) else 0)
    return pd.DataFrame(rows, columns=["parameter_a", "parameter_b", "correlation"])


def pairs_figure(raw: pd.DataFrame, weights: np.ndarray, pairs: pd.DataFrame, n: int = 4) -> dict | None:
    top = pairs.head(n)
    if not len(top):
        return None
    rows, cols = _grid(len(top), 4)
    layout = subplots(rows, cols, titles=[f"r = {r:.2f}" for r in top["correlation"]])
    data = []
    size = 4 + 10 * weights / weights.max()
    for k, row in enumerate(top.itertuples(index=False)):
        ax = axis_ids(cols, 1 + k // cols, 1 + k % cols)
        data.append({"type": "scatter", "mode": "markers", "x": typed(raw[row.parameter_a].to_numpy(float)),
                     "y": typed(raw[row.parameter_b].to_numpy(float)), "marker": {"size": typed(size), "opacity": 0.5, "color": POSTERIOR_COLOUR},
                     "showlegend": False, **ax})
        n_ax = "" if k == 0 else str(k + 1)
        layout[f"xaxis{n_ax}"]["title"] = {"text": row.parameter_a, "font": {"size": 10}}
        layout[f"yaxis{n_ax}"]["title"] = {"text": row.parameter_b, "font": {"size": 10}}
    layout.update(height=320 * rows, title={"text": "The most strongly correlated pairs (marker size: weight)"})
    return {"data": data, "layout": layout}


def generations_figure(generations: pd.DataFrame) -> dict:
    g = generations[generations["generation"] >= 0]
    layout = subplots(1, 3, titles=["epsilon", "acceptance rate", "fit: the median run's worst target"])
    data = [
        {"type": "scatter", "mode": "lines+markers", "x": typed(g["generation"].to_numpy()), "y": typed(g["epsilon"].to_numpy(float)),
         "showlegend": False, **axis_ids(3, 1, 1)},
        {"type": "scatter", "mode": "lines+markers", "x": typed(g["generation"].to_numpy()), "y": typed(g["acceptance_rate"].to_numpy(float)),
         "showlegend": False, **axis_ids(3, 1, 2)},
        {"type": "scatter", "mode": "lines+markers", "x": typed(g["generation"].to_numpy()), "y": typed(g["fit"].to_numpy(float)),
         "showlegend": False, **axis_ids(3, 1, 3)},
    ]
    layout["xaxis"]["title"] = {"text": "generation"}
    layout["xaxis2"]["title"] = {"text": "generation"}
    layout["xaxis3"]["title"] = {"text": "generation"}
    layout["yaxis2"]["tickformat"] = ".0%"
    layout.update(height=320, title={"text": "Epsilon, acceptance rate and fit per generation (fit ≤ 1: most accepted runs meet every target)"})
    return {"data": data, "layout": layout}


def predictive_figure(plan, predictive: pd.DataFrame) -> dict:
    targets = plan.targets.targets
    rows, cols = _grid(len(targets))
    layout = subplots(rows, cols, titles=[t.output for t in targets], vertical_spacing=0.12 if rows > 1 else None)
    data, shapes = [], []
    for k, t in enumerate(targets):
        ax = axis_ids(cols, 1 + k // cols, 1 + k % cols)
        y = predictive[t.output].to_numpy(float)
        y = y[np.isfinite(y)]
        data.append({"type": "histogram", "x": typed(y), "nbinsx": 25, "marker": {"color": POSTERIOR_COLOUR}, "showlegend": False, **ax})
        lo, hi = t.interval if t.interval is not None else (t.value - t.sd, t.value + t.sd)
        xref, yref = ax["xaxis"], ax["yaxis"]
        shapes.append({"type": "rect", "xref": xref, "yref": f"{yref} domain", "x0": lo, "x1": hi, "y0": 0, "y1": 1,
                       "fillcolor": TARGET_FILL, "line": {"width": 0}})
        if t.interval is None:
            shapes.append({"type": "line", "xref": xref, "yref": f"{yref} domain", "x0": t.value, "x1": t.value, "y0": 0, "y1": 1,
                           "line": {"color": TARGET_COLOUR, "width": 2}})
    layout.update(height=260 * rows, shapes=shapes,
                  title={"text": "Posterior predictive of every target (runs at posterior draws, fresh seeds); green: its interval, or value ± sd"})
    return {"data": data, "layout": style.left_titles(layout)}


def calibration_report(plan, manifest: dict, history: dict, generations: pd.DataFrame, ident: pd.DataFrame,
                       predictive: pd.DataFrame, pred_summary: pd.DataFrame) -> str:
    from quotasim import __version__

    fig = _Figures()
    raw, weights = history["raw"], history["weights"]
    pairs = correlations(plan, raw, weights)
    sessions = manifest.get("sessions", [])
    command = sessions[0].get("command", "") if sessions else ""
    intro = (
        f"<p>Scenario <b>{html.escape(plan.scenario.name)}</b> calibrated to <b>{html.escape(plan.targets.name)}</b> "
        f"({len(plan.targets.targets)} targets) by ABC-SMC (pyABC): {len(plan.priors)} parameters, uniform priors, "
        f"{plan.particles} particles, {history['t_last'] + 1} generations; stopped at "
        f"{html.escape(str(manifest.get('stop_reason') or 'an interruption'))}. Seed {plan.seed}; quotasim {html.escape(__version__)}.</p>"
        f"<p class='muted'>Command: <code>{html.escape(command)}</code>. The distance is the worst target's residual "
        "(|residual| ≤ 1: within one sd of its value, or inside its interval), each target's scale refitted to the last "
        "population and never below 1; epsilon is the weighted median of the last population's distances, never below "
        f"--min-epsilon {plan.min_epsilon:g}. docs/calibration.md says what is reproducible from the seed.</p>"
    )
    sections = []
    ident_view = ident.assign(width_ratio=ident["width_ratio"].round(3))
    sections.append(
        "<h2>Identifiability</h2><p>Posterior 90% width ÷ prior width: what the evidence constrains and what it leaves "
        "open (a uniform prior alone gives 0.9). Below 0.5: constrained; 0.5–0.75: weakly constrained; above: not "
        "constrained, the value stays an assumption.</p>" + _table(ident_view)
    )
    sections.append("<h2>Posterior against prior</h2>" + fig(posterior_figure(plan, raw, weights)))
    pf = pairs_figure(raw, weights, pairs)
    sections.append("<h2>Strongest correlations</h2>" + _table(pairs.head(8)) + (fig(pf) if pf else ""))
    sections.append("<h2>Generations</h2>" + fig(generations_figure(generations)) + _table(generations))
    sections.append(
        "<h2>Posterior predictive</h2><p>Each target against its value or interval, over "
        f"{len(predictive)} runs at posterior draws with fresh seeds: chance and parameter uncertainty together.</p>"
        + fig(predictive_figure(plan, predictive)) + _table(pred_summary, text_cols=("source",))
    )
    facts = "".join(f"<li>{html.escape(s)}</li>" for s in plan.targets.not_expressed)
    left = "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(v)}</li>" for k, v in (manifest.get("left_out") or {}).items())
    targets = pd.DataFrame([{"output": t.output, "fact": t.describe(), "source": t.source, "note": t.note} for t in plan.targets.targets])
    sections.append("<h2>Targets</h2>" + _table(targets, text_cols=("source", "note")))
    if facts:
        sections.append(f"<h2>Facts no output can hold</h2><ul>{facts}</ul>")
    if left:
        sections.append(f"<h2>Ranged parameters left out</h2><p>They cannot act in this scenario.</p><ul>{left}</ul>")
    title = f"Calibration of {plan.scenario.name} to {plan.targets.name}"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{intro}{''.join(sections)}</body></html>"
    )
