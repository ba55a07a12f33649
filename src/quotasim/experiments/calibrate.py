"""Calibrate a scenario to targets by ABC-SMC (pyABC), into a folder that a kill can resume.

:func:`plan_calibration` checks everything the user gave (scenario, targets, parameters and their
priors, options) without importing anything numerical, so bad input is one line at once.
:func:`run_calibration` runs pyABC's ABC-SMC with the adaptive distance and epsilon of
:mod:`quotasim.experiments.abc_parts` and the seed-determined sampler of
:mod:`quotasim.experiments.abc_sampler`, keeping pyABC's SQLite history in ``DIR/history.db``;
``resume=True`` continues from the last finished generation. :func:`write_outputs` then writes
``posterior.parquet``, ``generations.parquet``, ``predictive.parquet`` and ``report.html``.

The folder::

    DIR/calibration.json     what was asked (the fingerprint a resume must match), sessions, status
    DIR/history.db           pyABC's history: every finished generation
    DIR/posterior.parquet    the last generation: weight + one column per parameter key path
    DIR/generations.parquet  epsilon, accepted, runs, wall time per generation
    DIR/predictive.parquet   runs at posterior draws with fresh seeds, each target's output
    DIR/report.html
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from quotasim.errors import InputError
from quotasim.outputs.write import write_json_atomic
from quotasim.experiments.targets import TargetSet, load_targets

FORMAT = 1
MANIFEST = "calibration.json"
HISTORY = "history.db"
ALPHA = 0.5
DEFAULT_PARTICLES = 500
DEFAULT_GENERATIONS = 20
DEFAULT_MIN_EPSILON = 1.0
PREDICTIVE_RUNS = 200
PREDICTIVE_STREAM = 3
MAX_PARTICLES = 100_000
GENERATIONS_REASON = "the asked number of generations"


@dataclass(frozen=True)
class Prior:
    """A calibrated parameter: uniform on [lo, hi] (whole numbers: each of lo..hi equally likely)."""

    path: str
    lo: float
    hi: float
    integer: bool
    given: str  # "range" (the scenario's) or "--param"

    @property
    def support(self) -> tuple[float, float]:
        """The continuous interval pyABC samples; a whole number is the rounded value."""
        return (self.lo - 0.5, self.hi + 0.5) if self.integer else (self.lo, self.hi)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "lo": self.lo, "hi": self.hi, "integer": self.integer, "given": self.given}


@dataclass(frozen=True)
class CalibrationPlan:
    scenario: Any
    targets: TargetSet
    priors: tuple[Prior, ...]
    particles: int
    generations: int
    min_epsilon: float
    max_runs: int | None
    seed: int
    left_out: dict[str, str] = field(default_factory=dict)

    def spec(self) -> dict[str, Any]:
        """What decides the result (and so the fingerprint): not the stopping rules, workers or backend."""
        return {
            "scenario": {"name": self.scenario.name, "origin": self.scenario.origin, "toml": self.scenario.to_toml()},
            "targets": self.targets.to_json(),
            "params": [p.to_json() for p in self.priors],
            "particles": self.particles,
            "min_epsilon": self.min_epsilon,
            "seed": self.seed,
            "method": {"alpha": ALPHA, "distance": "adaptive max-norm, scales floored at 1", "sampler": "ordered slots"},
        }

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.spec(), sort_keys=True).encode()).hexdigest()


def parse_param(text: str) -> tuple[str, tuple[float, float] | None]:
    """``key.path=lo:hi`` or ``key.path``."""
    path, sep, rng = text.partition("=")
    path = path.strip()
    if not path or any(not p for p in path.split(".")):
        raise InputError(f"expected key.path=lo:hi or key.path, found {text!r}", where="--param")
    if not sep:
        return path, None
    from quotasim.experiments.param_bounds import parse_bounds

    lo, hi = parse_bounds(rng, path)
    if not lo < hi:
        raise InputError(f"must have lo < hi, found {rng!r}", where="--param", key=path)
    return path, (lo, hi)


def resolve_priors(scenario, params: Sequence[str]) -> tuple[tuple[Prior, ...], dict[str, str]]:
    """The priors of the asked parameters (every ranged, active one when none is asked), and the
    ranged parameters left out because they cannot act in this scenario (path -> reason)."""
    from quotasim.scenario.inert import inert_parameters

    inert = inert_parameters(scenario)
    ranges = scenario.ranges()
    left_out: dict[str, str] = {}
    asked: list[tuple[str, tuple[float, float] | None, str]] = []
    if params:
        seen = set()
        for text in params:
            path, rng = parse_param(text)
            if path in seen:
                raise InputError("given twice", where="--param", key=path)
            seen.add(path)
            asked.append((path, rng, "--param" if rng else "range"))
    else:
        for path in ranges:
            if path in inert:
                left_out[path] = inert[path]
            else:
                asked.append((path, None, "range"))
        if not asked:
            raise InputError("no parameter has a range outside the inert ones; give --param key.path=lo:hi", where="--param")
    priors = []
    for path, rng, given in asked:
        try:
            value = scenario.value(path)
        except InputError as exc:
            raise InputError(f"unknown parameter: {exc.message}", where="--param", key=path) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"is not a number (found {value!r}); only numeric parameters can be calibrated", where="--param", key=path)
        if path in inert:
            raise InputError(f"cannot act in this scenario ({inert[path]}); calibrating it would only fit noise", where="--param", key=path)
        if rng is None:
            if path not in ranges:
                raise InputError("has no range in the scenario; give its prior: --param key.path=lo:hi", where="--param", key=path)
            rng = ranges[path]
            if not rng[0] < rng[1]:
                raise InputError(f"its range [{rng[0]:g}, {rng[1]:g}] is a single value; give --param key.path=lo:hi", where="--param", key=path)
        integer = isinstance(value, int)
        lo, hi = (float(rng[0]), float(rng[1]))
        if integer:
            lo, hi = float(math.ceil(lo)), float(math.floor(hi))
            if not lo < hi:
                raise InputError(f"a whole-number parameter needs two whole numbers in lo:hi, found {rng[0]:g}:{rng[1]:g}", where="--param", key=path)
        for end in (lo, hi):
            v = int(end) if integer else float(end)
            try:
                scenario.with_values({path: v}, where="--param")
            except InputError as exc:
                raise InputError(f"the prior [{lo:g}, {hi:g}] reaches {v!r}, which the parameter does not allow: {exc.message}", where="--param", key=path) from None
        priors.append(Prior(path, lo, hi, integer, given))
    return tuple(priors), left_out


def plan_calibration(
    scenario_ref: str,
    targets_ref: str,
    *,
    params: Sequence[str] = (),
    overrides: Sequence[str] = (),
    particles: int = DEFAULT_PARTICLES,
    generations: int = DEFAULT_GENERATIONS,
    min_epsilon: float = DEFAULT_MIN_EPSILON,
    max_runs: int | None = None,
    seed: int | None = None,
) -> CalibrationPlan:
    from quotasim.scenario import load_scenario

    if not 10 <= particles <= MAX_PARTICLES:
        raise InputError(f"must be a whole number in [10, {MAX_PARTICLES}], found {particles}", where="--particles")
    if generations < 1:
        raise InputError(f"must be a whole number >= 1, found {generations}", where="--generations")
    if not (math.isfinite(min_epsilon) and min_epsilon >= 0):
        raise InputError(f"must be a number >= 0, found {min_epsilon}", where="--min-epsilon")
    if max_runs is not None and max_runs < particles:
        raise InputError(f"must be at least --particles ({particles}), found {max_runs}", where="--max-runs")
    scenario = load_scenario(scenario_ref, overrides)
    if scenario.model != "campaign":
        raise InputError(f"calibration is for campaign scenarios; {scenario.name} is a {scenario.model} scenario", where="scenario")
    targets = load_targets(targets_ref, model=scenario.model)
    priors, left_out = resolve_priors(scenario, params)
    return CalibrationPlan(
        scenario=scenario, targets=targets, priors=priors, particles=int(particles), generations=int(generations),
        min_epsilon=float(min_epsilon), max_runs=None if max_runs is None else int(max_runs),
        seed=int(scenario.seed if seed is None else seed), left_out=left_out,
    )


# -- the folder --------------------------------------------------------------------------------


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def read_manifest(out: Path) -> dict | None:
    path = Path(out) / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("kind") == "calibration" else None


def check_folder(out: Path, plan: CalibrationPlan, *, resume: bool) -> dict | None:
    """Refuse a folder that would be overwritten, or a resume of another calibration. Returns the
    manifest to continue (resume) or None (a new calibration)."""
    out = Path(out)
    where = f"--out {out}"
    if out.exists() and not out.is_dir():
        raise InputError("exists and is not a folder", where=where)
    manifest = read_manifest(out) if out.is_dir() else None
    if resume:
        if manifest is None:
            raise InputError("holds no calibration to resume (no calibration.json); run without --resume", where=where)
        if manifest.get("fingerprint") != plan.fingerprint():
            old = manifest.get("spec", {})
            diffs = [k for k in ("scenario", "targets", "params", "particles", "min_epsilon", "seed")
                     if json.dumps(old.get(k), sort_keys=True) != json.dumps(plan.spec()[k], sort_keys=True)]
            raise InputError(
                f"holds another calibration (it differs in: {', '.join(diffs) or 'its method'}); resume it with the "
                "arguments it was started with, or choose a new folder", where=where,
            )
        return manifest
    if out.is_dir() and any(out.iterdir()):
        if manifest is not None:
            raise InputError("holds a calibration already; continue it with --resume, or choose a new folder", where=where)
        raise InputError("exists and is not empty; choose a new folder", where=where)
    return None


# -- running -----------------------------------------------------------------------------------


@dataclass
class CalibrationOutcome:
    out: Path
    generations: int  # finished generations in the history (all sessions)
    stop_reason: str | None
    runs: int  # evaluations this session counted
    executed: int  # evaluations this session ran (with the discarded ones)
    wall_s: float
    complete: bool


def observed(plan: CalibrationPlan) -> dict[str, float]:
    return {f"y{i}": t.center for i, t in enumerate(plan.targets.targets)}


def make_model(plan: CalibrationPlan):
    from quotasim.experiments.abc_parts import CampaignModel

    return CampaignModel(plan.scenario, tuple((p.path, p.integer) for p in plan.priors), plan.targets.targets)


def make_backend(*, workers: int | None = None, scheduler: str | None = None):
    """``--scheduler`` (an existing Dask cluster), else ``--workers`` local processes (1: in this process)."""
    from quotasim.experiments import abc_sampler

    if scheduler is not None:
        from quotasim.experiments.executor import connect_client

        client = connect_client(scheduler)
        return abc_sampler.DaskBackend(client)
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n <= 1:
        return abc_sampler.SerialBackend()
    return abc_sampler.PoolBackend(n)


def run_calibration(
    plan: CalibrationPlan,
    out: Path,
    *,
    backend,
    resume: bool = False,
    command: str = "",
    progress: Callable[[str], None] | None = None,
    on_chunk: Callable[[int, int, int], None] | None = None,
) -> CalibrationOutcome:
    """Run (or continue) the calibration into ``out``. KeyboardInterrupt keeps every finished
    generation (pyABC writes each in one SQLite transaction) and re-raises. The caller closes
    ``backend`` (the outputs' predictive runs use it too)."""
    import logging
    import time

    import pyabc

    from quotasim.experiments.abc_parts import CalibrationSMC, FlooredQuantileEpsilon, TargetDistance, safe_name
    from quotasim.experiments.abc_sampler import OrderedSampler

    logging.getLogger("ABC").setLevel(logging.ERROR)
    out = Path(out)
    manifest = check_folder(out, plan, resume=resume)
    db_path = (out / HISTORY).resolve()
    session = {"started": now_iso(), "backend": backend.label, "command": command, "quotasim_version": _version()}
    if manifest is None:
        out.mkdir(parents=True, exist_ok=True)
        manifest = {
            "format": FORMAT, "kind": "calibration", "fingerprint": plan.fingerprint(), "spec": plan.spec(),
            "left_out": plan.left_out, "started": session["started"], "status": "running", "stop_reason": None,
            "sessions": [], "generation_log": {},
        }
    manifest["sessions"].append(session)
    manifest["status"] = "running"
    write_json_atomic(out / MANIFEST, manifest)

    counters = {"executed": 0}

    def log_generation(t: int, info: dict) -> None:
        counters["executed"] += int(info["executed"])
        manifest["generation_log"][str(t)] = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in info.items()}
        write_json_atomic(out / MANIFEST, manifest)
        if progress:
            progress(_generation_line(t, info, plan))

    done_before = _finished_generations(db_path)
    if done_before == 0 and db_path.exists():
        db_path.unlink()  # killed before its first generation finished: nothing to keep
    t0 = time.perf_counter()
    ran = executed = 0
    stop_reason = None
    remaining = plan.generations - done_before
    previous = manifest.get("stop_reason")
    if previous and manifest.get("completed_generations") == done_before and previous != GENERATIONS_REASON:
        remaining = 0  # it stopped by its own rule (epsilon, budget): there is nothing to continue
        stop_reason = previous
    elif remaining <= 0:
        stop_reason = GENERATIONS_REASON
    try:
        if remaining > 0:
            priors = pyabc.Distribution(**{
                safe_name(p.path): pyabc.RV("uniform", p.support[0], p.support[1] - p.support[0]) for p in plan.priors
            })
            sampler = OrderedSampler(backend, plan.seed, on_generation=log_generation, on_chunk=on_chunk)
            abc = CalibrationSMC(
                make_model(plan), priors, TargetDistance(plan.targets.targets), population_size=plan.particles,
                eps=FlooredQuantileEpsilon(plan.min_epsilon, alpha=ALPHA), sampler=sampler,
            )
            url = f"sqlite:///{db_path}"
            if done_before:
                abc.load(url, 1, observed_sum_stat=observed(plan))
            else:
                abc.new(url, observed(plan))
            counted_before = abc.history.total_nr_simulations if done_before else 0
            max_runs = plan.max_runs if plan.max_runs is not None else math.inf
            try:
                abc.run(minimum_epsilon=plan.min_epsilon, max_nr_populations=remaining, max_total_nr_simulations=max_runs)
            finally:
                ran = int(abc.history.total_nr_simulations - counted_before)
                executed = counters["executed"]
            stop_reason = abc.stop_reason or "pyABC stopped (no population could be completed)"
    except KeyboardInterrupt:
        manifest["status"] = "interrupted"
        session["finished"] = now_iso()
        write_json_atomic(out / MANIFEST, manifest)
        raise
    finished = _finished_generations(db_path)
    manifest["status"] = "complete"
    manifest["stop_reason"] = stop_reason
    manifest["completed_generations"] = finished
    session["finished"] = now_iso()
    session["wall_s"] = round(time.perf_counter() - t0, 3)
    session["runs"], session["executed"] = ran, executed
    write_json_atomic(out / MANIFEST, manifest)
    return CalibrationOutcome(out, finished, stop_reason, ran, executed, time.perf_counter() - t0, True)


def _generation_line(t: int, info: dict, plan: CalibrationPlan) -> str:
    if t < 0:
        return f"prior sample: {info['evaluations']:,} runs in {info['wall_s']:.1f} s"
    rate = plan.particles / info["evaluations"] if info["evaluations"] else float("nan")
    return (f"generation {t}: {plan.particles} accepted of {info['evaluations']:,} runs ({rate:.1%}) "
            f"in {info['wall_s']:.1f} s")


def _finished_generations(db_path: Path) -> int:
    """Generations (t >= 0) with particles in the history; 0 without a history."""
    if not db_path.exists():
        return 0
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = con.execute(
                "select count(distinct p.t) from populations p join models m on m.population_id = p.id "
                "join particles pa on pa.model_id = m.id where p.t >= 0"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return 0
    return int(row[0] or 0)


def _version() -> str:
    from quotasim import __version__

    return __version__
