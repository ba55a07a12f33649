"""The synthetic population: localities, households, officials and their kin networks (S3, S7, S8).

Everything is structure-of-arrays. Households are stored grouped by locality, so the households
of locality ``l`` are the index range ``household_start[l] : household_start[l + 1]``. Kin links
are stored grouped by official and, within an official, by tier, so an official's tier-1 and
tier-2 relatives come first (``kin.start[i] : kin.start[i] + kin.close_count[i]``).

A *person* is a member of a household: ``person = household * MAX_PERSONS + member`` with
``member`` in ``0 .. persons - 1``. An official is member 0 of his own household. Each kin link
stands for one relative (``kin.member``), who may hold a foreign-currency job; two links never
stand for the same person, so a person holds at most one such job.

Households are never shared between officials: each official has a household of his own, and
relatives' households are drawn among the households that are no official's own. One official's
network names a household at most once; two officials' networks may name the same household.

No agent is a real person: every attribute is drawn from the scenario's distributions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quotasim import compiled
from quotasim.compiled import Kernel
from quotasim.scenario.campaign import CampaignScenario, home_allocation

MAX_PERSONS = 32
"""Household size cap (persons are drawn as 1 + Poisson and capped at 20) and the stride of person ids."""
MAX_DRAWN_PERSONS = 20
REDRAW_ROUNDS = 64
"""Rounds of redrawing a relative's household that hit an official's own household or repeat one
already in the same network; links still unresolved after that are dropped (only in localities
made almost entirely of officials' households)."""

BYTES_PER_HOUSEHOLD = 120
BYTES_PER_OFFICIAL_CAMPAIGN = 1200
BYTES_PER_KIN_LINK = 96
BYTES_FIXED = 64 * 1024**2


@dataclass
class Localities:
    """Places (S3). Lists and arrays of length L."""

    name: list[str]
    kind: list[str]
    opportunity_usd_per_day: np.ndarray  # float64
    household_start: np.ndarray  # int64, shape (L + 1,): households of l are [start[l], start[l+1])


@dataclass
class Households:
    """Households with foreign-currency holdings. Arrays of shape (H,), grouped by locality.

    ``holdings``, ``exiled`` and ``investigated`` change during a run."""

    locality: np.ndarray  # int32
    persons: np.ndarray  # int16, people living in the household (1 .. 20)
    holdings: np.ndarray  # float64, USD held now
    holdings_start: np.ndarray  # float64, USD held at the start of the run
    official_home: np.ndarray  # bool: the own household of an official
    exiled: np.ndarray  # bool: the whole household has been exiled
    investigated: np.ndarray  # bool: its members have been investigated (counted once)


@dataclass
class Officials:
    """The officials ordered to deliver the quota. Arrays of shape (N,).

    ``savings`` and ``fear`` change during a run."""

    bureau: np.ndarray  # int32
    home_locality: np.ndarray  # int32
    locality: np.ndarray  # int32, where the official is dispatched
    household: np.ndarray  # int64, the official's own household (in home_locality)
    savings: np.ndarray  # float64, USD
    skill: np.ndarray  # float64, earning multiplier, log-normal with median 1
    loyalty: np.ndarray  # float64 in (0, 1); plays Epstein's legitimacy for the official
    risk_aversion: np.ndarray  # float64 in [0, 1]
    hardship: np.ndarray  # float64 in [0, 1], before the campaign
    fear: np.ndarray  # float64 in [0, 1]


@dataclass
class Kin:
    """Kin links (official, relative). Arrays of shape (K,), grouped by official, then tier.

    ``has_job`` and ``job_lost`` change during a run."""

    official: np.ndarray  # int32
    tier: np.ndarray  # int8: 1 immediate family (own household), 2 parents/siblings, 3 three generations
    household: np.ndarray  # int64
    member: np.ndarray  # int16: the relative's member index in the household; -1: nobody (no job possible)
    has_job: np.ndarray  # bool: the relative holds a foreign-currency job the official arranged (S8)
    job_lost: np.ndarray  # bool: the relative lost such a job to an investigation and gets none again
    start: np.ndarray  # int64, shape (N + 1,): links of official i are [start[i], start[i+1])
    close_count: np.ndarray  # int64, shape (N,): how many of those are tier 1 or 2


@dataclass
class Population:
    localities: Localities
    households: Households
    officials: Officials
    kin: Kin

    @property
    def n_officials(self) -> int:
        return len(self.officials.bureau)

    @property
    def n_households(self) -> int:
        return len(self.households.holdings)


def estimate_bytes(config: CampaignScenario) -> int:
    """Memory a run of ``config`` needs, estimated before anything is allocated."""
    households = sum(loc.households for loc in config.localities)
    officials = config.officials.count
    kin_links = officials * (1.0 + config.kin.tier2_households + config.kin.tier3_households)
    return int(
        BYTES_FIXED
        + BYTES_PER_HOUSEHOLD * households
        + BYTES_PER_OFFICIAL_CAMPAIGN * officials * config.campaign.count
        + BYTES_PER_KIN_LINK * kin_links
    )


def build_population(config: CampaignScenario, rng: np.random.Generator) -> Population:
    """Draw the population of ``config`` from ``rng`` (draws in the order of docs/model.md, section 5)."""
    localities, households = _build_households(config, rng)
    officials = _build_officials(config, localities, households, rng)
    kin = _build_kin(config, localities, households, officials, rng)
    return Population(localities, households, officials, kin)


def _build_households(config: CampaignScenario, rng: np.random.Generator) -> tuple[Localities, Households]:
    counts = np.array([loc.households for loc in config.localities], dtype=np.int64)
    start = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    total = int(start[-1])
    locality = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    holdings = np.empty(total, dtype=np.float64)
    persons = np.empty(total, dtype=np.int16)
    for index, loc in enumerate(config.localities):
        lo, hi = start[index], start[index + 1]
        # Heavy-tailed holdings: log-normal around the locality's median.
        holdings[lo:hi] = loc.holdings_median_usd * rng.lognormal(0.0, loc.holdings_sigma, hi - lo)
        persons[lo:hi] = _household_sizes(loc.persons_per_household, rng.random(hi - lo))
    localities = Localities(
        name=[loc.name for loc in config.localities],
        kind=[loc.kind for loc in config.localities],
        opportunity_usd_per_day=np.array([loc.opportunity_usd_per_day for loc in config.localities]),
        household_start=start,
    )
    households = Households(
        locality=locality,
        persons=persons,
        holdings=holdings,
        holdings_start=holdings.copy(),
        official_home=np.zeros(total, dtype=bool),
        exiled=np.zeros(total, dtype=bool),
        investigated=np.zeros(total, dtype=bool),
    )
    return localities, households


def _household_sizes(mean_persons: float, uniform: np.ndarray) -> np.ndarray:
    """1 + Poisson(mean_persons - 1), capped at MAX_DRAWN_PERSONS, by inverting the distribution
    function (one uniform per household: faster than Poisson sampling at national scale)."""
    cdf = _size_cdf(mean_persons)
    # 1 + the number of cdf values <= u, which is np.searchsorted(cdf, u, side="right") + 1.
    if compiled.active():  # one pass over the households
        sizes = np.empty(len(uniform), dtype=np.int16)
        _count_sizes(cdf, uniform, sizes)
        return sizes
    # Counted one cdf value at a time into int16: half the time of the binary searches, and no
    # int64 temporaries (52 MB for the national scale's 6.5 million households).
    sizes = np.ones(len(uniform), dtype=np.int16)
    largest = uniform.max(initial=0.0)
    for value in cdf:
        if value > largest:  # the cdf never falls: no later value counts either
            break
        sizes += uniform >= value
    return sizes


def _size_cdf(mean_persons: float) -> np.ndarray:
    """The distribution function of 1 + Poisson(mean_persons - 1) at 1, 2, … 19 persons."""
    rate = mean_persons - 1.0
    k = np.arange(MAX_DRAWN_PERSONS - 1)
    log_pmf = -rate + k * np.log(rate) - np.cumsum(np.log(np.maximum(k, 1))) if rate > 0 else np.where(k == 0, 0.0, -np.inf)
    return np.cumsum(np.exp(log_pmf))


def _count_sizes_loop(cdf, uniform, sizes):
    """:func:`_household_sizes`' compiled path: for each household, 1 + the cdf values at or
    below its uniform, counted from the smallest (the cdf never falls, so the count stops at the
    first value above it)."""
    for k in range(len(uniform)):
        size = 1
        while size - 1 < len(cdf) and uniform[k] >= cdf[size - 1]:
            size += 1
        sizes[k] = size


_count_sizes = Kernel(_count_sizes_loop)


def _weights(values: list[float], counts: np.ndarray) -> np.ndarray:
    w = np.where(counts > 0, np.asarray(values, dtype=np.float64), 0.0)
    return w / w.sum()


def _random_household(localities: Localities, locality: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    lo = localities.household_start[locality]
    size = localities.household_start[locality + 1] - lo
    return lo + np.floor(rng.random(len(locality)) * size).astype(np.int64)


def _build_officials(
    config: CampaignScenario, localities: Localities, households: Households, rng: np.random.Generator
) -> Officials:
    spec = config.officials
    n = spec.count
    counts = np.diff(localities.household_start)
    dispatch_w = _weights([loc.dispatch_weight for loc in config.localities], counts)
    # Bureaus of near-equal size, officials shuffled among them.
    bureau = rng.permutation(np.arange(n, dtype=np.int32) % spec.bureaus).astype(np.int32)
    living = np.array(home_allocation(config), dtype=np.int64)
    home = rng.permutation(np.repeat(np.arange(len(counts), dtype=np.int32), living)).astype(np.int32)
    dispatched = rng.choice(len(counts), size=n, p=dispatch_w).astype(np.int32)
    # Each official's own household, distinct: drawn without replacement within his home locality.
    household = np.empty(n, dtype=np.int64)
    for index in np.flatnonzero(living):
        mine = np.flatnonzero(home == index)
        chosen = rng.choice(int(counts[index]), size=len(mine), replace=False)
        household[mine] = localities.household_start[index] + chosen
    households.official_home[household] = True
    savings = spec.savings_median_usd * rng.lognormal(0.0, spec.savings_sigma, n)
    skill = rng.lognormal(0.0, spec.skill_sigma, n)
    a = spec.loyalty_mean * spec.loyalty_concentration
    b = (1.0 - spec.loyalty_mean) * spec.loyalty_concentration
    loyalty = rng.beta(a, b, n)
    risk_aversion = rng.uniform(spec.risk_aversion_low, spec.risk_aversion_high, n)
    hardship = rng.uniform(0.0, spec.hardship_max, n)
    fear = np.full(n, config.deterrence.baseline_fear)
    return Officials(bureau, home, dispatched, household, savings, skill, loyalty, risk_aversion, hardship, fear)


def _build_kin(
    config: CampaignScenario, localities: Localities, households: Households, officials: Officials, rng: np.random.Generator
) -> Kin:
    n = len(officials.bureau)
    counts = np.diff(localities.household_start)
    anywhere_w = counts / counts.sum()
    n2 = rng.poisson(config.kin.tier2_households, n)
    n3 = rng.poisson(config.kin.tier3_households, n)
    per_official = 1 + n2 + n3
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_official, out=start[1:])
    total = int(start[-1])
    official = np.repeat(np.arange(n, dtype=np.int32), per_official)
    offset = np.arange(total, dtype=np.int64) - start[official]
    tier = np.where(offset == 0, 1, np.where(offset <= n2[official], 2, 3)).astype(np.int8)
    # Relatives live in the official's home locality with probability home_share, else anywhere
    # in the country ("relatives in the provinces").
    at_home = rng.random(total) < config.kin.home_share
    elsewhere = rng.choice(len(counts), size=total, p=anywhere_w).astype(np.int32)
    where = np.where(at_home, officials.home_locality[official], elsewhere).astype(np.int32)
    household = _random_household(localities, where, rng)
    household[tier == 1] = officials.household
    keep = _redraw_clashes(household, official, tier, where, localities, households, rng)
    official, tier, household = official[keep], tier[keep], household[keep]
    per_official = np.bincount(official, minlength=n)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_official, out=start[1:])
    close_count = np.bincount(official[tier <= 2], minlength=n).astype(np.int64)
    member = _members(household, tier, households.persons)
    has_job = (tier <= 2) & (member >= 0) & (rng.random(len(household)) < config.patronage.initial_job_share)
    return Kin(official, tier, household, member, has_job, np.zeros(len(household), dtype=bool), start, close_count)


def _clashes(household: np.ndarray, official: np.ndarray, tier: np.ndarray, official_home: np.ndarray) -> np.ndarray:
    """Relatives' links (tier 2+) that name an official's own household, or a household already
    named earlier in the same official's network."""
    key = official.astype(np.int64) * (int(household.max(initial=0)) + 1) + household
    order = np.argsort(key, kind="stable")
    repeat = np.zeros(len(key), dtype=bool)
    repeat[order[1:]] = key[order[1:]] == key[order[:-1]]
    return (tier > 1) & (official_home[household] | repeat)


def _redraw_clashes(household, official, tier, where, localities, households, rng) -> np.ndarray:
    """Redraw clashing relatives' households in place; returns the mask of links to keep."""
    for _ in range(REDRAW_ROUNDS):
        clash = np.flatnonzero(_clashes(household, official, tier, households.official_home))
        if len(clash) == 0:
            return np.ones(len(household), dtype=bool)
        household[clash] = _random_household(localities, where[clash], rng)
    return ~_clashes(household, official, tier, households.official_home)


def _members(household: np.ndarray, tier: np.ndarray, persons: np.ndarray) -> np.ndarray:
    """The member each link stands for: member 1 (beside the official, member 0) for tier 1;
    for relatives, the links naming one household take members 0, 1, … in link order; -1 where the
    household has no member left."""
    member = np.full(len(household), -1, dtype=np.int16)
    own = tier == 1
    member[own] = np.where(persons[household[own]] >= 2, 1, -1)
    rel = np.flatnonzero(~own)
    order = rel[np.argsort(household[rel], kind="stable")]
    h = household[order]
    first = np.ones(len(h), dtype=bool)
    first[1:] = h[1:] != h[:-1]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(h)), 0))
    rank = np.arange(len(h)) - group_start
    member[order] = np.where(rank < persons[h], rank, -1)
    return member
