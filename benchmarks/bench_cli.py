"""Benchmark: start-up of the quick commands, whole process, as a user runs them.

Issue 12's target: ``quotasim --help``, ``-h``, ``--version``, ``scenarios``, ``show``, ``validate``
and the bad-input messages each answer in under 0.5 s on a 2-core machine. Each command is run as
its own process from the virtual environment's ``quotasim`` script (no ``uv run`` in front),
``--reps`` times, in rotation with the others so that a burst of load on a shared machine hits
them all alike; the median is printed with its ratio to the median of ``python -c "import numpy"``
measured in the same rotation (the baseline: how slow this machine is at importing now), and the
median CPU time (user + system) of the process, which load from other processes inflates less.

    uv run python benchmarks/bench_cli.py              # 7 repetitions
    uv run python benchmarks/bench_cli.py --reps 15
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUOTASIM = Path(sys.executable).with_name("quotasim")
TARGET_S = 0.5


def commands(bad_file: Path) -> dict[str, tuple[list[str], int]]:
    """Label -> (argv, expected exit code)."""
    q = str(QUOTASIM)
    return {
        'python -c "import numpy"': ([sys.executable, "-c", "import numpy"], 0),
        "quotasim --help": ([q, "--help"], 0),
        "quotasim -h": ([q, "-h"], 0),
        "quotasim --version": ([q, "--version"], 0),
        "quotasim scenarios": ([q, "scenarios"], 0),
        "quotasim show dprk-2020-80-day-battle": ([q, "show", "dprk-2020-80-day-battle"], 0),
        "quotasim validate dprk-2020-80-day-battle": ([q, "validate", "dprk-2020-80-day-battle"], 0),
        "quotasim validate epstein-run-2": ([q, "validate", "epstein-run-2"], 0),
        "quotasim validate BAD.toml (unknown key)": ([q, "validate", str(bad_file)], 2),
        "quotasim run BAD.toml (unknown key)": ([q, "run", str(bad_file), "--no-report"], 2),
        "quotasim run --seed x": ([q, "run", "--seed", "x"], 2),
        "quotasim frobnicate (no such command)": ([q, "frobnicate"], 2),
    }


def time_once(argv: list[str]) -> tuple[float, float, int]:
    """(wall s, CPU s of the child: user + system, exit code) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def has_bytecode() -> bool:
    """Whether the installed packages were compiled to bytecode (uv does not by default, and
    where PYTHONDONTWRITEBYTECODE is set Python never writes it: every start compiles again)."""
    import typer

    return any((Path(typer.__file__).parent / "__pycache__").glob("main.*.pyc"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7, help="repetitions of each command (median reported)")
    args = parser.parse_args()
    if not QUOTASIM.exists():
        raise SystemExit(f"{QUOTASIM} not found: run this with the project's Python (uv run python ...)")
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "bad.toml"
        bad.write_text('extends = "dprk-2020-80-day-battle"\n[campaign]\nquota = 1.0\n', "utf-8")
        table = commands(bad)
        for argv, _ in table.values():  # warm the file cache
            time_once(argv)
        runs: dict[str, list[tuple[float, float, int]]] = {label: [] for label in table}
        for _ in range(args.reps):
            for label, (argv, _) in table.items():
                runs[label].append(time_once(argv))
    wall = {label: statistics.median(r[0] for r in rs) for label, rs in runs.items()}
    cpu = {label: statistics.median(r[1] for r in rs) for label, rs in runs.items()}
    baseline = wall['python -c "import numpy"']
    width = max(map(len, table))
    print(
        f"{args.reps} repetitions each, whole process; bytecode of the installed packages: "
        f"{'yes' if has_bytecode() else 'no'}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    print("ratio = median wall time / median wall time of the numpy import, measured in the same rotation")
    print(f"{'command':<{width}}  {'wall s':>6}  {'cpu s':>6}  {'ratio':>5}  under {TARGET_S} s")
    for label, median in wall.items():
        codes = {r[2] for r in runs[label]}
        expected = table[label][1]
        if label.startswith("python"):
            verdict = ""
        elif codes != {expected}:
            verdict = f"exit {sorted(codes)}, expected {expected}"
        else:
            verdict = "yes" if median < TARGET_S else "NO"
        print(f"{label:<{width}}  {median:6.3f}  {cpu[label]:6.3f}  {median / baseline:5.2f}  {verdict}")


if __name__ == "__main__":
    main()
