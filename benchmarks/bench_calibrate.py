"""Time the default calibration: dprk-2020-80-day-battle against dprk-2020-report.

Its ten most uncertain parameters (each an "assumption" with a wide range that acts on a target),
500 particles, until the command's default stopping rules end it (every accepted run meets every
target, or the fit stops improving), on two local worker processes. Prints the runs, runs per second and the time of each generation, and the whole
command's wall time; the calibration's folder is kept (``--out``, default a new temporary folder).

    uv run python benchmarks/bench_calibrate.py [--particles 500] [--workers 2] [--out DIR]

A reference for the machine's speed is measured in the same process first: the mean wall time of
one default run in this process (``simulate``), so that runs/s can be read against what one core
gives at the moment (the machine is shared; see docs/calibration.md for measured figures).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

PARAMS = (
    "campaign.by_any_means",
    "officials.savings_median_usd",
    "localities.0.holdings_median_usd",
    "topup.threshold",
    "topup.propensity",
    "attitude.burden_weight",
    "attitude.informant_coverage",
    "officials.hardship_max",
    "deterrence.baseline_fear",
    "officials.loyalty_mean",
)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--particles", type=int, default=500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--generations", type=int, default=20)
    ap.add_argument("--max-runs", type=int, default=None)
    ap.add_argument("--seed", type=int, default=20201012)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-calibrate-")) / "calibration"

    from quotasim import load_scenario, simulate

    scenario = load_scenario("dprk-2020-80-day-battle")
    simulate(scenario, seed=0)
    t = time.perf_counter()
    for seed in range(1, 11):
        simulate(scenario, seed=seed)
    one_run = (time.perf_counter() - t) / 10
    print(f"reference: one default run in this process {one_run * 1000:.0f} ms ({1 / one_run:.1f} runs/s on one core now)")

    from quotasim.cli.main import main as cli

    argv = ["calibrate", "dprk-2020-80-day-battle", "--targets", "dprk-2020-report", "--out", str(out),
            "--particles", str(args.particles), "--generations", str(args.generations), "--workers", str(args.workers),
            "--seed", str(args.seed)]
    for p in PARAMS:
        argv += ["--param", p]
    if args.max_runs:
        argv += ["--max-runs", str(args.max_runs)]
    print("quotasim " + " ".join(argv))
    t = time.perf_counter()
    code = cli(argv)
    wall = time.perf_counter() - t
    if code != 0:
        return code

    import pandas as pd

    g = pd.read_parquet(out / "generations.parquet")
    print(g[["generation", "epsilon", "accepted", "runs", "acceptance_rate", "wall_s", "runs_executed", "met_all_targets", "fit"]].to_string(index=False))
    runs = int(g["runs"].sum())
    executed = int(g["runs_executed"].sum())
    sampling = float(g["wall_s"].sum())
    gens = g[g["generation"] >= 0]
    print(f"runs counted {runs:,}, runs executed {executed:,} (with discarded look-ahead), in {sampling:,.1f} s of sampling: "
          f"{executed / sampling:,.1f} runs/s on {args.workers} workers")
    print(f"generations {len(gens)}, mean {gens['wall_s'].mean():,.1f} s per generation; "
          f"whole command {wall:,.1f} s ({wall / 60:.1f} min) including start-up, posterior predictive and report")
    print(f"folder: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
