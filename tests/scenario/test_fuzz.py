"""Fuzzing the scenario boundary: whatever a user types, loading either succeeds or raises the
one-line InputError — never another exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quotasim.errors import InputError
from quotasim.scenario import load_scenario
from quotasim.scenario.reference import parameter_rows

PATHS = [r.path.replace("[]", ".0") for r in parameter_rows(load_scenario("dprk-2020-80-day-battle"))]

VALUES = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.booleans().map(lambda b: str(b).lower()),
    st.text(max_size=20),
    st.just("[1, 2]"),
    st.just("{ value = 1 }"),
    st.just("1979-05-27"),
)


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(PATHS + ["campaign.nope", "nope", "localities.7.name", "campaign.quota_usd.value"]), value=VALUES)
def test_any_set_gives_a_scenario_or_one_line_error(path, value):
    try:
        load_scenario("dprk-2020-80-day-battle", [f"{path}={value}"])
    except InputError as exc:
        assert "\n" not in str(exc)
        assert str(exc)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_any_file_content_gives_a_scenario_or_one_line_error(text, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "s.toml"
    path.write_text(text, "utf-8")
    try:
        load_scenario(str(path))
    except InputError as exc:
        assert str(path) in str(exc)
