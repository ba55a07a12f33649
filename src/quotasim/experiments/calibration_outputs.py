"""A finished calibration's files: the posterior, the generations, the posterior predictive, the
identifiability table and report.html, all read from pyABC's history in the folder.

The posterior predictive re-runs the scenario at draws from the posterior with fresh seeds (not
the accepted runs themselves, which were kept *because* they came close), so it shows what the
calibrated model predicts for each target, chance included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from quotasim.experiments.calibrate import (
    HISTORY,
    MANIFEST,
    PREDICTIVE_RUNS,
    PREDICTIVE_STREAM,
    CalibrationPlan,
    make_model,
    read_manifest,
    write_json_atomic,
)
from quotasim.experiments.targets import within

CONSTRAINED = 0.5
WEAK = 0.75
"""Identifiability: posterior 90% width / prior width below CONSTRAINED is "constrained", below
WEAK "weakly constrained", else "not constrained" (a uniform prior alone gives 0.9)."""


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cum = np.cumsum(w) - 0.5 * w
    cum /= w.sum()
    return float(np.interp(q, cum, v))


def load_history(out: Path, plan: CalibrationPlan) -> dict[str, Any]:
    import logging

    import pyabc

    from quotasim.experiments.abc_parts import safe_name

    logging.getLogger("ABC").setLevel(logging.ERROR)
    history = pyabc.History(f"sqlite:///{(Path(out) / HISTORY).resolve()}", _id=1)
    pops = history.get_all_populations()
    t_last = int(history.max_t)
    raw, w = history.get_distribution(m=0, t=t_last)
    raw = raw[[safe_name(p.path) for p in plan.priors]].copy()
    raw.columns = [p.path for p in plan.priors]
    from quotasim.experiments.abc_parts import population_fit

    met, fit = {}, {}
    for t in pops.t:
        if t < 0:
            continue
        weights, stats = history.get_weighted_sum_stats_for_model(m=0, t=int(t))
        met[int(t)] = float(np.mean([all(within(tg, float(s[f"y{i}"])) for i, tg in enumerate(plan.targets.targets)) for s in stats]))
        fit[int(t)] = population_fit(history, plan.targets.targets, int(t))
    return {"pops": pops, "raw": raw.reset_index(drop=True), "weights": np.asarray(w, float), "t_last": t_last, "met": met, "fit": fit}


def posterior_table(plan: CalibrationPlan, raw: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    cols: dict[str, Any] = {"particle": np.arange(len(raw), dtype=np.int64), "weight": weights / weights.sum()}
    for p in plan.priors:
        x = raw[p.path].to_numpy(float)
        cols[p.path] = np.clip(np.round(x), p.lo, p.hi).astype(np.int64) if p.integer else x
    return pd.DataFrame(cols)


def generations_table(history: dict[str, Any], manifest: dict) -> pd.DataFrame:
    log = manifest.get("generation_log", {})
    rows = []
    for row in history["pops"].itertuples(index=False):
        t = int(row.t)
        accepted = int(row.particles) if t >= 0 else int(row.samples)
        rows.append({
            "generation": t,
            "epsilon": float(row.epsilon),
            "accepted": accepted,
            "runs": int(row.samples),
            "acceptance_rate": accepted / row.samples if row.samples else np.nan,
            "wall_s": float(row.wall_time) if row.wall_time is not None and row.wall_time == row.wall_time else np.nan,
            "runs_executed": int(log.get(str(t), {}).get("executed", row.samples)),
            "met_all_targets": history["met"].get(t, np.nan),
            "fit": history["fit"].get(t, np.nan),
        })
    return pd.DataFrame(rows)


def identifiability_table(plan: CalibrationPlan, raw: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    rows = []
    for p in plan.priors:
        x = raw[p.path].to_numpy(float)
        lo, hi = p.support
        q05, q50, q95 = (weighted_quantile(x, weights, q) for q in (0.05, 0.5, 0.95))
        ratio = (q95 - q05) / (hi - lo)
        verdict = "constrained" if ratio < CONSTRAINED else "weakly constrained" if ratio < WEAK else "not constrained"
        median = float(np.clip(round(q50), p.lo, p.hi)) if p.integer else q50
        rows.append({"parameter": p.path, "prior_lo": p.lo, "prior_hi": p.hi, "default": plan.scenario.value(p.path),
                     "posterior_median": median, "posterior_p05": q05, "posterior_p95": q95,
                     "width_ratio": ratio, "verdict": verdict})
    return pd.DataFrame(rows)


def draw_rows(weights: np.ndarray, n: int, seed: int, stream: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` particle indices drawn by weight, and a run seed for each, from one seeded stream."""
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(stream,)))
    idx = rng.choice(len(weights), size=n, p=weights / weights.sum())
    seeds = rng.integers(0, 2**63 - 1, size=n, dtype=np.int64)
    return idx, seeds


def predict_chunk(model, values: list[dict], seeds: list[int]) -> list[list[float]]:
    """Each target's output of the scenario at ``values[i]`` with seed ``seeds[i]``."""
    from quotasim.experiments.abc_parts import _leaf
    from quotasim import compiled
    from quotasim.experiments.targets import output_value
    from quotasim.simulate import simulate

    compiled.enable()  # many runs in this process
    out = []
    for v, s in zip(values, seeds):
        scenario = model.scenario.with_values(v, where="posterior predictive")
        result = simulate(scenario, seed=int(s), with_provenance=False)  # targets are numbers
        flat = {k: _leaf(result.summary, k) for k in model.keys}
        out.append([output_value(flat, t) for t in model.targets])
    return out


def predictive_table(plan: CalibrationPlan, posterior: pd.DataFrame, backend, n: int) -> pd.DataFrame:
    from quotasim.experiments.abc_sampler import map_chunks

    idx, seeds = draw_rows(posterior["weight"].to_numpy(), n, plan.seed, PREDICTIVE_STREAM)
    paths = [p.path for p in plan.priors]
    values = [{p.path: (int(posterior[p.path].iloc[i]) if p.integer else float(posterior[p.path].iloc[i])) for p in plan.priors} for i in idx]
    model = backend.scatter(make_model(plan))
    size = max(1, min(25, -(-n // (2 * backend.workers))))
    chunks = [(model, values[a:a + size], seeds[a:a + size].tolist()) for a in range(0, n, size)]
    ys = [y for chunk in map_chunks(backend, predict_chunk, chunks) for y in chunk]
    table = pd.DataFrame({"draw": np.arange(n, dtype=np.int64), "particle": idx.astype(np.int64), "seed": seeds})
    for j, p in enumerate(paths):
        table[p] = [values[i][p] for i in range(n)]
    for k, t in enumerate(plan.targets.targets):
        table[t.output] = [float(y[k]) for y in ys]
    return table


def predictive_summary(plan: CalibrationPlan, predictive: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for t in plan.targets.targets:
        y = predictive[t.output].to_numpy(float)
        ok = y[np.isfinite(y)]
        rows.append({
            "target": t.output, "fact": t.describe(), "source": t.source,
            "predictive_median": float(np.median(ok)) if len(ok) else np.nan,
            "predictive_p05": float(np.quantile(ok, 0.05)) if len(ok) else np.nan,
            "predictive_p95": float(np.quantile(ok, 0.95)) if len(ok) else np.nan,
            "share_meeting": float(np.mean([within(t, v) for v in y])) if len(y) else np.nan,
        })
    return pd.DataFrame(rows)


def write_parquet_atomic(df: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa

    from quotasim.experiments.store import write_parquet_atomic as write_table_atomic

    write_table_atomic(pa.Table.from_pandas(df, preserve_index=False), path)


def write_outputs(out: Path, plan: CalibrationPlan, backend, *, predictive_runs: int | None = None,
                  progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Write every output file from the history; returns the tables (for the caller to print)."""
    from quotasim.experiments.calibration_report import calibration_report
    from quotasim.outputs.write import replaced_atomically

    out = Path(out)
    manifest = read_manifest(out) or {}
    history = load_history(out, plan)
    posterior = posterior_table(plan, history["raw"], history["weights"])
    generations = generations_table(history, manifest)
    ident = identifiability_table(plan, history["raw"], history["weights"])
    n = predictive_runs if predictive_runs is not None else min(PREDICTIVE_RUNS, plan.particles)
    if progress:
        progress(f"posterior predictive: {n} runs at posterior draws")
    predictive = predictive_table(plan, posterior, backend, n)
    pred = predictive_summary(plan, predictive)
    write_parquet_atomic(posterior, out / "posterior.parquet")
    write_parquet_atomic(generations, out / "generations.parquet")
    write_parquet_atomic(predictive, out / "predictive.parquet")
    page = calibration_report(plan, manifest, history, generations, ident, predictive, pred)
    with replaced_atomically(out / "report.html") as tmp:
        tmp.write_text(page, "utf-8")
    manifest["results"] = {
        "identifiability": ident.to_dict(orient="records"),
        "predictive": pred.to_dict(orient="records"),
    }
    write_json_atomic(out / MANIFEST, manifest)
    return {"posterior": posterior, "generations": generations, "identifiability": ident, "predictive": pred}
