"""The synthetic population: localities, households, officials and their kin networks (S3, S7, S8).

Everything is structure-of-arrays. Households are stored grouped by locality, so the households
of locality ``l`` are the index range ``locality_start[l] : locality_start[l + 1]``. Kin links are
stored grouped by official and, within an official, by tier, so an official's tier-1 and tier-2
relatives come first (``kin_start[i] : kin_start[i] + kin_close_count[i]``).

No agent is a real person: every attribute is drawn from the scenario's distributions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quotasim.scenario.campaign import CampaignScenario

BYTES_PER_HOUSEHOLD = 120
BYTES_PER_OFFICIAL_CAMPAIGN = 1200
BYTES_PER_KIN_LINK = 64
BYTES_FIXED = 64 * 1024**2


@dataclass
class Localities:
    """Places (S3). Arrays of shape (L,)."""

    name: list[str]
    kind: list[str]
    opportunity_usd_per_day: np.ndarray  # float64
    household_start: np.ndarray  # int64, shape (L + 1,): households of l are [start[l], start[l+1])


@dataclass
class Households:
    """Households with foreign-currency holdings. Arrays of shape (H,), grouped by locality."""

    locality: np.ndarray  # int32
    persons: np.ndarray  # int16, people living in the household
    holdings: np.ndarray  # float64, USD held now
    holdings_start: np.ndarray  # float64, USD held at the start of the run
    exiled: np.ndarray  # bool


@dataclass
class Officials:
    """The officials ordered to deliver the quota. Arrays of shape (N,)."""

    bureau: np.ndarray  # int32
    home_locality: np.ndarray  # int32
    locality: np.ndarray  # int32, where the official is dispatched
    household: np.ndarray  # int64, the official's own household (lives in home_locality)
    savings: np.ndarray  # float64, USD
    skill: np.ndarray  # float64, earning multiplier, log-normal with median 1
    loyalty: np.ndarray  # float64 in (0, 1); plays Epstein's legitimacy for the official
    risk_aversion: np.ndarray  # float64 in [0, 1]
    hardship: np.ndarray  # float64 in [0, 1], before the campaign
    fear: np.ndarray  # float64 in [0, 1]


@dataclass
class Kin:
    """Kin links (official, relative household). Arrays of shape (K,), grouped by official, then tier."""

    official: np.ndarray  # int32
    tier: np.ndarray  # int8: 1 immediate family (own household), 2 parents/siblings, 3 three generations
    household: np.ndarray  # int64
    has_job: np.ndarray  # bool: a member holds a foreign-currency job the official arranged (S8)
    start: np.ndarray  # int64, shape (N + 1,): links of official i are [start[i], start[i+1])
    close_count: np.ndarray  # int64, shape (N,): how many of those are tier 1 or 2


@dataclass
class Population:
    localities: Localities
    households: Households
    officials: Officials
    kin: Kin


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
    localities, households = _build_households(config, rng)
    officials = _build_officials(config, localities, rng)
    kin = _build_kin(config, localities, officials, rng)
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
        persons[lo:hi] = np.minimum(1 + rng.poisson(loc.persons_per_household - 1.0, hi - lo), 20)
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
        exiled=np.zeros(total, dtype=bool),
    )
    return localities, households


def _weights(values: list[float], counts: np.ndarray) -> np.ndarray:
    w = np.where(counts > 0, np.asarray(values, dtype=np.float64), 0.0)
    return w / w.sum()


def _random_household(localities: Localities, locality: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    lo = localities.household_start[locality]
    size = localities.household_start[locality + 1] - lo
    return lo + np.floor(rng.random(len(locality)) * size).astype(np.int64)


def _build_officials(config: CampaignScenario, localities: Localities, rng: np.random.Generator) -> Officials:
    spec = config.officials
    n = spec.count
    counts = np.diff(localities.household_start)
    home_w = _weights([loc.home_weight for loc in config.localities], counts)
    dispatch_w = _weights([loc.dispatch_weight for loc in config.localities], counts)
    # Bureaus of near-equal size, officials shuffled among them.
    bureau = rng.permutation(np.arange(n, dtype=np.int32) % spec.bureaus).astype(np.int32)
    home = rng.choice(len(counts), size=n, p=home_w).astype(np.int32)
    dispatched = rng.choice(len(counts), size=n, p=dispatch_w).astype(np.int32)
    household = _random_household(localities, home, rng)
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
    config: CampaignScenario, localities: Localities, officials: Officials, rng: np.random.Generator
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
    close = tier <= 2
    has_job = close & (rng.random(total) < config.patronage.initial_job_share)
    close_count = (1 + n2).astype(np.int64)
    return Kin(official, tier, household, has_job, start, close_count)
