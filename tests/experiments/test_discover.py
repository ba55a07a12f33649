"""Scenario discovery: PRIM finds a known rectangle, the condition is parsed and checked with one
line per mistake, and the CLI writes the report, the boxes and a box as a scenario a sweep accepts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from quotasim.errors import InputError
from quotasim.experiments import where
from quotasim.experiments.discover import box_scenario_toml, prim_boxes
from quotasim.experiments.models import RECTANGLE
from quotasim.scenario import from_tree

TOLERANCE = 0.03  # of a parameter's range of 1: PRIM's limits lie on the data, which are 1/2000 apart


def test_prim_first_box_is_the_known_rectangle_and_leaves_the_others_free():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(size=(2000, 4)), columns=["x1", "x2", "x3", "x4"])
    y = np.ones(len(x), dtype=bool)
    for name, (lo, hi) in RECTANGLE.items():
        y &= (x[name] > lo).to_numpy() & (x[name] < hi).to_numpy()
    box = prim_boxes(x, y, boxes=1)[0]
    assert set(box.restricted) <= {"x1", "x2"} and "x1" in box.restricted
    for name, (lo, hi) in RECTANGLE.items():
        assert box.limits[name][0] == pytest.approx(lo, abs=TOLERANCE)
        assert box.limits[name][1] == pytest.approx(hi, abs=TOLERANCE)
    for free in ("x3", "x4"):
        assert box.limits[free] == (x[free].min(), x[free].max())
    assert box.density >= 0.95 and box.coverage >= 0.9
    assert all(q == q and q < 0.05 for c in box.restricted for q in box.qp[c] if q == q)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("exiled_persons >", "expected an output name or a number at position 17"),
        ("exiled_persons", "expected a comparison"),
        ("exiled_persons > 20 20", "expected 'and', 'or' or the end"),
        ("1 < 2", "compares two numbers"),
        ("(exiled_persons > 2", "expected ')'"),
        ("exiled_persons > 2 & arrested < 3", "unexpected '&'"),
        ("0 < exiled_persons < 5", "not a < x < b"),
        ("", "is empty"),
    ],
)
def test_malformed_conditions_are_one_line(text, fragment):
    with pytest.raises(InputError) as info:
        where.parse(text)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_condition_evaluates_with_and_or_not():
    node = where.parse("not (a > 1 and b <= 2) or a == 5")
    cols = {"a": np.array([0.0, 2.0, 2.0, 5.0, np.nan]), "b": np.array([0.0, 1.0, 3.0, 1.0, 0.0])}
    assert where.evaluate(node, cols).tolist() == [True, False, True, True, True]
    assert where.names(node) == ["a", "b"]
    assert where.evaluate(where.parse("a > 1"), cols).tolist() == [False, True, True, True, False]  # missing is false
    with pytest.raises(InputError, match="unknown output 'exiled_person'; did you mean exiled_persons"):
        where.check(where.parse("exiled_person > 2"), ["exiled_persons", "arrested"])
    with pytest.raises(InputError, match="is a varied parameter"):
        where.check(where.parse("campaign.quota_usd > 2"), ["arrested"], ["campaign.quota_usd"])


@pytest.fixture(scope="module")
def rectangle_sweep(tmp_path_factory):
    from quotasim.cli.main import main

    out = tmp_path_factory.mktemp("rect") / "sweep"
    assert main(["sweep", "test:rectangle", "--samples", "1500", "--processes", "1", "--out", str(out)]) == 0
    return out


def test_cli_discover_writes_report_boxes_and_scores(rectangle_sweep, tmp_path, cli):
    out = tmp_path / "d"
    code, stdout, err = cli("discover", rectangle_sweep, "--where", "inside > 0.5", "--out", out)
    assert code == 0, err
    assert "PRIM box 1" in stdout and "x1 in [" in stdout
    boxes = pd.read_parquet(out / "boxes.parquet")
    assert {"box", "parameter", "low", "high", "coverage", "density"} <= set(boxes)
    first = boxes[(boxes["method"] == "prim") & (boxes["box"] == 1)].set_index("parameter")
    assert set(first.index) == {"x1", "x2", "x3", "x4"} and not first.loc["x3", "restricted"]
    assert (boxes["method"] == "cart").any()
    page = (out / "discover.html").read_text()
    assert "Peeling trajectory" in page and "quasi-p" in page and "coverage" in page
    scores = pd.read_csv(out / "feature_scores.csv")
    assert set(scores["parameter"].head(2)) == {"x1", "x2"}
    assert not list(out.glob("*.toml"))  # a test function is no scenario


@pytest.mark.parametrize(
    ("where_", "fragment"),
    [
        ("nope > 1", "unknown output 'nope'"),
        ("x1 > 0.5", "is a varied parameter"),
        ("inside >", "expected an output name or a number"),
        ("inside > 5", "no run of 1,500 meets"),
    ],
)
def test_cli_discover_bad_condition_one_line_exit_2(rectangle_sweep, tmp_path, cli, where_, fragment):
    code, _, err = cli("discover", rectangle_sweep, "--where", where_, "--out", tmp_path / "d")
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "d").exists()


def test_cli_discover_refuses_a_folder_that_is_not_a_sweep(tmp_path, cli):
    (tmp_path / "empty").mkdir()
    code, _, err = cli("discover", tmp_path / "empty", "--where", "a > 1", "--out", tmp_path / "d")
    assert code == 2 and "not a sweep folder" in err and len(err.strip().splitlines()) == 1
    cmp = tmp_path / "cmp"
    cmp.mkdir()
    (cmp / "manifest.json").write_text(json.dumps({"kind": "compare"}))
    code, _, err = cli("discover", cmp, "--where", "a > 1", "--out", tmp_path / "d")
    assert code == 2 and "is a comparison, not a sweep" in err
    code, _, err = cli("discover", tmp_path / "nothing", "--where", "a > 1", "--out", tmp_path / "d")
    assert code == 2 and "no such folder" in err
    assert not (tmp_path / "d").exists()


def test_a_box_as_a_scenario_keeps_only_the_swept_ranges_narrowed():
    from quotasim.experiments.discover import Box
    from quotasim.scenario import load_scenario

    scenario = load_scenario("dprk-2020-80-day-battle")
    params = [{"path": "campaign.by_any_means", "lo": 0.05, "hi": 0.8},
              {"path": "campaign.review_day", "lo": 45, "hi": 70, "integer": True},
              {"path": "localities.3.opportunity_usd_per_day", "lo": 8.0, "hi": 60.0}]
    box = Box("prim", 1, {"campaign.by_any_means": (0.5, 0.8), "campaign.review_day": (50.2, 60.7),
                          "localities.3.opportunity_usd_per_day": (8.0, 60.0)},
              ["campaign.by_any_means", "campaign.review_day"], 0.7, 0.9, 0.1, 100)
    text = box_scenario_toml(scenario.to_toml(), box, params, name="box-1", where="exiled_persons > 20")
    import tomllib

    zoomed = from_tree(tomllib.loads(text), origin="box-1.toml")
    assert zoomed.ranges() == {"campaign.by_any_means": (0.5, 0.8), "campaign.review_day": (51, 60),
                               "localities.3.opportunity_usd_per_day": (8.0, 60.0)}
    assert zoomed.value("campaign.by_any_means") == 0.5 and zoomed.value("campaign.review_day") == 55


def test_discover_on_the_default_scenario_writes_a_box_that_sweep_accepts(tmp_path, cli):
    sweep = tmp_path / "s"
    code, _, err = cli("sweep", "--param", "campaign.by_any_means", "--param", "campaign.review_day", "--samples", "40",
                       "--processes", "2", "--out", sweep)
    assert code == 0, err
    runs = pd.read_parquet(sweep / "runs")
    cut = float(runs["household_usd_taken"].median())
    out = tmp_path / "d"
    code, stdout, err = cli("discover", sweep, "--where", f"household_usd_taken > {cut}", "--threshold", "0.7", "--out", out)
    assert code == 0, err
    assert "campaign.by_any_means in [" in stdout  # taking more "by any means" takes more from households
    box = out / "box-1.toml"
    code, stdout, err = cli("sweep", box, "--samples", "5", "--dry-run", "--out", tmp_path / "zoom")
    assert code == 0, err
    assert "2 parameters varied" in stdout and not (tmp_path / "zoom").exists()
