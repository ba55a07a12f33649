"""The page's fields accept and refuse exactly what scenario files and --set do."""

from __future__ import annotations

import pytest

from quotasim.dashboard.fields import FIELDS, apply_fields, check_field, field_states, format_value, parse_text
from quotasim.errors import InputError
from quotasim.scenario import builtin_names, load_scenario
from quotasim.scenario.loader import from_tree

CAMPAIGN_BUILTINS = [n for n in builtin_names() if load_scenario(n).model == "campaign"]
BAD_OR_ODD = ["-1", "-0.5", "2", "1.5", "4", "0", "abc", "1e400", "nan", "true", '"5"', "10000001", "-9223372036854775809"]


@pytest.mark.parametrize("name", CAMPAIGN_BUILTINS)
def test_every_field_exists_with_a_usable_slider(name):
    scenario = load_scenario(name)
    for state in field_states(scenario):
        assert parse_text(state.spec.path, state.text) == state.value
        if state.slider is not None:
            lo, hi, step = state.slider
            assert lo <= state.value <= hi and 0 < step <= hi - lo


@pytest.mark.parametrize("spec", FIELDS, ids=lambda s: s.path)
@pytest.mark.parametrize("text", BAD_OR_ODD)
def test_field_and_set_flag_agree(spec, text):
    """Same value, same verdict, same message as ``--set`` on the command line."""
    scenario = load_scenario("dprk-2020-80-day-battle")
    try:
        load_scenario("dprk-2020-80-day-battle", [f"{spec.path}={text}"])
    except InputError as cli_error:
        with pytest.raises(InputError) as page_error:
            check_field(scenario, spec.path, text)
        assert page_error.value.key == cli_error.key
        assert page_error.value.message == cli_error.message
        if cli_error.key == spec.path:  # a rule across keys names the file, as on the command line
            assert str(page_error.value).startswith(f"field: key '{spec.path}'")
    else:
        assert check_field(scenario, spec.path, text) == pytest.approx(
            load_scenario("dprk-2020-80-day-battle", [f"{spec.path}={text}"]).value(spec.path)
        )


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_field_is_refused(text):
    with pytest.raises(InputError, match="a value is required"):
        check_field(load_scenario("dprk-2020-80-day-battle"), "campaign.quota_usd", text)


def test_cross_field_rule_is_reported():
    """officials.count below officials.bureaus breaks a rule of the scenario as a whole."""
    with pytest.raises(InputError, match="must not exceed officials.count"):
        check_field(load_scenario("dprk-2020-80-day-battle"), "officials.count", "3")


def test_applied_fields_survive_a_toml_round_trip(tmp_path):
    scenario = load_scenario("dprk-2020-80-day-battle")
    texts = {s.path: format_value(scenario.value(s.path)) for s in FIELDS}
    texts.update({"campaign.quota_usd": "1500", "enforcement.kin_depth": "0", "campaign.trade_open": True, "seed": "7"})
    changed = apply_fields(scenario, texts)
    assert changed.value("campaign.quota_usd") == 1500 and changed.config.campaign.quota_usd == 1500.0
    assert changed.seed == 7 and changed.config.campaign.trade_open is True
    assert changed.params["campaign.quota_usd"].source == scenario.params["campaign.quota_usd"].source
    path = tmp_path / "s.toml"
    path.write_text(changed.to_toml(), "utf-8")
    assert load_scenario(str(path)).config == changed.config


def test_apply_fields_names_the_first_bad_field():
    scenario = load_scenario("dprk-2020-80-day-battle")
    with pytest.raises(InputError) as exc:
        apply_fields(scenario, {"campaign.quota_usd": "-3", "seed": "x"})
    assert exc.value.key == "campaign.quota_usd"
    assert from_tree(scenario.tree).config == scenario.config  # the scenario itself is untouched


ALL_BUILTINS = builtin_names()


@pytest.mark.parametrize("name", ALL_BUILTINS)
def test_every_parameter_of_every_builtin_can_be_reached(name):
    """The main fields and the groups together hold every schema key (list items one by one),
    each with the scenario's source and range, and the reason where it cannot act."""
    from quotasim.dashboard.fields import NOT_PARAMETERS, editable_paths, effective_value, main_fields, parameter_groups
    from quotasim.scenario import inert_parameters
    from quotasim.scenario.reference import parameter_rows

    scenario = load_scenario(name)
    reachable = editable_paths(scenario)
    for row in parameter_rows(scenario):
        if row.path in NOT_PARAMETERS or row.path == "snapshot_steps":
            continue
        if "[]" in row.path:
            head, tail = row.path.split("[].", 1)
            paths = [f"{head}.{i}.{tail}" for i in range(len(effective_value(scenario, head, [])))]
        else:
            paths = [row.path]
        assert set(paths) <= reachable, (row.path, set(paths) - reachable)
    groups = parameter_groups(scenario)
    shown = [s for _section, states in groups for s in states]
    assert len(shown) == len({s.spec.path for s in shown})  # each once
    assert not {s.spec.path for s in shown} & {f.path for f in main_fields(scenario)}
    for state in shown:
        meta = scenario.params.get(state.spec.path)
        assert state.source == (meta.source if meta else None)
        assert state.range == (meta.range if meta else None)
    inert = inert_parameters(scenario)
    assert {s.spec.path for s in shown if s.inert} == set(inert) - {f.path for f in main_fields(scenario)}


@pytest.mark.parametrize("path", ["deterrence.decay_per_day", "localities.1.holdings_median_usd", "campaign.ratchet_basis",
                                  "campaign.start_date", "enforcement.case_capacity_per_day", "kin.tier3_households"])
@pytest.mark.parametrize("text", ["-1", "0.02", "2", "abc", "own", "2021-01-05", "true"])
def test_group_fields_and_set_flag_agree(path, text):
    scenario = load_scenario("dprk-2020-80-day-battle")
    try:
        expected = load_scenario("dprk-2020-80-day-battle", [f"{path}={text}"])
    except InputError as cli_error:
        with pytest.raises(InputError) as page_error:
            check_field(scenario, path, text)
        assert (page_error.value.key, page_error.value.message) == (cli_error.key, cli_error.message)
    else:
        from quotasim.dashboard.fields import effective_value

        assert check_field(scenario, path, text) == effective_value(expected, path)


def test_a_group_value_is_applied_and_unchanged_fields_are_left_alone():
    from quotasim.dashboard.fields import changed_settings, editable_paths, effective_value

    scenario = load_scenario("dprk-2020-80-day-battle")
    texts = {p: format_value(effective_value(scenario, p, None)) for p in editable_paths(scenario)}
    assert apply_fields(scenario, texts) is scenario  # nothing changed, nothing re-validated
    texts["deterrence.decay_per_day"] = "0.045"
    texts["enforcement.case_capacity_per_day"] = ""  # absent, and left absent
    changed = apply_fields(scenario, texts)
    assert changed.config.deterrence.decay_per_day == 0.045
    assert changed.config.enforcement.case_capacity_per_day is None
    assert changed_settings(changed, scenario) == {"deterrence.decay_per_day": 0.045}


def test_the_civil_violence_page_has_its_own_main_fields():
    from quotasim.dashboard.fields import CIVIL_VIOLENCE_FIELDS

    scenario = load_scenario("epstein-run-2")
    states = field_states(scenario)
    assert [s.spec.path for s in states] == [f.path for f in CIVIL_VIOLENCE_FIELDS]
    legitimacy = states[0]
    assert legitimacy.value == 0.82 and "Table 2" in legitimacy.source and legitimacy.slider[:2] == (0.5, 1.0)
    changed = apply_fields(scenario, {"legitimacy": "0.7", "steps": "50", "max_jail_term": "infinite"})
    assert changed.config.legitimacy == 0.7 and changed.config.steps == 50 and changed.config.max_jail_term == "infinite"
