"""Side-by-side plots of a pinned run and the next share their y ranges, so heights compare."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from quotasim.dashboard.app import PLOTS, build_figures, shared_y, y_extent
from quotasim.scenario import load_scenario
from quotasim.simulate import simulate


def stacked(values_a, values_b):
    fig = go.Figure()
    fig.add_scatter(x=[0, 1, 2], y=values_a, stackgroup="s")
    fig.add_scatter(x=[0, 1, 2], y=values_b, stackgroup="s")
    return fig


def test_extent_sums_stacked_traces_and_bars_and_skips_gaps():
    assert y_extent(stacked([1, 2, 3], [10, 20, 30])) == (11.0, 33.0)
    bars = go.Figure([go.Bar(x=["a"], y=[4]), go.Bar(x=["a"], y=[5])], layout=dict(barmode="stack"))
    assert y_extent(bars) == (9.0, 9.0)
    lines = go.Figure([go.Scatter(x=[0, 1, None], y=[-2, 7, None])])
    assert y_extent(lines) == (-2.0, 7.0)
    assert y_extent(go.Figure()) is None
    assert y_extent(stacked([1, 2, 3], [1, 1, 1]), "y2") is None


def test_shared_range_covers_both_and_leaves_the_originals_alone():
    small, large = stacked([1, 2, 3], [1, 1, 1]), stacked([5, 50, 100], [0, 0, 0])
    a, b = shared_y(small, large)
    assert tuple(a.layout.yaxis.range) == tuple(b.layout.yaxis.range) == pytest.approx((0.0, 105.0))
    assert small.layout.yaxis.range is None and large.layout.yaxis.range is None


def test_fixed_or_hidden_axes_are_left_alone():
    fixed = stacked([1, 2, 3], [0, 0, 0]).update_layout(yaxis=dict(range=[0, 1]))
    a, b = shared_y(fixed, stacked([9, 9, 9], [0, 0, 0]))
    assert tuple(a.layout.yaxis.range) == (0, 1) and b.layout.yaxis.range is None
    hidden = stacked([1, 2, 3], [0, 0, 0]).update_layout(yaxis=dict(visible=False))
    a, b = shared_y(hidden, stacked([9, 9, 9], [0, 0, 0]))
    assert a.layout.yaxis.range is None and b.layout.yaxis.range is None


def test_every_plot_of_two_real_runs_can_be_paired():
    before = build_figures(simulate(load_scenario("dprk-2020-80-day-battle"), seed=1))["figures"]
    after = build_figures(simulate(load_scenario("trade-open-counterfactual"), seed=1))["figures"]
    for name, _title in PLOTS:
        assert isinstance(before[name], go.Figure) and isinstance(after[name], go.Figure)
        a, b = shared_y(before[name], after[name])
        assert a.layout.yaxis.range == b.layout.yaxis.range or a.layout.yaxis.visible is False
