"""The sweep folder: a manifest and a Parquet dataset of runs, written as runs finish.

Layout of ``DIR``::

    manifest.json        what the sweep is (fingerprint, scenario, design, version, start time),
                         rewritten atomically; per-run wall times when a session ends
    design.parquet       the design: run, row, replicate, seed and each varied parameter (written once)
    runs/part-*.parquet  finished runs, a few large files (or one per batch): run, row, replicate, seed,
                         parameters, status, error, wall_s, cpu_s, every summary output (whole-number
                         outputs as int64); ``pandas.read_parquet("DIR/runs")`` reads all
    daily/part-*.parquet with --save-daily: the daily table of each run, with a ``run`` column

Every file is written to a hidden temporary name and renamed into place (``os.replace``), so a
killed sweep leaves only whole files; a part file in ``runs/`` is the record that its runs are
done. A resumed sweep reads the run indices present in ``runs/`` and schedules only the others;
hidden leftovers and daily parts without their runs part are removed first.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from quotasim.errors import InputError
from quotasim.experiments.executor import BatchResult
from quotasim.outputs.write import replaced_atomically, write_json_atomic  # noqa: F401  (the one atomic JSON writer; used by sweep/compare)

MANIFEST = "manifest.json"
FORMAT = 2  # 2: runs carry row and replicate columns, whole-number outputs are int64
STATUS_OK = "ok"
STATUS_FAILED = "failed"
BASE_COLUMNS = ("run", "row", "replicate", "seed")
META_COLUMNS = ("status", "error", "wall_s", "cpu_s")


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def write_parquet_atomic(table: pa.Table, path: Path, **options: Any) -> None:
    with replaced_atomically(path) as tmp:
        pq.write_table(table, tmp, **options)


# Dictionary-encoding the numbers makes a part file's write about a third slower (they rarely repeat); the
# status and error strings do repeat.
RUNS_PARQUET = {"use_dictionary": ["status", "error"]}


def read_manifest(out: Path) -> dict[str, Any] | None:
    path = Path(out) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {MANIFEST}: {exc}", where=f"--out {out}") from None


def prepare_folder(out: Path, fingerprint: str, *, resume: bool) -> dict[str, Any] | None:
    """Check ``out`` before anything is written; return the existing manifest when resuming.

    Without ``resume`` the folder must be new or empty. With ``resume`` a folder holding another
    sweep (another fingerprint) or something that is not a sweep is refused; a new or empty folder
    starts afresh.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a folder", where=f"--out {out}")
    entries = [p for p in out.iterdir()] if out.exists() else []
    if not entries:
        return None
    if not resume:
        raise InputError(
            "exists and is not empty; choose a new folder, or add --resume to finish the sweep there",
            where=f"--out {out}",
        )
    manifest = read_manifest(out)
    if manifest is None:
        raise InputError(f"--resume: the folder holds no {MANIFEST}; it is not a quotasim sweep", where=f"--out {out}")
    if manifest.get("format", 1) != FORMAT:
        raise InputError(
            f"--resume: the folder was written by an older quotasim (sweep format {manifest.get('format', 1)}, "
            f"now {FORMAT}); run the sweep again in a new folder",
            where=f"--out {out}",
        )
    if manifest.get("fingerprint") != fingerprint:
        raise InputError(
            "--resume: the folder belongs to another sweep (scenario, design, parameters, samples, "
            "replicates, seed or --save-daily differ); rerun with the same arguments or choose a new folder",
            where=f"--out {out}",
        )
    return manifest


def clean_partials(out: Path) -> None:
    """Remove hidden temporary files and daily parts whose runs part never landed."""
    runs_dir = out / "runs"
    daily_dir = out / "daily"
    for folder in (out, runs_dir, daily_dir):
        if folder.is_dir():
            for p in folder.iterdir():
                if p.name.startswith(".") and p.name.endswith(".tmp"):
                    p.unlink(missing_ok=True)
    if daily_dir.is_dir():
        done = {p.name for p in runs_dir.glob("part-*.parquet")} if runs_dir.is_dir() else set()
        for p in daily_dir.glob("part-*.parquet"):
            if p.name not in done:
                p.unlink(missing_ok=True)


def read_part(path: Path, columns: list[str] | None = None) -> pa.Table:
    """One part file, read through one open handle: a part is rewritten by renaming a new file over
    it, and a reader that looked the file up by name, then opened it, could see the old size with
    the new content (pyarrow: "Page was smaller than expected"); the handle pins one version."""
    with open(path, "rb") as handle:
        return pq.read_table(handle, columns=columns)


def completed_runs(out: Path) -> np.ndarray:
    """Sorted run indices that have a record in ``out/runs`` (ok or failed)."""
    runs_dir = Path(out) / "runs"
    parts = sorted(runs_dir.glob("part-*.parquet")) if runs_dir.is_dir() else []
    if not parts:
        return np.zeros(0, dtype=np.int64)
    idx = np.concatenate([read_part(p, columns=["run"]).column("run").to_numpy() for p in parts])
    return np.sort(idx.astype(np.int64))


class RunWriter:
    """Writes finished batches as Parquet part files with one fixed schema.

    The output columns are fixed by the first successful run (and recorded in the manifest, so a
    resumed sweep writes the same columns); failed runs have nulls there. Batches that finish
    before any run has succeeded are written at once without output columns, and rewritten
    (atomically) with null output columns as soon as the columns are known, so every finished run
    is on disk and all part files share one schema.

    With ``part_runs``, a part file collects batches until it holds that many runs: each batch is
    written at once by rewriting the part with the batch added (atomically, under the same name),
    so every finished batch is still on disk the moment it is written, in a few large files rather
    than one file per batch. Without it (and always with daily tables, which are large to
    rewrite), each batch is its own part file.
    """

    def __init__(self, out: Path, params, outputs: Sequence[str] | None, on_outputs, *, save_daily: bool,
                 part_runs: int | None = None, replicates: int = 1, integer_outputs: frozenset[str] = frozenset()):
        self.out = Path(out)
        self.replicates = int(replicates)
        self.integer_outputs = integer_outputs
        self.params = list(params)
        self.outputs = list(outputs) if outputs is not None else None
        self.on_outputs = on_outputs
        self.save_daily = save_daily
        self.part_runs = None if save_daily else part_runs
        self._part: tuple[str, pa.Table] | None = None  # the part file being filled: name, its rows
        (self.out / "runs").mkdir(parents=True, exist_ok=True)
        if save_daily:
            (self.out / "daily").mkdir(parents=True, exist_ok=True)
        if self.outputs:
            self._upgrade_parts()

    def schema(self) -> pa.Schema:
        fields = [pa.field(name, pa.int64()) for name in BASE_COLUMNS]
        fields += [pa.field(p.path, pa.int64() if p.integer else pa.float64()) for p in self.params]
        fields += [pa.field("status", pa.string()), pa.field("error", pa.string()), pa.field("wall_s", pa.float64()),
                   pa.field("cpu_s", pa.float64())]
        fields += [pa.field(k, pa.int64() if k in self.integer_outputs else pa.float64()) for k in self.outputs or []]
        return pa.schema(fields)

    def write(self, result: BatchResult, values: np.ndarray) -> None:
        """Write a finished batch; ``values`` holds its runs' parameter values (one row per run)."""
        if self.outputs is None and result.ok.any():
            first = int(np.argmax(result.ok))
            reserved = {*BASE_COLUMNS, *META_COLUMNS, *(p.path for p in self.params)}
            self.outputs = [k for k in result.run_outputs(first) if k not in reserved]
            self.on_outputs(self.outputs)
            self._part = None  # it lacks the output columns: rewritten below, and later batches start a new part
            self._upgrade_parts()
        self._write(result, values)

    def _upgrade_parts(self) -> None:
        """Rewrite part files written before the output columns were known, adding them as nulls."""
        schema = self.schema()
        for path in sorted((self.out / "runs").glob("part-*.parquet")):
            if pq.read_schema(path).names == schema.names:
                continue
            table = pq.read_table(path)
            cols = {name: (table.column(name) if name in table.column_names else pa.nulls(len(table), f.type))
                    for name, f in zip(schema.names, schema)}
            write_parquet_atomic(pa.Table.from_pydict(cols, schema=schema), path)

    def _output_column(self, result: BatchResult, name: str, index: dict[str, int]) -> pa.Array:
        """One output over the batch: null where a run failed or did not give it."""
        j = index.get(name)
        if j is not None:
            col = result.outputs[:, j]
            null = ~result.ok if result.missing is None else (~result.ok | result.missing[:, j])
        else:
            col = np.full(len(result), np.nan)
            null = np.ones(len(result), dtype=bool)
        if result.extra:
            col, null = col.copy(), null.copy()
            for i, more in result.extra.items():
                if name in more:
                    col[i], null[i] = more[name], False
        mask = null if null.any() else None
        if name in self.integer_outputs:
            return pa.array(np.where(null, 0.0, col).astype(np.int64), type=pa.int64(), mask=mask)
        return pa.array(col, type=pa.float64(), mask=mask)

    def _write(self, result: BatchResult, values: np.ndarray) -> None:
        order = np.argsort(result.runs, kind="stable")
        n = len(result)
        status = np.where(result.ok, STATUS_OK, STATUS_FAILED)
        errors = [result.errors.get(i) for i in range(n)]
        index = {k: j for j, k in enumerate(result.names)}
        arrays = [pa.array(result.runs, pa.int64()), pa.array(result.runs // self.replicates, pa.int64()),
                  pa.array(result.runs % self.replicates, pa.int64()), pa.array(result.seeds, pa.int64())]
        arrays += [pa.array(values[:, j].astype(np.int64) if p.integer else values[:, j], pa.int64() if p.integer else pa.float64())
                   for j, p in enumerate(self.params)]
        arrays += [pa.array(status, pa.string()), pa.array(errors, pa.string()),
                   pa.array(result.wall_s, pa.float64()), pa.array(result.cpu_s, pa.float64())]
        arrays += [self._output_column(result, k, index) for k in self.outputs or []]
        table = pa.Table.from_arrays(arrays, schema=self.schema())
        if not np.all(order == np.arange(n)):
            table = table.take(pa.array(order))
        if self.part_runs is not None:
            if self._part is None or self._part[1].num_rows >= self.part_runs:
                self._part = (self._part_name(int(result.runs[order[0]])), table)
            else:
                name, rows = self._part
                self._part = (name, pa.concat_tables([rows, table]).sort_by("run"))
            write_parquet_atomic(self._part[1], self.out / "runs" / self._part[0], **RUNS_PARQUET)
            return
        name = self._part_name(int(result.runs[order[0]]))
        if self.save_daily:
            frames = []
            for i in order.tolist():
                daily = result.daily.get(i)
                if result.ok[i] and daily is not None:
                    df = daily.copy()
                    df.insert(0, "run", int(result.runs[i]))
                    frames.append(df)
            if frames:
                import pandas as pd

                table_daily = pa.Table.from_pandas(pd.concat(frames, ignore_index=True), preserve_index=False)
                write_parquet_atomic(table_daily, self.out / "daily" / name)
        write_parquet_atomic(table, self.out / "runs" / name, **RUNS_PARQUET)

    @staticmethod
    def _part_name(first_run: int) -> str:
        return f"part-{first_run:09d}-{uuid.uuid4().hex[:8]}.parquet"


def read_runs(out: Path):
    """All runs of a sweep folder as a DataFrame sorted by run index."""
    import pandas as pd

    runs_dir = Path(out) / "runs"
    if not runs_dir.is_dir() or not any(runs_dir.glob("part-*.parquet")):
        return pd.DataFrame()
    tables = [read_part(p) for p in sorted(runs_dir.glob("part-*.parquet"))]
    df = pa.concat_tables(tables, promote_options="default").to_pandas()
    return df.sort_values("run", kind="stable").reset_index(drop=True)


def wall_times(out: Path, n_runs: int) -> list[float | None]:
    """Per-run wall time by run index (None where the run has not finished)."""
    runs_dir = Path(out) / "runs"
    walls: list[float | None] = [None] * n_runs
    for p in sorted(runs_dir.glob("part-*.parquet")) if runs_dir.is_dir() else []:
        t = read_part(p, columns=["run", "wall_s"])
        for run, w in zip(t.column("run").to_pylist(), t.column("wall_s").to_pylist()):
            if 0 <= run < n_runs:
                walls[run] = None if w is None else round(float(w), 6)
    return walls
