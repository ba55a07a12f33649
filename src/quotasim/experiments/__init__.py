"""Experiments: sweeps, sensitivity analysis and comparisons, resumable and reproducible.

A *target* (a scenario, or a test function such as Ishigami) is run over a *design* of parameter
values through an *executor* (in-process, local processes, or Dask); finished runs stream to a
folder (:mod:`quotasim.experiments.store`) from which analyses read. See docs/experiments.md.
"""

from quotasim.experiments.design import DESIGNS, DesignOptions, ParamSpec
from quotasim.experiments.executor import DaskExecutor, ProcessExecutor, SerialExecutor, make_executor
from quotasim.experiments.models import TEST_MODELS, FunctionTarget, ScenarioTarget, load_target
from quotasim.experiments.seeds import run_seed
from quotasim.experiments.store import read_runs
from quotasim.experiments.sweep import SweepOutcome, SweepPlan, plan_sweep, run_sweep

__all__ = [
    "DESIGNS",
    "DaskExecutor",
    "DesignOptions",
    "FunctionTarget",
    "ParamSpec",
    "ProcessExecutor",
    "ScenarioTarget",
    "SerialExecutor",
    "SweepOutcome",
    "SweepPlan",
    "TEST_MODELS",
    "load_target",
    "make_executor",
    "plan_sweep",
    "read_runs",
    "run_seed",
    "run_sweep",
]
