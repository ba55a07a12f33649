"""Designs and seeds: shapes as documented, determinism, and one clear error per bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from quotasim.errors import InputError
from quotasim.experiments.design import DesignOptions, nearest_power_of_two
from quotasim.experiments.models import TEST_MODELS, ScenarioTarget
from quotasim.experiments.seeds import run_seed, run_seeds
from quotasim.experiments.sweep import plan_sweep
from quotasim.scenario import load_scenario

ISHIGAMI = TEST_MODELS["ishigami"]


@pytest.fixture(scope="module")
def default_target():
    return ScenarioTarget(load_scenario("dprk-2020-80-day-battle"))


@pytest.mark.parametrize(
    ("design", "n", "rows"),
    [("lhs", 10, 10), ("sobol", 8, 8 * (2 * 3 + 2)), ("morris", 5, 5 * 4), ("grid", 3, 27)],
)
def test_design_rows_match_documented_formula(design, n, rows):
    plan = plan_sweep(ISHIGAMI, design=design, samples=n, replicates=2)
    assert plan.matrix.shape == (rows, 3)
    assert plan.n_runs == 2 * rows
    lo, hi = -math.pi, math.pi
    assert (plan.matrix >= lo - 1e-12).all() and (plan.matrix <= hi + 1e-12).all()


def test_sobol_without_second_order_has_d_plus_2_rows():
    plan = plan_sweep(ISHIGAMI, design="sobol", samples=16, options=DesignOptions(second_order=False))
    assert plan.matrix.shape == (16 * 5, 3)


def test_lhs_is_latin_in_every_column():
    plan = plan_sweep(ISHIGAMI, design="lhs", samples=20)
    unit = (plan.matrix + math.pi) / (2 * math.pi)
    for j in range(3):
        assert sorted(np.floor(unit[:, j] * 20).astype(int)) == list(range(20))


def test_design_and_seeds_depend_only_on_sweep_seed():
    a = plan_sweep(ISHIGAMI, design="lhs", samples=10, seed=5)
    b = plan_sweep(ISHIGAMI, design="lhs", samples=10, seed=5)
    c = plan_sweep(ISHIGAMI, design="lhs", samples=10, seed=6)
    assert np.array_equal(a.matrix, b.matrix) and np.array_equal(a.seeds(), b.seeds())
    assert not np.array_equal(a.matrix, c.matrix)
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()


def test_run_seeds_are_distinct_and_seed_zero_is_a_seed():
    seeds = run_seeds(0, np.arange(1000))
    assert len(set(seeds.tolist())) == 1000
    assert run_seed(0, 3) == seeds[3] and run_seed(1, 3) != seeds[3]
    assert (seeds >= 0).all()


def test_default_params_are_the_scenario_ranges_less_the_inert_ones(default_target):
    plan = plan_sweep(default_target, design="lhs", samples=4)
    inert = default_target.inert()
    assert "trade.usd_per_day" in inert  # trade is shut in the default scenario
    assert [p.path for p in plan.params] == [k for k in default_target.ranges() if k not in inert]
    assert plan.left_out == {k: inert[k] for k in default_target.ranges() if k in inert}
    assert plan.design_json()["left_out"]["trade.usd_per_day"].startswith("trade is shut")
    forced = plan_sweep(default_target, params=["trade.usd_per_day"], design="lhs", samples=4)
    assert [p.path for p in forced.params] == ["trade.usd_per_day"] and forced.left_out == {}
    review = next(p for p in plan.params if p.path == "campaign.review_day")
    assert review.integer and np.all(plan.values[:, plan.params.index(review)] % 1 == 0)


def test_locality_parameters_are_labelled_by_locality_name(default_target):
    plan = plan_sweep(default_target, params=["localities.3.opportunity_usd_per_day"], samples=3)
    spec = plan.design_json()["params"][0]
    assert spec["path"] == "localities.3.opportunity_usd_per_day"
    assert spec["label"] == "localities[Haeju fishing base (South Hwanghae)].opportunity_usd_per_day"


def test_crn_gives_replicate_r_the_same_seed_in_every_row():
    plan = plan_sweep(ISHIGAMI, design="morris", samples=4, replicates=3, crn=True, dummy=True)
    seeds = plan.seeds().reshape(plan.rows, 3)
    assert (seeds == seeds[0]).all() and len(set(seeds[0].tolist())) == 3
    assert plan.params[-1].dummy and plan.run_columns == [0, 1, 2]
    assert "dummy" not in plan.run_values(5)


def test_param_option_overrides_and_uses_scenario_range(default_target):
    plan = plan_sweep(default_target, params=["campaign.quota_usd=800:900", "enforcement.harshness"], samples=5)
    assert [(p.path, p.lo, p.hi) for p in plan.params] == [("campaign.quota_usd", 800.0, 900.0), ("enforcement.harshness", 0.1, 1.0)]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"params": ["campaign.no_such_key=1:2"]}, "campaign.no_such_key"),
        ({"params": ["campaign.quota_usd=900:800"]}, "lo > hi"),
        ({"params": ["campaign.quota_usd=5:5"]}, "single value"),
        ({"params": ["campaign.quota_usd=a:b"]}, "two numbers"),
        ({"params": ["enforcement.kin_depth"]}, "no range"),
        ({"params": ["campaign.trade_open=0:1"]}, "not a number"),
        ({"params": ["campaign.quota_usd", "campaign.quota_usd"]}, "given twice"),
        ({"params": ["campaign.quota_usd=-10:100"]}, "--param: key 'campaign.quota_usd'"),
        ({"params": ["enforcement.harshness=0.5:1.5"]}, "--param: key 'enforcement.harshness'"),
        ({"design": "sobol", "samples": 500}, "nearest valid value: 512"),
        ({"design": "sobol", "samples": 100}, "nearest valid value: 128"),
        ({"design": "halton"}, "allowed: lhs, sobol, morris, grid"),
        ({"design": "grid", "samples": 3}, "more than"),
        ({"replicates": 0}, "--replicates"),
        ({"samples": 0}, "--samples"),
    ],
)
def test_bad_input_is_one_line_input_error(default_target, kwargs, fragment):
    with pytest.raises(InputError) as info:
        plan_sweep(default_target, **kwargs)
    message = str(info.value)
    assert fragment in message and "\n" not in message


def test_nearest_power_of_two():
    assert [nearest_power_of_two(n) for n in (1, 3, 5, 6, 500, 1000, 1600)] == [1, 4, 4, 8, 512, 1024, 2048]


def test_design_file_rows_are_used_as_given(tmp_path, default_target):
    path = tmp_path / "rows.csv"
    pd.DataFrame({"campaign.quota_usd": [600.0, 700.5], "campaign.review_day": [50, 60]}).to_csv(path, index=False)
    plan = plan_sweep(default_target, design_file=path, replicates=3)
    assert plan.design == "file" and plan.n_runs == 6
    assert plan.run_values(5) == {"campaign.quota_usd": 700.5, "campaign.review_day": 60}


@pytest.mark.parametrize(
    ("frame", "fragment"),
    [
        ({"campaign.nope": [1.0]}, "campaign.nope"),
        ({"campaign.review_day": [50.5]}, "whole number"),
        ({"campaign.quota_usd": ["lots"]}, "not a finite number"),
    ],
)
def test_bad_design_file(tmp_path, default_target, frame, fragment):
    path = tmp_path / "rows.csv"
    pd.DataFrame(frame).to_csv(path, index=False)
    with pytest.raises(InputError, match=fragment):
        plan_sweep(default_target, design_file=path)
