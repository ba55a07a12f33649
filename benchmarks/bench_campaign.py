"""Speed and size of the campaign model: default, 10x and national scale.

Run:  uv run python benchmarks/bench_campaign.py [--scales default,10x,national] [--repeat 3]

Each scale runs in a fresh subprocess (so peak memory is that run's own), builds the scenario by
scaling the default one, and reports wall time (median of --repeat runs, of the national scale's two
the faster; and the first run's time, which also pays for the first touch of its memory), after one warm-up run
of the default scenario in the same process), the CPU seconds of each in user and system mode (the
system's share is the kernel's: on a virtual machine that hands freed memory back to its host, the
first touch of fresh memory can cost a second there), agent-days per second (agents = officials +
households, days = simulated days), peak resident memory, and the time per agent-day as a ratio
to the default scenario's measured in the same process (absolute times drift on shared machines;
the ratio is what to compare across machines). Runs take the campaign model's compiled path, as
sweeps, calibration and the national scale do; a single small `quotasim run` takes the vectorised
one (bench_revisions.py --path auto times that). Then, per scale, what dominates one run: the
shares of building the population, of each phase of a day and of the summary.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

SCALES = {
    # name: (officials factor, households factor)
    "default": (1, 1),
    "10x": (10, 10),
    # The built-in dprk-2020-national-scale: 50,000 officials, 6.5 million households, 26 million persons.
    "national": (250, 6_500_000 / 16_200),
}


def scaled(factor_officials: float, factor_households: float):
    from quotasim import load_scenario

    base = load_scenario("dprk-2020-80-day-battle")
    c = base.config
    values = {
        "officials.count": int(round(c.officials.count * factor_officials)),
        "officials.bureaus": int(round(c.officials.bureaus * factor_officials)),
    }  # the security service's capacity follows from its staffing, which scales with the persons
    for i, loc in enumerate(c.localities):
        values[f"localities.{i}.households"] = int(round(loc.households * factor_households))
    return base.with_values(values, where="benchmark")


def breakdown(scenario, seed: int) -> list[tuple[str, float]]:
    """Seconds per part of one run, largest first: building the population, each phase of a day
    (summed over the days), the summary."""
    from quotasim.campaign import engine, phases
    from quotasim.campaign.summary import build_summary

    parts = {}
    t0 = time.perf_counter()
    state = engine.initial_state(scenario, seed)
    parts["population and accounts"] = time.perf_counter() - t0
    for day in state.record.days:
        today = phases.Today()
        for phase in phases.PHASES:
            t0 = time.perf_counter()
            phase(state, day, today)
            parts[phase.__name__] = parts.get(phase.__name__, 0.0) + time.perf_counter() - t0
    t0 = time.perf_counter()
    build_summary(state, state.record, scenario_name=scenario.name, seed=seed)
    parts["summary"] = time.perf_counter() - t0
    return sorted(parts.items(), key=lambda kv: -kv[1])


def measure(name: str, repeat: int) -> dict:
    from quotasim import compiled, simulate

    compiled.enable()  # the path of sweeps, calibration and large runs (docs/model.md, "Performance")
    default = scaled(1, 1)
    simulate(default, seed=0)  # warm-up: imports, caches
    t0 = time.perf_counter()
    simulate(default, seed=0)
    base_time = time.perf_counter() - t0
    if name == "national":
        from quotasim import load_scenario

        scenario = load_scenario("dprk-2020-national-scale")
    else:
        scenario = scaled(*SCALES[name])
    times, result = [], None
    for r in range(repeat):
        result = None  # the last run's arrays freed first: the peak is one run's
        before = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        result = simulate(scenario, seed=r)
        seconds = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_SELF)
        times.append((seconds, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime))
    first = times[0]
    times.sort()
    wall, user, system = times[(len(times) - 1) // 2]  # the median; of two runs, the faster
    s = result.summary
    agents = s["officials"] + s["households"]
    base_agents = default.config.officials.count + sum(l.households for l in default.config.localities)
    days = s["days"]
    return {
        "scale": name,
        "officials": s["officials"],
        "households": s["households"],
        "persons": s["persons"],
        "days": days,
        "wall_s": wall,
        "first_s": first[0],
        # CPU seconds in the model's own code (user) and in the kernel (system: mostly the first
        # touch of fresh memory, docs/model.md "Performance"), of the reported run and the first
        "user_s": user,
        "system_s": system,
        "first_user_s": first[1],
        "first_system_s": first[2],
        "agent_days_per_s": agents * days / wall,
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
        "time_per_agent_day_vs_default": (wall / (agents * days)) / (base_time / (base_agents * days)),
        "breakdown": breakdown(scenario, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="default,10x,national")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.repeat)))
        return
    print(f"{'scale':9} {'officials':>9} {'households':>11} {'persons':>11} {'wall s':>8} {'user/sys s':>11} {'first s':>8} {'user/sys s':>11} {'agent-days/s':>14} {'peak GiB':>9} {'per agent-day vs default':>25}")
    dominant = []
    for name in args.scales.split(","):
        # Two national runs: the first in a process also pays for the first touch of its
        # memory (docs/model.md, "Performance"), the second is the model's own time.
        repeat = 2 if name == "national" else args.repeat
        proc = subprocess.run([sys.executable, __file__, "--one", name, "--repeat", str(repeat)], capture_output=True, text=True, check=True)
        m = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{m['scale']:9} {m['officials']:>9,} {m['households']:>11,} {m['persons']:>11,} {m['wall_s']:>8.2f} {m['user_s']:>5.2f}/{m['system_s']:<5.2f} {m['first_s']:>8.2f} {m['first_user_s']:>5.2f}/{m['first_system_s']:<5.2f} "
              f"{m['agent_days_per_s']:>14,.0f} {m['peak_rss_gib']:>9.2f} {m['time_per_agent_day_vs_default']:>25.3f}")
        total = sum(seconds for _, seconds in m["breakdown"])
        top = ", ".join(f"{part} {seconds / total:.0%}" for part, seconds in m["breakdown"][:5])
        dominant.append(f"{name}: {top}")
    print("\nwhat dominates one run (share of its time, one more run timed part by part):")
    for line in dominant:
        print(f"  {line}")


if __name__ == "__main__":
    main()
