"""Sensitivity analysis through the same machinery as any sweep: common random numbers, a dummy
parameter and a noise floor; the Ishigami function's analytic Sobol indices are recovered; Morris
ranks its inputs; on the default scenario an inert parameter is never above noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotasim.experiments.design import DesignOptions
from quotasim.experiments.executor import ProcessExecutor, SerialExecutor
from quotasim.experiments.models import TEST_MODELS, ishigami_indices
from quotasim.experiments.sensitivity import (
    _morris,
    _sobol,
    analyze,
    analyze_sweep,
    morris_effects,
    row_outputs,
    sobol_noise,
)
from quotasim.experiments.store import read_runs
from quotasim.experiments.sweep import plan_sweep, run_sweep
from quotasim.experiments.design import salib_problem

ISHIGAMI = TEST_MODELS["ishigami"]


def sensitivity_plan(target, **kwargs):
    return plan_sweep(target, kind="sensitivity", crn=True, dummy=True, **kwargs)


@settings(max_examples=25, deadline=None)
@given(method=st.sampled_from(["morris", "sobol"]), samples=st.sampled_from([2, 4]), replicates=st.integers(1, 4),
       seed=st.integers(0, 2**63 - 1))
def test_under_crn_every_design_row_uses_the_same_seeds(method, samples, replicates, seed):
    plan = sensitivity_plan(ISHIGAMI, design=method, samples=samples, replicates=replicates, seed=seed)
    seeds = plan.seeds().reshape(plan.rows, replicates)
    assert (seeds == seeds[0]).all()
    assert len(set(seeds[0].tolist())) == replicates  # and the replicates differ


def test_crn_seeds_reach_the_runs_table(tmp_path):
    plan = sensitivity_plan(ISHIGAMI, design="morris", samples=3, replicates=3, seed=11)
    run_sweep(plan, tmp_path / "s", executor=SerialExecutor(), batch_size=5)
    runs = read_runs(tmp_path / "s")
    assert runs["row"].tolist() == [i // 3 for i in range(plan.n_runs)]
    assert runs["replicate"].tolist() == [i % 3 for i in range(plan.n_runs)]
    by_rep = runs.groupby("replicate")["seed"].nunique()
    assert (by_rep == 1).all() and runs.groupby("row")["seed"].nunique().eq(3).all()
    # the dummy is in the design and the runs table, and never reached the model
    assert "dummy" in runs and runs["dummy"].nunique() > 1
    same = runs.groupby("replicate")["y_noisy"].apply(lambda s: s.to_numpy())
    assert not np.isnan(np.stack(same.to_list())).any()


def test_our_estimators_are_salibs():
    plan = sensitivity_plan(ISHIGAMI, design="morris", samples=6, seed=3)
    y = np.array([ISHIGAMI.fn(plan.run_values(i), np.random.default_rng(0))["y"] for i in range(plan.n_runs)])
    unit = (plan.matrix - np.array([p.lo for p in plan.params])) / np.array([p.hi - p.lo for p in plan.params])
    ours = np.mean(np.abs(morris_effects(unit, y[None, :], len(plan.params), 4)), axis=-2)[0]
    theirs = _morris(salib_problem(plan.params), plan.matrix, y, 4, 0)["mu_star"]
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    for second_order in (True, False):
        plan = sensitivity_plan(ISHIGAMI, design="sobol", samples=16, seed=3, options=DesignOptions(second_order=second_order))
        y = np.array([ISHIGAMI.fn(plan.run_values(i), np.random.default_rng(0))["y"] for i in range(plan.n_runs)])
        s1, st_ = sobol_noise(y, y[None, :], len(plan.params), second_order)
        ref = _sobol(salib_problem(plan.params), y, second_order, 0)
        np.testing.assert_allclose(s1[0], ref["S1"], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(st_[0], ref["ST"], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("method", ["morris", "sobol"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_dummy_is_never_above_noise(method, seed):
    """Even where the dummy's index is not zero (here: seed noise independent in every row, as
    without common random numbers), its floor holds its own index and interval."""
    plan = sensitivity_plan(ISHIGAMI, design=method, samples=8, seed=seed)
    rng = np.random.default_rng(seed)
    y = rng.normal(size=(3, plan.rows))  # pure noise: no parameter acts
    table = analyze(method, plan.params, plan.matrix, {"noise": y}, samples=plan.samples, levels=4, seed=seed)
    dummy = table[table["parameter"] == "dummy"].iloc[0]
    assert dummy[{"morris": "mu_star", "sobol": "ST"}[method]] > 0  # the case the floor must hold
    assert not dummy["above_noise"]


def test_sobol_recovers_ishigami_indices(tmp_path):
    plan = sensitivity_plan(ISHIGAMI, design="sobol", samples=2048, seed=2, options=DesignOptions(second_order=False))
    run_sweep(plan, tmp_path / "s", executor=ProcessExecutor(2))
    table, left_out = analyze_sweep(tmp_path / "s", plan, "sobol")
    table = table.set_index(["output", "parameter"])
    truth = ishigami_indices()
    for p in ("x1", "x2", "x3"):
        row = table.loc[("y", p)]
        # within 0.05 absolute (SALib's own regression tolerance is similar) and inside ~2 CIs
        assert row["S1"] == pytest.approx(truth["S1"][p], abs=0.05)
        assert row["ST"] == pytest.approx(truth["ST"][p], abs=0.05)
        assert abs(row["ST"] - truth["ST"][p]) <= 2 * row["ST_conf"] + 0.01
        assert {"S1_half", "ST_half", "converged", "noise_floor", "above_noise"} <= set(row.index)
        assert row["above_noise"]
    assert table.loc[("y", "x1"), "converged"]
    assert table.loc[("y", "dummy"), "ST"] == 0 and not table.loc[("y", "dummy"), "above_noise"]
    assert left_out == {}


def test_morris_ranks_ishigami_inputs(tmp_path):
    plan = sensitivity_plan(ISHIGAMI, design="morris", samples=40, seed=4)
    run_sweep(plan, tmp_path / "m")
    table, _ = analyze_sweep(tmp_path / "m", plan, "morris")
    y = table[table["output"] == "y"].set_index("parameter")
    assert y.loc["x3", "mu_star"] > 0 and y.loc["x1", "sigma"] > 0
    assert set(y.columns) >= {"mu_star", "mu_star_conf", "sigma", "mu", "mu_star_half", "converged", "noise_floor", "above_noise"}


def test_replicates_are_averaged_and_failed_rows_are_nan():
    runs = pd.DataFrame(
        {"run": range(6), "status": ["ok", "ok", "ok", "failed", "ok", "ok"], "y": [1.0, 3.0, 5.0, np.nan, 2.0, 2.0]}
    )
    y = row_outputs(runs, 3, 2, ["y"])["y"]
    assert y[0] == 2.0 and np.isnan(y[1]) and y[2] == 2.0


def test_cli_sensitivity_writes_table_and_report(tmp_path, cli):
    out = tmp_path / "sa"
    code, stdout, err = cli("sensitivity", "test:ishigami", "--method", "sobol", "--samples", "64", "--processes", "1",
                            "--output", "y", "--out", out)
    assert code == 0, err
    table = pd.read_parquet(out / "sensitivity.parquet")
    assert set(table["parameter"]) == {"x1", "x2", "x3", "dummy"} and set(table["output"]) == {"y"}
    assert {"S1", "S1_conf", "ST", "ST_conf", "noise_floor", "above_noise"} <= set(table)
    assert table["above_noise"].dtype == bool
    page = (out / "sensitivity.html").read_text()
    assert "plotly" in page and "What moves the headline outcomes" in page and "Contents" in page
    assert "above the noise floor" in stdout and "x1" in stdout


def test_cli_sensitivity_rejects_non_power_of_two_and_unknown_outputs(tmp_path, cli):
    code, _, err = cli("sensitivity", "test:ishigami", "--samples", "1000", "--out", tmp_path / "x")
    assert code == 2 and "nearest valid value: 1024" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli("sensitivity", "dprk-2020-80-day-battle", "--output", "exiled_person", "--out", tmp_path / "x")
    assert code == 2 and "unknown output 'exiled_person'; did you mean exiled_persons" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = cli("sweep", "test:ishigami", "--output", "z", "--out", tmp_path / "x")
    assert code == 2 and "unknown output 'z'" in err
    assert not (tmp_path / "x").exists()


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path, cli):
    code, stdout, err = cli("sensitivity", "dprk-2020-80-day-battle", "--method", "morris", "--samples", "20",
                            "--dry-run", "--out", tmp_path / "x")
    assert code == 0, err
    assert "runs (morris" in stdout and "+ the dummy" in stdout and "common random numbers" in stdout
    assert "trade.usd_per_day: trade is shut" in stdout  # left out, with the reason
    assert "one run took" in stdout and "dry run: nothing was run" in stdout
    assert not (tmp_path / "x").exists()


def test_default_scenario_inert_parameter_is_never_above_noise(tmp_path, cli):
    out = tmp_path / "sa"
    code, _, err = cli("sensitivity", "dprk-2020-80-day-battle", "--method", "morris", "--samples", "4", "--replicates", "3",
                       "--param", "trade.usd_per_day", "--param", "campaign.by_any_means", "--processes", "2", "--out", out)
    assert code == 0, err
    table = pd.read_parquet(out / "sensitivity.parquet")
    assert not table.loc[table["parameter"] == "trade.usd_per_day", "above_noise"].any()
    assert not table.loc[table["parameter"] == "dummy", "above_noise"].any()
    taken = table[(table["output"] == "household_usd_taken")].set_index("parameter")
    assert taken.loc["campaign.by_any_means", "above_noise"]
    assert "persons" not in set(table["output"]) and "officials" not in set(table["output"])  # the population
