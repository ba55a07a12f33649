"""Self-contained HTML reports of a sensitivity analysis and of a comparison (plotly.js inlined
once, so the page opens offline)."""

from __future__ import annotations

import html
from typing import Any, Sequence

import numpy as np
import pandas as pd

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}td,th{padding:.2rem .6rem;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}.muted{color:#777}.warn{color:#a33}
"""


def _page(title: str, intro: str, sections: Sequence[str]) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{intro}{''.join(sections)}</body></html>"
    )


class _Figures:
    """Renders plotly figures, inlining plotly.js with the first one only."""

    def __init__(self) -> None:
        self.first = True

    def __call__(self, fig) -> str:
        text = fig.to_html(full_html=False, include_plotlyjs=self.first, config={"displaylogo": False})
        self.first = False
        return text


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "<span class='warn'>no</span>"
    if isinstance(v, (float, np.floating)):
        return f"{v:,.3f}" if abs(v) < 1000 else f"{v:,.0f}"
    return html.escape(str(v))


def _table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{_fmt(v)}</td>" for v in row) + "</tr>" for row in df.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def sensitivity_report(table: pd.DataFrame, *, method: str, title: str, meta: dict[str, Any]) -> str:
    """One section per output: indices with 95% confidence intervals and the N/2 convergence check."""
    import plotly.graph_objects as go

    fig_html = _Figures()
    intro = (
        f"<p class='muted'>{html.escape(method.capitalize())} analysis (SALib) of {meta.get('runs', '?'):,} runs: "
        f"N = {meta.get('samples')}, {meta.get('params')} parameters, {meta.get('replicates')} replicate(s) per design row "
        f"(averaged), seed {meta.get('seed')}, quotasim {html.escape(str(meta.get('version')))}. Bars show 95% confidence "
        "intervals; the convergence column compares the indices at N/2 with N.</p>"
    )
    sections = []
    skipped: dict[str, list[str]] = {}
    for output, df in table.groupby("output", sort=False):
        noted = df["note"].fillna("").astype(str)
        if (noted != "").all():
            skipped.setdefault(noted.iloc[0], []).append(output)
            continue
        if method == "sobol":
            df = df.sort_values("ST", ascending=True)
            fig = go.Figure(
                [
                    go.Bar(y=df["parameter"], x=df["S1"], error_x={"array": df["S1_conf"]}, name="S1 (first order)", orientation="h"),
                    go.Bar(y=df["parameter"], x=df["ST"], error_x={"array": df["ST_conf"]}, name="ST (total)", orientation="h"),
                ]
            )
            fig.update_layout(barmode="group", xaxis_title="Sobol index")
            cols = [c for c in ("parameter", "S1", "S1_conf", "ST", "ST_conf", "S1_half", "ST_half", "converged") if c in df]
            ordered = df.sort_values("ST", ascending=False)[cols]
        else:
            df = df.sort_values("mu_star", ascending=True)
            top = set(df.nlargest(8, "mu_star")["parameter"])  # label the 8 largest; all have hover text
            fig = go.Figure(
                go.Scatter(
                    x=df["mu_star"], y=df["sigma"], mode="markers+text", hovertext=df["parameter"],
                    text=[p if p in top else "" for p in df["parameter"]], textposition="top center",
                    error_x={"array": df["mu_star_conf"]},
                )
            )
            fig.update_layout(xaxis_title="μ* (mean absolute elementary effect)", yaxis_title="σ (interaction / non-linearity)")
            cols = [c for c in ("parameter", "mu_star", "mu_star_conf", "sigma", "mu", "mu_star_half", "converged") if c in df]
            ordered = df.sort_values("mu_star", ascending=False)[cols]
        fig.update_layout(height=max(300, 28 * len(df) + 120), margin={"l": 10, "r": 10, "t": 30, "b": 40}, template="plotly_white")
        sections.append(f"<h2>{html.escape(output)}</h2>{fig_html(fig)}{_table(ordered)}")
    if skipped:
        lines = "".join(
            f"<p class='muted'>{html.escape(note)}: {html.escape(', '.join(outputs))}</p>" for note, outputs in skipped.items()
        )
        sections.append(f"<h2>Not analysed</h2>{lines}")
    return _page(title, intro, sections)


def compare_report(summary: pd.DataFrame, runs: dict[str, pd.DataFrame], *, title: str, meta: dict[str, Any]) -> str:
    """One section per output: each scenario's replicates, mean and 90% interval side by side."""
    import plotly.graph_objects as go

    fig_html = _Figures()
    names = list(runs)
    intro = (
        f"<p class='muted'>{len(names)} scenarios, {meta.get('replicates')} replicates each, common random numbers "
        f"(replicate i uses the same seed in every scenario; comparison seed {meta.get('seed')}), quotasim "
        f"{html.escape(str(meta.get('version')))}. Dots are replicates, the bar is the mean with its 90% interval "
        f"(5th–95th percentile); the difference columns are paired by replicate against {html.escape(names[0])}.</p>"
    )
    sections = []
    same = []
    for output, df in summary.groupby("output", sort=False):
        if df["p05"].nunique() == 1 and df["p95"].nunique() == 1 and df["mean"].nunique() == 1 and (df["p05"] == df["p95"]).all():
            same.append(output)  # one value in every run of every scenario: nothing to plot
            continue
        fig = go.Figure()
        for i, name in enumerate(names):
            r = runs[name]
            if output not in r:
                continue
            y = r.loc[r["status"] == "ok", output].to_numpy(dtype=float)
            rng = np.random.default_rng(i)
            fig.add_trace(
                go.Scatter(x=i + rng.uniform(-0.15, 0.15, len(y)), y=y, mode="markers", marker={"size": 5, "opacity": 0.4},
                           name=name, showlegend=False)
            )
            row = df[df["scenario"] == name]
            if len(row):
                m, lo, hi = (float(row[c].iloc[0]) for c in ("mean", "p05", "p95"))
                fig.add_trace(
                    go.Scatter(x=[i], y=[m], mode="markers", marker={"size": 12, "color": "black", "symbol": "diamond"},
                               error_y={"type": "data", "symmetric": False, "array": [hi - m], "arrayminus": [m - lo]},
                               name=f"{name}: mean, 90% interval", showlegend=False)
                )
        fig.update_layout(
            xaxis={"tickvals": list(range(len(names))), "ticktext": names}, yaxis_title=output, height=360,
            margin={"l": 10, "r": 10, "t": 30, "b": 40}, template="plotly_white",
        )
        sections.append(f"<h2>{html.escape(output)}</h2>{fig_html(fig)}")
    if same:
        sections.append(f"<h2>Outputs with one value in every run</h2><p class='muted'>{html.escape(', '.join(same))}</p>")
    sections.append(f"<h2>All outputs</h2>{_table(summary)}")
    return _page(title, intro, sections)
