"""Sweeps: streamed, identical across executors and after resume, failures recorded, folders
guarded."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time

import numpy as np
import pandas as pd
import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotasim.experiments.executor import ProcessExecutor, SerialExecutor
from quotasim.experiments.models import TEST_MODELS, ishigami
from quotasim.experiments.store import read_runs
from quotasim.experiments.sweep import plan_sweep, run_sweep

from .conftest import cli_process, comparable, folder_state, still_running

ISHIGAMI = TEST_MODELS["ishigami"]


def expected_outputs(df: pd.DataFrame) -> pd.DataFrame:
    """Ishigami outputs recomputed directly from each row's values and seed."""
    rows = [ishigami({"x1": r.x1, "x2": r.x2, "x3": r.x3}, np.random.default_rng(int(r.seed))) for r in df.itertuples()]
    return pd.DataFrame(rows, index=df.index)


def test_runs_table_layout_and_manifest(tmp_path):
    plan = plan_sweep(ISHIGAMI, design="lhs", samples=20, replicates=3, seed=1)
    outcome = run_sweep(plan, tmp_path / "s", batch_size=7)
    assert (outcome.done, outcome.failed, outcome.ran) == (60, 0, 60)
    df = pd.read_parquet(tmp_path / "s" / "runs")  # the whole dataset, as the docs promise
    assert sorted(df["run"]) == list(range(60))
    assert list(df.columns[:7]) == ["run", "row", "replicate", "seed", "x1", "x2", "x3"] and {"status", "error", "wall_s", "cpu_s", "y", "y_noisy"} <= set(df)
    df = read_runs(tmp_path / "s")
    pd.testing.assert_frame_equal(df[["y", "y_noisy"]], expected_outputs(df))
    # replicates share the design row's values and differ in seed
    assert df.loc[0, "x1"] == df.loc[2, "x1"] and df.loc[0, "seed"] != df.loc[2, "seed"]
    m = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert m["status"] == "complete" and m["design"]["runs"] == 60 and m["outputs"] == ["y", "y_noisy"]
    assert len(m["wall_s"]) == 60 and all(w is not None for w in m["wall_s"])
    assert {"quotasim_version", "started", "scenario", "fingerprint"} <= set(m)


def test_identical_across_worker_counts_and_batch_sizes(tmp_path):
    plan = plan_sweep(ISHIGAMI, design="sobol", samples=32, replicates=2)
    results = []
    for i, (executor, batch) in enumerate([(SerialExecutor(), None), (ProcessExecutor(1), 5), (ProcessExecutor(2), 3)]):
        run_sweep(plan, tmp_path / str(i), executor=executor, batch_size=batch)
        results.append(comparable(read_runs(tmp_path / str(i))))
    pd.testing.assert_frame_equal(results[0], results[1])
    pd.testing.assert_frame_equal(results[0], results[2])


def test_failed_runs_are_recorded_and_sweep_goes_on(tmp_path):
    plan = plan_sweep(TEST_MODELS["ishigami-flaky"], design="lhs", samples=50)
    outcome = run_sweep(plan, tmp_path / "s", batch_size=4)
    df = read_runs(tmp_path / "s")
    bad = df["x1"] > 2.0
    assert bad.any() and outcome.failed == int(bad.sum()) and outcome.done == 50
    assert (df.loc[bad, "status"] == "failed").all() and df.loc[bad, "y"].isna().all()
    assert df.loc[bad, "error"].str.startswith("ValueError: x1 =").all()
    assert (df.loc[~bad, "status"] == "ok").all() and df.loc[~bad, "error"].isna().all()


def test_resume_runs_only_the_missing_runs(tmp_path):
    plan = plan_sweep(ISHIGAMI, design="lhs", samples=40, seed=3)
    full = tmp_path / "full"
    run_sweep(plan, full, batch_size=8)
    part = tmp_path / "part"
    run_sweep(plan, part, batch_size=8)
    # drop three part files, as if the sweep had been killed before writing them
    for p in sorted((part / "runs").glob("part-*.parquet"))[1:4]:
        p.unlink()
    (part / "runs" / ".part-x.parquet.1234.tmp").write_bytes(b"half-written")
    outcome = run_sweep(plan, part, resume=True, batch_size=5)
    assert (outcome.skipped, outcome.ran, outcome.done) == (16, 24, 40)
    assert not list((part / "runs").glob(".*"))
    pd.testing.assert_frame_equal(comparable(read_runs(part)), comparable(read_runs(full)))
    again = run_sweep(plan, part, resume=True)
    assert again.ran == 0 and len(read_runs(part)) == 40


def test_resume_refuses_another_sweep_and_plain_run_refuses_nonempty(tmp_path):
    from quotasim.errors import InputError

    plan = plan_sweep(ISHIGAMI, design="lhs", samples=5, seed=1)
    run_sweep(plan, tmp_path / "s")
    before = folder_state(tmp_path / "s")
    other = plan_sweep(ISHIGAMI, design="lhs", samples=6, seed=1)
    with pytest.raises(InputError, match="belongs to another sweep"):
        run_sweep(other, tmp_path / "s", resume=True)
    with pytest.raises(InputError, match="not empty"):
        run_sweep(plan, tmp_path / "s")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not a quotasim sweep"):
        run_sweep(plan, tmp_path / "junk", resume=True)
    assert folder_state(tmp_path / "s") == before
    assert folder_state(tmp_path / "junk") == {"notes.txt": b"mine"}


def test_save_daily_is_part_of_the_sweep_identity(tmp_path):
    a = plan_sweep(ISHIGAMI, design="lhs", samples=5)
    b = plan_sweep(ISHIGAMI, design="lhs", samples=5, save_daily=True)
    assert a.fingerprint() != b.fingerprint()


@pytest.mark.timeout(120)
def test_resume_after_sigkill_completes_every_run_exactly_once(tmp_path, cli):
    out = tmp_path / "s"
    args = ["sweep", "test:ishigami-slow", "--design", "lhs", "--samples", "150", "--replicates", "2",
            "--processes", "2", "--batch-size", "4", "--seed", "11", "--out", out]
    proc = cli_process(*args)
    workers = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(list((out / "runs").glob("part-*.parquet"))) < 5:
            time.sleep(0.05)
        assert proc.poll() is None, "the sweep finished before it could be killed"
        workers = psutil.Process(proc.pid).children(recursive=True)
        os.kill(proc.pid, signal.SIGKILL)  # hard kill of the sweep process, mid-sweep
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    assert not still_running(workers, timeout=15)  # the worker processes notice their parent is gone and exit
    killed_with = len(read_runs(out))
    assert 0 < killed_with < 300
    code, _, err = cli(*args, "--resume")
    assert code == 0, err
    df = read_runs(out)
    assert df["run"].tolist() == list(range(300))  # every run exactly once
    assert (df["status"] == "ok").all()
    pd.testing.assert_frame_equal(df[["y", "y_noisy"]], expected_outputs(df))
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "complete" and len(m["sessions"]) == 2


def test_a_part_write_interrupted_by_ctrl_c_leaves_no_temporary_file(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from quotasim.experiments import store

    write = pq.write_table

    def write_then_ctrl_c(table, where, **options):
        write(table, where, **options)
        raise KeyboardInterrupt  # as SIGINT lands just after the temporary file is written

    monkeypatch.setattr(store.pq, "write_table", write_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        store.write_parquet_atomic(pa.table({"run": [0, 1]}), tmp_path / "part-0.parquet")
    assert list(tmp_path.iterdir()) == []


def test_failures_before_the_first_success_are_on_disk_and_get_the_output_columns(tmp_path):
    import math

    # the first batch fails whole (x1 > 2), the second succeeds
    rows = pd.DataFrame({"x1": [3.0, 3.0, 0.5, 0.5], "x2": [0.1, 0.2, 0.3, 0.4], "x3": [0.0, 0.0, 0.0, 0.0]})
    rows.to_csv(tmp_path / "rows.csv", index=False)
    plan = plan_sweep(TEST_MODELS["ishigami-flaky"], design_file=tmp_path / "rows.csv")
    out = tmp_path / "s"
    run_sweep(plan, out, batch_size=2)
    df = pd.read_parquet(out / "runs").sort_values("run")
    assert df["status"].tolist() == ["failed", "failed", "ok", "ok"]
    assert {"y", "y_noisy"} <= set(df) and df["y"].iloc[:2].isna().all()
    assert df["y"].iloc[2] == pytest.approx(math.sin(0.5) + 7 * math.sin(0.3) ** 2)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keep=st.lists(st.booleans(), min_size=10, max_size=10), first=st.integers(1, 9), second=st.integers(1, 9))
def test_resume_from_any_subset_of_finished_batches(tmp_path_factory, keep, first, second):
    plan = plan_sweep(ISHIGAMI, design="lhs", samples=30, replicates=2, seed=9)
    root = tmp_path_factory.mktemp("hyp")
    full, part = root / "full", root / "part"
    run_sweep(plan, full, batch_size=first)
    shutil.copytree(full, part)
    for p, k in zip(sorted((part / "runs").glob("part-*.parquet")), keep * 10):
        if not k:
            p.unlink()
    run_sweep(plan, part, resume=True, batch_size=second)
    a, b = read_runs(full), read_runs(part)
    assert b["run"].tolist() == list(range(60))
    pd.testing.assert_frame_equal(comparable(a), comparable(b))
