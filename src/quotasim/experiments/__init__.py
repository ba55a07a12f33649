"""Experiments: sweeps, sensitivity analysis and comparisons, resumable and reproducible.

A *target* (a scenario, or a test function such as Ishigami) is run over a *design* of parameter
values through an *executor* (in-process, local processes, or Dask); finished runs stream to a
folder (:mod:`quotasim.experiments.store`) from which analyses read. See docs/experiments.md.

The names below are imported on first use, so that a worker process, which needs only the
executor and the target, does not import Parquet, SciPy or SALib.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "DESIGNS": "design",
    "DesignOptions": "design",
    "ParamSpec": "design",
    "DaskExecutor": "executor",
    "ProcessExecutor": "executor",
    "SerialExecutor": "executor",
    "make_executor": "executor",
    "TEST_MODELS": "models",
    "FunctionTarget": "models",
    "ScenarioTarget": "models",
    "load_target": "models",
    "run_seed": "seeds",
    "read_runs": "store",
    "SweepOutcome": "sweep",
    "SweepPlan": "sweep",
    "plan_sweep": "sweep",
    "run_sweep": "sweep",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
