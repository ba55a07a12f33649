"""Record the Mesa reference runs that tests/civil_violence compares quotasim's ``mesa`` variant
against (tests/civil_violence/fixtures/mesa_reference.json).

Runs Mesa 3.3's own ``mesa.examples.advanced.epstein_civil_violence`` model over many seeds at
two parameter sets, one where Mesa shows outbursts and one where it stays quiet, and stores per
seed the number of citizens and cops and the active and arrested counts after every step, with
provenance (versions, parameters, seeds, date; per set, since a set can be re-recorded alone).
Slow (Mesa takes about 6 CPU-seconds per 200-step run at 40x40):

    uv run python scripts/record_mesa_fixture.py                    # every set
    uv run python scripts/record_mesa_fixture.py --set outbursts    # one set; the others are kept

Runs can be recorded in several processes and assembled afterwards (same ``run_mesa``):

    uv run python scripts/record_mesa_fixture.py --set outbursts --seeds 10000:10075 --record-to a.jsonl
    uv run python scripts/record_mesa_fixture.py --set outbursts --seeds 10075:10150 --record-to b.jsonl
    uv run python scripts/record_mesa_fixture.py --set outbursts --runs a.jsonl b.jsonl

``--record-to`` also records runs for other comparisons (``scripts/compare_mesa_runs.py``), with
``--steps`` for short runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
import time
from pathlib import Path

import mesa
import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests" / "civil_violence" / "fixtures" / "mesa_reference.json"

SETS = {
    # Mesa's app defaults (those of NetLogo's Rebellion): outbursts every few tens of steps
    "outbursts": dict(
        params=dict(width=40, height=40, citizen_density=0.7, cop_density=0.04, citizen_vision=7, cop_vision=7,
                    legitimacy=0.82, max_jail_term=30, active_threshold=0.1, arrest_prob_constant=2.3,
                    movement=True),
        steps=200,
        seeds=list(range(10000, 10150)),
    ),
    # Mesa's model defaults: quiet, with arrests accumulating under long terms. Outbursts are rare
    # (about 5% of runs) and set a run's jailed count for good, so the per-run mean jailed is
    # heavy-tailed: 240 seeds keep 15% of its mean above three standard errors of the difference
    "quiet": dict(
        params=dict(width=40, height=40, citizen_density=0.7, cop_density=0.074, citizen_vision=7, cop_vision=7,
                    legitimacy=0.8, max_jail_term=1000, active_threshold=0.1, arrest_prob_constant=2.3,
                    movement=True),
        steps=200,
        seeds=list(range(2000, 2240)),
    ),
}
RUN_KEYS = ("seed", "citizens", "cops", "active", "jailed")


def run_mesa(params: dict, steps: int, seed: int) -> dict:
    """One Mesa run: counts after each step 1..steps."""
    from mesa.examples.advanced.epstein_civil_violence.agents import Citizen, Cop
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

    model = EpsteinCivilViolence(seed=seed, **params)
    citizens = len(model.agents_by_type[Citizen])
    cops = len(model.agents_by_type[Cop])
    active, jailed = [], []
    for _ in range(steps):
        model.step()
        active.append(int(model.ACTIVE))
        jailed.append(int(model.ARRESTED))
    return {"seed": seed, "citizens": citizens, "cops": cops, "active": active, "jailed": jailed}


def provenance(how: str) -> dict:
    return {
        "what": "Mesa's epstein_civil_violence example, counts after each step (step 1..steps)",
        "mesa": mesa.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "script": "scripts/record_mesa_fixture.py",
        "how": how,
    }


def read_runs(paths: list[str], spec: dict) -> list[dict]:
    """Runs recorded with ``--record-to``, in the order of the set's seeds; every seed once."""
    by_seed = {}
    for path in paths:
        for line in Path(path).read_text("utf-8").splitlines():
            if line.strip():
                run = json.loads(line)
                by_seed[run["seed"]] = {k: run[k] for k in RUN_KEYS}
    missing = [s for s in spec["seeds"] if s not in by_seed]
    if missing:
        raise SystemExit(f"--runs: {len(missing)} seeds of the set missing, first {missing[0]}")
    runs = [by_seed[s] for s in spec["seeds"]]
    if any(len(r["active"]) != spec["steps"] for r in runs):
        raise SystemExit(f"--runs: a run does not have {spec['steps']} steps")
    return runs


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=sorted(SETS), help="record only this set; the others are kept from the fixture")
    ap.add_argument("--seeds", help="LO:HI, with --record-to: the seeds to run")
    ap.add_argument("--record-to", help="append the runs (one JSON line each) to this file; the fixture is not touched")
    ap.add_argument("--steps", type=int, help="with --record-to: steps per run (default: the set's)")
    ap.add_argument("--runs", nargs="+", help="build the set from these --record-to files instead of running Mesa")
    args = ap.parse_args(argv)

    if args.record_to:
        if not (args.set and args.seeds):
            raise SystemExit("--record-to needs --set and --seeds")
        spec = SETS[args.set]
        lo, hi = (int(v) for v in args.seeds.split(":"))
        with open(args.record_to, "a", encoding="utf-8") as f:
            for seed in range(lo, hi):
                f.write(json.dumps(run_mesa(spec["params"], args.steps or spec["steps"], seed)) + "\n")
                f.flush()
        return

    names = [args.set] if args.set else list(SETS)
    if args.runs and not args.set:
        raise SystemExit("--runs needs --set")
    out = json.loads(OUT.read_text("utf-8")) if args.set and OUT.exists() else {"sets": {}}
    for name in out["sets"]:  # a fixture from before provenance was kept per set
        out["sets"][name].setdefault("provenance", out.get("provenance"))
    for name in names:
        spec = SETS[name]
        t0 = time.perf_counter()
        if args.runs:
            runs = read_runs(args.runs, spec)
            how = "runs recorded by run_mesa in separate processes (--record-to), assembled with --runs"
        else:
            runs = [run_mesa(spec["params"], spec["steps"], seed) for seed in spec["seeds"]]
            how = "run_mesa in one process"
        out["sets"][name] = {**spec, "provenance": provenance(how), "runs": runs}
        print(f"{name}: {len(runs)} seeds x {spec['steps']} steps in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    out["provenance"] = provenance("see each set's provenance")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
