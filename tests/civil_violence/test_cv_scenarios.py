"""Built-in scenarios, schedules, bad input and the CLI for the civil-violence model."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from quotasim import load_scenario, simulate
from quotasim.civil_violence.engine import schedules
from quotasim.cli.main import main
from quotasim.scenario import builtin_names

BUILTINS = [
    "mesa-epstein-default", "epstein-run-1", "epstein-run-2", "epstein-run-3", "epstein-run-4", "epstein-run-5",
    "epstein-legitimacy-drop-gradual", "epstein-legitimacy-drop-sudden", "epstein-cop-reduction",
]
REQUIRED_KEYS = ["variant", "steps", "grid.width", "grid.height", "citizens.density", "citizens.vision",
                 "cops.density", "cops.vision", "legitimacy", "max_jail_term", "threshold", "arrest_constant",
                 "movement"]


def test_builtins_exist_and_name_their_model():
    assert set(BUILTINS) <= set(builtin_names())
    for name in BUILTINS:
        s = load_scenario(name)
        assert s.model == "civil_violence" and s.name == name
        assert s.config.description


@pytest.mark.parametrize("name", BUILTINS)
def test_builtins_run(name):
    s = load_scenario(name)
    steps = min(s.config.steps, 120)
    s = s.with_values({"steps": steps, "schedule": []}, where="test")
    r = simulate(s, seed=1)
    assert len(r.tables["steps"]) == steps + 1


def test_required_keys_exist_with_their_names():
    s = load_scenario("epstein-run-1")
    for key in REQUIRED_KEYS:
        s.value(key)


def test_cited_figures_carry_a_source():
    s = load_scenario("epstein-run-1")
    for key in ("legitimacy", "max_jail_term", "citizens.density", "cops.density", "citizens.vision"):
        assert s.params[key].source


def test_schedules_gradual_and_sudden():
    gradual = load_scenario("epstein-legitimacy-drop-gradual").config
    legit, cops = schedules(gradual)
    assert cops is None
    assert legit[0] == legit[50] == 0.9 and legit[550] == pytest.approx(0.7) and legit[-1] == pytest.approx(0.7)
    assert np.all(np.diff(legit) <= 1e-12) and np.max(-np.diff(legit)) < 0.001
    sudden = load_scenario("epstein-legitimacy-drop-sudden").config
    legit, _ = schedules(sudden)
    assert legit[49] == 0.9 and legit[50] == pytest.approx(0.8)
    _, cops = schedules(load_scenario("epstein-cop-reduction").config)
    assert cops[50] == pytest.approx(0.074) and cops[550] == pytest.approx(0.0)


def test_cop_count_follows_its_schedule():
    s = load_scenario("epstein-cop-reduction").with_values({"steps": 120, "schedule": [
        {"key": "cops.density", "at": 10, "to": 0.02, "over": 100}]}, where="test")
    steps = simulate(s, seed=2).tables["steps"]
    assert steps["cops"].iloc[-1] == round(0.02 * 1600)
    assert steps["cops"].is_monotonic_decreasing


@pytest.mark.parametrize(
    "setting, key",
    [
        ("citizens.density=0.97", "cops.density"),
        ("cops.density=0.5", "cops.density"),
        ("citizens.vision=-1", "citizens.vision"),
        ("cops.vision=-3", "cops.vision"),
        ("legitimacy=1.2", "legitimacy"),
        ("legitimacy=-0.1", "legitimacy"),
        ('schedule=[{key="legitimacy",at=900,to=0.5}]', "schedule.0.at"),
        ('schedule=[{key="legitimacy",at=150,to=0.5,over=100}]', "schedule.0.at"),
        ('schedule=[{key="cops.density",at=10,to=0.5}]', "schedule.0.to"),
        ("variant=\"netlogo\"", "variant"),
        ("max_jail_term=-1", "max_jail_term"),
        ("steps=0", "steps"),
        ("snapshot_steps=[500]", "snapshot_steps.0"),
        ("grid.width=10", "citizens.vision"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(setting, key, tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["run", "epstein-run-1", "--set", setting, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and len(err.splitlines()) == 1
    assert f"key '{key}'" in " ".join(err.split())
    assert not out.exists()


def test_run_writes_summary_steps_and_report(tmp_path, capsys):
    out = tmp_path / "run2"
    assert main(["run", "epstein-run-2", "--set", "steps=150", "--json", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["model"] == "civil_violence" and summary["variant"] == "epstein2002"
    steps = pd.read_parquet(out / "steps.parquet")
    assert {"step", "quiet", "active", "jailed", "tension"} <= set(steps.columns)
    assert steps["step"].tolist() == list(range(151))
    assert (steps[["quiet", "active", "jailed"]].sum(axis=1) == summary["citizens"]).all()
    html = (out / "report.html").read_text()
    assert html.count("* plotly.js v") == 1 and "Plotly.newPlot" in html  # plotly.js inlined once
    assert '<script src="http' not in html and "<script src='http" not in html  # opens offline
    assert "step 150" in html  # a grid picture at the last step
