"""Populations drawn again for the same inputs and seed are copied (population/reuse.py): a run
that reuses one is the same bit for bit as a run that draws it, no run sees another's changes,
and the key misses nothing the population reads."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import BaseModel

from quotasim import load_scenario, simulate
from quotasim.campaign.state import Streams
from quotasim.population import reuse
from quotasim.population.build import build_population
from quotasim.population.reuse import POPULATION_INPUTS, PopulationCache, copy_population, population_key

from .test_compiled_paths import assert_same_result

SCENARIO = "dprk-2020-80-day-battle"


class Recording:
    """A scenario section that notes the path of every value read through it (sections and their
    lists are only the way there)."""

    def __init__(self, section: BaseModel, path: str, read: set[str]):
        self._section, self._path, self._read = section, path, read

    def __getattr__(self, name: str):
        value = getattr(self._section, name)
        path = f"{self._path}{name}"
        if isinstance(value, BaseModel):
            return Recording(value, path + ".", self._read)
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, BaseModel) for v in value):
            self._read.add(path)  # how many there are
            return [Recording(v, f"{path}.*.", self._read) for v in value]
        self._read.add(path)
        return value


def covered(path: str) -> bool:
    return any(path == p or path.startswith(p + ".") for p in POPULATION_INPUTS)


def test_the_key_covers_everything_the_population_reads():
    config = load_scenario(SCENARIO).config
    read: set[str] = set()
    drawn = build_population(Recording(config, "", read), np.random.default_rng(5))
    assert read and {p for p in read if not covered(p)} == set()
    # and the recording changed nothing of the draw
    plain = build_population(config, np.random.default_rng(5))
    assert np.array_equal(drawn.kin.household, plain.kin.household)
    # every input is read (none is in the key for nothing)
    assert all(any(p == q or p.startswith(q + ".") for p in read) for q in POPULATION_INPUTS)


def test_the_key_moves_with_population_inputs_and_the_seed_only():
    base = load_scenario(SCENARIO)
    key = population_key(base.config, 3)
    assert population_key(base.with_values({"campaign.quota_usd": 1234.0}).config, 3) == key
    assert population_key(base.with_values({"enforcement.harshness": 0.9}).config, 3) == key
    assert population_key(base.config, 4) != key
    for path in ("officials.savings_median_usd", "localities.1.holdings_median_usd", "kin.home_share",
                 "patronage.initial_job_share", "deterrence.baseline_fear"):
        assert population_key(base.with_values({path: base.value(path) / 2}).config, 3) != key, path


def test_a_population_is_kept_from_its_second_draw_and_reused_bit_for_bit(monkeypatch):
    cache = PopulationCache()
    monkeypatch.setattr(reuse, "POPULATIONS", cache)
    monkeypatch.setattr("quotasim.campaign.engine.POPULATIONS", cache)
    scenario = load_scenario(SCENARIO)
    other = scenario.with_values({"campaign.quota_usd": 2500.0})  # the same population
    cache.enabled = False
    drawn = [simulate(s, seed=8) for s in (scenario, other)]
    cache.enabled = True
    first = simulate(scenario, seed=8)
    assert cache.hits == 0 and len(cache._kept) == 0
    second = simulate(other, seed=8)
    assert cache.hits == 0 and len(cache._kept) == 1 and not cache._seen  # kept, no longer waiting
    third = simulate(scenario, seed=8)
    fourth = simulate(other, seed=8)  # a copy again: the third run changed only its own
    assert cache.hits == 2
    for reused, fresh in ((first, drawn[0]), (second, drawn[1]), (third, drawn[0]), (fourth, drawn[1])):
        assert_same_result(reused, fresh)
    # a population input changed: drawn anew, not reused
    poorer = scenario.with_values({"localities.1.holdings_median_usd": 100.0})
    simulate(poorer, seed=8)
    assert cache.hits == 2


def test_a_reused_population_leaves_the_stream_where_the_draw_did_and_shares_no_array():
    config = load_scenario(SCENARIO).config
    cache = PopulationCache()
    pops, states = [], []
    for _ in range(3):
        rng = Streams.from_seed(21).population
        pops.append(cache.population(config, 21, rng))
        states.append(rng.bit_generator.state)
    assert cache.hits == 1
    assert states[0] == states[1] == states[2]
    pops[2].households.holdings[:] = -1.0  # a run changes its copy ...
    pops[2].kin.has_job[:] = True
    rng = Streams.from_seed(21).population
    again = cache.population(config, 21, rng)  # ... and the next copy is as drawn
    assert cache.hits == 2
    for part in ("localities", "households", "officials", "kin"):
        for name, value in vars(getattr(pops[0], part)).items():
            copy = getattr(getattr(again, part), name)
            if isinstance(value, np.ndarray):
                assert np.array_equal(copy, value) and copy.dtype == value.dtype, (part, name)
                assert not np.shares_memory(copy, getattr(getattr(pops[1], part), name)), (part, name)
            else:
                assert copy == value, (part, name)


def test_large_populations_are_never_kept_and_the_budget_holds():
    config = load_scenario(SCENARIO).config
    nbytes = reuse.population_bytes(build_population(config, Streams.from_seed(2).population))
    small = PopulationCache(largest_kept=nbytes - 1)
    for _ in range(3):
        small.population(config, 2, Streams.from_seed(2).population)
    assert small.hits == 0 and not small._kept
    sizes = {seed: reuse.population_bytes(build_population(config, Streams.from_seed(seed).population)) for seed in (1, 2, 3)}
    two = PopulationCache(kept_bytes=sizes[2] + sizes[3], largest_kept=max(sizes.values()))
    for seed in (1, 2, 3):
        for _ in range(2):
            two.population(config, seed, Streams.from_seed(seed).population)
    assert list(k[0] for k in two._kept) == [2, 3] and two._bytes == sizes[2] + sizes[3]  # the oldest went first
    two.population(config, 2, Streams.from_seed(2).population)
    assert two.hits == 1 and list(k[0] for k in two._kept) == [3, 2]  # used: now the newest


def test_inputs_seen_once_are_remembered_up_to_the_limit_the_oldest_forgotten_first():
    config = load_scenario(SCENARIO).config
    draw = lambda cache, seed: cache.population(config, seed, Streams.from_seed(seed).population)
    cache = PopulationCache(seen_keys=2)
    for seed in (1, 2):
        draw(cache, seed)
    draw(cache, 1)  # seed 1 still remembered: kept now
    assert [k[0] for k in cache._kept] == [1] and [k[0] for k in cache._seen] == [2]
    cache = PopulationCache(seen_keys=2)
    for seed in (1, 2, 3):  # seed 1 forgotten
        draw(cache, seed)
    assert [k[0] for k in cache._seen] == [2, 3]
    draw(cache, 1)
    draw(cache, 3)
    assert [k[0] for k in cache._kept] == [3]


def test_clear_forgets_everything():
    config = load_scenario(SCENARIO).config
    cache = PopulationCache()
    for _ in range(3):
        cache.population(config, 4, Streams.from_seed(4).population)
    cache.population(config, 5, Streams.from_seed(5).population)
    assert cache.hits == 1 and cache._kept and cache._seen and cache._bytes > 0
    cache.clear()
    assert cache.hits == 0 and not cache._kept and not cache._seen and cache._bytes == 0
    cache.population(config, 4, Streams.from_seed(4).population)
    assert cache.hits == 0 and not cache._kept  # seen once again, not kept


def test_copy_population_copies_lists_and_arrays():
    pop = build_population(load_scenario(SCENARIO).config, np.random.default_rng(1))
    copy = copy_population(pop)
    assert copy.localities.name == pop.localities.name and copy.localities.name is not pop.localities.name
    assert not np.shares_memory(copy.officials.savings, pop.officials.savings)


@pytest.fixture(autouse=True)
def _fresh_cache():
    reuse.POPULATIONS.clear()
    yield
    reuse.POPULATIONS.clear()


def test_a_zero_and_a_negative_zero_are_different_inputs():
    """-0.0 == 0.0, but a median of -0.0 USD draws holdings of -0.0: not the same population."""
    base = load_scenario(SCENARIO)
    plus, minus = (base.with_values({"localities.1.holdings_median_usd": v}) for v in (0.0, -0.0))
    assert population_key(plus.config, 1) != population_key(minus.config, 1)
    fear = [base.with_values({"deterrence.baseline_fear": v}).config for v in (0.0, -0.0)]  # a value, not a section
    assert population_key(fear[0], 1) != population_key(fear[1], 1)
    cache = PopulationCache()
    for scenario in (plus, plus, minus):
        pop = cache.population(scenario.config, 1, Streams.from_seed(1).population)
    assert cache.hits == 0
    lo, hi = pop.localities.household_start[1:3]
    assert np.signbit(pop.households.holdings[lo:hi]).all()  # drawn for -0.0, not copied from 0.0
