"""Every output of a run against what it is declared to be (docs/outputs.md): each summary key
recomputed from the tables and the run's final state, each table column from the ledgers and the
daily record, on a small run of two campaigns in which every mechanism acts."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from quotasim import load_scenario, simulate
from quotasim.campaign.engine import initial_state
from quotasim.campaign.phases import PHASES, Today
from quotasim.campaign.summary import build_summary
from quotasim.campaign.outputs import CASE_SUMMARY, CASES, DAILY, OFFICIALS, SOURCES, SUMMARY
from quotasim.result import summary_items

RUN = [
    "officials.count=60", "officials.bureaus=4", "campaign.duration_days=30", "campaign.review_day=20",
    "campaign.count=2", "campaign.gap_days=4", "campaign.ratchet=0.5", "campaign.quota_usd=300",
    "enforcement.case_capacity_per_day=0.3", "attitude.reports_to_open_case=2", "review.shortfall_weight=1.2",
    "officials.risk_aversion_low=0", "officials.hardship_max=0.6", "patronage.placement_rate=0.05",
    "campaign.by_any_means=0.6", "campaign.trade_open=true", "trade.usd_per_day=2", "enforcement.kin_depth=3",
    *[f"localities.{i}.households={n}" for i, n in enumerate((600, 300, 300, 200, 200))],
]
SEED = 4


@pytest.fixture  # per test, not per module: mutmut links a function only to the tests that call it
def run():
    scenario = load_scenario("dprk-2020-80-day-battle", RUN)
    result = simulate(scenario, seed=SEED)
    start = initial_state(scenario, SEED)
    return result, start, dict(summary_items(result.summary))


def gini(x):
    x = np.asarray(x, dtype=float)
    return 0.0 if x.sum() == 0 else np.abs(x[:, None] - x[None, :]).mean() / (2 * x.mean())


def test_every_summary_value_has_its_declared_type(run):
    result, _, flat = run
    declared = {k.path: k for k in SUMMARY if not k.path.startswith("provenance.")}
    mine = {p: v for p, v in flat.items() if not p.startswith("provenance.")}  # simulate adds provenance
    assert set(mine) == set(declared)
    for path, value in mine.items():
        key = declared[path]
        if value is None:
            assert key.nullable, path
        else:
            assert type(value) is key.type, (path, type(value))


def test_the_summary_agrees_with_the_tables(run):
    result, start, s = run
    config = result.scenario.config
    off, daily, cases, people = (result.tables[t] for t in ("officials", "daily", "case_summary", "cases"))
    hh_start = start.households.holdings_start
    taken = result.extra["household_taken"]
    holdings_end = result.extra["household_holdings"]
    review_day = config.campaign.review_day
    by_review = (daily["campaign_day"] > 0) & (daily["campaign_day"] <= review_day)
    after = (daily["campaign_day"] > review_day)
    last = off[off["campaign"] == off["campaign"].max()]
    # The run must reach every mechanism, so that the comparisons below can fail.
    assert len(cases) > 3 and s["referred"] > 0 and s["referred_by_informants"] > 0 and s["paid_from_savings"] > 0
    assert s["relatives_lost_jobs"] > 0 and s["exiled_persons"] > 0 and s["criticisms"] > 0 and s["commended"] > 0
    assert s["collected_by_source.trade"] > 0 and s["awaiting_arrest"] > 0

    expected = {
        "model": "campaign", "scenario": result.scenario.name, "seed": SEED, "campaigns": 2, "days": 30 + 4 + 30,
        "officials": 60, "households": len(hh_start), "persons": int(start.households.persons.sum()),
        "quota_usd_total": off["quota_usd"].sum(),
        "collected_usd": off["delivered_usd"].sum(),
        **{f"collected_by_source.{src}": off[f"from_{src}"].sum() for src in SOURCES},
        "collected_after_review_usd": off["delivered_after_review_usd"].sum(),
        "met_quota": (off["delivered_at_review_usd"] >= off["quota_usd"]).sum(),
        "met_quota_by_end": (off["delivered_usd"] >= off["quota_usd"]).sum(),
        "delivered_something": (off["delivered_usd"] > 0).sum(),
        "paid_from_savings": (off["from_own_savings"] > 0).sum(),
        "shirked": (off["shirk_days"] > 0).sum(),
        "complained": (off["complaint_days"] > 0).sum(),
        "complaint_days": off["complaint_days"].sum(),
        "criticised_in_sessions": (off["criticisms"] > 0).sum(),
        "criticisms": off["criticisms"].sum(),
        "commended": (off["outcome"] == "commended").sum(),
        "criticised": (off["outcome"] == "criticised").sum(),
        "referred": (off["outcome"] == "referred").sum(),
        **{f"referred_for_{r}": ((off["outcome"] == "referred") & (off["referral_reason"] == r)).sum() for r in ("attitude", "shortfall", "sessions", "suspicion")},
        "referred_by_informants": daily["referred_by_informants"].sum(),
        "arrested": len(cases),
        "awaiting_arrest": daily["backlog"].iloc[-1],
        "relatives_investigated": cases["relatives_investigated"].sum(),
        "relatives_lost_jobs": cases["relatives_lost_jobs"].sum(),
        "exiled_persons": cases["exiled_persons"].sum(),
        "case_capacity_per_day": 0.3,
        "case_wait_days_mean": cases["wait_days"].mean(),
        "case_wait_days_max": cases["wait_days"].max(),
        "backlog_max": daily["backlog"].max(),
        "backlog_days": (daily["backlog"] > 0).sum(),
        "households_pressed": (taken > 0).sum(),
        "households_squeezed": (taken > 0.1 * hh_start).sum(),
        "households_lost_half": (taken > 0.5 * hh_start).sum(),
        "persons_lost_half": start.households.persons[taken > 0.5 * hh_start].sum(),
        "household_usd_taken": taken.sum(),
        "household_holdings_share_taken": taken.sum() / hh_start.sum(),
        "holdings_gini_start": gini(hh_start),
        "holdings_gini_end": gini(holdings_end),
        "household_holdings_start_usd": hh_start.sum(),
        "household_holdings_end_usd": holdings_end.sum(),
        "household_seized_usd": cases["household_seized_usd"].sum(),
        "officials_savings_start_usd": start.officials.savings.sum(),
        "officials_savings_end_usd": result.extra["official_savings"].sum(),
        "savings_seized_usd": cases["savings_seized_usd"].sum(),
        "seized_usd": cases["savings_seized_usd"].sum() + cases["household_seized_usd"].sum(),
        "fear_index_end": last.loc[~last["arrested"] & ~off.groupby("official")["arrested"].transform("any")[last.index], "fear_end"].mean(),
        "at_review.collected_usd": off["delivered_at_review_usd"].sum(),
        "at_review.met_quota": off["met_quota"].sum(),
        "at_review.delivered_something": (off["delivered_at_review_usd"] > 0).sum(),
        "at_review.referred_by_informants": daily.loc[by_review, "referred_by_informants"].sum(),
        "at_review.arrested": daily.loc[by_review, "arrests"].sum(),
        "at_review.relatives_investigated": daily.loc[by_review, "relatives_investigated"].sum(),
        "at_review.exiled_persons": daily.loc[by_review, "exiled_persons"].sum(),
        "at_review.seized_usd": daily.loc[by_review, "seized_usd"].sum(),
        "at_review.household_usd_taken": daily.loc[by_review, "household_usd_taken"].sum(),
        "at_review.awaiting_arrest": daily.loc[daily["campaign_day"] == review_day, "backlog"].iloc[-1],
        "at_review.fear_index": daily.loc[daily["campaign_day"] == review_day, "fear_index"].iloc[-1],
        "at_review.referral_probability_mean": off["referral_probability"].mean(),
    }
    assert s["collected_after_review_usd"] == pytest.approx(daily.loc[after, "collected_usd"].sum())
    assert sum(s[f"household_usd_taken_by_decile.d{k}"] for k in range(1, 11)) == pytest.approx(s["household_usd_taken"])
    poorest = hh_start <= np.quantile(hh_start, 0.05)
    assert s["household_usd_taken_by_decile.d1"] >= taken[poorest].sum() - 1e-9
    for key, value in expected.items():
        assert s[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
    assert s["at_review.collected_usd"] == pytest.approx(sum(s[f"at_review.collected_by_source.{src}"] for src in SOURCES))
    # Wages are paid before the day's arrests: to those free at the end of the day before.
    free_at_dawn = 60 + daily["officials_free"].iloc[:-1].sum()
    assert s["household_job_income_usd"] > 0
    assert s["officials_wages_usd"] == pytest.approx(config.officials.wage_usd_per_month * 12 / 365 * free_at_dawn)
    assert s["relatives_jobs_end"] >= 0 and s["indignation_reported"] >= s["at_review.indignation_reported"] > 0


@pytest.fixture  # per test, not per module: mutmut links a function only to the tests that call it
def ended():
    """The same run's state at its end, stepped here day by day as the engine does."""
    state = initial_state(load_scenario("dprk-2020-80-day-battle", RUN), SEED)
    for day in state.record.days:
        today = Today()
        for phase in PHASES:
            phase(state, day, today)
    return state


def test_at_review_counts_come_from_the_review_snapshot(run, ended):
    result, _, s = run
    off = result.tables["officials"]
    state, ledgers = ended, ended.ledgers
    assert build_summary(state, state.record, scenario_name=result.scenario.name, seed=SEED) == {
        k: v for k, v in result.summary.items() if k != "provenance"
    }
    snap = [lg.at_review for lg in ledgers]
    for key, column in (("paid_from_savings", "from_own_savings"), ("shirked", "shirk_days"), ("complained", "complaint_days"),
                        ("indignation_reported", "indignant"), ("criticised_in_sessions", "criticisms")):
        assert s[f"at_review.{key}"] == sum(int((a[column] > 0).sum()) for a in snap), key
    assert s["at_review.complaint_days"] == sum(int(a["complaint_days"].sum()) for a in snap)
    for src in SOURCES:
        assert s[f"at_review.collected_by_source.{src}"] == pytest.approx(sum(a[f"from_{src}"].sum() for a in snap))
    assert s["at_review.officials_savings_usd"] == pytest.approx(snap[-1]["savings"].sum())
    assert s["at_review.households_squeezed"] == int((state.record.taken_at_review > 0.1 * state.households.holdings_start).sum())
    assert s["indignation_reported"] == sum(int(lg.indignant.sum()) for lg in ledgers)
    assert s["relatives_jobs_end"] == int((state.kin.has_job & ~state.households.exiled[state.kin.household]).sum()) > 0
    assert s["household_job_income_usd"] == pytest.approx(state.record.job_income)
    start, taken = state.households.holdings_start, state.record.taken
    cuts = np.sort(start)[(np.arange(1, 10) * len(start)) // 10]
    tenth = (start[:, None] >= cuts[None, :]).sum(axis=1)
    for d in range(10):
        assert s[f"household_usd_taken_by_decile.d{d + 1}"] == pytest.approx(taken[tenth == d].sum(), abs=1e-9), d
    # What stood at the review: the officials table's at-review columns and the counts agree.
    assert s["at_review.indignation_reported"] == off["indignation_reported"].sum()
    assert s["at_review.met_quota"] == s["met_quota"]
    for key in ("shirked", "complained", "criticised_in_sessions", "paid_from_savings", "complaint_days", "households_squeezed"):
        assert 0 <= s[f"at_review.{key}"] <= s[key], key
    assert s["at_review.collected_usd"] < s["collected_usd"]
    assert s["at_review.officials_savings_usd"] != s["officials_savings_end_usd"]


def check_declared_types(frames):
    for table, frame in frames:
        assert tuple(frame.columns) == table.names
        for column in table.columns:
            dtype = frame[column.name].dtype
            if column.type == "dictionary":
                assert isinstance(dtype, pd.CategoricalDtype), (table.name, column.name)
            elif column.type == "date32":
                assert all(type(v) is dt.date for v in frame[column.name]), column.name
            else:
                want = column.type.capitalize() if column.nullable and column.type.startswith("int") else column.type
                assert str(dtype) == want, (table.name, column.name, dtype)


def test_a_run_without_a_case_or_a_quota_keeps_every_declared_type():
    result = simulate(load_scenario("dprk-2020-80-day-battle", [
        "officials.count=20", "campaign.duration_days=10", "campaign.review_day=5", "campaign.quota_usd=0",
        "enforcement.case_capacity_per_day=0", "attitude.informant_coverage=0", "review.visibility_weight=0",
        # Nothing delivered either: no effort once the (zero) quota is met, no relative in a job.
        "campaign.after_quota_effort=0", "patronage.initial_job_share=0", "patronage.placement_rate=0",
    ]), seed=1)
    tables = {t: result.tables[t] for t in ("daily", "officials", "case_summary", "cases")}
    assert len(tables["cases"]) == len(tables["case_summary"]) == 0
    check_declared_types(((DAILY, tables["daily"]), (OFFICIALS, tables["officials"]), (CASE_SUMMARY, tables["case_summary"]), (CASES, tables["cases"])))
    # A zero quota is met by everyone, at the review and at the end, with nothing delivered.
    assert (tables["officials"]["delivered_usd"] == 0).all()
    assert tables["officials"]["met_quota"].all() and tables["officials"]["met_quota_by_end"].all()
    assert result.summary["met_quota"] == result.summary["met_quota_by_end"] == 20
    assert result.summary["case_wait_days_mean"] is None and result.summary["case_wait_days_max"] is None
    # Nothing to refer either (no shortfall, no report, no visibility): nobody ever waits.
    assert result.summary["referred"] == 0 and result.summary["backlog_max"] == result.summary["backlog_days"] == 0


def test_the_tables_agree_with_the_run(run):
    result, start, s = run
    config = result.scenario.config
    daily, off, cases, people = (result.tables[t] for t in ("daily", "officials", "case_summary", "cases"))
    check_declared_types(((DAILY, daily), (OFFICIALS, off), (CASE_SUMMARY, cases), (CASES, people)))
    # Daily: the calendar, and the cumulative sum.
    assert daily["day"].tolist() == list(range(1, 65))
    assert daily["date"].iloc[0] == config.campaign.start_date and daily["date"].iloc[-1] == config.campaign.start_date + dt.timedelta(days=63)
    assert daily["campaign"].tolist() == [1] * 34 + [2] * 30
    assert daily["campaign_day"].tolist() == list(range(1, 31)) + [0] * 4 + list(range(1, 31))
    np.testing.assert_allclose(daily["collected_usd_cumulative"], np.cumsum(daily["collected_usd"]))
    # Effort is null exactly between campaigns; each day's shirkers add up to the officials' shirk days.
    assert daily["effort_mean"].isna().tolist() == (daily["campaign_day"] == 0).tolist()
    for number in (1, 2):
        assert daily.loc[daily["campaign"] == number, "shirking"].sum() == off.loc[off["campaign"] == number, "shirk_days"].sum()
    assert daily["shirking"].sum() > 0
    assert daily["collected_usd"].sum() == pytest.approx(s["collected_usd"])
    for column in ("day", "campaign", "campaign_day", "complaints", "arrests", "backlog"):
        assert str(daily[column].dtype) == {c.name: c.type for c in DAILY.columns}[column], column
    # Officials: one row per official and campaign; traits repeat, accounts do not.
    assert len(off) == 120 and off["official"].tolist() == list(range(60)) * 2
    for frame in (daily, off, cases, people):
        assert frame.index.equals(pd.RangeIndex(len(frame)))  # no index column in the Parquet files
    assert off["campaign"].tolist() == [1] * 60 + [2] * 60
    first, second = off[off["campaign"] == 1].reset_index(drop=True), off[off["campaign"] == 2].reset_index(drop=True)
    np.testing.assert_array_equal(first["bureau"], start.officials.bureau)
    np.testing.assert_array_equal(first["loyalty"], second["loyalty"])
    np.testing.assert_array_equal(first["risk_aversion"], start.officials.risk_aversion)
    np.testing.assert_array_equal(first["loyalty"], start.officials.loyalty)
    names = result.scenario.config.localities
    assert first["home_locality"].tolist() == [names[i].name for i in start.officials.home_locality]
    assert first["locality"].tolist() == [names[i].name for i in start.officials.locality]
    np.testing.assert_allclose(first["savings_start_usd"], start.officials.savings)
    assert (first["quota_usd"] == 300).all() and (second["quota_usd"] >= 300).all() and (second["quota_usd"] > 300).any()
    np.testing.assert_allclose(off["delivered_at_review_usd"] + off["delivered_after_review_usd"], off["delivered_usd"])
    np.testing.assert_allclose(sum(off[f"from_{src}"] for src in SOURCES), off["delivered_usd"])
    assert (off["met_quota"] == (off["delivered_at_review_usd"] >= off["quota_usd"])).all()
    assert (off["met_quota_by_end"] == (off["delivered_usd"] >= off["quota_usd"])).all()
    assert (off["reports"] <= off["complaint_days"]).all()
    for column in ("shirk_days", "complaint_days", "reports", "criticisms"):
        assert str(off[column].dtype) == "int16", column
    # Outcomes: those reviewed have a score; the referred have a reason; the others none.
    reviewed = off["outcome"] != "not_reviewed"
    assert set(off["outcome"]) <= {"commended", "criticised", "referred", "not_reviewed"}
    assert off.loc[reviewed, "political_score"].notna().all() and off.loc[~reviewed, "political_score"].isna().all()
    assert off.loc[reviewed, "visibility"].notna().all() and off.loc[~reviewed, "visibility"].isna().all()
    assert (off.loc[off["outcome"] == "commended", "met_quota"]).all()
    assert off.loc[off["outcome"] == "referred", "referral_reason"].notna().all()
    assert off.loc[off["outcome"].isin(["commended", "criticised"]), "referral_reason"].isna().all()
    # Arrests: each case once, in the campaign it belongs to, with its day, wait and exile.
    arrested = off[off["arrested"]]
    assert len(arrested) == len(cases) == s["arrested"]
    merged = arrested.merge(cases, on=["official", "campaign"], suffixes=("", "_case"))
    assert len(merged) == len(cases)
    assert (merged["arrest_day"].astype(int) == merged["day"]).all()
    assert (merged["case_wait_days"].astype(int) == merged["wait_days"]).all()
    assert (merged["exiled"] == merged["exiled_case"]).all()
    informants = merged["reason"] == "informants"
    assert informants.any()
    assert (merged.loc[informants, "referral_reason"] == "informants").all()
    assert (merged.loc[~informants, "referral_reason"].astype(str) == merged.loc[~informants, "reason"].astype(str)).all()
    assert off.loc[~off["arrested"], "arrest_day"].isna().all() and off.loc[~off["arrested"], "case_wait_days"].isna().all()
    assert (~off.loc[~off["arrested"], "exiled"]).all()
    # Case summary: in order of arrest, waits from the queue.
    assert cases["case"].tolist() == list(range(len(cases)))
    assert (np.diff(cases["day"]) >= 0).all()
    np.testing.assert_array_equal(cases["wait_days"], cases["day"] - cases["queued_day"])
    assert set(cases["reason"]) <= {"informants", "attitude", "shortfall", "sessions", "suspicion"}
    assert (cases["severity"] >= 1).all() and (cases.loc[cases["exiled"], "severity"] > 1).all()
    # Cases, one row per punished person: the official's row, then his relatives'.
    officials_rows = people[people["relation_tier"] == 0]
    np.testing.assert_array_equal(officials_rows["case"], cases["case"])
    np.testing.assert_array_equal(officials_rows["official"], cases["official"])
    np.testing.assert_array_equal(officials_rows["household"], start.officials.household[cases["official"]])
    np.testing.assert_array_equal(officials_rows["person"], officials_rows["household"] * 32)
    assert (officials_rows["punishment"] == np.where(cases["exiled"], "arrested_and_exiled", "arrested")).all()
    per_case = people.merge(cases[["case", "official", "campaign", "day"]], on="case", suffixes=("", "_case"))
    for column in ("official", "campaign", "day"):
        assert (per_case[column] == per_case[f"{column}_case"]).all(), column
    assert (people["person"] // 32 == people["household"]).all()
    assert set(people["relation_tier"]) == {0, 1, 2, 3}
    relatives = people[people["relation_tier"] > 0]
    assert relatives.loc[relatives["punishment"] == "investigated", "person"].nunique() <= s["relatives_investigated"]
    exiled = people["punishment"].isin(["exiled", "arrested_and_exiled"]).sum()
    assert exiled == s["exiled_persons"]
    assert (people["punishment"] == "lost_job").sum() <= s["relatives_lost_jobs"]
    assert isinstance(people["punishment"].dtype, pd.CategoricalDtype)


def test_a_table_or_summary_that_drifts_from_its_declaration_is_refused_by_name():
    from quotasim.campaign import tables

    columns = {name: [] for name in DAILY.names[:-1]} | {"extra": []}
    with pytest.raises(RuntimeError, match=r"daily columns differ from their declaration: \['extra', 'officials_free'\]"):
        tables._frame(DAILY, columns)


def test_when_every_official_is_arrested_the_fear_index_is_null():
    scenario = load_scenario("dprk-2020-80-day-battle", [
        "officials.count=4", "officials.bureaus=2", "campaign.duration_days=12", "campaign.review_day=6",
        "campaign.quota_usd=100000", "review.shortfall_weight=10", "enforcement.case_capacity_per_day=10",
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no mean of an empty slice once nobody is left
        result = simulate(scenario, seed=2)
    s, daily = result.summary, result.tables["daily"]
    assert s["arrested"] == 4
    # Referred at the review and arrested the same day: a wait of zero days is a wait.
    assert (result.tables["case_summary"]["wait_days"] == 0).all()
    assert s["case_wait_days_mean"] == 0.0 and s["case_wait_days_max"] == 0
    assert s["fear_index_end"] is None and s["at_review"]["fear_index"] is None
    assert daily.loc[daily["campaign_day"] > 6, "fear_index"].isna().all()
    assert daily.loc[daily["campaign_day"] < 6, "fear_index"].notna().all()


def test_at_review_counts_stop_at_the_review():
    """With an early review most of what officials do comes after it: each at-review count is
    the review snapshot's, and smaller than the count to the end."""
    # A burden weight above the calibrated default: informants still refer officials after the review.
    scenario = load_scenario("dprk-2020-80-day-battle", RUN + ["campaign.review_day=4", "topup.window_days=2", "attitude.burden_weight=0.25"])
    s = dict(summary_items(simulate(scenario, seed=SEED).summary))
    state = initial_state(scenario, SEED)
    for day in state.record.days:
        today = Today()
        for phase in PHASES:
            phase(state, day, today)
    snap = [lg.at_review for lg in state.ledgers]
    for key, column in (("delivered_something", "delivered"), ("complained", "complaint_days"),
                        ("indignation_reported", "indignant"), ("criticised_in_sessions", "criticisms")):
        assert s[f"at_review.{key}"] == sum(int((a[column] > 0).sum()) for a in snap) < s[key], key
    daily = state.record.daily
    by_review = np.array([d.by_review for d in state.record.days])
    assert s["at_review.referred_by_informants"] == daily["referred_by_informants"][by_review].sum() < s["referred_by_informants"]


@pytest.mark.parametrize("weights, reason", [
    (["review.shortfall_weight=0", "review.criticism_weight=4", "review.visibility_weight=0"], "sessions"),
    (["review.shortfall_weight=0", "review.criticism_weight=0", "review.visibility_weight=6"], "suspicion"),
])
def test_referrals_are_counted_by_their_reason(weights, reason):
    result = simulate(load_scenario("dprk-2020-80-day-battle", RUN + weights + ["review.attitude_weight=0"]), seed=SEED)
    off, s = result.tables["officials"], result.summary
    referred = off["outcome"] == "referred"
    for name in ("attitude", "shortfall", "sessions", "suspicion"):
        assert s[f"referred_for_{name}"] == int((referred & (off["referral_reason"] == name)).sum()), name
    assert s[f"referred_for_{reason}"] > 0


def test_a_payment_under_a_dollar_is_a_payment():
    result = simulate(load_scenario("dprk-2020-80-day-battle", RUN + ["topup.propensity=0.001"]), seed=SEED)
    paid = result.tables["officials"]["from_own_savings"]
    assert ((paid > 0) & (paid < 1)).any()
    assert result.summary["paid_from_savings"] == int((paid > 0).sum())


@pytest.mark.parametrize("median", [0.0, 1e-6])
def test_the_share_of_holdings_taken_when_households_hold_next_to_nothing(median):
    result = simulate(load_scenario("dprk-2020-80-day-battle", RUN + [f"localities.{i}.holdings_median_usd={median}" for i in range(5)]), seed=SEED)
    s = result.summary
    start = s["household_holdings_start_usd"]
    assert start == 0.0 if median == 0 else 0 < start < 1
    assert s["household_holdings_share_taken"] == (s["household_usd_taken"] / start if start else 0.0)
    assert median == 0 or s["household_usd_taken"] > 0


def test_a_summary_that_drifts_from_its_declaration_is_refused_by_name(monkeypatch, ended):
    from quotasim.campaign import summary
    from quotasim.campaign.outputs import Key

    monkeypatch.setattr(summary, "SUMMARY", (*SUMMARY, Key("not_computed", int, "", "")))
    with pytest.raises(RuntimeError, match=r"summary keys differ from their declaration: \['not_computed'\]"):
        summary.build_summary(ended, ended.record, scenario_name="x", seed=SEED)


def test_when_everyone_is_arrested_before_the_review_nobody_is_reviewed():
    result = simulate(load_scenario("dprk-2020-80-day-battle", [
        "officials.count=4", "officials.bureaus=2", "campaign.duration_days=8", "campaign.review_day=4", "attitude.threshold=-1",
        "attitude.penalty_weight=0", "attitude.informant_coverage=1", "attitude.reports_to_open_case=1",
        "enforcement.case_capacity_per_day=10",
    ]), seed=0)
    s = result.summary
    assert s["at_review"]["arrested"] == s["referred_by_informants"] == 4
    assert (result.tables["officials"]["outcome"] == "not_reviewed").all()
    assert s["at_review"]["referral_probability_mean"] is None
