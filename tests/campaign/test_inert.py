"""Which parameters no mechanism reads in a scenario (``quotasim.scenario.inert_parameters``):
each rule flags its parameters exactly when its condition holds, with a reason that names the
setting that makes them inert. ``test_every_parameter_acts.py`` checks on the default scenario that
flagged parameters move nothing and the others move something; this checks every rule's edge."""

from __future__ import annotations

import pytest

from quotasim import load_scenario
from quotasim.scenario import inert_parameters
from quotasim.scenario.inert import JOBS, RATCHET, SESSIONS, STAFFING, TOPUP

DEFAULT = "dprk-2020-80-day-battle"
MANY = ["campaign.count=2", "campaign.ratchet=0.5"]  # a sequence that ratchets: nothing of RATCHET inert


def inert(*overrides):
    return inert_parameters(load_scenario(DEFAULT, list(overrides)))


def test_the_default_scenarios_inert_parameters():
    flagged = inert()
    assert set(flagged) == {"trade.usd_per_day", *RATCHET, "kin.tier3_households", "localities.0.opportunity_usd_per_day"}
    assert "campaign.trade_open" in flagged["trade.usd_per_day"]
    assert all("campaign.count" in flagged[p] for p in RATCHET)
    assert "kin_depth" in flagged["kin.tier3_households"]
    assert "locality 0" in flagged["localities.0.opportunity_usd_per_day"]
    assert inert_parameters(load_scenario("epstein-run-2")) == {}


def test_trade_is_inert_only_while_shut():
    assert "trade.usd_per_day" not in inert("campaign.trade_open=true")


def test_the_ratchet_rules():
    assert not set(RATCHET) & set(inert(*MANY))
    idle = inert("campaign.count=2", "campaign.ratchet=0")
    assert {p for p in RATCHET if p in idle} == {"campaign.ratchet_basis", "campaign.ratchet_quantile"}
    assert all("campaign.ratchet = 0" in idle[p] for p in ("campaign.ratchet_basis", "campaign.ratchet_quantile"))
    own = inert(*MANY, 'campaign.ratchet_basis="own"')
    assert {p for p in RATCHET if p in own} == {"campaign.ratchet_quantile"}
    assert "ratchet_basis" in own["campaign.ratchet_quantile"]
    # With one campaign the single-campaign reason wins, whatever the ratchet.
    assert "campaign.count = 1" in inert('campaign.ratchet_basis="own"')["campaign.ratchet_quantile"]


def test_staffing_is_inert_when_the_capacity_is_given():
    assert not set(STAFFING) & set(inert())
    given = inert("enforcement.case_capacity_per_day=0")
    assert set(STAFFING) <= set(given)
    assert all("case_capacity_per_day" in given[p] for p in STAFFING)


@pytest.mark.parametrize("depth, flagged", [
    (3, set()),
    (2, {"kin.tier3_households"}),
    (1, {"kin.tier3_households", "enforcement.kin_exile_probability"}),
    (0, {"kin.tier3_households", "enforcement.kin_exile_probability", "enforcement.job_loss_probability", "deterrence.kin_weight"}),
])
def test_kin_depth_rules(depth, flagged):
    kin_keys = {"kin.tier3_households", "enforcement.kin_exile_probability", "enforcement.job_loss_probability", "deterrence.kin_weight"}
    got = inert(f"enforcement.kin_depth={depth}")
    assert kin_keys & set(got) == flagged
    assert all("kin_depth" in got[p] for p in flagged)


@pytest.mark.parametrize("setting, keys, off_value, active, why", [
    ("sessions.interval_days", SESSIONS, 0, 1, "sessions.interval_days = 0"),
    ("topup.window_days", TOPUP, 0, 1, "topup.window_days = 0"),
    ("attitude.informant_coverage", ("attitude.reports_to_open_case", "review.attitude_weight"), 0, 0.01, "informant_coverage = 0"),
    ("officials.bureaus", ("deterrence.rumour_reach",), 1, 2, "a single bureau"),
])
def test_a_mechanism_switched_off_makes_its_parameters_inert(setting, keys, off_value, active, why):
    off = inert(f"{setting}={off_value}")
    assert set(keys) <= set(off)
    assert all(why in off[p] for p in keys)
    assert not set(keys) & set(inert(f"{setting}={active}"))


def test_jobs_are_inert_only_when_nobody_ever_holds_one():
    none = inert("patronage.initial_job_share=0", "patronage.placement_rate=0")
    assert set(JOBS) <= set(none)
    assert all("initial_job_share" in none[p] and "placement_rate" in none[p] for p in JOBS)
    assert not set(JOBS) & set(inert("patronage.initial_job_share=0"))
    assert not set(JOBS) & set(inert("patronage.placement_rate=0"))


def test_localities_nobody_is_sent_to_or_lives_in():
    got = inert("localities.0.home_weight=0", "localities.2.dispatch_weight=0", "localities.3.households=0", "localities.3.home_weight=0.1")
    holdings = {f"localities.{i}.{k}" for i in range(5) for k in ("holdings_median_usd", "holdings_sigma")}
    assert {p for p in got if p.startswith("localities.")} == {
        "localities.0.opportunity_usd_per_day", "localities.2.opportunity_usd_per_day", "localities.3.opportunity_usd_per_day",
        "localities.0.holdings_median_usd", "localities.0.holdings_sigma",
    }
    assert not {"localities.3.holdings_median_usd"} & holdings & set(got)
    assert "locality 2 (Yonbaek plain (South Hwanghae))" in got["localities.2.opportunity_usd_per_day"]
    assert "lives in locality 0" in got["localities.0.holdings_sigma"]


def test_the_reasons_as_a_sweep_reports_them():
    """The reason is what a sweep or sensitivity analysis tells its user, word for word."""
    got = {
        **inert("enforcement.kin_depth=0", "sessions.interval_days=0", "topup.window_days=0", "attitude.informant_coverage=0",
                "officials.bureaus=1", "patronage.initial_job_share=0", "patronage.placement_rate=0",
                "enforcement.case_capacity_per_day=1"),
        **{k: v for k, v in inert("campaign.count=2").items() if k == "campaign.ratchet_basis"},
        **{k: v for k, v in inert(*MANY, 'campaign.ratchet_basis="own"').items() if k == "campaign.ratchet_quantile"},
    }
    assert {k: got[k] for k in (
        "trade.usd_per_day", "campaign.ratchet", "campaign.ratchet_basis", "campaign.ratchet_quantile",
        "enforcement.staff_per_1000_persons", "kin.tier3_households", "enforcement.kin_exile_probability",
        "deterrence.kin_weight", "sessions.lag_share", "topup.propensity", "review.attitude_weight", "deterrence.rumour_reach",
        "patronage.kickback_share", "localities.0.opportunity_usd_per_day",
    )} == {
        "trade.usd_per_day": "trade is shut (campaign.trade_open = false)",
        "campaign.ratchet": "a single campaign (campaign.count = 1): there is no next quota and no gap",
        "campaign.ratchet_basis": "campaign.ratchet = 0: quotas do not ratchet",
        "campaign.ratchet_quantile": "campaign.ratchet_basis = 'own': the bureau's deliveries are not read",
        "enforcement.staff_per_1000_persons": "enforcement.case_capacity_per_day gives the capacity directly",
        "kin.tier3_households": "enforcement.kin_depth < 3: three-generation relatives are never investigated, and hold no jobs",
        "enforcement.kin_exile_probability": "enforcement.kin_depth < 2: no relatives' household beyond his own is investigated",
        "deterrence.kin_weight": "enforcement.kin_depth = 0: no relative is touched",
        "sessions.lag_share": "sessions.interval_days = 0: no summing-up sessions",
        "topup.propensity": "topup.window_days = 0: nobody pays from own savings",
        "review.attitude_weight": "attitude.informant_coverage = 0: no complaint is ever reported",
        "deterrence.rumour_reach": "a single bureau: no other bureau hears of its cases",
        "patronage.kickback_share": "no relative ever holds a foreign-currency job (initial_job_share = placement_rate = 0)",
        "localities.0.opportunity_usd_per_day": "no official is dispatched to locality 0 (Home city of the trade bureaus)",
    }
