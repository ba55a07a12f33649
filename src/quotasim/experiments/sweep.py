"""A sweep: a design of parameter values × replicates, run through an executor into a folder.

:func:`plan_sweep` checks everything the user gave and builds the run table (run index, seed,
values) before anything is written; :func:`run_sweep` streams the runs to disk and can resume.
Run ``i`` is design row ``i // replicates``, replicate ``i % replicates``; its seed is
``run_seed(sweep_seed, i)``, or with common random numbers (``crn``, what a sensitivity analysis
uses) ``run_seed(sweep_seed, i % replicates)``: replicate ``r`` has the same seed in every row.
Either way results do not depend on workers, batching or resumption.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from quotasim.errors import InputError
from quotasim.experiments.design import (
    DEFAULT_SAMPLES,
    DesignOptions,
    ParamSpec,
    dummy_param,
    make_design,
    read_design_file,
    resolve_params,
    round_integers,
)
from quotasim.experiments.batching import PART_RUNS, Batcher
from quotasim.experiments.executor import Executor, SerialExecutor
from quotasim.experiments.outcomes import integer_outputs
from quotasim.experiments.seeds import run_seeds
from quotasim.experiments.store import (
    FORMAT,
    MANIFEST,
    RunWriter,
    clean_partials,
    completed_runs,
    now_iso,
    prepare_folder,
    read_runs,
    wall_times,
    write_json_atomic,
    write_parquet_atomic,
)

ProgressFn = Callable[[int, int, int], None]
"""``progress(done, failed, total)``: runs finished so far (including earlier sessions)."""

MAX_REPLICATES = 1_000_000


@dataclass(frozen=True)
class SweepPlan:
    """A checked sweep: the target, varied parameters, the (unrounded) design matrix and runs."""

    target: Any
    params: list[ParamSpec]
    design: str
    samples: int
    replicates: int
    seed: int
    options: DesignOptions
    matrix: np.ndarray  # (rows, d), unrounded, as the design gave it
    values: np.ndarray  # (rows, d), whole-number parameters rounded
    design_file: str | None = None
    design_file_sha256: str | None = None
    save_daily: bool = False
    kind: str = "sweep"
    extra: dict[str, Any] = field(default_factory=dict)
    crn: bool = False  # common random numbers: replicate r has the same seed in every row
    left_out: dict[str, str] = field(default_factory=dict)  # ranged parameters not varied, and why

    @property
    def rows(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def n_runs(self) -> int:
        return self.rows * self.replicates

    @property
    def run_columns(self) -> list[int]:
        """Columns of the design a run reads (all but the dummy)."""
        return [j for j, p in enumerate(self.params) if not p.dummy]

    def run_values(self, run: int) -> dict[str, Any]:
        row = self.values[run // self.replicates]
        return {p.path: (int(v) if p.integer else float(v)) for p, v in zip(self.params, row) if not p.dummy}

    def seeds(self) -> np.ndarray:
        """Every run's seed, by run index (computed once; read-only)."""
        cached = self.__dict__.get("_seeds")
        if cached is None:
            if self.crn:
                cached = np.tile(run_seeds(self.seed, np.arange(self.replicates)), self.rows)
            else:
                cached = run_seeds(self.seed, np.arange(self.n_runs))
            cached.flags.writeable = False
            object.__setattr__(self, "_seeds", cached)
        return cached

    def fingerprint(self) -> str:
        spec = {
            "kind": self.kind,
            "target": self.target.fingerprint_text(),
            "design": self.design,
            "params": [p.to_json() for p in self.params],
            "samples": self.samples,
            "replicates": self.replicates,
            "seed": self.seed,
            "second_order": self.options.second_order if self.design == "sobol" else None,
            "levels": self.options.levels if self.design == "morris" else None,
            "design_file_sha256": self.design_file_sha256,
            "save_daily": self.save_daily,
        }
        if self.crn:
            spec["seeds"] = "common random numbers"
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()

    def design_json(self) -> dict[str, Any]:
        return {
            "name": self.design,
            "samples": self.samples,
            "replicates": self.replicates,
            "seed": self.seed,
            "second_order": self.options.second_order if self.design == "sobol" else None,
            "levels": self.options.levels if self.design == "morris" else None,
            "file": self.design_file,
            "file_sha256": self.design_file_sha256,
            "params": [p.to_json() for p in self.params],
            "left_out": self.left_out,
            "seeds": "common random numbers (replicate r has the same seed in every row)" if self.crn else "one per run",
            "rows": self.rows,
            "runs": self.n_runs,
        }


def plan_sweep(
    target,
    *,
    params: Sequence[str] = (),
    design: str = "lhs",
    samples: int | None = None,
    replicates: int = 1,
    seed: int | None = None,
    design_file: Path | None = None,
    options: DesignOptions = DesignOptions(),
    save_daily: bool = False,
    kind: str = "sweep",
    crn: bool = False,
    dummy: bool = False,
) -> SweepPlan:
    """Check the sweep's inputs and build its design (one line InputError on bad input).

    ``crn``: common random numbers (replicate ``r`` uses the same seed in every design row).
    ``dummy``: add the dummy parameter, which no run reads, to the design (a noise floor).
    """
    if not 1 <= replicates <= MAX_REPLICATES:
        raise InputError(f"must be a whole number in [1, {MAX_REPLICATES}], found {replicates}", where="--replicates")
    sweep_seed = target.seed if seed is None else int(seed)
    file_sha = None
    left_out: dict[str, str] = {}
    if design_file is not None:
        if params:
            raise InputError("give either --param or --design-file, not both (the file's columns are the parameters)", where="--param")
        specs, matrix, file_sha = read_design_file(Path(design_file), target)
        design_name, n = "file", int(matrix.shape[0])
    else:
        specs, left_out = resolve_params(target, params)
        if dummy:
            specs = [*specs, dummy_param()]
        if design not in DEFAULT_SAMPLES:
            raise InputError(f"unknown design {design!r}; allowed: {', '.join(DEFAULT_SAMPLES)}", where="--design")
        n = DEFAULT_SAMPLES[design] if samples is None else int(samples)
        matrix = make_design(design, specs, n, sweep_seed, options)
        design_name = design
    return SweepPlan(
        target=target,
        params=specs,
        design=design_name,
        samples=n,
        replicates=int(replicates),
        seed=sweep_seed,
        options=options,
        matrix=matrix,
        values=round_integers(matrix, specs),
        design_file=str(design_file) if design_file is not None else None,
        design_file_sha256=file_sha,
        save_daily=save_daily,
        kind=kind,
        crn=crn,
        left_out=left_out,
    )


@dataclass
class SweepOutcome:
    """What a session of :func:`run_sweep` did."""

    out: Path
    total: int
    done: int  # finished runs now in the folder (all sessions)
    failed: int
    ran: int  # runs this session ran
    skipped: int  # runs already done before this session
    wall_s: float
    interrupted: bool = False

    @property
    def runs_per_s(self) -> float:
        return self.ran / self.wall_s if self.wall_s > 0 else float("nan")


def run_sweep(
    plan: SweepPlan,
    out: Path,
    *,
    executor: Executor | None = None,
    resume: bool = False,
    batch_size: int | None = None,
    progress: ProgressFn | None = None,
    close_executor: bool = True,
) -> SweepOutcome:
    """Run ``plan`` into ``out`` and return what happened.

    Runs stream to ``out/runs`` as batches finish. ``resume=True`` on a folder of the same sweep
    runs only the runs missing there; a folder of another sweep, or a non-empty folder without
    ``resume``, is refused with an InputError before anything is written. KeyboardInterrupt stops
    the executor, keeps every finished batch, marks the manifest ``interrupted`` and re-raises.
    The executor is closed at the end unless ``close_executor=False`` (to reuse a Dask cluster).
    """
    out = Path(out)
    fingerprint = plan.fingerprint()
    manifest = prepare_folder(out, fingerprint, resume=resume)
    executor = executor or SerialExecutor()
    if batch_size is not None and batch_size < 1:
        raise InputError(f"must be a whole number >= 1, found {batch_size}", where="--batch-size")
    out.mkdir(parents=True, exist_ok=True)
    session = {"started": now_iso(), "executor": executor.label, "quotasim_version": _version()}
    if manifest is None:
        manifest = {
            "format": FORMAT,
            "kind": plan.kind,
            "fingerprint": fingerprint,
            "quotasim_version": _version(),
            "started": session["started"],
            "scenario": plan.target.describe(),
            "design": plan.design_json(),
            "save_daily": plan.save_daily,
            "outputs": None,
            "status": "running",
            "sessions": [session],
            **plan.extra,
        }
        write_json_atomic(out / MANIFEST, manifest)
        _write_design(plan, out)
    else:
        clean_partials(out)
        manifest["status"] = "running"
        manifest.setdefault("sessions", []).append(session)
        write_json_atomic(out / MANIFEST, manifest)

    done_idx = completed_runs(out)
    if len(done_idx) != len(np.unique(done_idx)):
        raise InputError("runs/ holds a run twice; the folder was changed by hand", where=f"--out {out}")
    n_total = plan.n_runs
    todo = np.setdiff1d(np.arange(n_total, dtype=np.int64), done_idx, assume_unique=True)
    seeds = plan.seeds()
    failed_before = _count_failed(out) if len(done_idx) else 0

    def on_outputs(outputs):
        manifest["outputs"] = list(outputs)
        write_json_atomic(out / MANIFEST, manifest)

    # with sizes chosen here, batches go into a few large part files; a size the user fixed is
    # also the size of each part file
    writer = RunWriter(out, plan.params, manifest.get("outputs"), on_outputs, save_daily=plan.save_daily,
                       part_runs=None if batch_size else PART_RUNS, replicates=plan.replicates,
                       integer_outputs=integer_outputs(plan.target.model))
    cols = plan.run_columns  # the dummy parameter never reaches a run
    batcher = Batcher(
        todo, seeds, plan.values[:, cols], plan.replicates, tuple((plan.params[j].path, plan.params[j].integer) for j in cols),
        workers=executor.workers, size=batch_size,
    )

    done = len(done_idx)
    failed = failed_before
    ran = 0
    if progress:
        progress(done, failed, n_total)
    t0 = time.perf_counter()
    interrupted = False
    try:
        if len(todo):
            for result in executor.run(plan.target, batcher, plan.save_daily):
                batcher.observe(result.wall_s)
                writer.write(result, plan.values[result.runs // plan.replicates])
                ran += len(result)
                done += len(result)
                failed += result.failed
                if progress:
                    progress(done, failed, n_total)
    except KeyboardInterrupt:
        interrupted = True
        executor.abort()
        raise
    finally:
        wall = time.perf_counter() - t0
        if close_executor or interrupted:
            executor.close()
        session["finished"] = now_iso()
        session["ran"] = ran
        session["wall_s"] = round(wall, 3)
        manifest["status"] = "interrupted" if interrupted or done < n_total else "complete"
        manifest["done"] = done
        manifest["failed"] = failed
        manifest["wall_s"] = wall_times(out, n_total)
        write_json_atomic(out / MANIFEST, manifest)
    return SweepOutcome(out, n_total, done, failed, ran, len(done_idx), wall, interrupted)


def _write_design(plan: SweepPlan, out: Path) -> None:
    import pyarrow as pa

    cols: dict[str, Any] = {
        "run": np.arange(plan.n_runs, dtype=np.int64),
        "row": np.arange(plan.n_runs, dtype=np.int64) // plan.replicates,
        "replicate": np.arange(plan.n_runs, dtype=np.int64) % plan.replicates,
        "seed": plan.seeds(),
    }
    for j, p in enumerate(plan.params):
        col = np.repeat(plan.values[:, j], plan.replicates)
        cols[p.path] = col.astype(np.int64) if p.integer else col
    write_parquet_atomic(pa.table(cols), out / "design.parquet")


def _count_failed(out: Path) -> int:
    df = read_runs(out)
    return int((df["status"] != "ok").sum()) if len(df) else 0


def _version() -> str:
    from quotasim import __version__

    return __version__
