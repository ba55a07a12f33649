"""A calibration killed with SIGKILL mid-generation resumes with --resume, finishes the asked
generations, keeps every generation that had finished, and ends with the posterior an
uninterrupted run gives (the populations depend on the seed alone, not on workers or sessions)."""

from __future__ import annotations

import json
import os
import signal
import time

import pandas as pd
import pytest

from quotasim.experiments.calibrate import _finished_generations

from .conftest import calibrate_args, cli_process

pytestmark = [pytest.mark.xdist_group("calibration"), pytest.mark.timeout(600)]


def _populations(db) -> dict[int, pd.DataFrame]:
    import pyabc

    h = pyabc.History(f"sqlite:///{db}", _id=1)
    return {t: h.get_distribution(m=0, t=t)[0].reset_index(drop=True) for t in range(h.max_t + 1)}


def test_killed_calibration_resumes_and_loses_nothing(recovery, tmp_path, cli):
    out = tmp_path / "killed"
    db = out / "history.db"
    proc = cli_process(*calibrate_args(recovery["targets"], out, "--workers", "2"))
    try:
        deadline = time.monotonic() + 300
        while _finished_generations(db) < 1:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        time.sleep(0.2)  # into the next generation
        assert proc.poll() is None
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    finished = _finished_generations(db)
    assert finished == 1
    kept = _populations(db)
    manifest = json.loads((out / "calibration.json").read_text())
    assert manifest["status"] == "running"  # as the kill left it

    code, _, err = cli(*calibrate_args(recovery["targets"], out, "--workers", "1", "--resume"))
    assert code == 0, err
    assert _finished_generations(db) == 2
    after = _populations(db)
    for t, population in kept.items():
        assert population.equals(after[t]), t
    resumed = pd.read_parquet(out / "posterior.parquet")
    uninterrupted = pd.read_parquet(recovery["out"] / "posterior.parquet")
    assert resumed.equals(uninterrupted)
    sessions = json.loads((out / "calibration.json").read_text())["sessions"]
    assert len(sessions) == 2
    # nothing finished is redone: the resumed session ran only the generation that had not finished
    generations = pd.read_parquet(out / "generations.parquet").set_index("generation")
    assert sessions[1]["runs"] == generations.loc[1, "runs"], (sessions[1], generations)
