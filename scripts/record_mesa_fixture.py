"""Record the Mesa reference runs that tests/civil_violence compares quotasim's ``mesa`` variant
against (tests/civil_violence/fixtures/mesa_reference.json).

Runs Mesa 3.3's own ``mesa.examples.advanced.epstein_civil_violence`` model over many seeds at
two parameter sets, one where Mesa shows outbursts and one where it stays quiet, and stores per
seed the number of citizens and cops and the active and arrested counts after every step, with
provenance (versions, parameters, seeds, date). Slow (minutes); run once:

    uv run python scripts/record_mesa_fixture.py
"""

from __future__ import annotations

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
        seeds=list(range(1000, 1032)),
    ),
    # Mesa's model defaults: quiet, with arrests accumulating under long terms
    "quiet": dict(
        params=dict(width=40, height=40, citizen_density=0.7, cop_density=0.074, citizen_vision=7, cop_vision=7,
                    legitimacy=0.8, max_jail_term=1000, active_threshold=0.1, arrest_prob_constant=2.3,
                    movement=True),
        steps=200,
        seeds=list(range(2000, 2030)),
    ),
}


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


def main() -> None:
    out = {
        "provenance": {
            "what": "Mesa's epstein_civil_violence example, counts after each step (step 1..steps)",
            "mesa": mesa.__version__,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.platform(),
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "script": "scripts/record_mesa_fixture.py",
        },
        "sets": {},
    }
    for name, spec in SETS.items():
        t0 = time.perf_counter()
        runs = [run_mesa(spec["params"], spec["steps"], seed) for seed in spec["seeds"]]
        out["sets"][name] = {**spec, "runs": runs}
        print(f"{name}: {len(runs)} seeds x {spec['steps']} steps in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
