"""`quotasim run`, `scenarios`, `show`, `validate` on good input."""

from __future__ import annotations

import json

import pandas as pd

from quotasim import load_scenario, simulate
from quotasim.cli.main import main
from quotasim.scenario import builtin_names

SUMMARY_KEYS = {
    "collected_usd", "collected_by_source", "officials", "met_quota", "paid_from_savings", "shirked",
    "complained", "referred", "arrested", "exiled_persons", "relatives_investigated",
    "relatives_lost_jobs", "households_squeezed", "household_usd_taken", "fear_index_end", "seed", "scenario",
}


def test_run_writes_every_output(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--seed", "5", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "collected_usd" in captured.out and str(out) in captured.err
    assert {p.name for p in out.iterdir()} >= {"summary.json", "daily.parquet", "officials.parquet", "cases.parquet", "report.html", "scenario.toml"}
    summary = json.loads((out / "summary.json").read_text())
    assert SUMMARY_KEYS <= set(summary)
    assert set(summary["collected_by_source"]) == {"households", "trade", "own_savings", "relatives_jobs"}
    assert summary["seed"] == 5 and summary["scenario"] == "dprk-2020-80-day-battle"
    # Same numbers as the library call.
    assert summary == json.loads(json.dumps(simulate(load_scenario("dprk-2020-80-day-battle"), seed=5).summary, default=str))
    cases = pd.read_parquet(out / "cases.parquet")
    assert list(cases.columns)[:7] == ["case", "official", "campaign", "day", "relation_tier", "household", "person"]
    html = (out / "report.html").read_text()
    assert html.count("<script") >= 5 and "Kin network" in html
    assert "<script src=" not in html and "<link " not in html  # self-contained, opens offline


def test_scenario_toml_reproduces_the_run(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["run", "two-campaigns-ratchet", "--seed", "3", "--set", "campaign.quota_usd=1500", "--out", str(a), "--no-report"]) == 0
    assert main(["run", str(a / "scenario.toml"), "--seed", "3", "--out", str(b), "--no-report"]) == 0
    assert (a / "summary.json").read_text() == (b / "summary.json").read_text()
    assert (a / "daily.parquet").read_bytes() == (b / "daily.parquet").read_bytes()


def test_default_output_folder_is_under_runs(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--no-report", "--set", "officials.count=20", "--set", "officials.bureaus=2"]) == 0
    folders = list((tmp_path / "runs").iterdir())
    assert len(folders) == 1 and (folders[0] / "summary.json").exists()


def test_json_flag_prints_the_summary(tmp_path, capsys):
    assert main(["run", "--json", "--no-report", "--out", str(tmp_path / "o")]) == 0
    assert json.loads(capsys.readouterr().out)["scenario"] == "dprk-2020-80-day-battle"


def test_scenarios_lists_builtins(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in builtin_names():
        assert name in out


def test_show_prints_loadable_toml(tmp_path, capsys):
    assert main(["show", "no-collective-punishment"]) == 0
    path = tmp_path / "s.toml"
    path.write_text(capsys.readouterr().out)
    assert load_scenario(str(path)).config == load_scenario("no-collective-punishment").config
    assert main(["validate", str(path)]) == 0
    assert "valid" in capsys.readouterr().err
