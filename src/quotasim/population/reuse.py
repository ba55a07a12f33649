"""A population drawn again for the same inputs and seed is copied, not drawn again.

Common random numbers give many runs the same seed: replicate ``r`` of every row of a sensitivity
design, each scenario of a comparison, each end of a parameter's range in the tests, a dashboard
run again with another parameter. Where the runs differ only in parameters the population does not
read (:data:`POPULATION_INPUTS`), they draw the same population, which is about an eighth of a
default run (1.2 of 9 ms). A population is kept from the second time its inputs and seed are seen
(a sweep without common random numbers never sees a seed twice, and so never pays for a copy),
and each run gets its own copy of every array, with the population stream left where the draw
left it. The result is the same bit for bit as drawing it (tests/campaign/test_population_reuse.py).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import threading
from collections import OrderedDict

import numpy as np
from pydantic import BaseModel

from quotasim.population.build import Households, Kin, Localities, Officials, Population, build_population
from quotasim.scenario.campaign import CampaignScenario

POPULATION_INPUTS = ("localities", "officials", "kin", "patronage.initial_job_share", "deterrence.baseline_fear")
"""Every part of a scenario that :func:`~quotasim.population.build.build_population` reads (a
section, or one value of one); a test reads what it does read, and fails if this misses any."""

KEPT_BYTES = 64 * 1024**2
"""At most this much memory of kept populations in a process (the default scenario's is 0.45 MB)."""
LARGEST_KEPT = 8 * 1024**2
"""A larger population (about 290,000 households and more; ten times the default scenario's is
4.5 MB) is drawn every time: copying it would save little against its run, and memory matters
more there."""
SEEN_KEYS = 1024
"""How many inputs seen once are remembered, waiting for a second sighting."""


def population_key(config: CampaignScenario, seed: int) -> tuple:
    """What the population of a run depends on: the seed and the values of
    :data:`POPULATION_INPUTS`, as :func:`_exact` gives them."""
    return (int(seed), *(_exact(functools.reduce(getattr, path.split("."), config)) for path in POPULATION_INPUTS))


def _exact(value):
    """``value`` as a key that is equal only for values that draw the same bits: a section as the
    tuple of its values, a list as the tuple of its items', and a zero with its sign (``-0.0 ==
    0.0``, but a median of -0.0 USD gives holdings of -0.0)."""
    if isinstance(value, list):
        return tuple(_exact(v) for v in value)
    values = tuple(value.__dict__.values()) if isinstance(value, BaseModel) else (value,)
    if 0.0 in values:  # a zero (or False) among them: its sign kept beside it
        values = tuple((v, math.copysign(1.0, v)) if type(v) is float and v == 0.0 else v for v in values)
    return values


def copy_population(pop: Population) -> Population:
    """A copy of ``pop`` that shares no array with it."""
    # every field of a part is an array or a list (of names)
    return Population(*(type(part)(**{name: value.copy() for name, value in vars(part).items()}) for part in _parts(pop)))


def population_bytes(pop: Population) -> int:
    return sum(value.nbytes for part in _parts(pop) for value in vars(part).values() if isinstance(value, np.ndarray))


def _parts(pop: Population) -> list[Localities | Households | Officials | Kin]:
    return [getattr(pop, field.name) for field in dataclasses.fields(pop)]


@dataclasses.dataclass
class _Kept:
    population: Population
    stream_state: dict  # the population stream's state after the draw
    nbytes: int


class PopulationCache:
    """Populations kept by :func:`population_key`, the least recently used dropped first; safe to
    share between threads (the dashboard runs in several)."""

    def __init__(self, kept_bytes: int = KEPT_BYTES, largest_kept: int = LARGEST_KEPT, seen_keys: int = SEEN_KEYS):
        self.kept_bytes = kept_bytes
        self.largest_kept = largest_kept
        self.seen_keys = seen_keys
        self.enabled = True
        self.hits = 0
        self._kept: OrderedDict[tuple, _Kept] = OrderedDict()
        self._seen: OrderedDict[tuple, None] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def population(self, config: CampaignScenario, seed: int, rng: np.random.Generator) -> Population:
        """The population of ``config`` drawn from ``rng``, the population stream of ``seed``: a
        copy of a kept one where there is one, with ``rng`` moved to where its draw left it."""
        if not self.enabled:
            return build_population(config, rng)
        key = population_key(config, seed)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                self.hits += 1
            elif key in self._seen:
                del self._seen[key]  # its second sighting: kept below
                second = True
            else:
                self._seen[key] = None
                if len(self._seen) > self.seen_keys:
                    del self._seen[next(iter(self._seen))]  # the oldest
                second = False
        if kept is not None:
            rng.bit_generator.state = kept.stream_state
            return copy_population(kept.population)
        pop = build_population(config, rng)
        if second:
            self._keep(key, pop, rng)
        return pop

    def _keep(self, key: tuple, pop: Population, rng: np.random.Generator) -> None:
        nbytes = population_bytes(pop)
        if nbytes > self.largest_kept:
            return
        kept = _Kept(copy_population(pop), rng.bit_generator.state, nbytes)
        with self._lock:
            if key in self._kept:  # another thread kept it meanwhile
                return
            self._kept[key] = kept
            self._bytes += nbytes
            while self._bytes > self.kept_bytes:
                self._bytes -= self._kept.pop(next(iter(self._kept))).nbytes  # the least recently used

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._seen.clear()
            self._bytes = 0
            self.hits = 0


POPULATIONS = PopulationCache()
"""The process's kept populations, which every campaign run goes through."""
