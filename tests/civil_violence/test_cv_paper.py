"""The ``epstein2002`` variant reproduces the paper's qualitative results (few seeds; the figures
and the numbers over 10 seeds are made by scripts/civil_violence_figures.py)."""

from __future__ import annotations

import numpy as np
import pytest

from quotasim import load_scenario, simulate
from quotasim.civil_violence.analysis import outbursts

SEEDS = (0, 1, 2)


def _runs(name, **values):
    sc = load_scenario(name)
    if values:
        sc = sc.with_values(values, where="test")
    return [simulate(sc, seed=s) for s in SEEDS]


def test_punctuated_equilibrium_with_tension_rising_before_outbursts():
    for r in _runs("epstein-run-2", steps=400):
        st = r.tables["steps"].iloc[1:]
        a, tension = st["active"].to_numpy(), st["tension"].to_numpy()
        b = outbursts(a, 0.02 * r.summary["citizens"])
        assert len(b) >= 5  # recurring outbursts ...
        assert np.mean(a <= 0.02 * r.summary["citizens"]) > 0.6  # ... separated by quiet stretches
        starts = b["start"].to_numpy()
        starts = starts[starts >= 20]
        before = np.mean([tension[k - 5 : k].mean() for k in starts])
        earlier = np.mean([tension[k - 20 : k - 15].mean() for k in starts])
        assert before > 1.3 * earlier  # tension builds up before an outburst


def test_slow_legitimacy_decline_no_outburst_small_sudden_drop_explodes():
    for gradual, sudden in zip(_runs("epstein-legitimacy-drop-gradual"), _runs("epstein-legitimacy-drop-sudden")):
        g = gradual.tables["steps"]["active"].max() / gradual.summary["citizens"]
        s = sudden.tables["steps"]["active"].max() / sudden.summary["citizens"]
        assert g < 0.08 and s > 0.2


def test_cop_reduction_tips_into_rebellion():
    for r in _runs("epstein-cop-reduction"):
        st = r.tables["steps"]
        a = st["active"].to_numpy()
        k = int(np.argmax(a > 0.1 * r.summary["citizens"]))
        assert k > 100  # quiet while cops are many
        assert a[k:].mean() > 5 * a[50:k].mean()  # then a lasting rebellion
        assert st["cops"].iloc[k] / 1600 == pytest.approx(0.053, abs=0.015)
