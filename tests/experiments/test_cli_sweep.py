"""``quotasim sweep`` on the command line: outputs, one clean line per bad input (exit 2, nothing
overwritten), and Ctrl-C stopping cleanly."""

from __future__ import annotations

import json
import signal
import time

import pandas as pd
import pytest

from quotasim.experiments.store import read_runs

from .conftest import cli_process, folder_state


def test_sweep_cli_writes_runs_and_manifest(tmp_path, cli):
    out = tmp_path / "s"
    code, stdout, err = cli("sweep", "test:ishigami", "--design", "grid", "--samples", "3", "--replicates", "2", "--processes", "2", "--out", out)
    assert code == 0, err
    assert str(out / "runs") in stdout and "54 of 54 runs done" in err
    df = pd.read_parquet(out / "runs")
    assert len(df) == 54 and df["run"].is_unique
    assert json.loads((out / "manifest.json").read_text())["design"]["name"] == "grid"
    assert len(list((out / "runs").glob("part-*.parquet"))) == 1  # 54 runs: one part file
    page = (out / "report.html").read_text()
    assert "Contents" in page and "Spearman" in page and "y_noisy" in page


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["dprk-2020-80-day-battle", "--param", "campaign.nope=1:2"], "key 'campaign.nope'"),
        (["dprk-2020-80-day-battle", "--param", "campaign.quota_usd=5000:500"], "lo > hi"),
        (["dprk-2020-80-day-battle", "--param", "enforcement.kin_depth"], "has no range"),
        (["dprk-2020-80-day-battle", "--design", "sobol", "--samples", "600"], "nearest valid value: 512"),
        (["test:ishigami", "--design", "nope"], "allowed: lhs, sobol, morris, grid"),
        (["test:ishigami", "--scheduler", "localhost"], "tcp://host:8786"),
        (["test:ishigami", "--workers", "2", "--processes", "2"], "give only one of"),
        (["test:nope"], "no test model"),
    ],
)
def test_bad_input_one_line_exit_2(tmp_path, cli, args, fragment):
    out = tmp_path / "s"
    code, stdout, err = cli("sweep", *args, "--out", out)
    assert code == 2
    assert fragment in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists()


def test_existing_folders_are_never_overwritten(tmp_path, cli):
    out = tmp_path / "s"
    assert cli("sweep", "test:ishigami", "--samples", "8", "--processes", "1", "--out", out)[0] == 0
    before = folder_state(out)
    code, _, err = cli("sweep", "test:ishigami", "--samples", "8", "--processes", "1", "--out", out)
    assert code == 2 and "not empty" in err
    code, _, err = cli("sweep", "test:ishigami", "--samples", "9", "--processes", "1", "--out", out, "--resume")
    assert code == 2 and "belongs to another sweep" in err and len(err.strip().splitlines()) == 1
    assert folder_state(out) == before


@pytest.mark.timeout(120)
def test_ctrl_c_stops_cleanly_and_resume_finishes(tmp_path, cli):
    out = tmp_path / "s"
    # 400 runs of 20 ms on 2 processes: about 4 s after the first part file for the interrupt
    # to land while the sweep runs, even when this process's polling is starved on a loaded machine
    args = ["sweep", "test:ishigami-slow", "--samples", "400", "--processes", "2", "--batch-size", "4", "--out", out]
    proc = cli_process(*args)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list((out / "runs").glob("part-*.parquet")):
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    err = err.decode()
    assert proc.returncode == 130, err
    assert "interrupted" in err and "--resume" in err and "Traceback" not in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and 0 < manifest["done"] < 400
    assert not list((out / "runs").glob(".*"))
    code, _, err = cli(*args, "--resume")
    assert code == 0, err
    assert read_runs(out)["run"].tolist() == list(range(400))
