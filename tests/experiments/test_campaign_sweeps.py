"""The real campaign model through the experiments machinery: sweeps agree across executors,
daily series are kept on request, and the default compares with no-collective-punishment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from quotasim import load_scenario, simulate
from quotasim.experiments.executor import ProcessExecutor, SerialExecutor
from quotasim.experiments.models import ScenarioTarget, flatten_summary
from quotasim.experiments.store import read_runs
from quotasim.experiments.sweep import plan_sweep, run_sweep

from .conftest import comparable

PARAMS = ["campaign.quota_usd=500:3000", "campaign.review_day", "enforcement.harshness"]


def test_campaign_sweep_same_with_one_or_two_processes_and_matches_simulate(tmp_path):
    target = ScenarioTarget(load_scenario("dprk-2020-80-day-battle"))
    plan = plan_sweep(target, params=PARAMS, design="lhs", samples=4, replicates=2, save_daily=True)
    run_sweep(plan, tmp_path / "a", executor=SerialExecutor())
    run_sweep(plan, tmp_path / "b", executor=ProcessExecutor(2), batch_size=3)
    a, b = read_runs(tmp_path / "a"), read_runs(tmp_path / "b")
    assert (a["status"] == "ok").all(), a["error"].dropna().tolist()[:1]
    pd.testing.assert_frame_equal(comparable(a), comparable(b))
    assert a["campaign.review_day"].dtype == np.int64
    # tables a person reads: row and replicate, counts as whole numbers, floats as floats
    assert a["row"].tolist() == [i // 2 for i in range(8)] and a["replicate"].tolist() == [0, 1] * 4
    assert a["at_review.arrested"].dtype == np.int64 and a["exiled_persons"].dtype == np.int64
    assert a["collected_usd"].dtype == np.float64
    # run 5, rebuilt by hand, gives the same summary
    row = a.loc[5]
    values = {"campaign.quota_usd": row["campaign.quota_usd"], "campaign.review_day": int(row["campaign.review_day"]),
              "enforcement.harshness": row["enforcement.harshness"]}
    result = simulate(target.scenario.with_values(values), seed=int(row["seed"]))
    for key, value in flatten_summary(result.summary).items():
        assert row[key] == value, key
    daily = pd.read_parquet(tmp_path / "a" / "daily").sort_values(["run"], kind="stable")
    assert sorted(daily["run"].unique()) == list(range(8))
    assert len(daily) == 8 * len(result.tables["daily"])


def test_compare_default_with_no_collective_punishment(tmp_path, cli):
    out = tmp_path / "c"
    code, stdout, err = cli("compare", "dprk-2020-80-day-battle", "no-collective-punishment", "--replicates", "4",
                            "--processes", "2", "--out", out)
    assert code == 0, err
    table = pd.read_csv(out / "compare.csv")
    inv = table[table["output"] == "relatives_investigated"].set_index("scenario")
    # Both sides can fail: no relative is investigated without collective punishment, and some are with it.
    assert inv.loc["no-collective-punishment", "mean"] == 0
    assert inv.loc["dprk-2020-80-day-battle", "mean"] > 0
    assert "collected_by_source.households" in set(table["output"])
    # quantiles of counts are counts
    counts = table[table["output"].isin(["at_review.arrested", "exiled_persons", "complained"])]
    assert (counts[["p05", "p95"]] % 1 == 0).all().all()
    # the terminal table has the paired difference; the report opens with it
    assert "difference to dprk-2020-80-day-battle" in stdout.replace("\n", " ") and "difference" in stdout.split("\n")[2]
    page = (out / "compare.html").read_text()
    opening = page[: page.index("<h2>Contents")]
    assert "The difference each scenario makes" in opening and "relatives_investigated" in opening
    assert ">persons" not in opening  # the opening is about outcomes, not the population


def test_a_sweep_run_leaves_out_the_provenance_and_never_hashes_its_scenario(monkeypatch):
    """A sweep keeps a run's numbers; the provenance is strings, and its scenario hash (the
    resolved scenario's TOML, hashed) cost 0.7 ms of each default run. The numbers are the same."""
    from quotasim.scenario.loader import Scenario

    target = ScenarioTarget(load_scenario("dprk-2020-80-day-battle"))
    values = {"campaign.quota_usd": 1700.0}
    full = simulate(target.scenario.with_values(values), seed=3)
    bare = simulate(target.scenario.with_values(values), seed=3, with_provenance=False)
    assert "provenance" in full.summary and "provenance" not in bare.summary
    assert {k: v for k, v in full.summary.items() if k != "provenance"} == bare.summary

    def no_hash(self):
        raise AssertionError("a sweep run hashed its scenario")

    monkeypatch.setattr(Scenario, "sha256", property(no_hash))
    outputs, _ = target.run(values, 3, False)
    assert outputs == flatten_summary(full.summary)


def test_the_fork_server_of_a_campaign_sweep_loads_the_compiled_model_once():
    """A local pool's workers fork from a server that preloads the target's worker modules: for
    the campaign model one run there loads Numba and the kernels, which every worker then has
    (about half a second each otherwise). The civil-violence model's sweeps load none of it."""
    import subprocess
    import sys

    assert "quotasim.experiments.warm_campaign" in ScenarioTarget(load_scenario("dprk-2020-80-day-battle")).worker_modules
    assert "quotasim.experiments.warm_campaign" not in ScenarioTarget(load_scenario("epstein-run-2")).worker_modules
    code = (
        "import sys; import quotasim.experiments.warm_campaign; from quotasim.compiled import KERNELS; "
        "print('numba' in sys.modules, sum(k._compiled_call is not None for k in KERNELS), len(KERNELS))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    numba_loaded, called, kernels = out[0] == "True", int(out[1]), int(out[2])
    assert numba_loaded and called >= kernels - 2  # all but what a default run may not reach (the Zen 4 sort)
