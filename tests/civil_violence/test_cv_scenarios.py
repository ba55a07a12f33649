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
    assert legit[0] == legit[77] == 0.9 and legit[147] == pytest.approx(0.2) and legit[-1] == pytest.approx(0.2)
    assert np.diff(legit)[77:147] == pytest.approx(-0.01)  # a percent a step, as the paper's Fig. 9
    sudden = load_scenario("epstein-legitimacy-drop-sudden").config
    legit, _ = schedules(sudden)
    assert legit[76] == 0.9 and legit[77] == pytest.approx(0.7)  # one jump at t = 77 (Fig. 10)
    _, cops = schedules(load_scenario("epstein-cop-reduction").config)
    assert cops[50] == pytest.approx(0.074) and cops[550] == pytest.approx(0.0)


TABLE_2 = {  # Epstein (2002), Table 2, Model I: vision (agents and cops), legitimacy, J_max, cops, movement
    "epstein-run-1": (1.7, 0.89, 15, 0.04, False),
    "epstein-run-2": (7, 0.82, 30, 0.04, True),
    "epstein-run-3": (7, 0.9, "infinite", 0.074, True),
    "epstein-run-4": (7, 0.9, "infinite", 0.074, True),
    "epstein-run-5": (7, 0.8, "infinite", 0.074, True),
}


@pytest.mark.parametrize("name", sorted(TABLE_2))
def test_runs_carry_the_papers_table_2(name):
    cfg = load_scenario(name).config
    vision, legitimacy, jail, cops, movement = TABLE_2[name]
    assert cfg.variant == "epstein2002"
    assert (cfg.grid.width, cfg.grid.height, cfg.citizens.density, cfg.threshold, cfg.arrest_constant) == (
        40, 40, 0.7, 0.1, 2.3)
    assert cfg.citizens.vision == cfg.cops.vision == vision
    assert (cfg.legitimacy, cfg.max_jail_term, cfg.cops.density, cfg.movement) == (legitimacy, jail, cops, movement)
    assert cfg.cops_move  # cops keep rule M in every run (run 1: our reading of "movement none")
    assert cfg.outbursts.threshold_count == 50
    assert "Table 2" in load_scenario(name).params["legitimacy"].source


def _codes(sc, seed=0):
    return simulate(sc, seed=seed).extra["snapshots"]


def test_movement_of_citizens_and_cops_is_set_separately():
    base = load_scenario("epstein-run-2").with_values({"steps": 20, "legitimacy": 1.0, "snapshot_steps": [0, 20]},
                                                      where="test")  # no one acts, so no arrests
    for citizens_move, cops_move in ((False, True), (True, False), (False, False)):
        sc = base.with_values({"movement": citizens_move, "cops.movement": cops_move}, where="test")
        snap = _codes(sc)
        assert np.array_equal(snap[0] == 1, snap[20] == 1) != citizens_move
        assert np.array_equal(snap[0] == 4, snap[20] == 4) != cops_move


def test_infinite_jail_terms_never_end():
    sc = load_scenario("epstein-run-2").with_values({"steps": 150}, where="test")
    finite = simulate(sc, seed=1).tables["steps"]["jailed"].to_numpy()
    assert np.any(np.diff(finite) < 0)  # with J_max = 30 the jailed are released ...
    forever = simulate(sc.with_values({"max_jail_term": "infinite"}, where="test"), seed=1).tables["steps"]["jailed"]
    assert forever.iloc[-1] > 0 and forever.is_monotonic_increasing  # ... with "infinite" never


def test_outbursts_counted_above_the_papers_50_actives():
    r = simulate(load_scenario("epstein-run-2").with_values({"steps": 300}, where="test"), seed=0)
    assert r.summary["outbursts"]["threshold_active"] == 50
    a = r.tables["steps"]["active"].to_numpy()
    for _, b in r.tables["outbursts"].iterrows():
        assert (a[b["start"] : b["end"] + 1] > 50).all() and a[b["start"] - 1] <= 50


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
        ('schedule=[{key="legitimacy",at=1900,to=0.5}]', "schedule.0.at"),
        ('schedule=[{key="legitimacy",at=950,to=0.5,over=100}]', "schedule.0.at"),
        ('schedule=[{key="cops.density",at=10,to=0.5}]', "schedule.0.to"),
        ("variant=\"netlogo\"", "variant"),
        ("max_jail_term=-1", "max_jail_term"),
        ("steps=0", "steps"),
        ("snapshot_steps=[5000]", "snapshot_steps.0"),
        ("grid.width=10", "citizens.vision"),
        ('max_jail_term="never"', "max_jail_term"),
        ("max_jail_term=1.5", "max_jail_term"),
        ("max_jail_term=2000000", "max_jail_term"),
        ('variant="mesa"', "citizens.vision"),
        ("outbursts.threshold_count=-1", "outbursts.threshold_count"),
        ("cops.movement=1", "cops.movement"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(setting, key, tmp_path, capsys):
    out = tmp_path / "never"
    base = "epstein-run-1" if setting.startswith("variant") else "epstein-run-2"  # run 1's vision is 1.7
    assert main(["run", base, "--set", setting, "--out", str(out)]) == 2
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
