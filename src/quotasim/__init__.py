"""quotasim: a simulator of coercive quota campaigns, and of Epstein's civil-violence model.

    >>> from quotasim import load_scenario, simulate
    >>> result = simulate(load_scenario("dprk-2020-80-day-battle"), seed=1)
    >>> sorted(result.tables)
    ['case_summary', 'cases', 'daily', 'officials']
"""

from quotasim._version import __version__
from quotasim.errors import InputError
from quotasim.result import Result
from quotasim.scenario import Scenario, builtin_names, load_scenario
from quotasim.simulate import simulate

__all__ = ["InputError", "Result", "Scenario", "__version__", "builtin_names", "load_scenario", "simulate"]
