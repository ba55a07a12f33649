"""Speed of quotasim's civil-violence model (``mesa`` variant) against Mesa's own example.

Side by side in one process, same parameters and steps: Mesa 3.3's
``mesa.examples.advanced.epstein_civil_violence`` and quotasim's ``mesa`` variant, at 40x40 and
160x160, then quotasim alone at 640x640. Prints agent-steps per second (agents = citizens + cops,
jailed citizens included, as both schedules activate them) and the ratio.

What is timed: for Mesa, ``model.step()`` after one untimed warm-up step (which fills Mesa's
neighbourhood caches); for quotasim, a whole ``run_civil_violence`` call (placement, every step,
the per-step counts and grid snapshots) after an untimed run that compiles (or loads from numba's
cache) the kernel. Times are CPU seconds of this process (``time.process_time``), so that other
load on a shared machine counts less; wall seconds are printed too.

    uv run python benchmarks/bench_civil_violence.py            # 40x40 and 160x160, then 640x640
    uv run python benchmarks/bench_civil_violence.py --quick    # fewer steps
"""

from __future__ import annotations

import argparse
import time

PARAMS = dict(citizen_density=0.7, cop_density=0.04, citizen_vision=7, cop_vision=7, legitimacy=0.82,
              max_jail_term=30, active_threshold=0.1, arrest_prob_constant=2.3)


def scenario(side: int, steps: int):
    from quotasim.civil_violence.mesa_params import scenario_from_mesa_params

    return scenario_from_mesa_params({**PARAMS, "width": side, "height": side}, steps, name=f"bench-{side}")


def bench_quotasim(side: int, steps: int, seed: int = 1) -> tuple[float, float, int]:
    from quotasim.civil_violence.engine import run_civil_violence

    sc = scenario(side, steps)
    c0, w0 = time.process_time(), time.perf_counter()
    result = run_civil_violence(sc, seed=seed)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    n_agents = result.summary["citizens"] + result.summary["cops_initial"]
    return cpu, wall, n_agents * steps


def bench_mesa(side: int, steps: int, seed: int = 1) -> tuple[float, float, int]:
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    model = EpsteinCivilViolence(width=side, height=side, seed=seed, **PARAMS)
    model.step()  # warm-up: Mesa caches each cell's neighbourhood on first use
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(steps):
        model.step()
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return cpu, wall, len(model.agents) * steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps (a smoke run)")
    args = parser.parse_args()
    q = 0.2 if args.quick else 1.0
    import mesa

    from quotasim.civil_violence.engine import run_civil_violence

    run_civil_violence(scenario(40, 3), seed=0)  # compile (or load the cache) outside the timing
    print(f"mesa {mesa.__version__}; parameters {PARAMS}")
    print(f"{'grid':>9} {'steps':>6} {'Mesa agent-steps/s':>19} {'quotasim agent-steps/s':>23} {'ratio':>7}")
    for side, mesa_steps, q_steps in ((40, 100, 2000), (160, 8, 200)):
        ms, qs = max(2, int(mesa_steps * q)), max(2, int(q_steps * q))
        m_cpu, m_wall, m_work = bench_mesa(side, ms)
        q_cpu, q_wall, q_work = bench_quotasim(side, qs)
        m_rate, q_rate = m_work / m_cpu, q_work / q_cpu
        print(
            f"{side:>4}x{side:<4} {ms:>3}/{qs:<5} {m_rate:>19,.0f} {q_rate:>23,.0f} {q_rate / m_rate:>6.0f}x"
            f"   (wall: Mesa {m_work / m_wall:,.0f}/s, quotasim {q_work / q_wall:,.0f}/s)"
        )
    side, q_steps = 640, max(2, int(50 * q))
    q_cpu, q_wall, q_work = bench_quotasim(side, q_steps)
    print(f"{side:>4}x{side:<4} {'-':>3}/{q_steps:<5} {'-':>19} {q_work / q_cpu:>23,.0f}        "
          f"(wall: quotasim {q_work / q_wall:,.0f}/s)")


if __name__ == "__main__":
    main()
