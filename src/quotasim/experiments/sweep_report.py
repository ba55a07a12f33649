"""``DIR/report.html`` of a finished sweep: each outcome's distribution, and how it moves with
each varied parameter.

For every outcome shown (the headline outcomes, or ``--output``): a histogram of its values over
the runs; the rank correlation (Spearman's ρ) of the outcome with every varied parameter; and, for
the parameters it moves most, the outcome's mean and 10–90% band in ten bins of the parameter.
Everything is binned here, so the page stays small whatever the number of runs.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from quotasim.experiments import outcomes
from quotasim.experiments.report import Figures, anchor, fmt_number, fmt_value, page, table_html, toc, with_unit
from quotasim.outputs import style

BINS = 10
PANELS = 6


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _ranks(x: np.ndarray) -> np.ndarray:
    return pd.Series(x).rank(method="average").to_numpy()


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation (NaN when either side is constant)."""
    rx, ry = _ranks(x), _ranks(y)
    sx, sy = rx.std(), ry.std()
    if sx == 0 or sy == 0:
        return float("nan")
    return float(np.mean((rx - rx.mean()) * (ry - ry.mean())) / (sx * sy))


def binned(x: np.ndarray, y: np.ndarray, bins: int = BINS) -> pd.DataFrame:
    """The outcome's mean, 10th and 90th percentiles in ``bins`` quantile bins of the parameter."""
    edges = np.unique(np.quantile(x, np.linspace(0, 1, bins + 1)))
    if len(edges) < 2:
        return pd.DataFrame(columns=["x", "mean", "p10", "p90", "n"])
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    df = pd.DataFrame({"b": which, "x": x, "y": y})
    g = df.groupby("b")
    return pd.DataFrame({
        "x": g["x"].mean(), "mean": g["y"].mean(), "p10": g["y"].quantile(0.1), "p90": g["y"].quantile(0.9), "n": g["y"].size(),
    }).reset_index(drop=True)


def sweep_report(runs: pd.DataFrame, manifest: dict, outputs: Sequence[str] = ()) -> str:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig_html = Figures()
    scenario = manifest.get("scenario", {})
    model = scenario.get("model", "")
    design = manifest.get("design", {})
    params = [p for p in design.get("params", []) if not p.get("dummy")]
    ok = runs[runs["status"] == "ok"] if len(runs) else runs
    available = [o for o in (manifest.get("outputs") or []) if o in ok and ok[o].notna().any()]
    setup = outcomes.setup_outputs(model)
    varying = [o for o in available if o not in setup and ok[o].nunique() > 1]
    shown = list(outputs) or outcomes.headline(model, varying)[:8] or varying[:8]
    intro = (
        f"<p class='muted'>{html.escape(str(scenario.get('name', '')))}: {manifest.get('done', len(runs)):,} runs "
        f"({manifest.get('failed', 0):,} failed) of a {html.escape(str(design.get('name')))} design, "
        f"{design.get('rows', 0):,} rows × {_n(design.get('replicates', 1), 'replicate')}, {_n(len(params), 'parameter')} varied, "
        f"seed {design.get('seed')}, quotasim {html.escape(str(manifest.get('quotasim_version')))}. "
        "For each outcome: its distribution over the runs, its rank correlation with every varied parameter, "
        f"and its mean with the 10–90% band in {BINS} bins of the parameters that move it most.</p>"
    )
    sections = []
    if design.get("left_out"):
        items = "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(v)}</li>" for k, v in design["left_out"].items())
        sections.append(f"<details><summary>{_n(len(design['left_out']), 'parameter')} not varied: they cannot act in this scenario</summary><ul>{items}</ul></details>")
    sections.append(toc([(anchor(o), with_unit(model, o)) for o in shown]))
    labels = {p["path"]: p.get("label", p["path"]) for p in params}
    for output in shown:
        if output not in ok:
            continue
        y = ok[output].to_numpy(dtype=float, na_value=np.nan)
        good = ~np.isnan(y)
        y = y[good]
        title = with_unit(model, output)
        if not len(y):
            sections.append(f"<h2 id='{anchor(output)}'>{html.escape(title)}</h2><p class='muted'>no value in any run</p>")
            continue
        counts, edges = np.histogram(y, bins=min(40, max(5, len(np.unique(y)))))
        hist = go.Figure(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, width=np.diff(edges), marker_color=style.BLUE))
        hist.update_layout(height=260, template=style.plotly_template(), margin={"l": 10, "r": 10, "t": 30, "b": 40},
                           xaxis_title=title, yaxis_title="runs", bargap=0.02)
        stats = (f"mean {fmt_value(model, output, y.mean())}, median {fmt_value(model, output, np.median(y))}, "
                 f"5–95% [{fmt_value(model, output, np.quantile(y, 0.05))}, {fmt_value(model, output, np.quantile(y, 0.95))}]")
        rho = []
        for p in params:
            if p["path"] in ok:
                x = ok[p["path"]].to_numpy(dtype=float)[good]
                rho.append({"parameter": labels[p["path"]], "path": p["path"], "rho": spearman(x, y)})
        rho_df = pd.DataFrame(rho, columns=["parameter", "path", "rho"])
        rho_df = rho_df.assign(strength=rho_df["rho"].abs()).sort_values("strength", ascending=False, na_position="last")
        parts = [f"<h2 id='{anchor(output)}'>{html.escape(title)}</h2><p>{stats}</p>{fig_html(hist)}"]
        top = rho_df.dropna(subset=["rho"]).head(PANELS)
        if len(top):
            cols = min(3, len(top))
            nrows = -(-len(top) // cols)
            grid = make_subplots(rows=nrows, cols=cols, subplot_titles=[f"{r.parameter} (ρ = {r.rho:+.2f})" for r in top.itertuples()],
                                 horizontal_spacing=0.08, vertical_spacing=0.25 / nrows)
            for k, r in enumerate(top.itertuples()):
                x = ok[r.path].to_numpy(dtype=float)[good]
                b = binned(x, y)
                row, col = k // cols + 1, k % cols + 1
                grid.add_scatter(x=np.r_[b["x"], b["x"][::-1]], y=np.r_[b["p90"], b["p10"][::-1]], fill="toself", mode="lines",
                                 line={"width": 0}, fillcolor="rgba(26,95,180,0.15)", showlegend=False, hoverinfo="skip", row=row, col=col)
                grid.add_scatter(x=b["x"], y=b["mean"], mode="lines+markers", line={"color": style.BLUE}, showlegend=False,
                                 row=row, col=col)
            grid.update_layout(height=260 * nrows + 60, template=style.plotly_template(), margin={"l": 10, "r": 10, "t": 40, "b": 30})
            grid.update_annotations(font_size=11)
            parts.append(fig_html(grid))
        rho_table = rho_df[["parameter", "rho"]].rename(columns={"rho": "Spearman ρ"})
        parts.append(f"<details><summary>rank correlation with every varied parameter</summary>{table_html(rho_table, {'Spearman ρ': lambda v: fmt_number(round(v, 3)) if v == v else '–'})}</details>")
        sections.append("".join(parts))
    return page(f"Sweep of {scenario.get('name', '')}", intro, sections)


def write_sweep_report(out: Path, outputs: Sequence[str] = ()) -> Path:
    """Write ``out/report.html`` (atomically) and return its path."""
    from quotasim.experiments.store import read_manifest, read_runs
    from quotasim.outputs.write import replaced_atomically

    out = Path(out)
    text = sweep_report(read_runs(out), read_manifest(out) or {}, outputs)
    path = out / "report.html"
    with replaced_atomically(path) as tmp:
        tmp.write_text(text, "utf-8")
    return path
