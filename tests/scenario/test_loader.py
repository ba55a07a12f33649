"""Scenario loading: built-ins, extends, --set, parameter metadata, round trips."""

from __future__ import annotations

import pytest

from quotasim.errors import InputError
from quotasim.scenario import builtin_names, load_scenario, parse_set

REQUIRED_KEYS = [
    "seed", "campaign.quota_usd", "campaign.duration_days", "campaign.review_day",
    "campaign.by_any_means", "campaign.trade_open", "officials.count", "enforcement.kin_depth",
]


def test_campaign_builtins_exist():
    assert {"dprk-2020-80-day-battle", "trade-open-counterfactual", "no-collective-punishment", "two-campaigns-ratchet"} <= set(builtin_names())


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_loads_and_round_trips(name, tmp_path):
    s = load_scenario(name)
    path = tmp_path / "s.toml"
    path.write_text(s.to_toml())
    again = load_scenario(str(path))
    assert again.config == s.config
    assert again.params == s.params


def test_required_keys_exist_with_their_names():
    s = load_scenario("dprk-2020-80-day-battle")
    for key in REQUIRED_KEYS:
        s.value(key)


def test_default_figures_follow_the_report():
    c = load_scenario("dprk-2020-80-day-battle").config
    assert c.campaign.start_date.isoformat() == "2020-10-12"
    assert c.campaign.duration_days == 80
    assert not c.campaign.trade_open
    review = c.campaign.start_date.toordinal() + c.campaign.review_day - 1
    import datetime as dt
    assert dt.date.fromordinal(review).month == 12 and dt.date.fromordinal(review).day <= 10  # early December
    kinds = {loc.kind for loc in c.localities}
    assert {"plains", "fishing_base"} <= kinds


def test_every_ranged_parameter_has_a_source():
    s = load_scenario("dprk-2020-80-day-battle")
    assert len(s.ranges()) >= 10
    for path, meta in s.params.items():
        assert meta.source, path
        if meta.range:
            lo, hi = meta.range
            assert lo <= s.value(path) <= hi, path


def test_extends_overrides_only_what_it_names(tmp_path):
    child = tmp_path / "child.toml"
    child.write_text('extends = "dprk-2020-80-day-battle"\nname = "child"\n[campaign]\nquota_usd = 2500.0\n')
    s = load_scenario(str(child))
    base = load_scenario("dprk-2020-80-day-battle")
    assert s.config.campaign.quota_usd == 2500.0
    assert s.params["campaign.quota_usd"].range == base.params["campaign.quota_usd"].range
    assert s.config.campaign.review_day == base.config.campaign.review_day
    assert s.config.localities == base.config.localities


def test_extends_relative_path_and_chain(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "dprk-2020-80-day-battle"\nname = "a"\n[enforcement]\nkin_depth = 3\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.toml").write_text('extends = "../a.toml"\nname = "b"\n[campaign]\nby_any_means = 0.5\n')
    s = load_scenario(str(tmp_path / "sub" / "b.toml"))
    assert s.config.enforcement.kin_depth == 3 and s.config.campaign.by_any_means == 0.5 and s.name == "b"


def test_extends_cycle_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(InputError, match="cycle"):
        load_scenario(str(tmp_path / "a.toml"))


def test_set_overrides_keep_metadata():
    s = load_scenario("dprk-2020-80-day-battle", ["campaign.quota_usd=3000", "localities.1.households=100", "campaign.trade_open=true"])
    assert s.config.campaign.quota_usd == 3000.0
    assert s.config.localities[1].households == 100
    assert s.config.campaign.trade_open is True
    assert s.params["campaign.quota_usd"].range == (500.0, 5000.0)


def test_with_values_validates():
    s = load_scenario("dprk-2020-80-day-battle")
    assert s.with_values({"campaign.quota_usd": 10.0}).config.campaign.quota_usd == 10.0
    with pytest.raises(InputError, match="campaign.by_any_means"):
        s.with_values({"campaign.by_any_means": 2.0})


@pytest.mark.parametrize("text,expected", [("a.b=1", ("a.b", 1)), ("a=true", ("a", True)), ("a=x y", ("a", "x y")), ("a=[1,2]", ("a", [1, 2]))])
def test_parse_set(text, expected):
    assert parse_set(text) == expected
