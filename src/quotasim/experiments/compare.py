"""Compare scenarios side by side: R replicates of each, with common random numbers.

Replicate ``i`` of every scenario uses the same seed, ``run_seed(seed, i)``, so differences between
scenarios are not blurred by different luck; the paired differences against the first scenario
(the baseline) come with their own 90% interval. Each scenario is an ordinary sweep (no varied
parameter, R replicates) in ``DIR/scenarios/K-NAME/``, so a comparison streams, resumes and runs on
Dask exactly like a sweep.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from quotasim.errors import InputError
from quotasim.experiments.design import DesignOptions
from quotasim.experiments.executor import Executor
from quotasim.experiments.outcomes import is_count
from quotasim.experiments.store import FORMAT, MANIFEST, now_iso, prepare_folder, read_manifest, read_runs, write_json_atomic
from quotasim.experiments.sweep import SweepPlan, run_sweep

QUANTILES = (0.05, 0.95)


def plan_compare(targets: Sequence, *, replicates: int, seed: int | None) -> list[SweepPlan]:
    if len(targets) < 2:
        raise InputError(f"compare needs at least two scenarios, found {len(targets)}", where="scenarios")
    if replicates < 2:
        raise InputError(f"must be a whole number >= 2 (an interval needs replicates), found {replicates}", where="--replicates")
    common_seed = targets[0].seed if seed is None else int(seed)
    return [
        SweepPlan(
            target=t, params=[], design="replicates", samples=1, replicates=int(replicates), seed=common_seed,
            options=DesignOptions(), matrix=np.zeros((1, 0)), values=np.zeros((1, 0)), kind="compare",
        )
        for t in targets
    ]


def folder_names(plans: Sequence[SweepPlan]) -> list[str]:
    return [f"{i}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', p.target.name)[:60]}" for i, p in enumerate(plans)]


def run_compare(
    plans: Sequence[SweepPlan],
    out: Path,
    *,
    executor: Executor,
    resume: bool = False,
    batch_size: int | None = None,
    progress: Callable[[str, int, int, int], None] | None = None,
) -> None:
    """Run every scenario's replicates into ``out/scenarios/K-NAME`` (resumable as a whole)."""
    out = Path(out)
    fingerprint = hashlib.sha256("\n".join(p.fingerprint() for p in plans).encode()).hexdigest()
    manifest = prepare_folder(out, fingerprint, resume=resume)
    out.mkdir(parents=True, exist_ok=True)
    names = folder_names(plans)
    if manifest is None:
        from quotasim import __version__

        manifest = {
            "format": FORMAT, "kind": "compare", "fingerprint": fingerprint, "quotasim_version": __version__,
            "started": now_iso(), "replicates": plans[0].replicates, "seed": plans[0].seed,
            "scenarios": [{"folder": f"scenarios/{n}", **p.target.describe()} for n, p in zip(names, plans)],
        }
        write_json_atomic(out / MANIFEST, manifest)
    try:
        for name, plan in zip(names, plans):
            sub = out / "scenarios" / name
            cb = (lambda d, f, t, _n=name: progress(_n, d, f, t)) if progress else None
            run_sweep(plan, sub, executor=executor, resume=True, batch_size=batch_size, progress=cb, close_executor=False)
    finally:
        executor.close()


def summarize(out: Path) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Long table (output, scenario, mean, p05, p95, n, failed, paired difference to the first)."""
    manifest = read_manifest(out) or {}
    runs: dict[str, pd.DataFrame] = {}
    outputs: list[str] = []
    for entry in manifest.get("scenarios", []):
        df = read_runs(Path(out) / entry["folder"])
        runs[entry["name"] if entry["name"] not in runs else entry["folder"]] = df
        sub = read_manifest(Path(out) / entry["folder"]) or {}
        for k in sub.get("outputs") or []:
            if k not in outputs:
                outputs.append(k)
    names = list(runs)
    base = runs[names[0]] if names else pd.DataFrame()
    model = (manifest.get("scenarios") or [{}])[0].get("model", "")
    rows = []
    for key in outputs:
        # quantiles of a count are counts: an observed value, not one interpolated between two
        method = "inverted_cdf" if is_count(model, key) else "linear"
        for name in names:
            df = runs[name]
            ok = df["status"] == "ok"
            y = df.loc[ok, key].to_numpy(dtype=float, na_value=np.nan) if key in df else np.zeros(0)
            y = y[~np.isnan(y)]
            rec = {
                "output": key, "scenario": name, "n": int(len(y)), "failed": int((~ok).sum()),
                "mean": float(np.mean(y)) if len(y) else np.nan,
                "p05": float(np.quantile(y, QUANTILES[0], method=method)) if len(y) else np.nan,
                "p95": float(np.quantile(y, QUANTILES[1], method=method)) if len(y) else np.nan,
            }
            if name != names[0] and key in df and key in base:
                paired = df[["run", "status", key]].merge(base[["run", "status", key]], on="run", suffixes=("", "_base"))
                good = (paired["status"] == "ok") & (paired["status_base"] == "ok")
                diff = (paired.loc[good, key] - paired.loc[good, f"{key}_base"]).to_numpy(dtype=float, na_value=np.nan)
                diff = diff[~np.isnan(diff)]
                if len(diff):
                    rec.update(diff_mean=float(diff.mean()), diff_p05=float(np.quantile(diff, QUANTILES[0], method=method)),
                               diff_p95=float(np.quantile(diff, QUANTILES[1], method=method)))
            rows.append(rec)
    table = pd.DataFrame(rows)
    for c in ("diff_mean", "diff_p05", "diff_p95"):
        if c not in table:
            table[c] = np.nan
    return table, runs
