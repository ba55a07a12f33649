"""Scenarios: load, validate, built-ins.

The loader (pydantic, the schemas) is imported on first use of what it defines, so that reading
the registry (``DEFAULT_SCENARIO``, ``builtin_names``) stays cheap for the CLI's quick commands.
"""

from quotasim.scenario.inert import inert_parameters
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

_FROM_LOADER = ("Scenario", "from_tree", "load_scenario", "parse_set")


def __getattr__(name: str):
    if name in _FROM_LOADER:
        from quotasim.scenario import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
