"""Speed of the experiments of issue 10, on the default scenario:

1. Morris sensitivity with common random numbers: 20 trajectories, every ranged parameter that can
   act (and the dummy), 5 replicates, on 2 local worker processes; then the analysis with its
   noise floor. Target: under 5 minutes on 2 cores.
2. Scenario discovery (PRIM, CART, extra trees, report, boxes) on a 10,000-run LHS sweep of the
   same parameters. Target: under 30 s.

Baselines measured in the same process: one run's model time in-process (so the sweep's time is
also printed as a multiple of runs × model time ÷ 2 workers), and the time to read the 10,000 runs
back (so discovery is printed as a multiple of that). The machine is shared: the load average is
printed with each measurement.

    uv run python benchmarks/bench_experiments.py [--sweep-dir DIR] [--skip-morris] [--skip-discovery]

``--sweep-dir`` keeps the 10,000-run sweep there (and reuses it when it is already complete).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path


def load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def model_time(target, plan, n: int = 10) -> float:
    seeds = plan.seeds()
    target.run(plan.run_values(0), int(seeds[0]), False)
    t0 = time.perf_counter()
    for i in range(1, n + 1):
        target.run(plan.run_values(i), int(seeds[i]), False)
    return (time.perf_counter() - t0) / n


def bench_morris(target, work: Path) -> None:
    from quotasim.experiments.executor import ProcessExecutor
    from quotasim.experiments.sensitivity import analyze_sweep
    from quotasim.experiments.sweep import plan_sweep, run_sweep

    plan = plan_sweep(target, design="morris", samples=20, replicates=5, kind="sensitivity", crn=True, dummy=True)
    d = len(plan.params) - 1
    per_run = model_time(target, plan)
    print(f"Morris, common random numbers: {d} parameters + the dummy, 20 trajectories, 5 replicates = {plan.n_runs:,} runs ({load()})")
    print(f"  baseline: one run in-process {per_run * 1000:.1f} ms -> runs x model time / 2 workers = {plan.n_runs * per_run / 2:.1f} s")
    t0 = time.perf_counter()
    outcome = run_sweep(plan, work / "morris", executor=ProcessExecutor(2))
    sweep_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    table, left_out = analyze_sweep(work / "morris", plan, "morris")
    analysis_s = time.perf_counter() - t0
    total = sweep_s + analysis_s
    print(f"  sweep {sweep_s:.1f} s ({outcome.ran / sweep_s:.1f} runs/s, {sweep_s / (plan.n_runs * per_run / 2):.2f}x the baseline) "
          f"+ analysis {analysis_s:.1f} s ({table['output'].nunique()} outputs, {len(left_out)} left out) = "
          f"{total / 60:.2f} min (target < 5 min: {'met' if total < 300 else 'NOT met'}; {load()})")
    taken = table[(table["output"] == "household_usd_taken") & table["above_noise"]].sort_values("mu_star", ascending=False)
    print("  household_usd_taken, above noise: " + ", ".join(f"{r.label} {r.mu_star:,.0f}" for r in taken.head(5).itertuples()))


def bench_discovery(target, sweep_dir: Path, work: Path) -> None:
    from quotasim.experiments import where
    from quotasim.experiments.discover import discover
    from quotasim.experiments.executor import ProcessExecutor
    from quotasim.experiments.store import read_manifest, read_runs
    from quotasim.experiments.sweep import plan_sweep, run_sweep

    plan = plan_sweep(target, design="lhs", samples=10_000, seed=10)
    manifest = read_manifest(sweep_dir) if sweep_dir.exists() else None
    if not manifest or manifest.get("status") != "complete" or manifest.get("fingerprint") != plan.fingerprint():
        print(f"building the 10,000-run LHS sweep in {sweep_dir} (2 workers; {load()}) ...")
        t0 = time.perf_counter()
        run_sweep(plan, sweep_dir, executor=ProcessExecutor(2), resume=True)
        print(f"  {time.perf_counter() - t0:.0f} s")
        manifest = read_manifest(sweep_dir)
    t0 = time.perf_counter()
    runs = read_runs(sweep_dir)
    read_s = time.perf_counter() - t0
    threshold = float(runs["exiled_persons"].quantile(0.8))
    expr = f"exiled_persons > {threshold:g}"
    node = where.parse(expr)
    out = work / "discover"
    shutil.rmtree(out, ignore_errors=True)
    print(f"discovery on {len(runs):,} runs, {len(plan.params)} parameters, --where {expr!r} ({load()})")
    t0 = time.perf_counter()
    result = discover(sweep_dir, manifest, node, expr, out)
    disc_s = time.perf_counter() - t0
    print(f"  baseline: reading the runs {read_s:.2f} s")
    print(f"  discovery {disc_s:.1f} s ({disc_s / read_s:.0f}x reading the runs; target < 30 s: {'met' if disc_s < 30 else 'NOT met'}; {load()})")
    for b in result["prim"]:
        lims = "; ".join(f"{result['labels'].get(c, c)} in [{b.limits[c][0]:.4g}, {b.limits[c][1]:.4g}]" for c in b.restricted)
        print(f"  PRIM box {b.number}: coverage {b.coverage:.2f}, density {b.density:.2f}: {lims}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sweep-dir", type=Path, default=None)
    ap.add_argument("--skip-morris", action="store_true")
    ap.add_argument("--skip-discovery", action="store_true")
    args = ap.parse_args()
    from quotasim.experiments.models import load_target

    target = load_target("dprk-2020-80-day-battle")
    work = Path(tempfile.mkdtemp(prefix="bench-exp-"))
    try:
        if not args.skip_morris:
            bench_morris(target, work)
        if not args.skip_discovery:
            bench_discovery(target, args.sweep_dir or work / "lhs10k", work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
