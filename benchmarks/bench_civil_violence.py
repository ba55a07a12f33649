"""Speed of quotasim's civil-violence model (``mesa`` variant) against Mesa's own example.

1. **In process**, side by side, same parameters: Mesa 3.3's
   ``mesa.examples.advanced.epstein_civil_violence`` and quotasim's ``mesa`` variant, at 40x40 and
   160x160, then quotasim alone at 640x640. Prints the time per step, agent-steps per second
   (agents = citizens + cops, jailed citizens included, as both schedules activate them) and the
   ratio. Mesa is timed over ``model.step()`` after one untimed warm-up step (which fills its
   neighbourhood caches); quotasim over a whole ``run_civil_violence`` call (placement, every
   step, the per-step counts and grid snapshots, the tables and summary) after an untimed run that
   compiles the kernel or loads it from Numba's cache. Times are CPU seconds of this process
   (``time.process_time``), so that other load on a shared machine counts less; wall seconds are
   printed too.
2. **Whole process**: ``quotasim run epstein-run-2`` and ``quotasim run mesa-epstein-default --set
   steps=2000`` as a user types them (start-up, imports, the run, the outputs and report), with
   the kernel in Numba's cache; the second against Mesa's own time per step with its default
   parameters (those of ``mesa-epstein-default``), measured here.
3. **First compile**: a small run in a fresh process with an empty Numba cache (``NUMBA_CACHE_DIR``
   set to a new folder), against the same run with that cache filled.

    uv run python benchmarks/bench_civil_violence.py            # all three
    uv run python benchmarks/bench_civil_violence.py --quick    # fewer steps and repeats
    uv run python benchmarks/bench_civil_violence.py --only in-process   # or: process, compile
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARAMS = dict(citizen_density=0.7, cop_density=0.04, citizen_vision=7, cop_vision=7, legitimacy=0.82,
              max_jail_term=30, active_threshold=0.1, arrest_prob_constant=2.3)
"""The in-process comparison: the paper's run 2 (Table 2) on Mesa's rules."""

MESA_DEFAULTS = dict(citizen_density=0.7, cop_density=0.074, citizen_vision=7, cop_vision=7, legitimacy=0.8,
                     max_jail_term=1000, active_threshold=0.1, arrest_prob_constant=2.3)
"""``EpsteinCivilViolence()``'s defaults, which ``mesa-epstein-default`` carries."""

ROOT = Path(__file__).resolve().parents[1]


def scenario(side: int, steps: int, params=PARAMS):
    from quotasim.civil_violence.mesa_params import scenario_from_mesa_params

    return scenario_from_mesa_params({**params, "width": side, "height": side}, steps, name=f"bench-{side}")


def bench_quotasim(side: int, steps: int, seed: int = 1) -> tuple[float, float, int]:
    from quotasim.civil_violence.engine import run_civil_violence

    sc = scenario(side, steps)
    c0, w0 = time.process_time(), time.perf_counter()
    result = run_civil_violence(sc, seed=seed)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return cpu, wall, result.summary["citizens"] + result.summary["cops_initial"]


def bench_mesa(side: int, steps: int, seed: int = 1, params=PARAMS) -> tuple[float, float, int]:
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    model = EpsteinCivilViolence(width=side, height=side, seed=seed, **params)
    model.step()  # warm-up: Mesa caches each cell's neighbourhood on first use
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(steps):
        model.step()
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return cpu, wall, len(model.agents)


def in_process(q: float) -> None:
    import mesa

    from quotasim.civil_violence.engine import run_civil_violence

    run_civil_violence(scenario(40, 3), seed=0)  # compile (or load the cache) outside the timing
    print(f"1. In process (CPU time), Mesa {mesa.__version__} and quotasim's mesa variant; parameters {PARAMS}")
    print(f"{'grid':>9} {'steps':>10} {'Mesa ms/step':>13} {'quotasim ms/step':>17} {'Mesa agent-steps/s':>19} "
          f"{'quotasim agent-steps/s':>23} {'ratio':>7}")
    for side, mesa_steps, q_steps in ((40, 100, 2000), (160, 8, 200)):
        ms, qs = max(2, int(mesa_steps * q)), max(2, int(q_steps * q))
        m_cpu, m_wall, m_agents = bench_mesa(side, ms)
        q_cpu, q_wall, q_agents = bench_quotasim(side, qs)
        m_rate, q_rate = m_agents * ms / m_cpu, q_agents * qs / q_cpu
        print(f"{side:>4}x{side:<4} {ms:>4}/{qs:<5} {1e3 * m_cpu / ms:>13.2f} {1e3 * q_cpu / qs:>17.4f} {m_rate:>19,.0f} "
              f"{q_rate:>23,.0f} {q_rate / m_rate:>6.0f}x   (wall: Mesa {m_agents * ms / m_wall:,.0f}/s, "
              f"quotasim {q_agents * qs / q_wall:,.0f}/s)")
    side, q_steps = 640, max(2, int(50 * q))
    q_cpu, q_wall, q_agents = bench_quotasim(side, q_steps)
    print(f"{side:>4}x{side:<4} {'-':>4}/{q_steps:<5} {'-':>13} {1e3 * q_cpu / q_steps:>17.2f} {'-':>19} "
          f"{q_agents * q_steps / q_cpu:>23,.0f}          (wall: quotasim {q_agents * q_steps / q_wall:,.0f}/s)")
    print("   ratio: quotasim's agent-steps per CPU-second over Mesa's, the same as Mesa's time per step over "
          "quotasim's where the agent counts are equal")


def _child(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - w0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _quotasim_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("quotasim")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "quotasim"]


def _bytecode() -> str:
    """Whether the libraries' bytecode is there: without it every start compiles their sources
    (seconds), as where PYTHONDONTWRITEBYTECODE is set and the environment was not synced with
    ``uv sync --compile-bytecode``."""
    import importlib.util

    files = [importlib.util.find_spec(name).origin for name in ("numba", "pandas", "pydantic", "plotly")]
    there = sum(Path(importlib.util.cache_from_source(f)).exists() for f in files)
    return f"bytecode of numba, pandas, pydantic, plotly: {'present' if there == len(files) else 'MISSING'}"


def whole_process(q: float) -> None:
    repeats = 2 if q < 1 else 4
    mesa_steps = max(2, int(100 * q))
    m_cpu, _, m_agents = bench_mesa(40, mesa_steps, params=MESA_DEFAULTS)
    mesa_step = m_cpu / mesa_steps
    print(f"2. Whole process (`quotasim run ...`, kernel in Numba's cache, {_bytecode()}); "
          f"Mesa with its defaults: {1e3 * mesa_step:.1f} ms per step ({m_agents} agents, {mesa_steps} steps, CPU)")
    with tempfile.TemporaryDirectory(prefix="bench-cv-") as tmp:
        for args, steps in ((["epstein-run-2"], 1000), (["mesa-epstein-default", "--set", "steps=2000"], 2000)):
            runs = []
            for k in range(repeats + 1):  # the first fills the caches (Numba's, bytecode) and is not counted
                out = Path(tmp) / f"{args[0]}-{k}"
                runs.append(_child([*_quotasim_cmd(), "run", *args, "--out", str(out)]))
                shutil.rmtree(out, ignore_errors=True)
            wall = sorted(w for w, _ in runs[1:])
            cpu = sorted(c for _, c in runs[1:])
            line = (f"   quotasim run {' '.join(args):<40} wall {wall[0]:.2f} s (median {wall[len(wall) // 2]:.2f}), "
                    f"CPU {cpu[0]:.2f} s; {steps} steps")
            if args[0] == "mesa-epstein-default":
                per_step = wall[0] / steps
                line += (f": {1e3 * per_step:.2f} ms a step all included, {mesa_step / per_step:.0f}x Mesa's time per "
                         f"step (CPU: {mesa_step / (cpu[0] / steps):.0f}x)")
            print(line)


def first_compile() -> None:
    code = ("from quotasim import load_scenario, simulate\n"
            "simulate(load_scenario('epstein-run-1').with_values({'steps': 5}, where='bench'), seed=1)\n")
    with tempfile.TemporaryDirectory(prefix="bench-cv-numba-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        cold = _child([sys.executable, "-c", code], env)
        warm = min((_child([sys.executable, "-c", code], env) for _ in range(2)), key=lambda wc: wc[0])
    print(f"3. First compile (a 5-step run, empty Numba cache): wall {cold[0]:.1f} s, CPU {cold[1]:.1f} s; the same run "
          f"with the cache filled: wall {warm[0]:.1f} s, CPU {warm[1]:.1f} s; so the compile takes about "
          f"{cold[0] - warm[0]:.1f} s wall, {cold[1] - warm[1]:.1f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and repeats (a smoke run)")
    parser.add_argument("--only", choices=("in-process", "process", "compile"), help="one part only")
    args = parser.parse_args()
    q = 0.2 if args.quick else 1.0
    if args.only in (None, "in-process"):
        in_process(q)
    if args.only in (None, "process"):
        whole_process(q)
    if args.only in (None, "compile"):
        first_compile()


if __name__ == "__main__":
    main()
