"""Bad input gets one line naming where and what, exit code 2, no traceback, nothing written."""

from __future__ import annotations

import subprocess
import sys

import pytest

from quotasim.cli.main import main

BASE = 'extends = "dprk-2020-80-day-battle"\n'

FILE_CASES = {
    "malformed": (BASE + "[campaign\nquota_usd = 1\n", ["malformed TOML"]),
    "unknown_section": (BASE + "[campagin]\nquota_usd = 1.0\n", ["campagin", "unknown key"]),
    "unknown_key": (BASE + "[campaign]\nquota = 1.0\n", ["campaign.quota", "unknown key", "quota_usd"]),
    "wrong_type": (BASE + '[campaign]\nquota_usd = "lots"\n', ["campaign.quota_usd", "'lots'"]),
    "nan": (BASE + "[campaign]\nquota_usd = nan\n", ["campaign.quota_usd", "finite"]),
    "inf": (BASE + "[campaign]\nquota_usd = inf\n", ["campaign.quota_usd", "finite"]),
    "negative_count": (BASE + "[officials]\ncount = -5\n", ["officials.count", "-5", "greater than or equal to 1"]),
    "by_any_means_over_one": (BASE + "[campaign]\nby_any_means = 1.5\n", ["campaign.by_any_means", "1.5", "less than or equal to 1"]),
    "review_after_end": (BASE + "[campaign]\nreview_day = 90\n", ["campaign.review_day", "90", "duration_days"]),
    "fractional_kin_depth": (BASE + "[enforcement]\nkin_depth = 1.5\n", ["enforcement.kin_depth", "1.5", "integer"]),
    "kin_depth_too_deep": (BASE + "[enforcement]\nkin_depth = 4\n", ["enforcement.kin_depth", "4", "less than or equal to 3"]),
    "bool_as_int": (BASE + "[campaign]\ntrade_open = 1\n", ["campaign.trade_open", "boolean"]),
    "unknown_extends": ('extends = "no-such-scenario"\n', ["extends", "no-such-scenario", "built-ins"]),
    "bad_range": (BASE + '[campaign]\nquota_usd = { value = 1.0, range = [5.0, 1.0] }\n', ["campaign.quota_usd", "lo <= hi"]),
    "unknown_model": ('model = "weather"\n', ["model", "weather", "campaign"]),
}


def run_cli(args, capsys):
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code, err, needles):
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error:")
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_bad_scenario_file(case, tmp_path, capsys, monkeypatch):
    text, needles = FILE_CASES[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    monkeypatch.chdir(tmp_path)
    out_dir = tmp_path / "out"
    for command in (["run", str(path), "--out", str(out_dir)], ["validate", str(path)]):
        code, _, err = run_cli(command, capsys)
        assert_one_line_error(code, err, needles + ([str(path)] if case != "unknown_extends" else [path.name]))
    assert not out_dir.exists()
    assert not (tmp_path / "runs").exists()


def test_binary_file(tmp_path, capsys):
    path = tmp_path / "scenario.toml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, _, err = run_cli(["validate", str(path)], capsys)
    assert_one_line_error(code, err, [str(path), "binary"])


def test_missing_file(tmp_path, capsys):
    code, _, err = run_cli(["run", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")], capsys)
    assert_one_line_error(code, err, ["nope.toml", "not a file and not a built-in"])
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("seed", ["abc", "-1", "1.5", str(2**63)])
def test_bad_seed(seed, tmp_path, capsys):
    code, _, err = run_cli(["run", "--seed", seed, "--out", str(tmp_path / "o")], capsys)
    assert_one_line_error(code, err, ["--seed", repr(seed), "whole number"])
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "item,needles",
    [
        ("noequals", ["--set", "key.path=value"]),
        ("campaign.quota_usd=abc", ["--set", "campaign.quota_usd", "'abc'"]),
        ("campaign.nope=1", ["--set", "campaign.nope", "unknown key"]),
        ("campaign.by_any_means=nan", ["--set", "campaign.by_any_means", "finite"]),
        ("localities.99.households=1", ["--set", "localities.99.households", "no item"]),
        ("campaign.review_day=81", ["--set", "campaign.review_day", "81"]),
    ],
)
def test_bad_set(item, needles, tmp_path, capsys):
    code, _, err = run_cli(["run", "--set", item, "--out", str(tmp_path / "o")], capsys)
    assert_one_line_error(code, err, needles)
    assert not (tmp_path / "o").exists()


def test_too_large_for_memory_is_refused_before_allocating(tmp_path, capsys):
    code, _, err = run_cli(
        ["run", "--set", "localities.0.households=100000000", "--set", "localities.1.households=100000000",
         "--set", "officials.count=10000000", *[f"--set=localities.{i}.home_weight=0" for i in (1, 2, 3, 4)],
         "--out", str(tmp_path / "o")],
        capsys,
    )
    assert_one_line_error(code, err, ["GiB", "available"])
    assert not (tmp_path / "o").exists()


def test_existing_output_folder_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code, _, err = run_cli(["run", "--out", str(out)], capsys)
    assert_one_line_error(code, err, ["--out", "not empty"])
    assert (out / "keep.txt").read_text() == "mine" and len(list(out.iterdir())) == 1


def test_real_entry_point_prints_no_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BASE + "[campaign]\nby_any_means = 2\n")
    proc = subprocess.run([sys.executable, "-m", "quotasim", "run", str(bad), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "campaign.by_any_means" in proc.stderr
    assert not (tmp_path / "o").exists()
