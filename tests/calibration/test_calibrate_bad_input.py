"""Bad input to ``quotasim calibrate`` and to ``--posterior``: one line naming where and what,
exit code 2, no traceback, nothing written."""

from __future__ import annotations

import pytest

from .conftest import SCENARIO

GOOD = '[[targets]]\noutput = "at_review.collected_usd / quota_usd_total"\nvalue = 0.5\nsd = 0.1\nsource = "x"\n'

TARGET_CASES = {
    "unknown_output": ('[[targets]]\noutput = "collected_money"\nvalue = 1.0\nsd = 1.0\n', ["targets.0.output", "unknown output", "collected_money"]),
    "unknown_output_in_ratio": ('[[targets]]\noutput = "arrested / nobody"\ninterval = [0.0, 1.0]\n', ["targets.0.output", "unknown output", "nobody"]),
    "interval_lo_above_hi": ('[[targets]]\noutput = "arrested"\ninterval = [5.0, 1.0]\n', ["targets.0.interval", "lo < hi"]),
    "sd_zero": ('[[targets]]\noutput = "arrested"\nvalue = 3.0\nsd = 0.0\n', ["targets.0.sd", "sd must be > 0"]),
    "sd_negative": ('[[targets]]\noutput = "arrested"\nvalue = 3.0\nsd = -1.0\n', ["targets.0.sd", "sd must be > 0"]),
    "neither_value_nor_interval": ('[[targets]]\noutput = "arrested"\nsource = "x"\n', ["targets.0", "either value and sd, or interval"]),
    "value_without_sd": ('[[targets]]\noutput = "arrested"\nvalue = 3.0\n', ["targets.0.sd", "needs sd"]),
    "both": ('[[targets]]\noutput = "arrested"\nvalue = 3.0\nsd = 1.0\ninterval = [1.0, 2.0]\n', ["targets.0", "not both"]),
    "unknown_key": ('[[targets]]\noutput = "arrested"\nvalue = 3.0\nsd = 1.0\nweight = 2\n', ["targets.0.weight", "unknown key"]),
    "no_targets": ('name = "x"\n', ["targets", "at least one target"]),
    "malformed": ('[[targets]\noutput = 1\n', ["malformed TOML"]),
}

PARAM_CASES = {
    "unknown_parameter": (["--param", "campaign.no_such_thing=0:1"], ["--param", "campaign.no_such_thing", "unknown parameter"]),
    "no_range_no_lo_hi": (["--param", "effort.base"], ["--param", "effort.base", "has no range", "lo:hi"]),
    "inert_parameter": (["--param", "trade.usd_per_day=5:60"], ["trade.usd_per_day", "cannot act", "trade is shut"]),
    "lo_not_below_hi": (["--param", "campaign.by_any_means=0.5:0.2"], ["campaign.by_any_means", "lo < hi"]),
    "not_a_range": (["--param", "campaign.by_any_means=0.5"], ["campaign.by_any_means", "lo:hi"]),
    "outside_the_schema": (["--param", "campaign.by_any_means=0.5:1.5"], ["campaign.by_any_means", "does not allow"]),
    "not_a_number": (["--param", "campaign.trade_open=0:1"], ["campaign.trade_open", "not a number"]),
    "twice": (["--param", "campaign.by_any_means", "--param", "campaign.by_any_means"], ["campaign.by_any_means", "twice"]),
    "particles": (["--particles", "3"], ["--particles", "[10,"]),
    "min_epsilon": (["--min-epsilon", "-1"], ["--min-epsilon", ">= 0"]),
    "workers_and_scheduler": (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], ["--scheduler", "not both"]),
    "bad_scheduler": (["--scheduler", "localhost"], ["--scheduler", "tcp://host:8786"]),
    "bad_seed": (["--seed", "x"], ["--seed", "whole number"]),
    "unknown_target_set": (["--targets", "no-such-set"], ["--targets", "no-such-set", "dprk-2020-report"]),
    "civil_violence_scenario": (["--scenario-override", "epstein-run-1"], ["campaign scenarios"]),
}


def assert_one_line(code, out, err, needles):
    assert code == 2, (code, out, err)
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.mark.parametrize("case", sorted(TARGET_CASES))
def test_bad_targets_file(case, tmp_path, cli):
    text, needles = TARGET_CASES[case]
    targets = tmp_path / "targets.toml"
    targets.write_text(text, "utf-8")
    out = tmp_path / "out"
    code, stdout, err = cli("calibrate", SCENARIO, "--targets", targets, "--out", out, "--param", "campaign.by_any_means")
    assert_one_line(code, stdout, err, needles)
    assert not out.exists()


@pytest.mark.parametrize("case", sorted(PARAM_CASES))
def test_bad_parameters_and_options(case, tmp_path, cli):
    extra, needles = PARAM_CASES[case]
    targets = tmp_path / "targets.toml"
    targets.write_text(GOOD, "utf-8")
    out = tmp_path / "out"
    scenario = SCENARIO
    if extra[:1] == ["--scenario-override"]:
        scenario, extra = extra[1], []
    if "--param" not in extra:
        extra = [*extra, "--param", "campaign.by_any_means"]
    if "--targets" not in extra:
        extra = ["--targets", targets, *extra]
    code, stdout, err = cli("calibrate", scenario, "--out", out, *extra)
    assert_one_line(code, stdout, err, needles)
    assert not out.exists()


def test_resume_of_a_folder_without_a_calibration(tmp_path, cli):
    targets = tmp_path / "targets.toml"
    targets.write_text(GOOD, "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", "utf-8")
    code, stdout, err = cli("calibrate", "--targets", targets, "--out", out, "--param", "campaign.by_any_means", "--resume")
    assert_one_line(code, stdout, err, ["--out", "no calibration to resume"])
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_new_calibration_into_a_folder_with_files(tmp_path, cli):
    targets = tmp_path / "targets.toml"
    targets.write_text(GOOD, "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", "utf-8")
    code, stdout, err = cli("calibrate", "--targets", targets, "--out", out, "--param", "campaign.by_any_means")
    assert_one_line(code, stdout, err, ["not empty"])
    assert (out / "notes.txt").read_text("utf-8") == "mine" and len(list(out.iterdir())) == 1


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_posterior_folder_without_a_posterior(command, tmp_path, cli):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    args = {
        "run": ["run", "--out", out],
        "compare": ["compare", SCENARIO, "no-collective-punishment", "--replicates", "2", "--processes", "1", "--out", out],
        "sweep": ["sweep", "--param", "campaign.quota_usd=500:3000", "--samples", "2", "--processes", "1", "--out", out],
    }[command]
    code, stdout, err = cli(*args, "--posterior", empty)
    assert_one_line(code, stdout, err, ["--posterior", "no posterior.parquet"])
    assert not out.exists()


def test_builtin_target_set_has_a_source_for_every_target():
    from quotasim.experiments.targets import builtin_target_sets, load_targets

    assert "dprk-2020-report" in builtin_target_sets()
    ts = load_targets("dprk-2020-report")
    assert len(ts.targets) >= 6 and all(t.source for t in ts.targets)
    assert ts.not_expressed  # the facts it could not express are said


def test_residual_is_within_one_exactly_when_the_target_is_met():
    from quotasim.experiments.targets import Target, residual, within

    interval = Target(output="arrested", source="", interval=(2.0, 4.0))
    value = Target(output="arrested", source="", value=10.0, sd=2.0)
    for t, ys in ((interval, (1.0, 1.99, 2.0, 3.0, 4.0, 4.01, 9.0)), (value, (7.0, 7.99, 8.0, 10.0, 12.0, 12.5))):
        for y in ys:
            assert (abs(residual(t, y)) <= 1.0) == within(t, y), (t, y)
    assert residual(interval, 3.0) == 0.0 and residual(interval, 5.0) == pytest.approx(2.0)
    assert residual(value, 13.0) == pytest.approx(1.5)
