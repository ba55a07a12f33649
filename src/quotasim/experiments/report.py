"""Self-contained HTML reports of a sensitivity analysis and of a comparison (plotly.js inlined
once, so the page opens offline).

Each report opens with the answer (the parameters above the noise floor for the headline
outcomes; the paired differences against the first scenario), then a table of contents, then one
section per output. Counts are shown as whole numbers (a mean of counts with one decimal), units
come from the model's declarations (:mod:`quotasim.experiments.outcomes`).
"""

from __future__ import annotations

import html
import math
import re
from typing import Any, Sequence

import numpy as np
import pandas as pd

from quotasim.experiments import outcomes
from quotasim.outputs import style

# The shared page style (outputs/style.py), plus what only experiment reports have: the answer
# box, the table of contents and the tables of indices.
_CSS = style.PAGE_CSS + """
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}td,th{padding:.2rem .6rem;border-bottom:1px solid var(--line);text-align:right}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}.muted{color:var(--muted)}.warn{color:#a33}
.answer{background:var(--card);border-left:4px solid var(--accent);padding:.6rem 1rem;margin:1rem 0}.answer li{margin:.2rem 0}
nav ol{columns:2;font-size:.9rem}a{color:var(--accent)}
"""


def page(title: str, intro: str, sections: Sequence[str]) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{intro}{''.join(sections)}</body></html>"
    )


class Figures:
    """Renders plotly figures, inlining plotly.js with the first one only."""

    def __init__(self) -> None:
        self.first = True

    def __call__(self, fig) -> str:
        text = fig.to_html(full_html=False, include_plotlyjs=self.first, config={"displaylogo": False})
        self.first = False
        return text


def anchor(name: str) -> str:
    return "o-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name)


def toc(entries: Sequence[tuple[str, str]], title: str = "Contents") -> str:
    """A table of contents: (anchor, text) pairs."""
    items = "".join(f"<li><a href='#{a}'>{html.escape(t)}</a></li>" for a, t in entries)
    return f"<nav><h2>{html.escape(title)}</h2><ol>{items}</ol></nav>"


def fmt_number(v: Any) -> str:
    """A number as a person reads it: thousands separated, whole numbers without decimals."""
    if v is None or (isinstance(v, (float, np.floating)) and not math.isfinite(float(v))):
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    v = float(v)
    if v == round(v) and abs(v) < 1e15:
        return f"{v:,.0f}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:,.4g}"
    return f"{v:.3g}"


def fmt_count(v: Any) -> str:
    """A count: a whole number; a mean of counts with one decimal."""
    if v is None or (isinstance(v, (float, np.floating)) and not math.isfinite(float(v))):
        return "–"
    v = float(v)
    return f"{v:,.0f}" if v == round(v) else f"{v:,.1f}"


def fmt_value(model: str, output: str, v: Any) -> str:
    return fmt_count(v) if outcomes.is_count(model, output) else fmt_number(v)


def with_unit(model: str, output: str) -> str:
    u = outcomes.unit(model, output)
    return f"{output} ({u})" if u else output


def _cell(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "<span class='muted'>no</span>"
    if isinstance(v, str):
        return html.escape(v)
    return fmt_number(v)


def table_html(df: pd.DataFrame, formatters: dict[str, Any] | None = None) -> str:
    formatters = formatters or {}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, row):
            f = formatters.get(c)
            cells.append(f"<td>{html.escape(f(v)) if f else _cell(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _list(items: dict[str, str]) -> str:
    return "<ul>" + "".join(f"<li><code>{html.escape(k)}</code>: {html.escape(v)}</li>" for k, v in items.items()) + "</ul>"


# -- sensitivity ---------------------------------------------------------------------------------

SHOWN_BELOW_NOISE = 5


def _index_key(method: str) -> str:
    return "ST" if method == "sobol" else "mu_star"


def _index_title(method: str, model: str, output: str) -> str:
    if method == "sobol":
        return "Sobol index (share of the output's variance)"
    u = outcomes.unit(model, output)
    return f"μ* and σ ({u + ' ' if u else ''}per full range of the parameter)"


def sensitivity_figure(df: pd.DataFrame, *, method: str, model: str, output: str):
    """Horizontal bars (parameter names on the axis, so labels never overlap): the parameters above
    noise, then the strongest few below it, with each index's confidence interval and noise floor."""
    import plotly.graph_objects as go

    key = _index_key(method)
    above = df[df["above_noise"]].sort_values(key, ascending=False)
    below = df[~df["above_noise"] & (df["parameter"] != "dummy")].sort_values(key, ascending=False).head(SHOWN_BELOW_NOISE)
    shown = pd.concat([above, below, df[df["parameter"] == "dummy"]]).iloc[::-1]
    labels = [f"{lab}{'' if a else ' (below noise)'}" for lab, a in zip(shown["label"], shown["above_noise"])]
    fig = go.Figure()
    conf = shown[f"{key}_conf"].fillna(0).to_numpy()
    value = shown[key].to_numpy()
    minus = np.minimum(conf, np.maximum(value, 0))  # the interval is drawn from 0: an index is not negative
    colour = [style.GREEN if a else style.GREY for a in shown["above_noise"]]
    fig.add_bar(y=labels, x=value, orientation="h", name=("ST (total)" if method == "sobol" else "μ* (mean |effect|)") + "; grey: below noise",
                marker_color=colour, error_x={"type": "data", "array": conf, "arrayminus": minus, "symmetric": False})
    if method == "sobol":
        s1 = shown["S1"].clip(lower=0).to_numpy()
        fig.add_bar(y=labels, x=s1, orientation="h", name="S1 (first order)", marker_color=style.SKY)
    else:
        fig.add_bar(y=labels, x=shown["sigma"].to_numpy(), orientation="h", name="σ (interactions, non-linearity)",
                    marker_color=style.SKY)
    fig.add_scatter(y=labels, x=shown["noise_floor"].to_numpy(), mode="markers", name="noise floor",
                    marker={"symbol": "line-ns-open", "size": 16, "color": style.VERMILLION, "line": {"width": 2}})
    top = float(np.nanmax(np.r_[value + conf, shown["noise_floor"].to_numpy(), [0.0]]))
    if method == "morris":
        top = max(top, float(np.nanmax(np.r_[shown["sigma"].to_numpy(), [0.0]])))
    fig.update_layout(
        barmode="group", height=max(260, 44 * len(shown) + 120), template=style.plotly_template(),
        margin={"l": 10, "r": 10, "t": 40, "b": 50}, legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        xaxis={"title": _index_title(method, model, output), "range": [0, top * 1.08 or 1], "rangemode": "nonnegative"},
        yaxis={"automargin": True},
    )
    return fig


def sensitivity_report(table: pd.DataFrame, *, method: str, title: str, meta: dict[str, Any]) -> str:
    """Headline, table of contents, then per output: bars with intervals and noise floors, and the table."""
    fig_html = Figures()
    model = meta.get("model", "")
    key = _index_key(method)
    symbol = "ST" if method == "sobol" else "μ*"
    analysed = list(dict.fromkeys(table["output"])) if len(table) else []
    chosen = [o for o in meta.get("headline", []) if o in analysed] or analysed[:8]
    reps = meta.get("replicates")
    intro = (
        f"<p class='muted'>{html.escape(method.capitalize())} analysis (SALib) of {meta.get('runs', 0):,} runs: "
        f"N = {meta.get('samples')}, {meta.get('params')} parameters and a dummy parameter no run reads, "
        f"{reps} replicate(s) per design row with common random numbers (replicate r has the same seed in every row; "
        f"indices on the replicates' mean), seed {meta.get('seed')}, quotasim {html.escape(str(meta.get('version')))}. "
        f"An index is <b>above noise</b> when it exceeds its noise floor: the 95th percentile of the same index on "
        f"seed noise alone (a wild bootstrap over replicates) and the dummy's index with its interval.</p>"
    )
    if reps is not None and reps < 2:
        intro += "<p class='warn'>One replicate: the seed noise cannot be measured; the floor is the dummy's alone.</p>"
    answer = []
    for output in chosen:
        df = table[(table["output"] == output) & table["above_noise"]].sort_values(key, ascending=False)
        names = ", ".join(
            f"<a href='#{anchor(output)}'>{html.escape(r['label'])}</a> ({symbol} {fmt_number(r[key])})" for _, r in df.iterrows()
        )
        answer.append(f"<li><b>{html.escape(with_unit(model, output))}</b>: {names or '<span class=muted>no parameter above noise</span>'}</li>")
    answer_html = (
        f"<div class='answer'><b>What moves the headline outcomes</b> (parameters above noise, most influential first):"
        f"<ul>{''.join(answer)}</ul></div>"
    )
    notes = ""
    if meta.get("left_out_params"):
        notes += f"<details><summary>{len(meta['left_out_params'])} parameter(s) not varied: they cannot act in this scenario</summary>{_list(meta['left_out_params'])}</details>"
    if meta.get("left_out_outputs"):
        notes += f"<details><summary>{len(meta['left_out_outputs'])} output(s) not analysed</summary>{_list(meta['left_out_outputs'])}</details>"
    order = chosen + [o for o in analysed if o not in chosen]
    sections = [answer_html, notes, toc([(anchor(o), with_unit(model, o)) for o in order])]
    for output in order:
        df = table[table["output"] == output]
        fig = sensitivity_figure(df, method=method, model=model, output=output)
        if method == "sobol":
            cols = ["label", "S1", "S1_conf", "ST", "ST_conf", "noise_floor", "above_noise", "S1_half", "ST_half", "converged"]
        else:
            cols = ["label", "mu_star", "mu_star_conf", "sigma", "mu", "noise_floor", "above_noise", "mu_star_half", "converged"]
        ordered = df.sort_values(key, ascending=False)[[c for c in cols if c in df]].rename(columns={"label": "parameter"})
        n_above = int(df["above_noise"].sum())
        desc = outcomes.described(model, output)
        sections.append(
            f"<h2 id='{anchor(output)}'>{html.escape(with_unit(model, output))}</h2>"
            + (f"<p class='muted'>{html.escape(desc)}</p>" if desc else "")
            + f"<p>{n_above} of {len(df) - 1} parameters above noise.</p>{fig_html(fig)}"
            + f"<details><summary>all parameters</summary>{table_html(ordered)}</details>"
        )
    return page(title, intro, sections)


# -- compare -------------------------------------------------------------------------------------


def differences_figure(summary: pd.DataFrame, names: Sequence[str], outputs_: Sequence[str], model: str):
    """Paired differences against the first scenario, one panel per outcome (each with its own axis)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    others = list(names[1:])
    fig = make_subplots(rows=len(outputs_), cols=1, subplot_titles=[with_unit(model, o) for o in outputs_], vertical_spacing=0.5 / max(len(outputs_), 1))
    for i, output in enumerate(outputs_, start=1):
        df = summary[(summary["output"] == output)].set_index("scenario")
        for name in others:
            if name not in df.index:
                continue
            m, lo, hi = (float(df.loc[name, c]) for c in ("diff_mean", "diff_p05", "diff_p95"))
            fig.add_scatter(
                x=[m], y=[name], mode="markers", marker={"size": 11, "color": style.BLUE}, showlegend=False,
                error_x={"type": "data", "symmetric": False, "array": [max(hi - m, 0)], "arrayminus": [max(m - lo, 0)]},
                hovertext=f"{name} − {names[0]}: {fmt_value(model, output, m)} [{fmt_value(model, output, lo)}, {fmt_value(model, output, hi)}]",
                row=i, col=1,
            )
        fig.add_vline(x=0, line={"color": "#888", "dash": "dot"}, row=i, col=1)
        fig.update_yaxes(automargin=True, row=i, col=1)
    fig.update_layout(height=110 * len(outputs_) * max(1, len(others)) ** 0.5 + 80, template=style.plotly_template(),
                      margin={"l": 10, "r": 10, "t": 40, "b": 30})
    return fig


def compare_report(summary: pd.DataFrame, runs: dict[str, pd.DataFrame], *, title: str, meta: dict[str, Any]) -> str:
    """Opens with the paired differences against the first scenario for the headline outcomes;
    then a table of contents and one section per output (replicates, mean and 90% interval)."""
    import plotly.graph_objects as go

    fig_html = Figures()
    model = meta.get("model", "")
    names = list(runs)
    intro = (
        f"<p class='muted'>{len(names)} scenarios, {meta.get('replicates')} replicates each, common random numbers "
        f"(replicate i uses the same seed in every scenario; comparison seed {meta.get('seed')}), quotasim "
        f"{html.escape(str(meta.get('version')))}. Differences are paired by replicate against "
        f"<b>{html.escape(names[0])}</b>: mean and 90% interval (5th–95th percentile of the paired differences).</p>"
    )
    all_outputs = list(dict.fromkeys(summary["output"])) if len(summary) else []
    same, setup, varying = [], [], []
    setup_names = outcomes.setup_outputs(model)
    for output in all_outputs:
        df = summary[summary["output"] == output]
        if df["mean"].nunique(dropna=False) == 1 and (df["p05"] == df["p95"]).all():
            same.append(output)
        elif output in setup_names:
            setup.append(output)
        else:
            varying.append(output)
    top = [o for o in outcomes.headline(model, varying) if o in varying][:8] or varying[:8]
    sections = []
    if top and len(names) > 1:
        diff_rows = []
        for output in top:
            df = summary[summary["output"] == output].set_index("scenario")
            for name in names[1:]:
                if name in df.index:
                    r = df.loc[name]
                    diff_rows.append({
                        "output": with_unit(model, output), "scenario": name,
                        f"{names[0]} (mean)": fmt_value(model, output, df.loc[names[0], "mean"]),
                        "scenario (mean)": fmt_value(model, output, r["mean"]),
                        "difference (mean)": fmt_value(model, output, r["diff_mean"]),
                        "90% interval": f"[{fmt_value(model, output, r['diff_p05'])}, {fmt_value(model, output, r['diff_p95'])}]",
                    })
        sections.append(
            f"<div class='answer'><b>The difference each scenario makes</b>, against {html.escape(names[0])}, paired by replicate:"
            f"{table_html(pd.DataFrame(diff_rows))}</div>{fig_html(differences_figure(summary, names, top, model))}"
        )
    order = top + [o for o in varying if o not in top]
    entries = [(anchor(o), with_unit(model, o)) for o in order]
    if setup:
        entries.append(("setup", "Outputs that describe the population"))
    if same:
        entries.append(("same", "Outputs with one value in every run"))
    entries.append(("all", "All outputs (table)"))
    sections.append(toc(entries))
    for output in order:
        df = summary[summary["output"] == output]
        fig = go.Figure()
        for i, name in enumerate(names):
            r = runs[name]
            if output not in r:
                continue
            y = r.loc[r["status"] == "ok", output].to_numpy(dtype=float)
            rng = np.random.default_rng(i)
            fig.add_scatter(x=i + rng.uniform(-0.15, 0.15, len(y)), y=y, mode="markers", marker={"size": 5, "opacity": 0.4},
                            name=name, showlegend=False)
            row = df[df["scenario"] == name]
            if len(row):
                m, lo, hi = (float(row[c].iloc[0]) for c in ("mean", "p05", "p95"))
                fig.add_scatter(x=[i], y=[m], mode="markers", marker={"size": 12, "color": "black", "symbol": "diamond"},
                                error_y={"type": "data", "symmetric": False, "array": [hi - m], "arrayminus": [m - lo]},
                                name=f"{name}: mean, 90% interval", showlegend=False)
        fig.update_layout(
            xaxis={"tickvals": list(range(len(names))), "ticktext": names}, yaxis_title=with_unit(model, output), height=340,
            margin={"l": 10, "r": 10, "t": 30, "b": 40}, template=style.plotly_template(),
        )
        if outcomes.is_count(model, output):
            fig.update_yaxes(tickformat=",d")
        cells = df[["scenario", "mean", "p05", "p95", "diff_mean", "diff_p05", "diff_p95", "n", "failed"]]
        fmt = {c: (lambda v, _o=output: fmt_value(model, _o, v)) for c in ("mean", "p05", "p95", "diff_mean", "diff_p05", "diff_p95")}
        sections.append(f"<h2 id='{anchor(output)}'>{html.escape(with_unit(model, output))}</h2>{fig_html(fig)}{table_html(cells, fmt)}")
    if setup:
        rows = summary[summary["output"].isin(setup)][["output", "scenario", "mean", "p05", "p95"]]
        sections.append(f"<h2 id='setup'>Outputs that describe the population</h2>{table_html(rows)}")
    if same:
        sections.append(f"<h2 id='same'>Outputs with one value in every run</h2><p class='muted'>{html.escape(', '.join(same))}</p>")
    full = summary.astype(object).copy()
    for c in ("mean", "p05", "p95", "diff_mean", "diff_p05", "diff_p95"):
        full[c] = [fmt_value(model, o, v) for o, v in zip(summary["output"], summary[c])]
    sections.append(f"<h2 id='all'>All outputs</h2>{table_html(full)}")
    return page(title, intro, sections)
