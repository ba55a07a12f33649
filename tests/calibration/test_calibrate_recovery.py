"""A calibration of the campaign model to targets computed from the model itself at known values:
the posterior recovers them, the folder holds every output, and the posterior's draws feed
``run``, ``compare`` and ``sweep``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from .conftest import PRIORS, SCENARIO, TRUTH, calibrate_args, folder_state

pytestmark = [pytest.mark.xdist_group("calibration"), pytest.mark.timeout(600)]


def test_posterior_covers_the_truth_and_is_narrower_than_the_prior(recovery):
    manifest = json.loads((recovery["out"] / "calibration.json").read_text())
    assert manifest["status"] == "complete" and manifest["completed_generations"] == 2
    ident = {row["parameter"]: row for row in manifest["results"]["identifiability"]}
    for path, truth in TRUTH.items():
        row = ident[path]
        lo, hi = PRIORS[path]
        assert row["posterior_p05"] <= truth <= row["posterior_p95"], (path, row)
        assert row["width_ratio"] < 0.75, (path, row)  # a uniform prior's own 90% interval is 0.9 of it
        assert row["posterior_p95"] - row["posterior_p05"] < 0.75 * (hi - lo)


def test_the_folder_holds_every_output(recovery):
    out = recovery["out"]
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns) == ["particle", "weight", *TRUTH]
    assert len(posterior) == 20 and posterior["weight"].sum() == pytest.approx(1.0)
    for path, (lo, hi) in PRIORS.items():
        assert posterior[path].between(lo, hi).all()
    generations = pd.read_parquet(out / "generations.parquet")
    assert list(generations["generation"]) == [-1, 0, 1]
    assert {"epsilon", "accepted", "runs", "acceptance_rate", "wall_s"} <= set(generations.columns)
    later = generations[generations["generation"] >= 0]
    assert (later["accepted"] == 20).all() and (later["runs"] >= 20).all()
    assert np.allclose(later["acceptance_rate"], 20 / later["runs"])
    predictive = pd.read_parquet(out / "predictive.parquet")
    targets = [line.split('"')[1] for line in recovery["targets"].read_text().splitlines() if line.startswith("output")]
    assert set(targets) <= set(predictive.columns) and len(predictive) == 20
    page = (out / "report.html").read_text("utf-8")
    for heading in ("Identifiability", "Posterior against prior", "Strongest correlations", "Generations", "Posterior predictive"):
        assert f"<h2>{heading}</h2>" in page, heading
    assert page.count("<script") >= 1 and "campaign.by_any_means" in page


def test_run_at_a_posterior_draw_records_it(recovery, tmp_path, cli):
    posterior = pd.read_parquet(recovery["out"] / "posterior.parquet")
    seen = set()
    for seed in (1, 2, 3, 4):
        out = tmp_path / f"run{seed}"
        code, _, err = cli("run", SCENARIO, "--seed", seed, "--posterior", recovery["out"], "--no-report", "--out", out)
        assert code == 0, err
        summary = json.loads((out / "summary.json").read_text())
        draw = summary["posterior"]
        row = posterior.iloc[draw["row"]]
        assert draw["particle"] == row["particle"] and draw["weight"] == pytest.approx(row["weight"])
        for path in TRUTH:
            assert draw["values"][path] == row[path]
        scenario_toml = (out / "scenario.toml").read_text()
        assert repr(float(row['campaign.by_any_means'])) in scenario_toml
        seen.add(draw["row"])
        assert summary["seed"] == seed
    assert len(seen) > 1  # the seed chooses the draw
    out = tmp_path / "fixed"
    code, _, err = cli("run", SCENARIO, "--seed", 1, "--posterior", recovery["out"], "--set", "topup.propensity=0.33",
                       "--no-report", "--out", out)
    assert code == 0, err
    draw = json.loads((out / "summary.json").read_text())["posterior"]
    assert "topup.propensity" not in draw["values"] and draw["kept"] == {"topup.propensity": 0.33}


def test_compare_uses_the_same_draw_in_every_scenario(recovery, tmp_path, cli):
    from quotasim.experiments.store import read_runs

    posterior = pd.read_parquet(recovery["out"] / "posterior.parquet")
    out = tmp_path / "cmp"
    code, _, err = cli("compare", SCENARIO, "no-collective-punishment", "--replicates", "3", "--seed", "5",
                       "--posterior", recovery["out"], "--processes", "1", "--out", out)
    assert code == 0, err
    a = read_runs(out / "scenarios" / f"0-{SCENARIO}").sort_values("run")
    b = read_runs(out / "scenarios" / "1-no-collective-punishment").sort_values("run")
    cols = list(TRUTH)
    assert (a[cols].to_numpy() == b[cols].to_numpy()).all() and (a["seed"].to_numpy() == b["seed"].to_numpy()).all()
    rows = {tuple(r) for r in posterior[cols].to_numpy()}
    assert all(tuple(r) in rows for r in a[cols].to_numpy())
    assert "Parameter uncertainty included" in (out / "compare.html").read_text("utf-8")


def test_sweep_takes_the_parameters_it_does_not_vary_from_the_posterior(recovery, tmp_path, cli):
    from quotasim.experiments.store import read_runs

    posterior = pd.read_parquet(recovery["out"] / "posterior.parquet")
    out = tmp_path / "sweep"
    code, _, err = cli("sweep", SCENARIO, "--param", "campaign.by_any_means=0.1:0.5", "--samples", "2", "--replicates", "2",
                       "--seed", "4", "--posterior", recovery["out"], "--processes", "1", "--out", out)
    assert code == 0, err
    runs = read_runs(out).sort_values("run").reset_index(drop=True)
    assert len(runs) == 4
    assert runs.loc[0, "topup.propensity"] == runs.loc[2, "topup.propensity"]  # replicate 0 of both rows: one draw
    assert runs.loc[1, "topup.propensity"] == runs.loc[3, "topup.propensity"]
    assert set(runs["topup.propensity"]) <= set(posterior["topup.propensity"])
    assert runs.loc[0, "campaign.by_any_means"] != runs.loc[2, "campaign.by_any_means"]  # the sweep varies its own


def test_resume_of_a_finished_calibration_keeps_it(recovery, cli):
    out = recovery["out"]
    before = pd.read_parquet(out / "posterior.parquet")
    history = (out / "history.db").read_bytes()
    code, _, err = cli(*calibrate_args(recovery["targets"], out, "--workers", "1", "--resume"))
    assert code == 0, err
    assert pd.read_parquet(out / "posterior.parquet").equals(before)
    assert (out / "history.db").read_bytes() == history


@pytest.mark.parametrize("change", [["--seed", "12"], ["--particles", "30"]])
def test_resume_of_another_calibration_is_refused(recovery, cli, change):
    out = recovery["out"]
    state = folder_state(out)
    args = calibrate_args(recovery["targets"], out, "--resume")
    i = args.index(change[0])
    args[i + 1] = change[1]
    code, _, err = cli(*args)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "holds another calibration" in err, err
    assert folder_state(out) == state


def test_a_new_calibration_into_a_finished_one_is_refused(recovery, cli):
    state = folder_state(recovery["out"])
    code, _, err = cli(*calibrate_args(recovery["targets"], recovery["out"]))
    assert code == 2 and "continue it with --resume" in err
    assert folder_state(recovery["out"]) == state
