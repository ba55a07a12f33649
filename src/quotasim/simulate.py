"""The one public entry point: ``simulate(scenario, *, seed) -> Result``.

The CLI, sweeps and the dashboard all call this. It dispatches on ``scenario.model`` through an
explicit registry of engines; each engine checks the memory its run needs before allocating.
"""

from __future__ import annotations

from typing import Callable

from quotasim.campaign.engine import run_campaign
from quotasim.civil_violence.engine import run_civil_violence
from quotasim.provenance import provenance
from quotasim.result import Result
from quotasim.scenario import Scenario

ProgressFn = Callable[[int, int], None]
"""Called as ``progress(done, total)`` in simulated days (or steps) as a run advances."""

ENGINES: dict[str, Callable[..., Result]] = {
    "campaign": run_campaign,
    "civil_violence": run_civil_violence,
}


def simulate(scenario: Scenario, *, seed: int | None = None, progress: ProgressFn | None = None) -> Result:
    """Run one scenario. ``seed=None`` uses the scenario's own ``seed``; the same scenario and
    seed give bit-identical results. The summary ends with a ``provenance`` object (version,
    scenario hash, library versions)."""
    run_seed = scenario.seed if seed is None else int(seed)
    result = ENGINES[scenario.model](scenario, seed=run_seed, progress=progress)
    result.summary["provenance"] = provenance(scenario)
    return result
