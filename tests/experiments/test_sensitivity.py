"""Sensitivity analysis through the same machinery as any sweep: the Ishigami function's analytic
Sobol indices are recovered; Morris ranks its inputs; the CLI writes the table and report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from quotasim.experiments.design import DesignOptions
from quotasim.experiments.executor import ProcessExecutor
from quotasim.experiments.models import TEST_MODELS, ishigami_indices
from quotasim.experiments.sensitivity import analyze_sweep, row_outputs
from quotasim.experiments.sweep import plan_sweep, run_sweep

ISHIGAMI = TEST_MODELS["ishigami"]


def test_sobol_recovers_ishigami_indices(tmp_path):
    plan = plan_sweep(ISHIGAMI, design="sobol", samples=2048, seed=2, options=DesignOptions(second_order=False))
    run_sweep(plan, tmp_path / "s", executor=ProcessExecutor(2))
    table = analyze_sweep(tmp_path / "s", plan, "sobol").set_index(["output", "parameter"])
    truth = ishigami_indices()
    for p in ("x1", "x2", "x3"):
        row = table.loc[("y", p)]
        # within 0.05 absolute (SALib's own regression tolerance is similar) and inside ~2 CIs
        assert row["S1"] == pytest.approx(truth["S1"][p], abs=0.05)
        assert row["ST"] == pytest.approx(truth["ST"][p], abs=0.05)
        assert abs(row["ST"] - truth["ST"][p]) <= 2 * row["ST_conf"] + 0.01
        assert {"S1_half", "ST_half", "converged"} <= set(row.index)
    assert table.loc[("y", "x1"), "converged"]


def test_morris_ranks_ishigami_inputs(tmp_path):
    plan = plan_sweep(ISHIGAMI, design="morris", samples=40, seed=4)
    run_sweep(plan, tmp_path / "m")
    table = analyze_sweep(tmp_path / "m", plan, "morris")
    y = table[table["output"] == "y"].set_index("parameter")
    assert y.loc["x3", "mu_star"] > 0 and y.loc["x1", "sigma"] > 0
    assert set(y.columns) >= {"mu_star", "mu_star_conf", "sigma", "mu", "mu_star_half", "converged"}


def test_replicates_are_averaged_and_failed_rows_are_nan():
    runs = pd.DataFrame(
        {"run": range(6), "status": ["ok", "ok", "ok", "failed", "ok", "ok"], "y": [1.0, 3.0, 5.0, np.nan, 2.0, 2.0]}
    )
    y = row_outputs(runs, 3, 2, ["y"])["y"]
    assert y[0] == 2.0 and np.isnan(y[1]) and y[2] == 2.0


def test_cli_sensitivity_writes_table_and_report(tmp_path, cli):
    out = tmp_path / "sa"
    code, stdout, err = cli("sensitivity", "test:ishigami", "--method", "sobol", "--samples", "64", "--processes", "1", "--out", out)
    assert code == 0, err
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["parameter"]) == {"x1", "x2", "x3"} and {"S1", "S1_conf", "ST", "ST_conf"} <= set(table)
    page = (out / "sensitivity.html").read_text()
    assert "plotly" in page and "S1 (first order)" in page and "<script" in page
    assert "most influential" in stdout


def test_cli_sensitivity_rejects_non_power_of_two(tmp_path, cli):
    code, _, err = cli("sensitivity", "test:ishigami", "--samples", "1000", "--out", tmp_path / "x")
    assert code == 2 and "nearest valid value: 1024" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()
