"""Invariants of the campaign model: money conserved, nothing negative, nobody counted twice,
determinism, depth 0 punishes no relative, a zero quota refers nobody for shortfall."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotasim import load_scenario, simulate
from quotasim.campaign.engine import initial_state
from quotasim.outputs.write import write_run

SMALL = ["officials.count=60", "officials.bureaus=4"]
SCENARIOS = ["dprk-2020-80-day-battle", "trade-open-counterfactual", "no-collective-punishment", "two-campaigns-ratchet"]
PUNISHED_ONCE = ("investigated", "lost_job", "exiled", "arrested", "arrested_and_exiled")


def check_money(result):
    """Balances computed from the population's arrays at the start and the end of the run, and
    from the per-household record of what was taken — independent of the officials' ledgers."""
    s = result.summary
    src = s["collected_by_source"]
    officials = result.tables["officials"]
    # The ledgers agree with what households lost and with the daily series.
    assert src["households"] == pytest.approx(float(result.extra["household_taken"].sum()), rel=1e-9, abs=1e-9)
    daily = result.tables["daily"]
    for source in src:
        assert daily[f"from_{source}"].sum() == pytest.approx(src[source], rel=1e-9, abs=1e-9)
        assert officials[f"from_{source}"].sum() == pytest.approx(src[source], rel=1e-9, abs=1e-9)
    # Households: what they held + what relatives' jobs paid them - what was taken - what was seized.
    assert float(result.extra["household_holdings"].sum()) == pytest.approx(
        s["household_holdings_start_usd"] + s["household_job_income_usd"] - src["households"] - s["household_seized_usd"],
        rel=1e-9,
    )
    # Officials: savings + wages - own money paid in - seized in home searches.
    assert float(result.extra["official_savings"].sum()) == pytest.approx(
        s["officials_savings_start_usd"] + s["officials_wages_usd"] - src["own_savings"] - s["savings_seized_usd"],
        rel=1e-9, abs=1e-6,
    )
    # Nothing negative.
    assert (result.extra["household_holdings"] >= 0).all()
    assert (result.extra["official_savings"] >= 0).all()
    assert (result.extra["household_taken"] >= 0).all()
    for column in ("from_households", "from_trade", "from_own_savings", "from_relatives_jobs"):
        assert (officials[column] >= 0).all()


def check_nobody_counted_twice(result):
    cases = result.tables["cases"]
    # Cases are numbered once each, in the order they were opened; a punished person's case is
    # that of his official.
    summary = result.tables["case_summary"]
    assert summary["case"].tolist() == list(range(len(summary)))
    assert (summary["official"].to_numpy()[cases["case"].to_numpy()] == cases["official"].to_numpy()).all()
    for kind in PUNISHED_ONCE:
        persons = cases.loc[cases["punishment"] == kind, "person"]
        assert persons.is_unique, kind
    s = result.summary
    officials = cases["relation_tier"] == 0
    assert officials.sum() == s["arrested"] == cases.loc[officials, "person"].nunique()
    exiled = cases["punishment"].isin(["exiled", "arrested_and_exiled"])
    assert exiled.sum() == s["exiled_persons"]
    relatives = cases[~officials]
    # Every relative investigated, exiled or who lost a job was investigated once.
    assert relatives["person"].nunique() <= s["relatives_investigated"] + s["relatives_lost_jobs"]


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_money_is_conserved_and_nobody_counted_twice(name, seed):
    result = simulate(load_scenario(name), seed=seed)
    check_money(result)
    check_nobody_counted_twice(result)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    quota=st.floats(0, 20000),
    by_any_means=st.floats(0, 1),
    trade_open=st.booleans(),
    kin_depth=st.integers(0, 3),
    harshness=st.floats(0, 1),
    capacity=st.floats(0, 20),
    seed=st.integers(0, 2**32),
    count=st.integers(1, 3),
    ratchet=st.floats(0, 2),
    basis=st.sampled_from(["own", "bureau_top"]),
    reports=st.integers(1, 5),
    tier3=st.floats(0, 6),
)
def test_invariants_hold_for_any_parameters(quota, by_any_means, trade_open, kin_depth, harshness, capacity, seed, count, ratchet, basis, reports, tier3):
    s = load_scenario("dprk-2020-80-day-battle", SMALL + [
        f"campaign.quota_usd={quota!r}", f"campaign.by_any_means={by_any_means!r}",
        f"campaign.trade_open={str(trade_open).lower()}", f"enforcement.kin_depth={kin_depth}",
        f"enforcement.harshness={harshness!r}", f"enforcement.case_capacity_per_day={capacity!r}",
        f"campaign.count={count}", f"campaign.ratchet={ratchet!r}", f'campaign.ratchet_basis="{basis}"',
        "campaign.duration_days=30", "campaign.review_day=20", "campaign.gap_days=3",
        f"attitude.reports_to_open_case={reports}", f"kin.tier3_households={tier3!r}",
    ])
    result = simulate(s, seed=seed)
    check_money(result)
    check_nobody_counted_twice(result)
    summary = result.summary
    queued = summary["referred"] + summary["referred_by_informants"]
    assert summary["arrested"] + summary["awaiting_arrest"] == queued
    cases = result.tables["cases"]
    assert (cases["relation_tier"] <= kin_depth).all()


CROWDED = SMALL + [
    # Few households, wide networks, many cases: relatives' households are shared between the
    # networks of officials who are all arrested, so a household is reached by several cases.
    *[f"localities.{i}.households={n}" for i, n in enumerate((120, 60, 60, 40, 40))],
    "kin.tier2_households=6", "kin.tier3_households=10", "enforcement.kin_depth=3",
    "review.shortfall_weight=5", "enforcement.case_capacity_per_day=50", "enforcement.harshness=0.5",
    "enforcement.kin_exile_probability=0.3",
]


@pytest.mark.parametrize("seed", range(3))
def test_a_household_reached_by_several_cases_is_punished_once_under_each_punishment(seed):
    result = simulate(load_scenario("dprk-2020-80-day-battle", CROWDED), seed=seed)
    cases = result.tables["cases"]
    relatives = cases[cases["relation_tier"] > 0]
    reached = relatives.groupby("household")["case"].nunique()
    assert (reached > 1).any()  # the test must be able to fail
    check_nobody_counted_twice(result)
    check_money(result)
    investigated = relatives[relatives["punishment"] == "investigated"]["person"].nunique()
    assert investigated <= result.summary["relatives_investigated"]


def test_households_are_never_shared_between_officials():
    state = initial_state(load_scenario("dprk-2020-80-day-battle"), seed=3)
    own = state.officials.household
    assert len(np.unique(own)) == len(own)
    kin = state.kin
    relatives = kin.tier > 1
    assert not state.households.official_home[kin.household[relatives]].any()
    pairs = kin.official.astype(np.int64) * len(state.households.holdings) + kin.household
    assert len(np.unique(pairs)) == len(pairs)
    # Two links never stand for the same person.
    person = kin.household[kin.member >= 0] * 32 + kin.member[kin.member >= 0]
    assert len(np.unique(person)) == len(person)
    assert (kin.member[kin.has_job] >= 0).all()


def _parquet_bytes(result, tmp_path, tag):
    out = write_run(result, tmp_path / tag, report=False)
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.parquet"))} | {"summary.json": (out / "summary.json").read_bytes()}


@pytest.mark.parametrize("name", ["dprk-2020-80-day-battle", "two-campaigns-ratchet"])
def test_same_scenario_and_seed_give_bit_identical_outputs(name, tmp_path):
    s = load_scenario(name)
    a = _parquet_bytes(simulate(s, seed=7), tmp_path, "a")
    b = _parquet_bytes(simulate(load_scenario(name), seed=7), tmp_path, "b")
    assert a == b
    c = _parquet_bytes(simulate(s, seed=8), tmp_path, "c")
    assert c["summary.json"] != a["summary.json"]


def test_scenario_seed_is_used_when_none_given():
    s = load_scenario("dprk-2020-80-day-battle")
    assert simulate(s).summary == simulate(s, seed=s.seed).summary


@pytest.mark.parametrize("seed", range(5))
def test_kin_depth_zero_punishes_no_relative(seed):
    s = load_scenario("no-collective-punishment", ["officials.risk_aversion_low=0", "enforcement.harshness=1"])
    result = simulate(s, seed=seed)
    summary, cases = result.summary, result.tables["cases"]
    assert summary["arrested"] > 0  # the test must be able to fail
    assert summary["relatives_investigated"] == 0
    assert summary["relatives_lost_jobs"] == 0
    assert (cases["relation_tier"] == 0).all()
    # Exiled alone: one person per exiled official.
    assert summary["exiled_persons"] == int(result.tables["case_summary"]["exiled"].sum()) > 0


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_kin_depth_reaches_exactly_its_tiers(depth):
    s = load_scenario("dprk-2020-80-day-battle", ["officials.risk_aversion_low=0", f"enforcement.kin_depth={depth}", "kin.tier3_households=4"])
    result = simulate(s, seed=0)
    cases = result.tables["cases"]
    assert result.summary["relatives_investigated"] > 0
    assert set(cases["relation_tier"]) == set(range(depth + 1))


def test_exile_takes_the_whole_own_household_at_depth_one_or_more():
    result = simulate(load_scenario("dprk-2020-80-day-battle", ["enforcement.harshness=1", "enforcement.kin_depth=1"]), seed=2)
    cases, summary = result.tables["cases"], result.tables["case_summary"]
    assert len(summary) > 0 and summary["exiled"].all()
    state = initial_state(load_scenario("dprk-2020-80-day-battle"), seed=2)
    persons = state.households.persons
    own = cases[cases["relation_tier"] <= 1]
    for case, rows in own.groupby("case"):
        household = rows["household"].iloc[0]
        assert (rows["household"] == household).all()
        assert len(rows) == persons[household]  # the official and every member of his household
        assert set(rows["punishment"]) <= {"arrested_and_exiled", "exiled"}


@pytest.mark.parametrize("seed", range(5))
def test_zero_quota_refers_nobody_for_shortfall(seed):
    # Make the shortfall alone a likely referral, so that a positive quota does refer for it.
    harsh = ["review.shortfall_weight=2", "officials.savings_median_usd=10"]
    with_quota = simulate(load_scenario("dprk-2020-80-day-battle", harsh), seed=seed).summary
    assert with_quota["referred_for_shortfall"] > 0
    zero = simulate(load_scenario("dprk-2020-80-day-battle", harsh + ["campaign.quota_usd=0"]), seed=seed)
    assert zero.summary["referred_for_shortfall"] == 0
    assert (zero.tables["officials"]["referral_reason"] != "shortfall").all()
    assert zero.summary["criticisms"] == 0  # nobody lags a zero quota


def test_trade_closed_means_no_trade_income():
    result = simulate(load_scenario("dprk-2020-80-day-battle"), seed=3)
    assert result.summary["collected_by_source"]["trade"] == 0
    opened = simulate(load_scenario("trade-open-counterfactual"), seed=3)
    assert opened.summary["collected_by_source"]["trade"] > 0


def test_outcomes_are_measured_at_the_review():
    result = simulate(load_scenario("dprk-2020-80-day-battle"), seed=4)
    s, officials, daily = result.summary, result.tables["officials"], result.tables["daily"]
    review_day = result.scenario.config.campaign.review_day
    by_review = daily[daily["campaign_day"] <= review_day]
    assert s["at_review"]["collected_usd"] == pytest.approx(by_review["collected_usd"].sum())
    assert s["collected_after_review_usd"] == pytest.approx(s["collected_usd"] - s["at_review"]["collected_usd"])
    assert s["collected_after_review_usd"] > 0
    assert s["met_quota"] == int((officials["delivered_at_review_usd"] >= officials["quota_usd"]).sum())
    assert s["met_quota_by_end"] > s["met_quota"]
    assert officials["met_quota"].sum() == s["met_quota"]
    np.testing.assert_allclose(officials["delivered_at_review_usd"] + officials["delivered_after_review_usd"], officials["delivered_usd"])


def test_values_that_do_not_exist_are_null(tmp_path):
    result = simulate(load_scenario("dprk-2020-80-day-battle"), seed=0)
    officials = result.tables["officials"]
    arrested = officials["arrested"]
    assert arrested.any() and (~arrested).any()
    assert officials.loc[~arrested, "arrest_day"].isna().all()
    assert officials.loc[arrested, "arrest_day"].notna().all()
    reviewed = officials["outcome"] != "not_reviewed"
    assert officials.loc[~reviewed, "political_score"].isna().all()
    assert officials.loc[reviewed, "political_score"].notna().all()
    referred = officials["referral_reason"].notna()
    assert (officials.loc[referred, "outcome"].isin(["referred", "not_reviewed"])).all()
    assert officials.loc[officials["outcome"] == "commended", "referral_reason"].isna().all()
    out = write_run(result, tmp_path / "run", report=False)
    schema = pq.read_schema(out / "officials.parquet")
    assert str(schema.field("arrest_day").type) == "int32"
    assert str(schema.field("outcome").type).startswith("dictionary")
    assert str(pq.read_schema(out / "cases.parquet").field("punishment").type).startswith("dictionary")
    assert str(pq.read_schema(out / "daily.parquet").field("complaints").type) == "int32"
    assert pd.read_parquet(out / "officials.parquet")["arrest_day"].isna().sum() == (~arrested).sum()


def test_fear_index_averages_over_officials_not_arrested():
    result = simulate(load_scenario("dprk-2020-80-day-battle"), seed=1)
    officials = result.tables["officials"]
    free = ~officials["arrested"]
    assert (~free).any()
    assert result.summary["fear_index_end"] == pytest.approx(officials.loc[free, "fear_end"].mean())


def test_run_level_values_are_not_repeated_across_campaigns():
    result = simulate(load_scenario("two-campaigns-ratchet", ["officials.risk_aversion_low=0"]), seed=0)
    officials = result.tables["officials"]
    first = officials[officials["campaign"] == 1].set_index("official")
    second = officials[officials["campaign"] == 2].set_index("official")
    assert (first["arrested"] & second["arrested"]).sum() == 0  # one arrest, one campaign
    assert result.summary["arrested"] == int(officials["arrested"].sum())
    assert (first["savings_end_usd"] != second["savings_end_usd"]).any()
    # Cases carry the campaign that made them, also when opened in the gap after it.
    cases = result.tables["case_summary"]
    days = result.tables["daily"].set_index("day")
    assert (cases["campaign"] == days.loc[cases["queued_day"], "campaign"].to_numpy()).all()


def test_ratchet_raises_the_second_quota_materially():
    result = simulate(load_scenario("two-campaigns-ratchet"), seed=1)
    officials = result.tables["officials"]
    first = officials[officials["campaign"] == 1].set_index("official")
    second = officials[officials["campaign"] == 2].set_index("official")
    assert (second["quota_usd"] >= first["quota_usd"]).all()
    assert second["quota_usd"].mean() > 1.1 * first["quota_usd"].mean()
    best = first.groupby("bureau")["delivered_usd"].max()
    np.testing.assert_allclose(second["quota_usd"], best[second["bureau"]].to_numpy())
    # Every official of a bureau gets the same next quota: the bureau's best set it.
    assert (second.groupby("bureau")["quota_usd"].nunique() == 1).all()
    assert result.summary["days"] == 80 + 30 + 80


def test_own_ratchet_raises_only_those_who_delivered_more():
    result = simulate(load_scenario("two-campaigns-ratchet", ['campaign.ratchet_basis="own"', "campaign.after_quota_effort=1"]), seed=1)
    officials = result.tables["officials"]
    first = officials[officials["campaign"] == 1].set_index("official")
    second = officials[officials["campaign"] == 2].set_index("official")
    over = first["delivered_usd"] > first["quota_usd"]
    assert over.any() and (~over).any()
    assert (second.loc[over, "quota_usd"] > first.loc[over, "quota_usd"]).all()
    assert (second.loc[~over, "quota_usd"] == first.loc[~over, "quota_usd"]).all()


def test_security_service_works_its_queue_between_campaigns():
    s = load_scenario("two-campaigns-ratchet", [
        "review.shortfall_weight=3", "campaign.review_day=78", "attitude.reports_to_open_case=1000",
        "enforcement.case_capacity_per_day=0.5",
    ])
    result = simulate(s, seed=0)
    daily = result.tables["daily"]
    gap = daily[daily["campaign_day"] == 0]
    assert len(gap) == 30
    assert gap["arrests"].sum() > 0
    assert (gap["campaign"] == 1).all()
    assert (result.tables["case_summary"]["campaign"] == 1).any()
    check_money(result)
