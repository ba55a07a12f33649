"""Batches: sized from run times (few part files), at most one in flight per local worker, sent
and stored compactly with exactly the columns and values the per-run records gave."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotasim.experiments import batching
from quotasim.experiments.batching import FIRST_BATCH, MAX_BATCH, PART_RUNS, TARGET_BATCH_S, Batcher
from quotasim.experiments.executor import ProcessExecutor, SerialExecutor, make_batch, run_batch
from quotasim.experiments.models import TEST_MODELS, FunctionTarget, flatten_summary
from quotasim.experiments.store import completed_runs, read_runs
from quotasim.experiments.sweep import plan_sweep, run_sweep
from quotasim.result import summary_items

from .conftest import cli_process, comparable

ISHIGAMI = TEST_MODELS["ishigami"]


def batcher(n: int, *, workers: int = 2, size: int | None = None, replicates: int = 1) -> Batcher:
    runs = np.arange(n, dtype=np.int64)
    values = np.arange(2 * (n // replicates + 1), dtype=float).reshape(-1, 2)
    return Batcher(runs, runs * 10, values, replicates, (("a", False), ("b", True)), workers=workers, size=size)


def test_batches_are_sized_from_the_run_time_and_shrink_at_the_end():
    b = batcher(100_000, workers=2)
    sizes = []
    for batch in b:
        sizes.append(len(batch))
        b.observe(np.full(len(batch), 0.01))  # 10 ms per run: about TARGET_BATCH_S of work is 200 runs
    assert sizes[0] == FIRST_BATCH
    assert sizes[1] == int(TARGET_BATCH_S / 0.01) and max(sizes) == sizes[1]
    assert sum(sizes) == 100_000
    assert sizes[-1] == 1 and sizes[-6:] == sorted(sizes[-6:], reverse=True)  # the tail shrinks
    fast = batcher(100_000, workers=2)
    it = iter(fast)
    next(it)
    fast.observe(np.full(4, 1e-6))
    assert len(next(it)) == MAX_BATCH


def test_every_run_once_in_order_with_its_seed_and_values():
    b = batcher(23, replicates=2)
    got = []
    for batch in b:
        b.observe(np.full(len(batch), 0.5))
        got += list(batch.items())
    assert [r for r, _, _ in got] == list(range(23))
    assert all(seed == 10 * r for r, _, seed in got)
    assert got[5][1] == {"a": 4.0, "b": 5} and type(got[5][1]["b"]) is int  # run 5 is row 2
    fixed = batcher(23, size=5)
    assert [len(batch) for batch in fixed] == [5, 5, 5, 5, 3]


def test_auto_batches_write_few_part_files(tmp_path):
    plan = plan_sweep(ISHIGAMI, design="sobol", samples=256, replicates=2, seed=4)  # 4096 runs
    run_sweep(plan, tmp_path / "auto")
    parts = list((tmp_path / "auto" / "runs").glob("part-*.parquet"))
    assert len(parts) <= math.ceil(plan.n_runs / PART_RUNS) + 1
    run_sweep(plan, tmp_path / "fixed", batch_size=64)  # a fixed size: a part file per batch
    assert len(list((tmp_path / "fixed" / "runs").glob("part-*.parquet"))) == plan.n_runs // 64
    pd.testing.assert_frame_equal(comparable(read_runs(tmp_path / "auto")), comparable(read_runs(tmp_path / "fixed")))


def test_small_batches_still_fill_large_part_files(tmp_path, monkeypatch):
    from quotasim.experiments import sweep

    monkeypatch.setattr(batching, "TARGET_BATCH_S", 1e-9)  # every batch one run, as for a very slow model
    monkeypatch.setattr(sweep, "PART_RUNS", 50)
    plan = plan_sweep(ISHIGAMI, design="lhs", samples=200, replicates=2, seed=6)
    seen = []
    run_sweep(plan, tmp_path / "s", progress=lambda done, failed, total: seen.append((done, len(completed_runs(tmp_path / "s")))))
    parts = sorted((tmp_path / "s" / "runs").glob("part-*.parquet"))
    assert len(parts) == 8  # 400 runs, 50 to a file, not 400 files
    assert all(len(pd.read_parquet(p)) == 50 for p in parts)
    # each batch is on disk when the sweep counts it done: a kill loses none of them
    assert len(seen) > 300 and seen[-1] == (400, 400) and all(done == on_disk for done, on_disk in seen)
    df = read_runs(tmp_path / "s")
    assert df["run"].tolist() == list(range(400))
    ref = tmp_path / "ref"
    run_sweep(plan, ref, batch_size=7)
    pd.testing.assert_frame_equal(comparable(df), comparable(read_runs(ref)))


def test_at_most_one_batch_per_local_worker_in_flight():
    batches = [make_batch([(i, {"x1": 0.1 * i}, i)]) for i in range(40)]
    taken = 0

    def work():
        nonlocal taken
        for batch in batches:
            taken += 1
            yield batch

    executor = ProcessExecutor(2)
    received = 0
    for result in executor.run(ISHIGAMI, work()):
        received += len(result)
        # the worker that sent this batch already has its next one; nothing else is outstanding
        assert taken <= received + executor.workers
    assert received == 40


@pytest.mark.timeout(120)
def test_sigkill_with_time_sized_batches_loses_only_whole_unwritten_batches(tmp_path, cli):
    out = tmp_path / "s"
    args = ["sweep", "test:ishigami-slow", "--design", "lhs", "--samples", "200", "--replicates", "2",
            "--processes", "2", "--seed", "5", "--out", out]
    proc = cli_process(*args)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(completed_runs(out)) < 50:
            time.sleep(0.02)
        assert proc.poll() is None, "the sweep finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    # Its workers and fork server, which only compute, are killed too: waiting for them to notice
    # that the sweep is gone (test_sweep.py checks that they do) and to be reaped took about 2 s.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    before = read_runs(out)
    assert 0 < len(before) < 400
    code, _, err = cli(*args, "--resume")
    assert code == 0, err
    after = read_runs(out)
    assert after["run"].tolist() == list(range(400))
    # what was on disk is untouched by the resume
    pd.testing.assert_frame_equal(
        after.set_index("run").loc[before["run"]].reset_index(), before.reset_index(drop=True)
    )


def _uneven(values, rng):
    """Outputs that differ between runs: y always, z only when x1 > 0, w only when x1 < -1,
    and a NaN for y when x2 > 2."""
    out = {"y": float("nan") if values["x2"] > 2 else values["x1"] + values["x2"]}
    if values["x1"] > 0:
        out["z"] = values["x3"]
    if values["x1"] < -1:
        out["w"] = 1.0
        del out["y"]
    if values["x3"] > 2.5:
        raise ValueError("x3 too big")
    return out


UNEVEN = FunctionTarget("uneven", ISHIGAMI.params, _uneven)


def expected_columns(df: pd.DataFrame, outputs: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """What the store held with one record per run: per output, (values, null) with null where a
    run failed or did not give the output, and NaN kept where it gave NaN."""
    cols = {k: (np.full(len(df), np.nan), np.ones(len(df), dtype=bool)) for k in outputs}
    for i, r in enumerate(df.itertuples()):
        try:
            out = _uneven({"x1": r.x1, "x2": r.x2, "x3": r.x3}, None)
        except ValueError:
            continue
        for k in outputs:
            if k in out:
                cols[k][0][i], cols[k][1][i] = out[k], False
    return cols


@pytest.mark.parametrize("batch_size", [1, 3, None])
def test_outputs_that_differ_between_runs_are_stored_as_with_one_record_per_run(tmp_path, batch_size):
    import pyarrow.parquet as pq

    plan = plan_sweep(UNEVEN, design="lhs", samples=60, seed=2)
    run_sweep(plan, tmp_path / "s", batch_size=batch_size)
    table = pq.read_table(tmp_path / "s" / "runs").sort_by("run")
    df = table.select(["run", "x1", "x2", "x3", "status"]).to_pandas()
    first_ok = df[df["status"] == "ok"].iloc[0]
    outputs = [k for k in table.column_names if k in ("y", "z", "w")]
    assert outputs == list(_uneven({"x1": first_ok.x1, "x2": first_ok.x2, "x3": first_ok.x3}, None))
    want = expected_columns(df, outputs)
    for k in outputs:
        column = table.column(k)
        null = column.is_null().to_numpy(zero_copy_only=False)
        values = column.to_numpy(zero_copy_only=False).astype(float)
        assert np.array_equal(null, want[k][1]), k
        assert np.array_equal(values[~null], want[k][0][~null], equal_nan=True), k
    assert np.isnan(table.column("y").to_numpy(zero_copy_only=False).astype(float)[~want["y"][1]]).any()  # a NaN kept
    assert want["y"][1][df["status"] == "ok"].any()  # and a successful run without y
    assert read_runs(tmp_path / "s")["error"].dropna().str.startswith("ValueError: x3 too big").all()


def test_batch_result_round_trip():
    batch = make_batch([(7, {"x1": 0.5, "x2": 2.5, "x3": 0.0}, 1), (8, {"x1": -2.0, "x2": 0.0, "x3": 3.0}, 2),
                        (9, {"x1": 1.0, "x2": 0.0, "x3": 1.0}, 3)])
    result = run_batch(UNEVEN, batch)
    assert result.runs.tolist() == [7, 8, 9] and result.ok.tolist() == [True, False, True] and result.failed == 1
    assert result.errors == {1: "ValueError: x3 too big"}
    assert result.names == ("y", "z")
    assert result.run_outputs(1) is None
    assert result.run_outputs(2) == {"y": 1.0, "z": 1.0}
    assert math.isnan(result.run_outputs(0)["y"])


NUMBERS = st.one_of(
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False),
    st.booleans(),
    st.integers(-100, 100).map(np.int64),
    st.floats(-1e6, 1e6).map(np.float32),
    st.booleans().map(np.bool_),
)
LEAVES = st.one_of(NUMBERS, st.text(max_size=3), st.lists(st.integers(), max_size=2), st.none())
SUMMARIES = st.recursive(
    st.dictionaries(st.sampled_from(["a", "b", "seed", "model", "scenario", "c.d"]), LEAVES, max_size=5),
    lambda inner: st.dictionaries(st.sampled_from(["a", "b", "seed", "x", "model"]), st.one_of(LEAVES, inner), max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(summary=SUMMARIES)
def test_flatten_summary_gives_the_numeric_leaves_of_summary_items(summary):
    want = {
        k: float(v)
        for k, v in summary_items(summary)
        if k not in ("scenario", "seed", "model")
        and isinstance(v, (bool, int, float, np.bool_, np.integer, np.floating))
    }
    got = flatten_summary(summary)
    assert list(got) == list(want)
    assert all((a == b) or (math.isnan(a) and math.isnan(b)) for a, b in zip(got.values(), want.values()))
    assert all(type(v) is float for v in got.values())


def test_a_worker_imports_neither_the_store_nor_the_designs():
    code = (
        "import sys; import quotasim.experiments.executor, quotasim.experiments.models, quotasim.experiments.batching; "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('quotasim.experiments'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["quotasim.experiments", "quotasim.experiments.batching", "quotasim.experiments.executor",
                   "quotasim.experiments.models"]


def test_the_store_reads_serial_and_pool_results_alike(tmp_path):
    plan = plan_sweep(ISHIGAMI, design="lhs", samples=300, replicates=2, seed=8)
    run_sweep(plan, tmp_path / "a", executor=SerialExecutor())
    run_sweep(plan, tmp_path / "b", executor=ProcessExecutor(2))
    pd.testing.assert_frame_equal(comparable(read_runs(tmp_path / "a")), comparable(read_runs(tmp_path / "b")))
    assert batching.TARGET_BATCH_S > 0


MAIN_SCRIPT = '''
import os, sys
with open(sys.argv[1] if __name__ == "__main__" else os.environ["MARKS"], "a") as f:
    f.write(f"{os.getpid()} {__name__}\\n")  # runs again in every process that runs this script

from quotasim.experiments.executor import ProcessExecutor
from quotasim.experiments.models import TEST_MODELS
from quotasim.experiments.sweep import plan_sweep, run_sweep

if __name__ == "__main__":
    os.environ["MARKS"] = sys.argv[1]
    plan = plan_sweep(TEST_MODELS["ishigami"], design="lhs", samples=20)
    for i in range(2):
        run_sweep(plan, f"{sys.argv[2]}/{i}", executor=ProcessExecutor(2))
'''


def test_pool_workers_do_not_run_the_main_script_again(tmp_path):
    script = tmp_path / "main.py"
    script.write_text(MAIN_SCRIPT)
    marks = tmp_path / "marks.txt"
    subprocess.run([sys.executable, str(script), str(marks), str(tmp_path)], check=True, timeout=120)
    lines = marks.read_text().split("\n")[:-1]
    # this process, and the fork server once; not each of the 2 x 2 workers
    assert [line.split()[1] for line in lines] == ["__main__", "__mp_main__"], lines
    assert len(read_runs(tmp_path / "1")) == 20


def test_a_process_without_a_main_script_clears_the_inherited_one_for_its_fork_server(monkeypatch, tmp_path):
    """A parent that ran a local sweep leaves its script's path in the environment; a child with
    no script of its own (``python -c``) must not hand that path to its fork server, which would
    run the parent's script."""
    from multiprocessing import spawn

    from quotasim.experiments import executor

    monkeypatch.setenv(executor.MAIN_PATH_ENV, str(tmp_path / "parent_script.py"))
    monkeypatch.setattr(spawn, "get_preparation_data", lambda name: {})
    executor._share_main_script()
    assert executor.MAIN_PATH_ENV not in os.environ
    script = tmp_path / "mine.py"
    monkeypatch.setattr(spawn, "get_preparation_data", lambda name: {"init_main_from_path": str(script)})
    executor._share_main_script()
    assert os.environ[executor.MAIN_PATH_ENV] == str(script)
