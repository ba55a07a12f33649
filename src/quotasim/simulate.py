"""The one public entry point: ``simulate(scenario, *, seed) -> Result``.

The CLI, sweeps and the dashboard all call this. It dispatches on ``scenario.model`` through an
explicit registry of engines; each engine checks the memory its run needs before allocating. An
engine is imported on its model's first run, so that a run of one model does not load the other
(a campaign run never loads the civil-violence kernel).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable

from quotasim.provenance import provenance

if TYPE_CHECKING:
    from quotasim.result import Result
    from quotasim.scenario import Scenario

ProgressFn = Callable[[int, int], None]
"""Called as ``progress(done, total)`` in simulated days (or steps) as a run advances."""

ENGINES: dict[str, tuple[str, str]] = {
    "campaign": ("quotasim.campaign.engine", "run_campaign"),
    "civil_violence": ("quotasim.civil_violence.engine", "run_civil_violence"),
}
"""Model name -> (module, function) of its engine."""


def engine(model: str) -> Callable[..., Result]:
    """The engine function of ``model``."""
    module, function = ENGINES[model]
    return getattr(importlib.import_module(module), function)


def simulate(
    scenario: Scenario, *, seed: int | None = None, progress: ProgressFn | None = None, with_provenance: bool = True
) -> Result:
    """Run one scenario. ``seed=None`` uses the scenario's own ``seed``; the same scenario and
    seed give bit-identical results. The summary ends with a ``provenance`` object (version,
    scenario hash, library versions), unless ``with_provenance`` is False: sweeps and
    calibrations keep only a run's numbers, and the scenario's hash is its TOML text hashed,
    about 0.7 ms for each new set of values (7% of a default run)."""
    run_seed = scenario.seed if seed is None else int(seed)
    result = engine(scenario.model)(scenario, seed=run_seed, progress=progress)
    if with_provenance:
        result.summary["provenance"] = provenance(scenario)
    return result
