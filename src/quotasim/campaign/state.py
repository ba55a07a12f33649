"""The state of a campaign run: the population, the officials' standing, the current campaign's
ledger, the security service's queue, the run's random streams and its records.

Everything is structure-of-arrays; each phase of a day (:mod:`quotasim.campaign.phases`) reads and
changes this one object.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from quotasim.campaign import sums
from quotasim.campaign.outputs import SOURCES
from quotasim.enforcement.capacity import SecurityQueue
from quotasim.enforcement.security import CaseFates
from quotasim.population.build import Households, Kin, Localities, Officials
from quotasim.review.committee import NOT_REVIEWED

STREAMS = ("population", "patronage", "informants", "visits", "review", "enforcement")
"""One random stream per mechanism, spawned from the run's seed: a change in one mechanism's draws
(more cases, say) never shifts another's, so two runs with the same seed differ only where the
mechanisms differ (common random numbers)."""


@dataclass
class Streams:
    population: np.random.Generator
    patronage: np.random.Generator
    informants: np.random.Generator
    visits: np.random.Generator
    review: np.random.Generator
    enforcement: np.random.Generator

    @classmethod
    def from_seed(cls, seed: int) -> Streams:
        children = np.random.SeedSequence(seed).spawn(len(STREAMS))
        return cls(*(np.random.Generator(np.random.PCG64(child)) for child in children))


@dataclass
class Ledger:
    """One campaign's accounts, per official (arrays of shape (N,))."""

    campaign: int
    quota: np.ndarray
    savings_start: np.ndarray
    by_source: dict[str, np.ndarray] = field(init=False)
    delivered: np.ndarray = field(init=False)
    complaint_days: np.ndarray = field(init=False)
    shirk_days: np.ndarray = field(init=False)
    reports: np.ndarray = field(init=False)
    criticisms: np.ndarray = field(init=False)
    indignant: np.ndarray = field(init=False)  # a complaint was reported
    sessions_held: int = field(init=False, default=0)
    outcome: np.ndarray = field(init=False)  # review outcome code; NOT_REVIEWED until reviewed
    reason: np.ndarray = field(init=False)
    score: np.ndarray = field(init=False)
    probability: np.ndarray = field(init=False)
    visibility: np.ndarray = field(init=False)
    at_review: dict[str, np.ndarray] | None = field(init=False, default=None)
    savings_end: np.ndarray | None = field(init=False, default=None)
    fear_end: np.ndarray | None = field(init=False, default=None)

    def __post_init__(self):
        n = len(self.quota)
        self.by_source = {s: np.zeros(n) for s in SOURCES}
        self.delivered = np.zeros(n)
        self.complaint_days = np.zeros(n, dtype=np.int32)
        self.shirk_days = np.zeros(n, dtype=np.int32)
        self.reports = np.zeros(n, dtype=np.int32)
        self.criticisms = np.zeros(n, dtype=np.int32)
        self.indignant = np.zeros(n, dtype=bool)
        self.outcome = np.full(n, NOT_REVIEWED, dtype=np.int8)
        self.reason = np.zeros(n, dtype=np.int8)
        self.score = np.full(n, np.nan)
        self.probability = np.full(n, np.nan)
        self.visibility = np.full(n, np.nan)

    @property
    def own_savings(self) -> np.ndarray:
        return self.by_source["own_savings"]

    def add(self, source: str, amount: np.ndarray) -> float:
        """Book what ``source`` delivered today, per official; returns its total."""
        return sums.add_and_total(self.by_source[source], self.delivered, amount)

    def snapshot_review(self, fear: np.ndarray, savings: np.ndarray) -> None:
        """Keep what stands at the end of the review day: the deadline that decides outcomes."""
        self.at_review = {
            "delivered": self.delivered.copy(),
            **{f"from_{s}": self.by_source[s].copy() for s in SOURCES},
            "complaint_days": self.complaint_days.copy(),
            "shirk_days": self.shirk_days.copy(),
            "criticisms": self.criticisms.copy(),
            "indignant": self.indignant.copy(),
            "fear": fear.copy(),
            "savings": savings.copy(),
        }

    def close(self, fear: np.ndarray, savings: np.ndarray) -> None:
        self.savings_end, self.fear_end = savings.copy(), fear.copy()


@dataclass
class CampaignState:
    """One run's state. ``free`` marks officials not arrested; ``takeable`` is what may still be
    taken from each household in the current campaign; ``claim`` is per-household scratch space
    for the daily visits."""


    config: object
    localities: Localities
    households: Households
    officials: Officials
    kin: Kin
    streams: Streams
    fates: CaseFates
    queue: SecurityQueue
    free: np.ndarray
    quota: np.ndarray
    takeable: np.ndarray
    claim: np.ndarray
    paying: np.ndarray  # kin links whose job pays today, sorted
    known_penalty: float
    wage_per_day: float
    ledger: Ledger | None = None
    ledgers: list[Ledger] = field(default_factory=list)
    record: object = None

    @property
    def n_officials(self) -> int:
        return len(self.free)

    def fear_index(self) -> float:
        """Mean fear of the officials not arrested (NaN when none is free)."""
        return sums.mean_where(self.officials.fear, self.free)
