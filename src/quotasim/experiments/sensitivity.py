"""Sensitivity analysis of a finished sweep: Sobol or Morris indices per output, with a noise floor.

The sweep's design must be the method's own (``sobol`` for Sobol, ``morris`` for Morris), run by
:mod:`quotasim.experiments.sweep` with *common random numbers*: replicate ``r`` of every design row
uses the same seed, so two rows differ only through their parameter values, and the indices are
computed on each row's mean over its replicates (SALib's estimators).

Noise floor. Seed noise still reaches the indices: a parameter that does act changes the path
the random numbers take, and the mean of R replicates is not the expectation. Two checks bound it:

* the *dummy parameter*: a parameter in the design that no run reads. Its index is what the
  estimator gives for a parameter without effect (under common random numbers, exactly zero);
* a *bootstrap over replicates* (the wild bootstrap): each replicate's deviation from its row's
  mean gets a random sign, the same sign in every row (so the pairing of common random numbers is
  kept), and the index is recomputed on the signed deviations alone (scaled by √(R/(R−1))). That is
  what the index would be if the parameter had no effect and only seed noise remained, parameter
  by parameter. Its 95th percentile over the draws is that parameter's noise.

An index is *above noise* when it exceeds both its own noise and the dummy's index plus its
confidence interval. The dummy is never above noise (its floor includes its own index); a
parameter no mechanism reads gives an index of exactly zero and is never above noise either.

The result is a long table, one row per (output, parameter), the dummy's row ``parameter = "dummy"``:

* sobol: ``S1, S1_conf, ST, ST_conf``, ``S1_half, ST_half`` (at N/2), ``converged``, ``noise_floor``
  (of ST), ``above_noise`` (ST above it)
* morris: ``mu_star, mu_star_conf, sigma, mu``, ``mu_star_half``, ``converged``, ``noise_floor``
  (of μ*), ``above_noise`` (μ* above it)

A convergence check recomputes the indices on the first half of the base samples (N/2): a Sobol
(Saltelli) design is N blocks of ``2d+2`` (or ``d+2``) rows, a Morris design N trajectories of
``d+1`` rows, and the first N/2 blocks are a valid design themselves.
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
NOISE_DRAWS = 200
NOISE_QUANTILE = 0.95
INDEX_KEY = {"sobol": "ST", "morris": "mu_star"}


def block_size(method: str, d: int, second_order: bool) -> int:
    if method == "sobol":
        return 2 * d + 2 if second_order else d + 2
    return d + 1


def replicate_outputs(runs: pd.DataFrame, n_rows: int, replicates: int, outputs: Sequence[str]) -> dict[str, np.ndarray]:
    """Per output, a ``(replicates, n_rows)`` matrix of the runs' values (NaN where a run failed or is missing)."""
    n = n_rows * replicates
    run = runs["run"].to_numpy(dtype=np.int64)
    keep = (run >= 0) & (run < n)
    run = run[keep]
    ok = (runs["status"] == "ok").to_numpy()[keep]
    out = {}
    for key in outputs:
        flat = np.full(n, np.nan)
        if key in runs:
            vals = runs[key].to_numpy(dtype=float, na_value=np.nan)[keep]
            flat[run] = np.where(ok, vals, np.nan)
        out[key] = flat.reshape(n_rows, replicates).T
    return out


def row_outputs(runs: pd.DataFrame, n_rows: int, replicates: int, outputs: Sequence[str]) -> dict[str, np.ndarray]:
    """Per design row, the mean of each output over its replicates (NaN where any run failed)."""
    return {k: y.mean(axis=0) for k, y in replicate_outputs(runs, n_rows, replicates, outputs).items()}


# -- the estimators, vectorised over noise draws (the same formulas as SALib's) ----------------


def morris_effects(unit: np.ndarray, y: np.ndarray, d: int, levels: int) -> np.ndarray:
    """Elementary effects ``(..., N, d)`` of outputs ``y`` ``(..., rows)`` on a Morris design.

    ``unit`` is the design scaled to [0, 1]; consecutive rows of a trajectory differ in one
    parameter by ±Δ, Δ = levels / (2 (levels − 1)), and the effect is the output's change over +Δ.
    """
    n_traj = unit.shape[0] // (d + 1)
    x = unit[: n_traj * (d + 1)].reshape(n_traj, d + 1, d)
    step = np.diff(x, axis=1)  # (N, d, d): row k -> k+1, one nonzero column
    which = np.argmax(np.abs(step), axis=2)  # (N, d): the parameter changed at each step
    sign = np.sign(np.take_along_axis(step, which[..., None], axis=2)[..., 0])
    delta = levels / (2.0 * (levels - 1))
    yy = y[..., : n_traj * (d + 1)].reshape(*y.shape[:-1], n_traj, d + 1)
    dy = np.diff(yy, axis=-1) * sign / delta  # (..., N, d) by step
    effects = np.zeros_like(dy)
    np.put_along_axis(effects, np.broadcast_to(which, dy.shape), dy, axis=-1)
    return effects


def _sobol_blocks(y: np.ndarray, d: int, second_order: bool):
    """A, B ``(..., N)`` and AB ``(..., N, d)`` from Saltelli-ordered outputs ``(..., rows)``."""
    step = 2 * d + 2 if second_order else d + 2
    n = y.shape[-1] // step
    blocks = y[..., : n * step].reshape(*y.shape[:-1], n, step)
    return blocks[..., 0], blocks[..., step - 1], blocks[..., 1 : d + 1]


def sobol_noise(mean: np.ndarray, noise: np.ndarray, d: int, second_order: bool) -> tuple[np.ndarray, np.ndarray]:
    """S1 and ST ``(draws, d)`` of the pure-noise outputs ``noise`` ``(draws, rows)``.

    SALib standardises the output and divides by the variance of A and B; here the noise is
    standardised by the real output's mean and deviation, so its indices are on the same scale
    as the real ones. S1's term ``f(B)`` is the real output's: only the parameter's own change is noise.
    """
    sd = float(np.std(mean)) or 1.0
    yn = (mean - mean.mean()) / sd
    a, b, _ = _sobol_blocks(yn, d, second_order)
    var = float(np.var(np.r_[a, b])) or 1.0
    za, _, zab = _sobol_blocks(noise / sd, d, second_order)
    diff = zab - za[..., None]
    s1 = np.mean(b[:, None] * diff, axis=-2) / var
    st = 0.5 * np.mean(diff**2, axis=-2) / var
    return s1, st


def wild_bootstrap(y: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """``(draws, rows)`` means over replicates of the signed deviations from each row's mean.

    ``y`` is ``(R, rows)``; draw ``b`` gives replicate ``r`` the sign ``s[b, r]`` in every row.
    """
    r = y.shape[0]
    if r < 2:
        return np.zeros((draws, y.shape[1]))
    dev = y - y.mean(axis=0)
    dev[np.abs(dev) <= 1e-12 * (np.abs(y).max(axis=0) + 1e-300)] = 0.0  # replicates equal but for rounding
    dev *= np.sqrt(r / (r - 1))
    signs = rng.choice(np.array([-1.0, 1.0]), size=(draws, r))
    return signs @ dev / r


# -- SALib ------------------------------------------------------------------------------------


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
    draws: int = NOISE_DRAWS,
) -> pd.DataFrame:
    """Indices of every output in ``ys``, as a long table (one row per output × parameter).

    Each value of ``ys`` is a ``(replicates, rows)`` matrix, or a ``(rows,)`` vector (one
    replicate). Outputs with a failed run or that are constant must be left out before (see
    :func:`choose_outputs`).
    """
    problem = salib_problem(params)
    d = len(params)
    block = block_size(method, d, second_order)
    half = (samples // 2) * block
    unit = (matrix - np.array([p.lo for p in params])) / np.array([p.hi - p.lo for p in params])
    dummy = [j for j, p in enumerate(params) if p.dummy]
    rng = np.random.default_rng(seed)
    rows = []
    for key, y_rep in ys.items():
        y_rep = np.atleast_2d(np.asarray(y_rep, dtype=float))
        y = y_rep.mean(axis=0)
        noise = wild_bootstrap(y_rep, draws, rng)
        if method == "sobol":
            full = _sobol(problem, y, second_order, seed)
            part = _sobol(problem, y[:half], second_order, seed) if samples >= 4 else None
            _, st_noise = sobol_noise(y, noise, d, second_order)
            index, conf, noise_index = full["ST"], full["ST_conf"], st_noise
        else:
            full = _morris(problem, matrix, y, levels, seed)
            part = _morris(problem, matrix[:half], y[:half], levels, seed) if samples >= 4 else None
            noise_index = np.mean(np.abs(morris_effects(unit, noise, d, levels)), axis=-2)
            index, conf = full["mu_star"], full["mu_star_conf"]
        floor = np.quantile(noise_index, NOISE_QUANTILE, axis=0)
        if dummy:
            j = dummy[0]
            floor = np.maximum(floor, index[j] + np.nan_to_num(conf[j]))
        scale = float(np.nanmax(full["mu_star"])) if method == "morris" else 1.0
        for j, p in enumerate(params):
            rec = {"output": key, "parameter": p.path, "label": p.name, **{k: float(v[j]) for k, v in full.items()}}
            if method == "sobol" and part is not None:
                rec["S1_half"] = float(part["S1"][j])
                rec["ST_half"] = float(part["ST"][j])
                rec["converged"] = bool(
                    abs(rec["S1"] - rec["S1_half"]) <= CONVERGENCE_TOL and abs(rec["ST"] - rec["ST_half"]) <= CONVERGENCE_TOL
                )
            elif part is not None:
                rec["mu_star_half"] = float(part["mu_star"][j])
                rec["converged"] = bool(abs(rec["mu_star"] - rec["mu_star_half"]) <= CONVERGENCE_TOL * (scale or 1.0))
            rec["noise_floor"] = float(floor[j])
            rec["above_noise"] = bool(index[j] > floor[j])
            rows.append(rec)
    return pd.DataFrame(rows)


def choose_outputs(
    ys: dict[str, np.ndarray], *, model: str, asked: Sequence[str] = ()
) -> tuple[list[str], dict[str, str]]:
    """The outputs to analyse, and those left out with the reason.

    ``asked`` (``--output``) are analysed if they can be; otherwise every output except those that
    describe the population or the set-up (:data:`quotasim.experiments.outcomes.SETUP_OUTPUTS`).
    Constant outputs and outputs with a failed run are left out in both cases.
    """
    from quotasim.experiments.outcomes import setup_outputs

    setup = {} if asked else setup_outputs(model)
    chosen, left_out = [], {}
    for key in asked or ys:
        y = ys[key]
        if key in setup:
            left_out[key] = setup[key]
        elif np.isnan(y).any():
            left_out[key] = f"{int(np.isnan(y).sum())} runs failed or gave no value"
        elif np.ptp(y) == 0:
            left_out[key] = "constant in every run"
        else:
            chosen.append(key)
    return chosen, left_out


def analyze_sweep(out, plan, method: str, outputs: Sequence[str] = ()) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read a finished sweep folder for ``plan``; the indices and the outputs left out (with why)."""
    from quotasim.experiments.store import read_manifest, read_runs

    runs = read_runs(out)
    manifest = read_manifest(out) or {}
    ys = replicate_outputs(runs, plan.rows, plan.replicates, manifest.get("outputs") or [])
    chosen, left_out = choose_outputs(ys, model=plan.target.model, asked=outputs)
    table = analyze(
        method,
        plan.params,
        plan.matrix,
        {k: ys[k] for k in chosen},
        samples=plan.samples,
        second_order=plan.options.second_order,
        levels=plan.options.levels,
        seed=plan.seed % (2**32),
    )
    return table, left_out
