"""The engine's contract with its callers (quotasim.simulate): the run reports its progress day by
day, carries its seed, and refuses a scenario that would not fit in memory, naming it."""

from __future__ import annotations

import pytest

from quotasim import load_scenario, simulate
from quotasim.errors import InputError

SHORT = ["officials.count=10", "campaign.duration_days=6", "campaign.review_day=3", "campaign.count=2", "campaign.gap_days=1"]


def test_progress_is_reported_after_every_day_and_the_seed_is_kept():
    calls = []
    result = simulate(load_scenario("dprk-2020-80-day-battle", SHORT), seed=11, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(day, 13) for day in range(1, 14)]
    assert result.seed == 11 and result.summary["seed"] == 11 and result.model == "campaign"


def test_a_scenario_that_would_not_fit_in_memory_is_refused_by_name(monkeypatch):
    monkeypatch.setattr("quotasim.memory.available_bytes", lambda: 1024)
    scenario = load_scenario("dprk-2020-80-day-battle", SHORT)
    with pytest.raises(InputError) as refused:
        simulate(scenario, seed=1)
    assert refused.value.where == scenario.origin
    assert refused.value.message.startswith("scenario 'dprk-2020-80-day-battle' needs about")
