"""Scenario discovery: which combinations of parameter values lead to an outcome.

Given a finished (or partly finished) sweep and a condition on its outputs
(:mod:`quotasim.experiments.where`), each run is a case: its varied parameters are ``x``, and
whether it meets the condition is ``y``. Three methods answer:

* **PRIM** (EMA Workbench, ``ema_workbench.analysis.prim``): boxes (a range per parameter) that
  hold many of the runs meeting the condition (*coverage*: the share of those runs in the box) and
  few others (*density*: the share of the box's runs that meet it). Each box is chosen on its
  peeling trajectory as the one with the best balance of the two (the highest harmonic mean of
  coverage and density) among those with density ≥ the threshold (else the densest); the next box is searched among the runs outside the earlier ones.
  Each limit comes with its quasi-p-value (a one-sided binomial test: could the restriction be
  chance?).
* **CART** (scikit-learn's decision tree): the leaves that predict the condition, as boxes.
* **Feature scoring** (extra trees): how much each varied parameter tells about the condition.

Written to the output folder: ``discover.html``, ``boxes.parquet`` (one row per box × parameter),
``feature_scores.csv``, and for a scenario sweep ``box-K.toml`` for each PRIM box: the sweep's
scenario with the box's ranges, which ``quotasim sweep`` accepts to zoom in.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from quotasim.experiments.report import Figures, fmt_number, page, table_html
from quotasim.outputs import style

DEFAULT_THRESHOLD = 0.8
DEFAULT_BOXES = 3
CART_DEPTH = 4


@dataclass
class Box:
    method: str
    number: int
    limits: dict[str, tuple[float, float]]  # parameter -> (low, high), every parameter
    restricted: list[str]
    coverage: float
    density: float
    mass: float
    n: int
    qp: dict[str, tuple[float, float]] = field(default_factory=dict)  # restricted parameter -> (low side, high side)
    trajectory: pd.DataFrame | None = None
    chosen: int | None = None  # the index on the trajectory


def _prim_module():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "ipyparallel not installed": we use no evaluator
        import matplotlib

        matplotlib.use("Agg")
        from ema_workbench.analysis import prim
    return prim


def prim_boxes(x: pd.DataFrame, y: np.ndarray, *, threshold: float = DEFAULT_THRESHOLD, boxes: int = DEFAULT_BOXES,
               peel_alpha: float = 0.05, mass_min: float = 0.05) -> list[Box]:
    """Up to ``boxes`` PRIM boxes for ``y`` (booleans) over the parameters ``x``."""
    prim = _prim_module()
    import logging

    logging.getLogger("EMA").setLevel(logging.WARNING)
    init = {c: (float(x[c].min()), float(x[c].max())) for c in x.columns}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside EMA Workbench
        p = prim.Prim(x, y.astype(int), threshold=threshold, peel_alpha=peel_alpha, mass_min=mass_min)
    out: list[Box] = []
    for number in range(1, boxes + 1):
        if p.yi_remaining.shape[0] == 0 or not y[p.yi_remaining].any():
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = p.find_box()
        if box is None:
            break
        traj = box.peeling_trajectory.reset_index(drop=True)
        if len(traj) <= 1:  # the dump box: nothing met the threshold
            break
        dense = traj.index[traj["density"] >= threshold]
        if len(dense):  # the best balance of coverage and density (their harmonic mean) among the dense enough
            c, d = traj.loc[dense, "coverage"], traj.loc[dense, "density"]
            i = int((2 * c * d / (c + d)).idxmax())
        else:
            i = int(traj["density"].idxmax())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box.select(i)
        lims = box.box_lims[i]
        limits = {c: (float(lims[c].iloc[0]), float(lims[c].iloc[1])) for c in x.columns}
        restricted = [c for c in x.columns if limits[c][0] > init[c][0] or limits[c][1] < init[c][1]]
        qp_raw = box.qp[i] if i < len(box.qp) else {}
        qp = {}
        for c in restricted:
            lo_q, hi_q = (qp_raw.get(c) or [-1, -1])[:2]
            qp[c] = (float("nan") if lo_q is None or lo_q < 0 else float(lo_q), float("nan") if hi_q is None or hi_q < 0 else float(hi_q))
        row = traj.loc[i]
        out.append(Box("prim", number, limits, restricted, float(row["coverage"]), float(row["density"]), float(row["mass"]),
                       int(row["n"]), qp, traj[["coverage", "density", "mass", "res_dim", "n"]].copy(), i))
        if float(row["density"]) < threshold:
            break  # the densest box left does not reach the threshold: later ones would be worse
    return out


def cart_boxes(x: pd.DataFrame, y: np.ndarray, *, depth: int = CART_DEPTH, seed: int = 0) -> list[Box]:
    """The leaves of a decision tree that predict ``y``, as boxes (most runs meeting ``y`` first)."""
    from sklearn.tree import DecisionTreeClassifier

    n = len(y)
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=max(5, n // 100), random_state=seed)
    tree.fit(x.to_numpy(dtype=float), y)
    t = tree.tree_
    init = {c: (float(x[c].min()), float(x[c].max())) for c in x.columns}
    total = int(y.sum())
    boxes: list[Box] = []
    leaf_of = tree.apply(x.to_numpy(dtype=float))

    def walk(node: int, limits: dict[str, tuple[float, float]]):
        if t.children_left[node] == -1:
            inside = leaf_of == node
            k, m = int(y[inside].sum()), int(inside.sum())
            if m and k / m > 0.5:
                restricted = [c for c in x.columns if limits[c] != init[c]]
                boxes.append(Box("cart", 0, dict(limits), restricted, k / total if total else 0.0, k / m, m / n, m))
            return
        name = x.columns[t.feature[node]]
        cut = float(t.threshold[node])
        lo, hi = limits[name]
        walk(t.children_left[node], {**limits, name: (lo, min(hi, cut))})
        walk(t.children_right[node], {**limits, name: (max(lo, cut), hi)})

    walk(0, init)
    boxes.sort(key=lambda b: -b.coverage)
    for i, b in enumerate(boxes, start=1):
        b.number = i
    return boxes


def feature_scores(x: pd.DataFrame, y: np.ndarray, *, seed: int = 0) -> pd.Series:
    """Extra-trees importance of each parameter for ``y`` (sums to 1), largest first."""
    from sklearn.ensemble import ExtraTreesClassifier

    model = ExtraTreesClassifier(n_estimators=100, max_features="sqrt", min_samples_leaf=max(1, len(y) // 500),
                                 random_state=seed, n_jobs=1)
    model.fit(x.to_numpy(dtype=float), y)
    return pd.Series(model.feature_importances_, index=x.columns).sort_values(ascending=False)


def boxes_table(boxes: list[Box], labels: dict[str, str]) -> pd.DataFrame:
    rows = []
    for b in boxes:
        for c, (lo, hi) in b.limits.items():
            q = b.qp.get(c, (float("nan"), float("nan")))
            rows.append({"method": b.method, "box": b.number, "parameter": c, "label": labels.get(c, c), "low": lo, "high": hi,
                         "restricted": c in b.restricted, "qp_low": q[0], "qp_high": q[1], "coverage": b.coverage,
                         "density": b.density, "mass": b.mass, "n": b.n})
    cols = ["method", "box", "parameter", "label", "low", "high", "restricted", "qp_low", "qp_high", "coverage", "density", "mass", "n"]
    return pd.DataFrame(rows, columns=cols)


# -- a box as a scenario -------------------------------------------------------------------------


def _node(tree: dict, path: str):
    *parents, leaf = path.split(".")
    node: Any = tree
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node, leaf


def box_scenario_toml(scenario_toml: str, box: Box, params: list[dict], *, name: str, where: str) -> str:
    """The sweep's scenario with the box's ranges on its varied parameters, and no range elsewhere,
    so that ``quotasim sweep`` on it varies the same parameters within the box."""
    import tomllib

    import tomli_w

    tree = tomllib.loads(scenario_toml)
    varied = {p["path"]: p for p in params}
    _drop_ranges(tree, "", set(varied))
    for path, p in varied.items():
        lo, hi = box.limits.get(path, (p["lo"], p["hi"]))
        if p.get("integer"):
            lo, hi = int(np.ceil(lo - 1e-9)), int(np.floor(hi + 1e-9))
            if lo >= hi:
                hi = lo + 1 if lo + 1 <= p["hi"] else lo
                lo = hi - 1
        else:
            lo, hi = float(lo), float(hi)
        node, leaf = _node(tree, path)
        entry = node[leaf]
        value = entry["value"] if isinstance(entry, dict) else entry
        clamped = min(max(value, lo), hi)
        clamped = int(round(clamped)) if p.get("integer") else float(clamped)
        new = dict(entry) if isinstance(entry, dict) else {"value": value}
        new["value"] = clamped
        new["range"] = [lo, hi]
        node[leaf] = new
    tree["name"] = name
    tree["description"] = f"PRIM box {box.number} of {where!r} (coverage {box.coverage:.2f}, density {box.density:.2f}); " + str(tree.get("description", ""))
    return tomli_w.dumps(tree)


def _drop_ranges(node: Any, prefix: str, keep: set[str]) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _drop_ranges(item, f"{prefix}{i}.", keep)
        return
    if not isinstance(node, dict):
        return
    for key, value in list(node.items()):
        path = prefix + key
        if isinstance(value, dict) and "value" in value and "range" in value and path not in keep:
            value.pop("range")
        elif isinstance(value, (dict, list)):
            _drop_ranges(value, path + ".", keep)


# -- the report ----------------------------------------------------------------------------------


def _limits_figure(box: Box, params: list[dict], labels: dict[str, str]):
    """Each restricted parameter's box as a bar on its sweep range (0 to 1 of the range)."""
    import plotly.graph_objects as go

    rng = {p["path"]: (p["lo"], p["hi"]) for p in params}
    rows = box.restricted[::-1]
    fig = go.Figure()
    base, width, text = [], [], []
    for c in rows:
        lo0, hi0 = rng.get(c, box.limits[c])
        span = (hi0 - lo0) or 1.0
        lo, hi = box.limits[c]
        base.append((lo - lo0) / span)
        width.append((hi - lo) / span)
        q = box.qp.get(c, (float("nan"), float("nan")))
        qtext = ", ".join(f"{side} p = {v:.2g}" for side, v in zip(("low", "high"), q) if v == v)
        text.append(f"{fmt_number(lo)} – {fmt_number(hi)}" + (f" ({qtext})" if qtext else ""))
    fig.add_bar(y=[labels.get(c, c) for c in rows], x=width, base=base, orientation="h", text=text, textposition="outside",
                marker_color=style.GREEN, cliponaxis=False)
    fig.update_layout(height=max(200, 46 * len(rows) + 90), template=style.plotly_template(), showlegend=False,
                      margin={"l": 10, "r": 10, "t": 30, "b": 40},
                      xaxis={"title": "share of the parameter's range in the sweep", "range": [0, 1.45], "tickvals": [0, 0.25, 0.5, 0.75, 1]},
                      yaxis={"automargin": True})
    return fig


def discover_report(*, where: str, n: int, k: int, prim: list[Box], cart: list[Box], scores: pd.Series,
                    params: list[dict], labels: dict[str, str], meta: dict[str, Any], tomls: bool = False) -> str:
    import plotly.graph_objects as go

    fig_html = Figures()
    intro = (
        f"<p class='muted'>Sweep {html.escape(str(meta.get('sweep')))} ({html.escape(str(meta.get('scenario')))}): "
        f"{n:,} runs, of which <b>{k:,} ({k / n:.1%})</b> meet <code>{html.escape(where)}</code>; "
        f"{len(params)} varied parameters. PRIM (EMA Workbench {html.escape(str(meta.get('ema_version')))}) with density threshold "
        f"{meta.get('threshold')}; CART (scikit-learn, depth {CART_DEPTH}); extra-trees feature scores. "
        "Coverage: the share of the runs meeting the condition that lie in the box; density: the share of the box's runs that meet it. "
        "A quasi-p-value tests whether a limit could be chance (small is good).</p>"
    )
    answer = []
    for b in prim:
        lims = "; ".join(f"{html.escape(labels.get(c, c))} in [{fmt_number(b.limits[c][0])}, {fmt_number(b.limits[c][1])}]" for c in b.restricted)
        answer.append(f"<li><b>Box {b.number}</b> (coverage {b.coverage:.0%}, density {b.density:.0%}, {b.n:,} runs): {lims or 'no restriction'}"
                      + (f" — <code>box-{b.number}.toml</code>" if tomls else "") + "</li>")
    sections = [f"<div class='answer'><b>Which parameter values lead to <code>{html.escape(where)}</code></b> (PRIM):"
                f"<ul>{''.join(answer) or '<li>no box meets the density threshold</li>'}</ul></div>"]
    entries = [(f"box-{b.number}", f"PRIM box {b.number}") for b in prim] + [("cart", "CART"), ("scores", "Feature scores")]
    items = "".join(f"<li><a href='#{a}'>{html.escape(t)}</a></li>" for a, t in entries)
    sections.append(f"<nav><h2>Contents</h2><ol>{items}</ol></nav>")
    for b in prim:
        traj = b.trajectory
        fig = go.Figure()
        fig.add_scatter(x=traj["coverage"], y=traj["density"], mode="markers+lines", marker={"color": traj["res_dim"], "colorscale": "Viridis",
                        "showscale": True, "colorbar": {"title": "restricted<br>parameters"}, "size": 7}, line={"color": "#ccc"},
                        hovertext=[f"box {i}: {int(r)} restricted, {int(m):,} runs" for i, (r, m) in enumerate(zip(traj["res_dim"], traj["n"]))],
                        name="peeling trajectory")
        fig.add_scatter(x=[b.coverage], y=[b.density], mode="markers", marker={"symbol": "star", "size": 16, "color": style.VERMILLION}, name="chosen box")
        fig.update_layout(height=360, template=style.plotly_template(), margin={"l": 10, "r": 10, "t": 30, "b": 40},
                          xaxis={"title": "coverage", "range": [0, 1.02]}, yaxis={"title": "density", "range": [0, 1.02]},
                          legend={"orientation": "h", "y": -0.2})
        rows = pd.DataFrame([{"parameter": labels.get(c, c), "low": b.limits[c][0], "high": b.limits[c][1],
                              "quasi-p (low)": b.qp.get(c, (np.nan, np.nan))[0], "quasi-p (high)": b.qp.get(c, (np.nan, np.nan))[1]}
                             for c in b.restricted])
        sections.append(
            f"<h2 id='box-{b.number}'>PRIM box {b.number}: coverage {b.coverage:.0%}, density {b.density:.0%}</h2>"
            f"<h3>Peeling trajectory</h3>{fig_html(fig)}<h3>Limits</h3>"
            + (fig_html(_limits_figure(b, params, labels)) + table_html(rows) if b.restricted else "<p>no parameter restricted</p>")
            + "<p class='muted'>Parameters not listed are unrestricted."
            + (f" To zoom in: <code>quotasim sweep box-{b.number}.toml --out …</code>" if tomls else "") + "</p>"
        )
    cart_rows = [{"leaf": b.number, "coverage": round(b.coverage, 3), "density": round(b.density, 3), "runs": b.n,
                  "rule": " and ".join(f"{labels.get(c, c)} in [{fmt_number(b.limits[c][0])}, {fmt_number(b.limits[c][1])}]" for c in b.restricted) or "all"}
                 for b in cart]
    sections.append(f"<h2 id='cart'>CART: leaves that predict the condition</h2>"
                    + (table_html(pd.DataFrame(cart_rows)) if cart_rows else "<p class='muted'>no leaf predicts it</p>"))
    sc = scores.iloc[::-1]
    fig = go.Figure(go.Bar(y=[labels.get(c, c) for c in sc.index], x=sc.to_numpy(), orientation="h", marker_color=style.BLUE))
    fig.update_layout(height=max(260, 24 * len(sc) + 100), template=style.plotly_template(), margin={"l": 10, "r": 10, "t": 30, "b": 40},
                      xaxis={"title": "extra-trees feature score (sums to 1)", "rangemode": "nonnegative"}, yaxis={"automargin": True})
    sections.append(f"<h2 id='scores'>Feature scores</h2>{fig_html(fig)}")
    return page(f"Scenario discovery: {where}", intro, sections)


# -- the whole -----------------------------------------------------------------------------------


def discover(sweep: Path, manifest: dict, node, where: str, out: Path, *, threshold: float = DEFAULT_THRESHOLD,
             boxes: int = DEFAULT_BOXES, seed: int = 0) -> dict[str, Any]:
    """Run PRIM, CART and feature scoring on ``sweep`` for the condition ``node``; write to ``out``."""
    import importlib.metadata

    import pyarrow as pa

    from quotasim.experiments import where as where_mod
    from quotasim.experiments.store import read_runs, write_parquet_atomic
    from quotasim.outputs.write import replaced_atomically
    from quotasim.errors import InputError

    params = [p for p in manifest["design"]["params"] if not p.get("dummy")]
    labels = {p["path"]: p.get("label", p["path"]) for p in params}
    names = [p["path"] for p in params]
    runs = read_runs(sweep)
    ok = runs[runs["status"] == "ok"].reset_index(drop=True) if len(runs) else runs
    if not len(ok):
        raise InputError("the sweep has no finished run", where=f"discover {sweep}")
    if not names:
        raise InputError("the sweep varied no parameter: there is nothing to discover", where=f"discover {sweep}")
    y = where_mod.evaluate(node, {c: ok[c].to_numpy(dtype=float, na_value=np.nan) for c in where_mod.names(node)})
    k = int(y.sum())
    if k == 0 or k == len(y):
        raise InputError(f"{'no' if k == 0 else 'every'} run of {len(y):,} meets {where!r}: nothing to tell apart", where="--where")
    # every parameter as float64: EMA Workbench 2.5's pasting writes fractional limits into
    # integer columns, which pandas 3 refuses; the limits of a whole-number parameter are rounded
    # where they become a scenario (box_scenario_toml)
    x = ok[names].astype(np.float64)
    prim = prim_boxes(x, y, threshold=threshold, boxes=boxes)
    cart = cart_boxes(x, y, seed=seed)
    scores = feature_scores(x, y, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    table = boxes_table(prim + cart, labels)
    write_parquet_atomic(pa.Table.from_pandas(table, preserve_index=False), out / "boxes.parquet")
    fs = pd.DataFrame({"parameter": scores.index, "label": [labels[c] for c in scores.index], "score": scores.to_numpy()})
    with replaced_atomically(out / "feature_scores.csv") as tmp:
        fs.to_csv(tmp, index=False)
    scenario = manifest.get("scenario", {})
    tomls = []
    if scenario.get("kind") == "scenario" and scenario.get("toml"):
        for b in prim:
            text = box_scenario_toml(scenario["toml"], b, params, name=f"{scenario.get('name', 'scenario')}-box-{b.number}", where=where)
            path = out / f"box-{b.number}.toml"
            with replaced_atomically(path) as tmp:
                tmp.write_text(text, "utf-8")
            tomls.append(path)
    meta = {"sweep": str(sweep), "scenario": scenario.get("name"), "threshold": threshold,
            "ema_version": importlib.metadata.version("ema_workbench")}
    text = discover_report(where=where, n=len(y), k=k, prim=prim, cart=cart, scores=scores, params=params, labels=labels, meta=meta,
                           tomls=bool(tomls))
    with replaced_atomically(out / "discover.html") as tmp:
        tmp.write_text(text, "utf-8")
    return {"n": len(y), "k": k, "prim": prim, "cart": cart, "scores": scores, "tomls": tomls, "labels": labels}
