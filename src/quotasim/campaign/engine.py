"""The campaign model: one run of a sequence of campaigns, day by day (docs/model.md).

A run builds the synthetic population, then takes every day of the calendar through the same
phases (:data:`quotasim.campaign.phases.PHASES`), and ends with the summary and the tables.
"""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np

from quotasim.campaign.calendar import calendar
from quotasim.campaign.phases import PHASES, Today
from quotasim.campaign.record import Recorder
from quotasim.campaign.state import CampaignState, Streams
from quotasim.campaign.summary import build_summary
from quotasim.campaign.tables import campaign_tables
from quotasim import compiled
from quotasim.compiled import KERNELS, said_if_compiled
from quotasim.dynamics.complaint import known_penalty
from quotasim.dynamics.patronage import paying_links
from quotasim.enforcement.capacity import SecurityQueue, capacity_per_day
from quotasim.enforcement.security import draw_fates
from quotasim.memory import check_fits
from quotasim.population.build import estimate_bytes
from quotasim.population.reuse import POPULATIONS
from quotasim.result import Result
from quotasim.scenario import Scenario

DAYS_PER_MONTH = 365.0 / 12.0
COMPILE_MESSAGE = "compiling the campaign model's kernels once, about 6 s"
"""Said on stderr by the first run that finds them neither compiled nor in Numba's cache (6.0-6.3
CPU-seconds on the 2-core development machine for the sixteen kernels, 8 Dec 2026, the first run
included; 6.0-6.2 for fourteen earlier that day, 5.2-5.6 for the eight of the day before; 4.2 on
2 Dec on another machine)."""


def initial_state(scenario: Scenario, seed: int) -> CampaignState:
    """The population drawn and every account opened: the state before day 1."""
    config = scenario.config
    streams = Streams.from_seed(seed)
    pop = POPULATIONS.population(config, seed, streams.population)  # drawn, or copied if drawn before
    n, n_households = pop.n_officials, pop.n_households
    days = calendar(config.campaign, config.sessions, config.topup)
    state = CampaignState(
        config=config,
        localities=pop.localities,
        households=pop.households,
        officials=pop.officials,
        kin=pop.kin,
        streams=streams,
        fates=draw_fates(n, len(pop.kin.household), streams.enforcement),
        queue=SecurityQueue.empty(n, capacity_per_day(config.enforcement, int(pop.households.persons.sum()))),
        free=np.ones(n, dtype=bool),
        quota=np.full(n, config.campaign.quota_usd),
        takeable=np.zeros(n_households),
        claim=np.zeros(n_households, dtype=np.int64),
        paying=paying_links(pop.kin, pop.households.exiled),
        known_penalty=known_penalty(config.attitude, config.enforcement),
        wage_per_day=config.officials.wage_usd_per_month / DAYS_PER_MONTH,
    )
    state.record = Recorder(days, n, n_households)
    state.record.savings_start = pop.officials.savings.copy()
    return state


def run_campaign(scenario: Scenario, *, seed: int, progress=None) -> Result:
    check_fits(estimate_bytes(scenario.config), what=f"scenario {scenario.name!r}", where=scenario.origin)
    state = initial_state(scenario, seed)
    days = state.record.days
    with compiled.for_run(state.n_officials * len(days)) as compiled_path:
        listening = said_if_compiled([k.dispatcher for k in KERNELS], COMPILE_MESSAGE) if compiled_path else nullcontext()
        with listening:
            for day in days:
                today = Today()
                for phase in PHASES:
                    phase(state, day, today)
                if progress is not None:
                    progress(day.number, len(days))
            summary = build_summary(state, state.record, scenario_name=scenario.name, seed=seed)
    return Result(
        model="campaign",
        scenario=scenario,
        seed=seed,
        summary=summary,
        tables=campaign_tables(state, state.record),
        extra={
            "household_holdings": state.households.holdings,
            "household_taken": state.record.taken,
            "official_savings": state.officials.savings,
        },
    )
