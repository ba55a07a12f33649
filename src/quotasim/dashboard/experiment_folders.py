"""Reading the folders ``quotasim sweep``, ``sensitivity`` and ``compare`` write, for the
dashboard's experiments page, and drawing their results as plain plotly figures (no web code).

What is read, by kind (docs/experiments.md describes the layout):

* **sweep**: ``manifest.json``, ``design.parquet``, ``runs/part-*.parquet``;
* **sensitivity**: a sweep folder with ``sensitivity.parquet`` (one row per output and parameter);
* **compare**: ``compare.parquet`` (one row per output and scenario) and each scenario's sweep
  folder under ``scenarios/``;
* **calibration**: ``calibration.json`` (its ``kind`` is ``"calibration"``; the identifiability
  table and the generations finished are in it), and ``posterior.parquet`` (one row per particle:
  ``weight`` and one column per parameter).

Only those files are read, so other files in a folder (other reports, tables, logs) do no harm;
HTML reports found in the folder are offered as links.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from quotasim.errors import InputError
from quotasim.outputs import style

WHERE = "folder"
META = ("run", "row", "replicate", "seed", "status", "error", "wall_s", "cpu_s")
CALIBRATION_MANIFEST = "calibration.json"
REPORT_NAME = re.compile(r"^[\w.-]+\.html$")


@dataclass
class ExperimentFolder:
    path: Path
    kind: str  # "sweep", "sensitivity", "compare" or "calibration"
    manifest: dict[str, Any]
    facts: list[tuple[str, str]]
    outputs: list[str]  # numeric outputs, in the order of the files
    parameters: list[str] = field(default_factory=list)  # varied parameters (sweep, sensitivity)
    runs: pd.DataFrame | None = None  # sweep and sensitivity: one row per run
    indices: pd.DataFrame | None = None  # sensitivity
    comparison: pd.DataFrame | None = None  # compare
    scenario_runs: dict[str, pd.DataFrame] = field(default_factory=dict)  # compare: each scenario's runs
    posterior: pd.DataFrame | None = None  # calibration: the last generation's particles
    identifiability: pd.DataFrame | None = None  # calibration: one row per parameter
    reports: list[str] = field(default_factory=list)  # HTML files in the folder

    @property
    def default_output(self) -> str | None:
        if self.kind == "calibration" and self.identifiability is not None and len(self.identifiability):
            return str(self.identifiability.sort_values("width_ratio")["parameter"].iloc[0])  # the best pinned down
        for preferred in ("collected_usd", "at_review.collected_usd", "arrested", "y"):
            if preferred in self.outputs:
                return preferred
        return self.outputs[0] if self.outputs else None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path.name}: {exc}", where=WHERE) from None


def _read_runs(folder: Path) -> pd.DataFrame:
    parts = sorted((folder / "runs").glob("part-*.parquet")) if (folder / "runs").is_dir() else []
    if not parts:
        return pd.DataFrame({"run": pd.Series([], dtype="int64")})
    frames = [pd.read_parquet(p) for p in parts]
    return pd.concat(frames, ignore_index=True).sort_values("run").reset_index(drop=True)


def _numeric_outputs(frame: pd.DataFrame, skip: set[str]) -> list[str]:
    return [c for c in frame.columns if c not in skip and c not in META and pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])]


def kind_of(path: Path) -> str:
    """What an experiment folder is, from the files in it; one clear line when it is none of them."""
    if not path.exists():
        raise InputError(f"no such folder: {path}", where=WHERE)
    if not path.is_dir():
        raise InputError(f"not a folder: {path}", where=WHERE)
    manifest = path / "manifest.json"
    declared = _read_json(manifest).get("kind") if manifest.is_file() else None
    calibration = path / CALIBRATION_MANIFEST
    if declared == "calibration" or calibration.is_file():
        if not calibration.is_file() or _read_json(calibration).get("kind") != "calibration":
            raise InputError(f"{path} is not a calibration folder: {CALIBRATION_MANIFEST} is missing or of another kind",
                             where=WHERE)
        if not (path / "posterior.parquet").is_file():
            raise InputError(f"{path}: the calibration has no posterior.parquet yet (still running, or stopped before "
                             "its first generation; `quotasim calibrate ... --resume` finishes it)", where=WHERE)
        return "calibration"
    if (path / "compare.parquet").is_file():
        return "compare"
    if (path / "sensitivity.parquet").is_file():
        return "sensitivity"
    if manifest.is_file() and (path / "runs").is_dir():
        return "sweep"
    raise InputError(f"{path} holds no sweep, sensitivity analysis, comparison or calibration: found no manifest.json "
                     "with runs/, sensitivity.parquet, compare.parquet or calibration.json", where=WHERE)


def open_folder(text: str) -> ExperimentFolder:
    """Read an experiment folder named by ``text`` (a path; ``~`` expanded)."""
    if not text or not str(text).strip():
        raise InputError("type the path of a sweep, sensitivity, compare or calibration folder", where=WHERE)
    path = Path(str(text).strip()).expanduser().resolve()
    kind = kind_of(path)
    reports = sorted(p.name for p in path.glob("*.html") if REPORT_NAME.match(p.name))
    manifest = _read_json(path / "manifest.json") if (path / "manifest.json").is_file() else {}
    if kind == "calibration":
        return _open_calibration(path, reports)
    if kind == "compare":
        table = pd.read_parquet(path / "compare.parquet")
        scenario_runs = {}
        for entry in manifest.get("scenarios", []):
            sub = path / str(entry.get("folder", ""))
            if sub.is_dir() and (sub / "runs").is_dir():
                scenario_runs[str(entry.get("name", sub.name))] = _read_runs(sub)
        outputs = list(dict.fromkeys(table["output"].astype(str)))
        names = list(dict.fromkeys(table["scenario"].astype(str)))
        facts = [("kind", "comparison of scenarios (common random numbers)"), ("scenarios", ", ".join(names)),
                 ("replicates", str(manifest.get("replicates", "?"))), ("seed", str(manifest.get("seed", "?"))),
                 ("quotasim", str(manifest.get("quotasim_version", "?")))]
        return ExperimentFolder(path, kind, manifest, facts, outputs, comparison=table, scenario_runs=scenario_runs,
                                reports=reports)
    runs = _read_runs(path)
    design = manifest.get("design", {})
    parameters = [str(p["path"]) for p in design.get("params", []) if isinstance(p, dict) and "path" in p]
    scenario = manifest.get("scenario", {})
    ok = int((runs["status"] == "ok").sum()) if "status" in runs else len(runs)
    facts = [("kind", "sensitivity analysis" if kind == "sensitivity" else "sweep"),
             ("scenario", str(scenario.get("origin", scenario.get("name", "?")))),
             ("design", f"{design.get('name', '?')}, {design.get('rows', '?')} rows × {design.get('replicates', '?')} replicates"),
             ("runs", f"{len(runs):,} of {design.get('runs', '?')} done, {len(runs) - ok:,} failed"),
             ("status", str(manifest.get("status", "?"))), ("seed", str(design.get("seed", "?"))),
             ("quotasim", str(manifest.get("quotasim_version", "?")))]
    outputs = _numeric_outputs(runs, set(parameters))
    indices = None
    if kind == "sensitivity":
        indices = pd.read_parquet(path / "sensitivity.parquet")
        outputs = list(dict.fromkeys(indices["output"].astype(str)))
        method = "Sobol" if "ST" in indices else "Morris"
        facts.insert(1, ("method", method))
    return ExperimentFolder(path, kind, manifest, facts, outputs, parameters, runs=runs, indices=indices, reports=reports)


def _open_calibration(path: Path, reports: list[str]) -> ExperimentFolder:
    manifest = _read_json(path / CALIBRATION_MANIFEST)
    posterior = pd.read_parquet(path / "posterior.parquet")
    parameters = [c for c in posterior.columns if c not in ("particle", "weight")]
    ident = pd.DataFrame(manifest.get("results", {}).get("identifiability", []))
    spec = manifest.get("spec", {})
    done = manifest.get("completed_generations", "?")
    runs = sum(int(s.get("runs", 0)) for s in manifest.get("sessions", []))
    facts = [("kind", "calibration (ABC-SMC)"),
             ("scenario", str(spec.get("scenario", {}).get("origin", "?"))),
             ("targets", str(spec.get("targets", {}).get("origin", spec.get("targets", {}).get("name", "?")))),
             ("particles", f"{len(posterior):,}"), ("generations", str(done)), ("runs", f"{runs:,}"),
             ("status", f"{manifest.get('status', '?')}: {manifest.get('stop_reason', '')}".rstrip(": ")),
             ("seed", str(spec.get("seed", "?")))]
    return ExperimentFolder(path, "calibration", manifest, facts, parameters, parameters, posterior=posterior,
                            identifiability=ident if len(ident) else None, reports=reports)


def calibration_figure(folder: ExperimentFolder, parameter: str) -> dict[str, Any]:
    """One parameter's posterior (a histogram weighted by the particles' weights) against its
    uniform prior, with the posterior median and 90% interval."""
    posterior = folder.posterior if folder.posterior is not None else pd.DataFrame()
    if parameter not in posterior:
        return _empty(f"no posterior of {parameter} in this folder")
    x = posterior[parameter].to_numpy(dtype=float)
    w = posterior["weight"].to_numpy(dtype=float) if "weight" in posterior else np.ones_like(x)
    row = None
    if folder.identifiability is not None and "parameter" in folder.identifiability:
        hit = folder.identifiability[folder.identifiability["parameter"] == parameter]
        row = hit.iloc[0] if len(hit) else None
    lo, hi = (float(row["prior_lo"]), float(row["prior_hi"])) if row is not None else (float(x.min()), float(x.max()))
    if hi <= lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, 21)
    density, _ = np.histogram(np.clip(x, lo, hi), bins=edges, weights=w / w.sum(), density=True)
    centres = (edges[:-1] + edges[1:]) / 2
    data = [{"type": "bar", "x": centres.tolist(), "y": density.tolist(), "width": float(edges[1] - edges[0]) * 0.95,
             "name": "posterior (weighted particles)", "marker": {"color": style.BLUE, "opacity": 0.8},
             "hovertemplate": f"{parameter} ≈ %{{x:.4g}}: density %{{y:.3g}}<extra></extra>"},
            {"type": "scatter", "mode": "lines", "x": [lo, hi], "y": [1 / (hi - lo)] * 2, "name": "prior (uniform on the range)",
             "line": {"color": style.VERMILLION, "width": 2, "dash": "dash"}}]
    shapes, title = [], f"Posterior of {parameter} against its prior"
    if row is not None:
        for q, dash in (("posterior_p05", "dot"), ("posterior_median", "solid"), ("posterior_p95", "dot")):
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": float(row[q]), "x1": float(row[q]), "y0": 0, "y1": 1,
                           "line": {"color": style.INK, "width": 1.5, "dash": dash}})
        title += f": {row['verdict']} (90% width {float(row['width_ratio']):.2f} of the prior's)"
    layout = {"title": {"text": title}, "height": 420, "bargap": 0.02, "shapes": shapes,
              "xaxis": style.axis(parameter, range=[lo, hi]), "yaxis": style.axis("probability density")}
    return {"data": data, "layout": layout}


def label(output: str) -> tuple[str, str]:
    """(plain words, unit) of an output: its declaration where there is one."""
    from quotasim.campaign.outputs import SUMMARY

    for key in SUMMARY:
        if key.path == output:
            words = re.sub(r"\s*\([^()]*`[^()]*\)", "", key.description.split("; ")[0]).replace("`", "")
            return words, key.unit
    return output, ""


def _title(output: str) -> str:
    words, unit = label(output)
    return f"{words} ({unit})" if unit else words


def _is_count(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return finite.size > 0 and bool(np.all(finite == np.round(finite)))


def _y_axis(output: str, values: np.ndarray, count_values: np.ndarray | None = None) -> dict[str, Any]:
    """The axis of ``values``: a count axis when ``count_values`` (default: ``values``) are whole numbers."""
    words, unit = label(output)
    title = unit or output
    if _is_count(values if count_values is None else count_values):
        return style.count_axis(title, float(np.nanmax(values)) if values.size else 0)
    return style.axis(title)


def sweep_figure(folder: ExperimentFolder, output: str, parameter: str | None) -> dict[str, Any]:
    """An output against a varied parameter, one dot per run (hover: the run and its seed)."""
    runs = folder.runs if folder.runs is not None else pd.DataFrame()
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    if output not in ok or parameter not in ok:
        return _empty(f"no runs with {output} and {parameter} in this folder")
    y = ok[output].to_numpy(dtype=float)
    x = ok[parameter].to_numpy(dtype=float)
    data = [{"type": "scatter", "mode": "markers", "x": x.tolist(), "y": y.tolist(), "name": "runs",
             "marker": {"color": style.BLUE, "size": 7, "opacity": 0.7},
             "customdata": np.column_stack([ok["run"].to_numpy(), ok["seed"].astype(str).to_numpy()]).tolist() if "seed" in ok else None,
             "hovertemplate": f"{parameter} = %{{x:.4g}}<br>{output} = %{{y:,.4g}}<br>run %{{customdata[0]}}, seed %{{customdata[1]}}<extra></extra>"}]
    layout = {"title": {"text": f"{_title(output)}, against {parameter}"}, "height": 460,
              "xaxis": style.axis(parameter), "yaxis": _y_axis(output, y), "hovermode": "closest"}
    return {"data": data, "layout": layout}


def sensitivity_figure(folder: ExperimentFolder, output: str) -> dict[str, Any]:
    """The indices of one output: Sobol first-order and total (bars, with 95% intervals), or
    Morris μ* against σ."""
    table = folder.indices
    rows = table[table["output"].astype(str) == output] if table is not None else pd.DataFrame()
    if rows.empty:
        return _empty(f"no indices for {output}")
    if "note" in rows and (rows["note"].fillna("").astype(str) != "").all():
        return _empty(f"{output}: not analysed ({rows['note'].iloc[0]})")
    if "above_noise" in rows:
        # The figure of sensitivity.html, so that the page and the report agree: the parameters above
        # noise, the strongest below it, and the dummy parameter's row as the noise floor.
        from quotasim.experiments.report import sensitivity_figure as report_figure

        model = str(folder.manifest.get("scenario", {}).get("model", ""))
        method = "sobol" if "ST" in rows else "morris"
        fig = json.loads(report_figure(rows, method=method, model=model, output=output).to_json())
        fig["layout"]["title"] = {"text": f"{'Sobol indices' if method == 'sobol' else 'Morris screening'} of {_title(output)}"}
        return fig
    if "ST" in rows:
        rows = rows.sort_values("ST")
        data = [{"type": "bar", "orientation": "h", "y": rows["parameter"].astype(str).tolist(), "x": rows[col].tolist(),
                 "error_x": {"type": "data", "array": rows[f"{col}_conf"].tolist()}, "name": name, "marker": {"color": colour},
                 "hovertemplate": f"%{{y}}: {col} = %{{x:.3f}}<extra></extra>"}
                for col, name, colour in (("S1", "first order (S1): alone", style.BLUE), ("ST", "total (ST): with interactions", style.ORANGE))]
        layout = {"title": {"text": f"Sobol indices of {_title(output)}"}, "barmode": "group",
                  "height": max(320, 34 * len(rows) + 160), "xaxis": style.axis("share of the output's variance", None),
                  "yaxis": style.axis("parameter", automargin=True)}
        return {"data": data, "layout": layout}
    data = [{"type": "scatter", "mode": "markers+text", "x": rows["mu_star"].tolist(), "y": rows["sigma"].tolist(),
             "text": rows["parameter"].astype(str).tolist(), "textposition": "top center", "name": "parameters",
             "error_x": {"type": "data", "array": rows["mu_star_conf"].tolist()} if "mu_star_conf" in rows else None,
             "marker": {"color": style.BLUE, "size": 9}}]
    words, unit = label(output)
    layout = {"title": {"text": f"Morris screening of {_title(output)}"}, "height": 460,
              "xaxis": style.axis("μ*: mean absolute elementary effect", unit or None),
              "yaxis": style.axis("σ: interactions and non-linearity", unit or None)}
    return {"data": data, "layout": layout}


def compare_figure(folder: ExperimentFolder, output: str) -> dict[str, Any]:
    """One output in each scenario: every replicate as a dot, the mean and its 90% interval."""
    table = folder.comparison
    rows = table[table["output"].astype(str) == output] if table is not None else pd.DataFrame()
    if rows.empty:
        return _empty(f"no comparison of {output}")
    names = rows["scenario"].astype(str).tolist()
    data = []
    all_values = []
    for i, name in enumerate(names):
        runs = folder.scenario_runs.get(name)
        if runs is not None and output in runs:
            ok = runs[runs["status"] == "ok"] if "status" in runs else runs
            y = ok[output].to_numpy(dtype=float)
            all_values.append(y)
            jitter = np.random.default_rng(i).uniform(-0.12, 0.12, len(y))
            data.append({"type": "scatter", "mode": "markers", "x": (i + jitter).tolist(), "y": y.tolist(),
                         "name": "replicates" if i == 0 else f"replicates ({name})", "showlegend": i == 0,
                         "legendgroup": "replicates", "marker": {"color": style.SKY, "size": 7, "opacity": 0.6},
                         "hovertemplate": f"{name}: %{{y:,.4g}}<extra></extra>"})
    mean, lo, hi = (rows[c].to_numpy(dtype=float) for c in ("mean", "p05", "p95"))
    all_values.append(mean)
    data.append({"type": "scatter", "mode": "markers", "x": list(range(len(names))), "y": mean.tolist(),
                 "name": "mean, with the 90% interval of the replicates",
                 "marker": {"color": style.BLACK, "size": 13, "symbol": "diamond"},
                 "error_y": {"type": "data", "symmetric": False, "array": (hi - mean).tolist(), "arrayminus": (mean - lo).tolist(),
                             "color": style.BLACK, "thickness": 2, "width": 10},
                 "customdata": names, "hovertemplate": "%{customdata}: mean %{y:,.4g}<extra></extra>"})
    values = np.concatenate([v for v in all_values if v.size]) if all_values else np.zeros(0)
    # a count stays a count when a mean of its replicates is not whole (4.5 arrests over two runs)
    runs_values = np.concatenate([v for v in all_values[:-1] if v.size]) if len(all_values) > 1 else values
    y_axis = _y_axis(output, values, count_values=runs_values)
    layout = {"title": {"text": f"{_title(output)}, by scenario"}, "height": 440, "hovermode": "closest",
              "xaxis": style.axis("scenario", tickvals=list(range(len(names))), ticktext=names, range=[-0.5, len(names) - 0.5]),
              "yaxis": y_axis}
    return {"data": data, "layout": layout}


def table_rows(folder: ExperimentFolder, output: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the folder's own table for one output (indices, or the comparison)."""
    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "–"
        if isinstance(v, (float, np.floating)):
            return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"
        return str(v)

    if folder.kind == "calibration":
        if folder.identifiability is None:
            return [], []
        frame = folder.identifiability
        return list(frame.columns), [[cell(v) for v in row] for row in frame.itertuples(index=False)]
    if folder.kind == "compare" and folder.comparison is not None:
        frame = folder.comparison[folder.comparison["output"].astype(str) == output].drop(columns=["output"])
    elif folder.kind == "sensitivity" and folder.indices is not None:
        frame = folder.indices[folder.indices["output"].astype(str) == output].drop(columns=["output"])
    else:
        runs = folder.runs if folder.runs is not None else pd.DataFrame()
        if output not in runs:
            return [], []
        described = runs[output].describe()
        return ["statistic", output], [[str(k), cell(float(v))] for k, v in described.items()]
    return list(frame.columns), [[cell(v) for v in row] for row in frame.itertuples(index=False)]


def _empty(text: str) -> dict[str, Any]:
    return {"data": [], "layout": {"height": 200, "xaxis": {"visible": False}, "yaxis": {"visible": False},
                                   "annotations": [{"text": text, "showarrow": False, "xref": "paper", "yref": "paper",
                                                    "x": 0.5, "y": 0.5}]}}


def find_folders(root: Path, *, depth: int = 2, limit: int = 50) -> list[Path]:
    """Experiment folders under ``root`` (itself and ``depth`` levels down), at most ``limit``."""
    found: list[Path] = []
    frontier = [Path(root)]
    for _ in range(depth + 1):
        nxt = []
        for folder in frontier:
            try:
                entries = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
            except OSError:
                continue
            if any((folder / name).is_file() for name in ("manifest.json", "compare.parquet", CALIBRATION_MANIFEST)):
                found.append(folder)
                if len(found) >= limit:
                    return found
                continue  # a sweep's own sub-folders are not listed apart
            nxt += entries[:200]
        frontier = nxt
    return found


__all__ = ["ExperimentFolder", "calibration_figure", "compare_figure", "find_folders", "kind_of", "label", "open_folder", "sensitivity_figure",
           "sweep_figure", "table_rows"]
