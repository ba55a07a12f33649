"""Statistical agreement between two sets of civil-violence runs (e.g. Mesa's and quotasim's).

Each run is reduced to one number per statistic, so that runs (seeds) are independent samples.
Over a window of steps after a burn-in:

- ``mean_active``, ``mean_jailed``: mean counts per step;
- ``outbursts``: the number of outbursts (maximal runs of steps with more than 2% of the citizens
  active);
- ``peak``: the most citizens active at once;
- ``outburst_peak``: the mean peak of the run's outbursts (runs without one left out). Compared
  only when both samples have at least ``MIN_RUNS_WITH_OUTBURSTS`` runs with an outburst: where
  outbursts are rare (the quiet set: about 5% of runs) it would be a mean over a handful of runs,
  and whether outbursts happen at all is already the ``outbursts`` statistic.

A statistic not compared has *no verdict* (``Check.compared`` is false): it neither agrees nor
differs, and asking it whether it agrees is an error, so that callers say what they do with it
(:func:`verdicts`). Two samples agree on a statistic when neither Welch's two-sample t-test (means) nor the two-sample
Kolmogorov-Smirnov test (distributions) rejects equality at ``ALPHA``, and the means differ by at
most ``REL_TOL`` of the reference mean plus ``ABS_TOL`` (a practical tolerance, so that a
difference too small to matter is not a failure and one too large is one whatever the p-values).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from quotasim.civil_violence.analysis import outburst_columns

ALPHA = 0.001
REL_TOL = 0.15
ABS_TOL = 1.0
BURN_IN = 50
OUTBURST_SHARE = 0.02
STATISTICS = ("mean_active", "mean_jailed", "outbursts", "peak", "outburst_peak")
MIN_RUNS_WITH_OUTBURSTS = 20


def run_statistics(active, jailed, citizens: int, *, burn_in: int = BURN_IN) -> dict[str, float]:
    """The statistics of one run from its counts after steps 1..n (lists or arrays)."""
    a = np.asarray(active, dtype=np.float64)[burn_in:]
    j = np.asarray(jailed, dtype=np.float64)[burn_in:]
    peaks = outburst_columns(a, OUTBURST_SHARE * citizens)["peak"]
    return {
        "mean_active": float(a.mean()),
        "mean_jailed": float(j.mean()),
        "outbursts": float(len(peaks)),
        "peak": float(a.max()),
        "outburst_peak": float(peaks.mean()) if len(peaks) else float("nan"),
    }


@dataclass(frozen=True)
class Check:
    statistic: str
    reference_mean: float
    candidate_mean: float
    welch_p: float
    ks_p: float
    within_tolerance: bool
    compared: bool = True

    @property
    def agrees(self) -> bool:
        if not self.compared:
            raise ValueError(f"{self.statistic}: not compared, no verdict (see Check.compared)")
        return self.welch_p >= ALPHA and self.ks_p >= ALPHA and self.within_tolerance

    def __str__(self) -> str:
        if not self.compared:
            return (f"{self.statistic:>14}: reference {self.reference_mean:9.3f}  candidate {self.candidate_mean:9.3f}  "
                    f"too few runs to compare: no verdict")
        verdict = "agree" if self.agrees else "DIFFER"
        return (f"{self.statistic:>14}: reference {self.reference_mean:9.3f}  candidate {self.candidate_mean:9.3f}  "
                f"Welch p {self.welch_p:.2g}  KS p {self.ks_p:.2g}  {verdict}")


def verdicts(checks: list[Check]) -> list[Check]:
    """The checks that have a verdict (agree or differ); those not compared are left out."""
    return [c for c in checks if c.compared]


def compare(reference: list[dict[str, float]], candidate: list[dict[str, float]]) -> list[Check]:
    """One :class:`Check` per statistic."""
    checks = []
    for name in STATISTICS:
        x = np.array([r[name] for r in reference])
        y = np.array([c[name] for c in candidate])
        x, y = x[np.isfinite(x)], y[np.isfinite(y)]
        if name == "outburst_peak" and min(x.size, y.size) < MIN_RUNS_WITH_OUTBURSTS:
            # outbursts too rare to compare their peaks: no verdict (the `outbursts` check has one)
            checks.append(Check(name, float(np.mean(x)) if x.size else float("nan"), float(np.mean(y)) if y.size else float("nan"),
                                float("nan"), float("nan"), False, compared=False))
            continue
        mx, my = float(x.mean()), float(y.mean())
        if np.ptp(x) == 0 and np.ptp(y) == 0:
            welch = 1.0 if mx == my else 0.0
        else:
            welch = float(stats.ttest_ind(x, y, equal_var=False).pvalue)
        with warnings.catch_warnings():  # ties: scipy falls back to the asymptotic p-value, and says so
            warnings.simplefilter("ignore", RuntimeWarning)
            ks = float(stats.ks_2samp(x, y).pvalue)
        within = abs(my - mx) <= REL_TOL * abs(mx) + ABS_TOL
        checks.append(Check(name, mx, my, welch, ks, within))
    return checks
