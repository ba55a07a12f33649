"""Every mechanism acts: each parameter with a range in the default scenario moves an output
measured at the review — unless the model flags it as inert there, and then it moves none.

Each parameter is set to the two ends of its range on the same seeds (common random numbers:
each mechanism draws from its own stream, so only the parameter differs). For every output
measured at the review, the paired differences over the seeds go through two two-sided tests, a
paired t-test and a sign test (the differences are often heavy-tailed but of one sign). The test
runs in two stages: 12 seeds, then, only if that does not settle it, 12 more (24 in all). The
parameter acts when, at either stage, the smallest p-value times the number of tests
(Bonferroni: two per output, and two stages) is below 0.05. A parameter the model flags as inert
must leave every output of the run exactly unchanged.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest, ttest_rel

from quotasim import load_scenario, simulate
from quotasim.result import summary_items
from quotasim.scenario import inert_parameters

SCENARIO = "dprk-2020-80-day-battle"
STAGES = (range(12), range(24))
SEEDS = STAGES[0]
ALPHA = 0.05
DEFAULT = load_scenario(SCENARIO)
RANGED = sorted(DEFAULT.ranges())
INERT = inert_parameters(DEFAULT)


def at_review(summary) -> dict[str, float]:
    items = dict(summary_items(summary))
    return {k.removeprefix("at_review."): float("nan") if v is None else float(v) for k, v in items.items() if k.startswith("at_review.")} | {
        "referred": float(items["referred"]),
        "commended": float(items["commended"]),
    }


def runs(path, value, seeds):
    scenario = DEFAULT.with_values({path: value})
    return [at_review(simulate(scenario, seed=seed).summary) for seed in seeds]


def end_values(path):
    lo, hi = DEFAULT.ranges()[path]
    if isinstance(DEFAULT.value(path), int):
        return int(lo), int(hi)
    return float(lo), float(hi)


def paired_p(x: np.ndarray, y: np.ndarray) -> float:
    """The smaller p-value of a paired t-test and a sign test of y - x (1 when they never differ)."""
    d = y - x
    if not np.any(d):
        return 1.0
    nonzero = d[d != 0]
    sign = binomtest(int((nonzero > 0).sum()), len(nonzero)).pvalue
    t = ttest_rel(y, x).pvalue if np.ptp(d) > 0 else 0.0
    return float(min(sign, t))


def effects(path, seeds):
    """Per output measured at the review: (mean paired difference, p-value) between the ends of
    the range, over ``seeds``."""
    lo, hi = end_values(path)
    a, b = runs(path, lo, seeds), runs(path, hi, seeds)
    out = {}
    for key in a[0]:
        x = np.array([r[key] for r in a])
        y = np.array([r[key] for r in b])
        if np.isnan(x).any() or np.isnan(y).any():
            continue
        out[key] = (float((y - x).mean()), paired_p(x, y))
    return out


def test_the_default_scenario_has_ranged_parameters_and_flags_some_inert():
    assert len(RANGED) >= 30
    assert "trade.usd_per_day" in INERT


@pytest.mark.parametrize("path", [p for p in RANGED if p not in INERT])
def test_parameter_moves_an_output_at_the_review(path):
    for seeds in STAGES:
        found = effects(path, seeds)
        best = min(found, key=lambda k: found[k][1])
        tests = 2 * len(found) * len(STAGES)
        if found[best][1] * tests < ALPHA:
            return
    raise AssertionError(f"{path} moves no output at the review (best: {best}, p = {found[best][1]:.3g}, {tests} tests)")


@pytest.mark.parametrize("path", [p for p in RANGED if p in INERT])
def test_parameter_flagged_inert_moves_nothing(path):
    lo, hi = end_values(path)
    for seed in SEEDS[:3]:
        a = simulate(DEFAULT.with_values({path: lo}), seed=seed).summary
        b = simulate(DEFAULT.with_values({path: hi}), seed=seed).summary
        a.pop("provenance"), b.pop("provenance")
        assert a == b, f"{path} is flagged inert ({INERT[path]}) but changes the run"
