"""quotasim: a simulator of coercive quota campaigns, and of Epstein's civil-violence model.

    >>> from quotasim import load_scenario, simulate
    >>> result = simulate(load_scenario("dprk-2020-80-day-battle"), seed=1)
    >>> sorted(result.tables)
    ['case_summary', 'cases', 'daily', 'officials']

Importing the package is cheap: the scenario schemas (pydantic) and the engines (NumPy, Numba,
pandas) load on first use of ``load_scenario``, ``Scenario``, ``builtin_names`` or ``simulate``,
so that ``quotasim --help`` and ``quotasim --version`` answer at once.
"""

import sys
import types

from quotasim.errors import InputError
from quotasim.result import Result

from quotasim._version import __version__  # noqa: E402 (pyproject.toml reads it: one source)

__all__ = ["InputError", "Result", "Scenario", "__version__", "builtin_names", "load_scenario", "simulate"]

_FROM_SCENARIO = ("Scenario", "builtin_names", "load_scenario")


def __getattr__(name: str):
    if name in _FROM_SCENARIO:
        import quotasim.scenario

        return getattr(quotasim.scenario, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package's module type, so that ``quotasim.simulate`` is always the function.

    ``simulate`` lives in the submodule of the same name, and importing that submodule (which the
    CLI and the executors do) makes Python bind ``quotasim.simulate`` to the module; a module-level
    ``__getattr__`` would then never be asked and ``from quotasim import simulate`` would give the
    module. A property that ignores that binding keeps the function, loaded on first use.
    """

    @property
    def simulate(self):
        override = self.__dict__.get("_simulate")
        if override is not None:
            return override
        from quotasim.simulate import simulate

        return simulate

    @simulate.setter
    def simulate(self, value) -> None:
        if not isinstance(value, types.ModuleType):  # the submodule stays in sys.modules only
            self.__dict__["_simulate"] = value


sys.modules[__name__].__class__ = _Package
