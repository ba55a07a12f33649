"""Sensitivity analysis of a finished sweep: SALib's Sobol or Morris analysis per summary output.

The sweep's design must be the method's own (``sobol`` for Sobol, ``morris`` for Morris), run by
:mod:`quotasim.experiments.sweep`. With replicates, each design row's output is the mean over its
replicates (the analysis needs one value per row). A convergence check recomputes the indices on
the first half of the base samples (N/2) and reports the largest change: a Sobol (Saltelli) design
is made of N blocks of ``2d+2`` (or ``d+2``) rows and a Morris design of N trajectories of ``d+1``
rows, and the first N/2 blocks are themselves a valid design.

The result is a long table, one row per (output, parameter):

* sobol: ``S1, S1_conf, ST, ST_conf`` and ``S1_half, ST_half`` (at N/2), ``converged``
* morris: ``mu_star, mu_star_conf, sigma, mu`` and ``mu_star_half``, ``converged``
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from quotasim.experiments.design import ParamSpec, salib_problem

METHODS = ("sobol", "morris")
CONVERGENCE_TOL = 0.05
"""Sobol: an index moved by more than this between N/2 and N is flagged not converged. Morris:
μ* moved by more than this share of the largest μ* of that output."""


def block_size(method: str, d: int, second_order: bool) -> int:
    if method == "sobol":
        return 2 * d + 2 if second_order else d + 2
    return d + 1


def row_outputs(runs: pd.DataFrame, n_rows: int, replicates: int, outputs: Sequence[str]) -> dict[str, np.ndarray]:
    """Per design row, the mean of each output over its replicates (NaN where any run failed)."""
    runs = runs.sort_values("run")
    out = {}
    row = runs["run"].to_numpy() // replicates
    ok = (runs["status"] == "ok").to_numpy()
    for key in outputs:
        y = np.full(n_rows, np.nan)
        vals = runs[key].to_numpy(dtype=float) if key in runs else np.full(len(runs), np.nan)
        vals = np.where(ok, vals, np.nan)
        sums = np.bincount(row, weights=np.nan_to_num(vals), minlength=n_rows)
        counts = np.bincount(row, minlength=n_rows)
        nans = np.bincount(row, weights=np.isnan(vals).astype(float), minlength=n_rows)
        good = (counts == replicates) & (nans == 0)
        y[good] = sums[good] / replicates
        out[key] = y
    return out


def _sobol(problem, y, second_order, seed):
    from SALib.analyze import sobol

    res = sobol.analyze(problem, y, calc_second_order=second_order, num_resamples=200, conf_level=0.95, seed=seed)
    return {k: np.asarray(res[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def _morris(problem, x, y, levels, seed):
    from SALib.analyze import morris

    res = morris.analyze(problem, x, y, num_resamples=200, conf_level=0.95, num_levels=levels, seed=seed)
    return {k: np.asarray(res[k], dtype=float) for k in ("mu", "mu_star", "sigma", "mu_star_conf")}


def analyze(
    method: str,
    params: Sequence[ParamSpec],
    matrix: np.ndarray,
    ys: dict[str, np.ndarray],
    *,
    samples: int,
    second_order: bool = True,
    levels: int = 4,
    seed: int = 0,
) -> pd.DataFrame:
    """Indices of every output in ``ys`` (each of length ``matrix.shape[0]``), as a long table.

    Outputs that are constant or have failed rows are kept with NaN indices and a ``note``.
    """
    problem = salib_problem(params)
    d = len(params)
    block = block_size(method, d, second_order)
    half = (samples // 2) * block
    rows = []
    for key, y in ys.items():
        note = ""
        if np.isnan(y).any():
            note = f"{int(np.isnan(y).sum())} design rows failed"
        elif np.ptp(y) == 0:
            note = "constant output"
        if note:
            for p in params:
                rows.append({"output": key, "parameter": p.path, "note": note})
            continue
        if method == "sobol":
            full = _sobol(problem, y, second_order, seed)
            part = _sobol(problem, y[:half], second_order, seed) if samples >= 4 else None
            for j, p in enumerate(params):
                rec = {"output": key, "parameter": p.path, **{k: float(v[j]) for k, v in full.items()}}
                if part is not None:
                    rec["S1_half"] = float(part["S1"][j])
                    rec["ST_half"] = float(part["ST"][j])
                    rec["converged"] = bool(
                        abs(rec["S1"] - rec["S1_half"]) <= CONVERGENCE_TOL and abs(rec["ST"] - rec["ST_half"]) <= CONVERGENCE_TOL
                    )
                rec["note"] = ""
                rows.append(rec)
        else:
            full = _morris(problem, matrix, y, levels, seed)
            part = _morris(problem, matrix[:half], y[:half], levels, seed) if samples >= 4 else None
            scale = float(np.nanmax(full["mu_star"])) or 1.0
            for j, p in enumerate(params):
                rec = {"output": key, "parameter": p.path, **{k: float(v[j]) for k, v in full.items()}}
                if part is not None:
                    rec["mu_star_half"] = float(part["mu_star"][j])
                    rec["converged"] = bool(abs(rec["mu_star"] - rec["mu_star_half"]) <= CONVERGENCE_TOL * scale)
                rec["note"] = ""
                rows.append(rec)
    table = pd.DataFrame(rows)
    if "note" in table:
        table = table[[c for c in table.columns if c != "note"] + ["note"]]
    return table


def analyze_sweep(out, plan, method: str) -> pd.DataFrame:
    """Read a finished sweep folder for ``plan`` and analyse every summary output."""
    from quotasim.experiments.store import read_manifest, read_runs

    runs = read_runs(out)
    manifest = read_manifest(out) or {}
    outputs = manifest.get("outputs") or []
    ys = row_outputs(runs, plan.rows, plan.replicates, outputs)
    return analyze(
        method,
        plan.params,
        plan.matrix,
        ys,
        samples=plan.samples,
        second_order=plan.options.second_order,
        levels=plan.options.levels,
        seed=plan.seed % (2**32),
    )
