"""Side-by-side plots of a pinned run and the next share their y ranges, so heights compare."""

from __future__ import annotations

import pytest

from quotasim.dashboard.figures import CV_PLOTS, PLOTS, build_figures, shared_y, snapshot_steps, y_extent
from quotasim.outputs.plotly_dict import typed
from quotasim.scenario import load_scenario
from quotasim.simulate import simulate


def stacked(values_a, values_b):
    return {"data": [{"type": "scatter", "x": [0, 1, 2], "y": values_a, "stackgroup": "s"},
                     {"type": "scatter", "x": [0, 1, 2], "y": typed(values_b), "stackgroup": "s"}],
            "layout": {}}


def test_extent_sums_stacked_traces_and_bars_and_skips_gaps():
    assert y_extent(stacked([1, 2, 3], [10, 20, 30])) == (11.0, 33.0)
    bars = {"data": [{"type": "bar", "x": ["a"], "y": [4]}, {"type": "bar", "x": ["a"], "y": [5]}], "layout": {"barmode": "stack"}}
    assert y_extent(bars) == (9.0, 9.0)
    lines = {"data": [{"type": "scatter", "x": [0, 1, None], "y": [-2, 7, None]}]}
    assert y_extent(lines) == (-2.0, 7.0)
    assert y_extent({"data": []}) is None
    assert y_extent(stacked([1, 2, 3], [1, 1, 1]), "y2") is None


def test_shared_range_covers_both_and_leaves_the_originals_alone():
    small, large = stacked([1, 2, 3], [1, 1, 1]), stacked([5, 50, 100], [0, 0, 0])
    a, b = shared_y(small, large)
    assert tuple(a["layout"]["yaxis"]["range"]) == tuple(b["layout"]["yaxis"]["range"]) == pytest.approx((0.0, 105.0))
    assert "yaxis" not in small["layout"] and "yaxis" not in large["layout"]


def test_fixed_or_hidden_axes_are_left_alone_and_count_axes_keep_whole_ticks():
    fixed = {**stacked([1, 2, 3], [0, 0, 0]), "layout": {"yaxis": {"range": [0, 1]}}}
    other = {**stacked([0.2, 0.3, 0.1], [0, 0, 0]), "layout": {"yaxis": {"range": [0, 1]}}}
    a, b = shared_y(fixed, other)
    assert a["layout"]["yaxis"]["range"] == [0, 1] and b["layout"]["yaxis"]["range"] == [0, 1]
    hidden = {**stacked([1, 2, 3], [0, 0, 0]), "layout": {"yaxis": {"visible": False}}}
    a, b = shared_y(hidden, stacked([9, 9, 9], [0, 0, 0]))
    assert "range" not in a["layout"]["yaxis"] and "range" not in b["layout"].get("yaxis", {})
    count = {**stacked([1, 2, 3], [0, 0, 0]), "layout": {"yaxis": {"tickformat": ",d", "dtick": 1}}}
    a, b = shared_y(count, {**stacked([400, 500, 600], [0, 0, 0]), "layout": {"yaxis": {"tickformat": ",d", "dtick": 100}}})
    assert a["layout"]["yaxis"]["dtick"] == b["layout"]["yaxis"]["dtick"] == 200  # about five whole ticks up to 600


def test_every_plot_of_two_real_runs_can_be_paired():
    before = build_figures(simulate(load_scenario("dprk-2020-80-day-battle"), seed=1))["figures"]
    after = build_figures(simulate(load_scenario("trade-open-counterfactual"), seed=1))["figures"]
    for name, _title in PLOTS:
        assert isinstance(before[name], dict) and isinstance(after[name], dict), (name, before[name])
        a, b = shared_y(before[name], after[name])
        for key in a["layout"]:
            if key.startswith("yaxis") and a["layout"][key].get("visible") is not False:
                assert a["layout"][key].get("range") == b["layout"][key].get("range"), (name, key)


def test_civil_violence_figures_animate_the_grid():
    scenario = load_scenario("mesa-epstein-default")
    steps = snapshot_steps(scenario.config.steps)
    assert len(steps) == 20 and steps[0] == 0 and steps[-1] == scenario.config.steps
    result = simulate(scenario.with_values({"snapshot_steps": steps}), seed=2)
    figures = build_figures(result)["figures"]
    assert set(figures) == {name for name, _ in CV_PLOTS}
    animation = figures["animation"]
    assert [f["name"] for f in animation["frames"]] == [str(s) for s in steps]
    assert len(animation["layout"]["sliders"][0]["steps"]) == 20
