"""Speed of the campaign model against an earlier revision of quotasim, on the same machine at the
same time.

Two versions of one package cannot share a process, so this benchmark alternates subprocesses:
each round runs the baseline revision (checked out once into a git worktree with its own
environment) and then the working tree, each timing ``--runs`` in-process runs of a scenario
after one warm-up run, and prints each median and the ratio of the medians over the rounds.
Alternating rounds cancels most of the drift of a shared machine.

    uv run python benchmarks/bench_revisions.py --baseline 4ff61d0 --scenario dprk-2020-80-day-battle
    uv run python benchmarks/bench_revisions.py --baseline 4ff61d0 --scenario dprk-2020-national-scale --runs 1 --rounds 3
    uv run python benchmarks/bench_revisions.py --baseline a5387b7 --path auto   # what a single run takes

``--path compiled`` (the default) enables the campaign model's compiled kernels where a revision
has them (quotasim.compiled), as sweep and calibration workers and the dashboard do; ``--path
auto`` leaves the choice to the run, as a single ``quotasim run`` does.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMER = r"""
import sys, time
from quotasim import load_scenario, simulate
try:  # revisions with two paths (quotasim.compiled): the one asked for
    from quotasim import compiled
    compiled.enable(sys.argv[3] == "compiled")
except ImportError:
    pass
scenario = load_scenario(sys.argv[1])
simulate(scenario, seed=0)
times = []
for seed in range(int(sys.argv[2])):
    t0 = time.perf_counter()
    simulate(scenario, seed=seed)
    times.append(time.perf_counter() - t0)
print(sorted(times)[len(times) // 2])
"""


def baseline_tree(revision: str) -> Path:
    tree = ROOT / "benchmarks" / "out" / f"baseline-{revision}"
    if not tree.exists():
        tree.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), revision], check=True)
        subprocess.run(["uv", "sync", "--frozen", "--quiet"], cwd=tree, check=True)
    return tree


def timed(tree: Path, scenario: str, runs: int, path: str) -> float:
    out = subprocess.run([str(tree / ".venv" / "bin" / "python"), "-c", TIMER, scenario, str(runs), path],
                         cwd=tree, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="git revision to compare against")
    parser.add_argument("--scenario", default="dprk-2020-80-day-battle")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--path", choices=("compiled", "auto"), default="compiled",
                        help="compiled: the campaign model's compiled kernels, as sweeps, calibration and the dashboard "
                             "use them; auto: what a single run takes (vectorised below a million official-days)")
    args = parser.parse_args()
    base = baseline_tree(args.baseline)
    old, new = [], []
    for _ in range(args.rounds):
        old.append(timed(base, args.scenario, args.runs, args.path))
        new.append(timed(ROOT, args.scenario, args.runs, args.path))
        print(f"round: baseline {old[-1]:.4f} s, working tree {new[-1]:.4f} s", file=sys.stderr)
    print(f"{args.scenario} ({args.path} path): median run {statistics.median(old):.4f} s at {args.baseline}, "
          f"{statistics.median(new):.4f} s now; ratio now/baseline {statistics.median(new) / statistics.median(old):.2f}")


if __name__ == "__main__":
    main()
