"""The pieces of a calibration that pyABC runs: the model, the distance, the epsilon, the loop.

* :class:`CampaignModel` runs the scenario at a particle's parameter values, with a run seed drawn
  from the evaluation's seeded generator, and returns each target's output (``y0``, ``y1``, ...).
* :class:`TargetResiduals` turns those outputs into residuals (``quotasim.experiments.targets``):
  ``|r| <= 1`` means a target is met.
* :class:`TargetDistance` is pyABC's adaptive p-norm distance (Prangle 2017) with the maximum
  norm over targets: before each generation each target's scale is refitted as the root mean
  square of its residuals over the last population, floored at 1. Targets the population is far
  from weigh less while it is far, so that no one target decides alone; once the population meets
  a target (its residuals within 1) its weight is exactly 1, so the distance converges to "the
  worst target, in its own units" and an epsilon of 1 means "every target met".
* :class:`FlooredQuantileEpsilon` is pyABC's quantile epsilon (the weighted median of the last
  population's distances) that never goes below ``--min-epsilon``.
* :class:`CalibrationSMC` is pyABC's ABC-SMC with the stopping rules of ``quotasim calibrate`` and
  the reason it stopped.

Workers import this module (the local pool preloads it), so it stays free of file and report code.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyabc
from pyabc.distance import AdaptivePNormDistance
from pyabc.epsilon import QuantileEpsilon
from pyabc.sumstat import Sumstat

from quotasim.experiments.targets import Target, output_value, residual

GENERATIONS_REASON = "the asked number of generations"

STALL = 0.05
"""The calibration "stops improving" when two generations in a row lower the *fit* (below) by
less than this share. Epsilon itself is not compared: while the scales are refitted it is in
changing units, and it can rise while the population comes closer to every target."""
FLOOR_GENERATIONS = 3
"""Generations at the floor epsilon after which a calibration stops even if some target's weight is still below 1."""


def safe_name(path: str) -> str:
    """A key path as a pyABC parameter name (pyABC reads dots in names as nesting)."""
    return path.replace(".", "__")


def _leaf(summary: dict, path: str) -> float:
    node: Any = summary
    for part in path.split("."):
        node = node[part]
    return math.nan if node is None else float(node)


class CampaignModel(pyabc.Model):
    """``sample(parameters)`` -> ``{"y0": ..., ...}``: one run of the scenario per particle."""

    def __init__(self, scenario, params: tuple[tuple[str, bool], ...], targets: tuple[Target, ...]):
        super().__init__(name="scenario")
        self.scenario = scenario
        self.params = tuple(params)
        self.targets = tuple(targets)
        self.keys = tuple(dict.fromkeys(k for t in self.targets for k in t.keys))

    def values(self, pars) -> dict[str, Any]:
        return {path: (int(round(float(pars[safe_name(path)]))) if integer else float(pars[safe_name(path)]))
                for path, integer in self.params}

    def sample(self, pars) -> dict[str, float]:
        from quotasim import compiled
        from quotasim.simulate import simulate

        compiled.enable()  # thousands of runs in this process (docs/model.md, "Performance")
        seed = int(np.random.randint(0, 2**53, dtype=np.int64))  # the evaluation's seeded generator; exact as a float
        try:
            scenario = self.scenario.with_values(self.values(pars), where="calibration")
            result = simulate(scenario, seed=seed, with_provenance=False)  # targets are numbers
            flat = {k: _leaf(result.summary, k) for k in self.keys}
            ys = [output_value(flat, t) for t in self.targets]
        except Exception:  # noqa: BLE001 - a run that fails meets no target; the calibration goes on
            ys = [math.nan] * len(self.targets)
        out = {f"y{i}": float(y) for i, y in enumerate(ys)}
        out["seed"] = float(seed)
        return out


class TargetResiduals(Sumstat):
    """Model outputs -> one residual per target (NaN where a run gave no value)."""

    def __init__(self, targets: tuple[Target, ...]):
        super().__init__()
        self.targets = tuple(targets)

    def __call__(self, data) -> np.ndarray:
        return np.array([residual(t, float(data[f"y{i}"])) for i, t in enumerate(self.targets)], dtype=float)

    def get_ids(self) -> list[str]:
        return [t.output for t in self.targets]

    def __str__(self) -> str:
        return f"<TargetResiduals {len(self.targets)} targets>"


def floored_rms(*, samples: np.ndarray, s0: np.ndarray, **kwargs) -> np.ndarray:
    """Each target's root mean square residual over ``samples`` (around the observation), at least 1."""
    dev = np.asarray(samples, float) - np.asarray(s0, float)
    dev = np.where(np.isfinite(dev), dev, np.nan)
    with np.errstate(all="ignore"):
        counts = np.sum(np.isfinite(dev), axis=0)
        rms = np.sqrt(np.nansum(dev**2, axis=0) / np.maximum(counts, 1))
    rms = np.where(counts > 0, rms, 1.0)
    return np.maximum(rms, 1.0)


class TargetDistance(AdaptivePNormDistance):
    """The adaptive maximum-norm distance over target residuals; infinite when a residual is NaN."""

    def __init__(self, targets: tuple[Target, ...]):
        super().__init__(
            p=np.inf, scale_function=floored_rms, all_particles_for_scale=False, sumstat=TargetResiduals(targets)
        )

    def __call__(self, x, x_0, t=None, par=None) -> float:
        s = self.sumstat(x).flatten()
        if not np.all(np.isfinite(s)):
            return math.inf
        weights = np.broadcast_to(self.get_weights(t=t), s.shape)
        return float(np.max(np.abs(weights * s))) if s.size else 0.0

    def weights_at(self, t: int) -> np.ndarray:
        return np.asarray(self.get_weights(t=t), float)


class FlooredQuantileEpsilon(QuantileEpsilon):
    """The weighted median of the last population's distances, never below ``floor``."""

    def __init__(self, floor: float, alpha: float = 0.5):
        super().__init__(alpha=alpha, weighted=True)
        self.floor = float(floor)

    def _update(self, t: int, weighted_distances) -> None:
        super()._update(t, weighted_distances)
        self._look_up[t] = max(float(self._look_up[t]), self.floor)


def _stalled(eps: float | None, prev: float | None) -> bool:
    return eps is not None and prev is not None and math.isfinite(prev) and prev > 0 and eps > (1 - STALL) * prev


def worst_residuals(targets: tuple[Target, ...], stats: list[dict]) -> np.ndarray:
    """Each run's worst target, in the targets' own units (unweighted): ``max_i |r_i|``; inf without a value."""
    out = np.empty(len(stats))
    for k, s in enumerate(stats):
        r = np.array([residual(t, float(s[f"y{i}"])) for i, t in enumerate(targets)], dtype=float)
        out[k] = float(np.max(np.abs(r))) if np.all(np.isfinite(r)) else math.inf
    return out


def population_fit(history, targets: tuple[Target, ...], t: int) -> float | None:
    """The *fit* of generation ``t``: the weighted median over its particles of their worst residual
    (comparable across generations, whatever the distance's scales). None before generation 0."""
    if t < 0 or t > history.max_t:
        return None
    from pyabc.weighted_statistics import weighted_quantile

    weights, stats = history.get_weighted_sum_stats_for_model(m=0, t=t)
    worst = worst_residuals(targets, stats)
    w = np.asarray(weights, float)
    return float(weighted_quantile(points=worst, weights=w / w.sum(), alpha=0.5))


class CalibrationSMC(pyabc.ABCSMC):
    """ABC-SMC that stops at the first of: the asked generations, the run budget, the floor
    epsilon reached with every target weighted 1 (or held for FLOOR_GENERATIONS generations),
    epsilon zero, or the fit no longer improving by STALL in two generations. ``stop_reason`` says which."""

    stop_reason: str | None = None

    def check_terminate(self, t: int, acceptance_rate: float) -> bool:
        eps = float(self.eps(t))
        targets = self.distance_function.sumstat.targets
        fit, fit1, fit2 = (population_fit(self.history, targets, k) for k in (t, t - 1, t - 2))
        floor = float(self.minimum_epsilon or 0.0)
        weights = self.distance_function.weights_at(t)
        pops = self.history.get_all_populations()
        at_floor = int(((pops.t >= 0) & (pops.epsilon <= floor)).sum()) if floor > 0 else 0
        reason = None
        if t >= self.max_t:
            reason = GENERATIONS_REASON
        elif self.history.total_nr_simulations >= self.max_total_nr_simulations:
            reason = "the run budget (--max-runs)"
        elif eps <= floor and (np.all(weights >= 1.0 - 1e-12) or at_floor >= FLOOR_GENERATIONS):
            reason = f"epsilon at --min-epsilon {floor:g}" + ("" if np.all(weights >= 1.0 - 1e-12) else " (some targets still weighted below 1)")
        elif eps == 0.0:
            reason = "epsilon zero (every accepted run meets every target exactly)"
        elif eps > floor and _stalled(fit, fit1) and _stalled(fit1, fit2):
            reason = f"the fit stopped improving (the median run's worst target fell by less than {STALL:.0%} in each of two generations)"
        if reason:
            self.stop_reason = reason
            return True
        return False
