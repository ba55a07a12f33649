"""Benchmark: sweeps of the default scenario, and a Sobol analysis over 10 uncertain parameters.

Targets: a Sobol analysis with N = 512 and second-order terms (N·(2d+2) = 11,264 runs) in under
10 minutes on a 2-core machine (issue 4); 2 worker processes at least 1.7× faster than 1 (issue 4);
at least 200 runs/s on 2 workers (issue 12).

    uv run python benchmarks/bench_sweep.py                  # everything below, then the full analysis
    uv run python benchmarks/bench_sweep.py --skip-full      # without the full analysis (about a minute)

What it prints, all measured in this process:

* **model**: one run's in-process time, ``simulate`` alone (values already set), over the first
  runs of the design after :data:`WARM_UP_RUNS` of them; the time the sweep's own work adds in-process (setting the values,
  flattening the summary); and the pool's start-up (the fork server importing the model, once per
  process; later pools reuse it).
* **sweeps** of the same Sobol design (``--scaling-samples``, default 32: 704 runs) on 1 and on 2
  local worker processes: runs/s, the mean run time inside the workers, the share of the cores the
  workers obtained, and the **overhead per run**: sweep wall time per run minus model time per run
  per worker (``wall/runs - model/workers``; in parentheses, times the workers: what each run costs
  a worker beyond the model). Then the same design on 2 workers as ``quotasim sensitivity``
  plans it: with common random numbers and a dummy parameter, so that runs of the same seed whose
  rows change no input of the population copy it instead of drawing it (population/reuse.py).
  The ratio of 2 to 1 workers and a control (a pure-CPU loop on 1 vs 2
  processes just after, which shows how much parallelism the machine offers at that moment).
* **machinery alone**: the same sweeps with a stub model that returns a fixed summary (same
  scenario, values, seeds, batches and store), so runs/s shows the ceiling the sweep machinery
  sets and which model time per run gives 200 runs/s on 2 workers.
* **full**: the N = 512 analysis with 2 workers: sweep + SALib analysis.

Outputs go to a temporary folder that is removed at the end. The cores are shared with other
processes on the development machine, so compare numbers from the same invocation.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from quotasim import compiled
from quotasim.experiments.design import DesignOptions
from quotasim.experiments.executor import ProcessExecutor, make_batch
from quotasim.experiments.models import ScenarioTarget, flatten_summary
from quotasim.experiments.sensitivity import analyze_sweep
from quotasim.experiments.store import read_runs
from quotasim.experiments.sweep import plan_sweep, run_sweep
from quotasim.scenario import DEFAULT_SCENARIO, load_scenario
from quotasim.simulate import simulate

# The ten uncertain parameters of the benchmark (all have ranges in the default scenario): the
# order itself, the households' and officials' means, and the deterrence chain (docs/system.md, S9).
PARAMS = [
    "campaign.quota_usd",
    "campaign.by_any_means",
    "officials.savings_median_usd",
    "officials.loyalty_mean",
    "localities.1.holdings_median_usd",
    "effort.fear_weight",
    "attitude.burden_weight",
    "attitude.informant_coverage",
    "enforcement.harshness",
    "deterrence.same_bureau_shock",
]
RUNS_PER_S_TARGET = 200.0
WARM_UP_RUNS = 10
"""Runs of the design made before the model is timed: a kernel is loaded from Numba's cache the
first time a run reaches it (a few milliseconds each), and the first run of the default values
does not reach all of them (cases, top-ups), which put about 1.5 ms on each of 100 timed runs."""


@dataclass(frozen=True)
class StubTarget(ScenarioTarget):
    """The scenario target with the model replaced by a fixed summary: everything else a run does
    in a sweep (values set and validated, summary flattened, results sent back and stored)."""

    summary: Mapping[str, Any] = field(default_factory=dict)
    worker_modules = ()

    def run(self, values, seed, save_daily):
        self.scenario.with_values(values, where="sweep values")
        return flatten_summary(self.summary), None


def model_time(plan, n: int) -> tuple[float, float, float]:
    """Seconds per run of ``simulate`` alone over the design's first ``n`` runs (wall and CPU), and
    of what the sweep adds in-process (``with_values`` and flattening the summary)."""
    target = plan.target
    seeds = plan.seeds()
    items = [(r, plan.run_values(r), int(seeds[r])) for r in range(n)]
    scenarios = [target.scenario.with_values(v, where="sweep values") for _, v, _ in items]
    for scenario, (_, _, seed) in list(zip(scenarios, items))[:WARM_UP_RUNS]:
        simulate(scenario, seed=seed)  # warm up: kernels loaded from Numba's cache on first use
    t0, c0 = time.perf_counter(), time.process_time()
    # As a worker runs it: no provenance, whose scenario hash a sweep does not keep.
    # Only the summaries kept, as a worker keeps nothing of a run: each run's arrays are freed.
    summaries = [simulate(s, seed=seed, with_provenance=False).summary for s, (_, _, seed) in zip(scenarios, items)]
    model, model_cpu = (time.perf_counter() - t0) / n, (time.process_time() - c0) / n
    t0 = time.perf_counter()
    for (_, values, _), summary in zip(items, summaries):
        target.scenario.with_values(values, where="sweep values")
        flatten_summary(summary)
    extra = (time.perf_counter() - t0) / n
    return model, model_cpu, extra


def pool_start(target) -> float:
    """Seconds from creating a pool to the first (one-run) batch back: the first time in a process
    this includes the fork server importing what a run needs."""
    t0 = time.perf_counter()
    executor = ProcessExecutor(1)
    batch = make_batch([(0, {}, 1)])
    for _ in executor.run(target, [batch]):
        pass
    return time.perf_counter() - t0


def timed_sweep(plan, workers: int, root: Path, name: str, model_s: float | None):
    out = root / name
    me = time.process_time()
    t0 = time.perf_counter()
    outcome = run_sweep(plan, out, executor=ProcessExecutor(workers))
    wall = time.perf_counter() - t0
    parent = time.process_time() - me
    if outcome.failed:
        raise SystemExit(f"{outcome.failed} runs failed in {name}")
    runs = read_runs(out)
    parts = len(list((out / "runs").glob("part-*.parquet")))
    n = plan.n_runs
    in_runs, cpu = float(runs["wall_s"].sum()), float(runs["cpu_s"].sum())
    line = (
        f"  {name}: {workers} worker(s), {n} runs in {wall:.2f} s = {n / wall:.1f} runs/s; {parts} part files; "
        f"mean run {1000 * in_runs / n:.2f} ms inside the workers; workers got {cpu / wall:.2f} of {workers} cores "
        f"({1000 * cpu / n:.2f} CPU-ms per run, +{1000 * parent / n:.3f} in the sweep process); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if model_s is not None:
        overhead = wall / n - model_s / workers
        line += f"\n    overhead per run {1000 * overhead:.3f} ms ({1000 * overhead * workers:.3f} ms of worker time)"
    print(line)
    return outcome, wall


def _busy(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def control_ratio(n: int = 15_000_000) -> float:
    """What this machine allows right now: a pure-CPU loop, 2 units in 1 process vs 1 unit in each
    of 2 processes (same pool kind as the sweep). On an idle 2-core machine this is about 2."""
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    with ctx.Pool(2) as pool:
        pool.map(_busy, [1000, 1000])  # start both workers
        t0 = time.perf_counter()
        pool.apply(_busy, (2 * n,))
        one = time.perf_counter() - t0
        t0 = time.perf_counter()
        pool.map(_busy, [n, n])
        two = time.perf_counter() - t0
    return one / two


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=512)
    ap.add_argument("--scaling-samples", type=int, default=32)
    ap.add_argument("--model-runs", type=int, default=100, help="runs timed in-process for the model time")
    ap.add_argument("--skip-full", action="store_true")
    args = ap.parse_args()
    target = ScenarioTarget(load_scenario(DEFAULT_SCENARIO))
    compiled.enable()  # what the sweep's workers run (ScenarioTarget.run enables it)
    opts = DesignOptions(second_order=True)
    root = Path(tempfile.mkdtemp(prefix="bench_sweep."))
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (other processes compete for the cores); "
        f"scenario {DEFAULT_SCENARIO}, {len(PARAMS)} parameters, Sobol with second order"
    )
    try:
        small = plan_sweep(target, params=PARAMS, design="sobol", samples=args.scaling_samples, options=opts)
        start = pool_start(target)
        model_s, model_cpu_s, extra_s = model_time(small, min(args.model_runs, small.n_runs))
        print(
            f"model: one run in-process {1000 * model_s:.2f} ms, {1000 * model_cpu_s:.2f} CPU-ms "
            f"(simulate alone, mean of {min(args.model_runs, small.n_runs)} runs); "
            f"the sweep adds {1000 * extra_s:.3f} ms in-process (setting the values, flattening the summary); "
            f"pool start-up {start:.2f} s (first pool of this process, fork server importing the model)"
        )
        _, w1 = timed_sweep(small, 1, root, "one", model_s)
        _, w2 = timed_sweep(small, 2, root, "two", model_s)
        # The same design as `quotasim sensitivity` plans it: common random numbers (replicate r
        # has the same seed in every row, so rows that change no population input reuse the
        # population, population/reuse.py) and a dummy parameter (a 24th column).
        sensitivity = plan_sweep(target, params=PARAMS, design="sobol", samples=args.scaling_samples, options=opts,
                                 kind="sensitivity", crn=True, dummy=True)
        _, w_sensitivity = timed_sweep(sensitivity, 2, root, "sensitivity-two", model_s)
        control = control_ratio()
        r1, r2 = small.n_runs / w1, small.n_runs / w2
        print(f"runs/s ({small.n_runs} runs): 1 worker {r1:.1f}, 2 workers {r2:.1f} (target >= {RUNS_PER_S_TARGET:g} on 2 workers); "
              f"as `quotasim sensitivity` plans it ({sensitivity.n_runs} runs, common random numbers): "
              f"2 workers {sensitivity.n_runs / w_sensitivity:.1f}")
        print(f"scaling ratio 2 vs 1 workers: {w1 / w2:.2f}x (target >= 1.7x)")
        print(
            f"control, a pure-CPU loop on 1 vs 2 processes just after: {control:.2f}x "
            f"(about 2 on an idle 2-core machine); the sweep reached {(w1 / w2) / control:.0%} of it"
        )

        stub_target = StubTarget(target.scenario, summary=simulate(target.scenario, seed=1).summary)
        stub_samples = max(args.scaling_samples, 256)
        stub = plan_sweep(stub_target, params=PARAMS, design="sobol", samples=stub_samples, options=opts)
        _, s1 = timed_sweep(stub, 1, root, "machinery-one", 0.0)
        _, s2 = timed_sweep(stub, 2, root, "machinery-two", 0.0)
        worker_overhead = 2 * s2 / stub.n_runs
        budget = 2 / RUNS_PER_S_TARGET - worker_overhead
        print(
            f"machinery alone (stub model, {stub.n_runs} runs): 1 worker {stub.n_runs / s1:.0f} runs/s, "
            f"2 workers {stub.n_runs / s2:.0f} runs/s; so {RUNS_PER_S_TARGET:g} runs/s on 2 workers needs a model "
            f"time per run of at most {1000 * budget:.1f} ms (now {1000 * model_s:.1f} ms)"
        )
        if args.skip_full:
            return
        plan = plan_sweep(target, params=PARAMS, design="sobol", samples=args.samples, options=opts)
        t0 = time.perf_counter()
        outcome, wall = timed_sweep(plan, 2, root, "full", model_s)
        table, _ = analyze_sweep(root / "full", plan, "sobol")
        total = time.perf_counter() - t0
        print(
            f"full: N = {args.samples}, {plan.n_runs} runs on 2 workers: sweep {wall:.1f} s ({plan.n_runs / wall:.1f} runs/s), "
            f"analysis {total - wall:.1f} s, total {total:.1f} s = {total / 60:.2f} min (target < 10 min)"
        )
        st = table.dropna(subset=["ST"])
        top = st[st["output"] == "collected_usd"].sort_values("ST", ascending=False).head(3)
        print("collected_usd, largest ST:", ", ".join(f"{r.parameter} {r.ST:.2f}" for r in top.itertuples()))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
