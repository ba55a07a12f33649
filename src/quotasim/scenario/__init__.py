"""Scenarios: load, validate, built-ins."""

from quotasim.scenario.inert import inert_parameters
from quotasim.scenario.loader import Scenario, from_tree, load_scenario, parse_set
from quotasim.scenario.params import ParamMeta
from quotasim.scenario.registry import DEFAULT_SCENARIO, MODELS, builtin_descriptions, builtin_names

__all__ = [
    "DEFAULT_SCENARIO",
    "MODELS",
    "ParamMeta",
    "Scenario",
    "builtin_descriptions",
    "builtin_names",
    "from_tree",
    "inert_parameters",
    "load_scenario",
    "parse_set",
]
