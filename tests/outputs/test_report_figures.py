"""Each report file's figures, read back from the file's JSON: axes titled, whole-number ticks on
count axes, the calendar's marks on the campaign's time series (the review day among them),
lines that cannot hide one another, plain words in legends; and the file opens offline."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from quotasim import load_scenario, simulate
from quotasim.outputs.plotly_dict import figures_in_page, untyped
from quotasim.outputs.write import write_run

CARTESIAN = ("scatter", "bar", "heatmap", "histogram")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """report.html, its daily table and its scenario, for a one-campaign run, a two-campaign run
    with a gap, and two civil-violence runs (one with enough snapshots for the animation)."""
    out = {}
    runs = {
        "campaign": (load_scenario("dprk-2020-80-day-battle"), 1),
        "two-campaigns": (load_scenario("two-campaigns-ratchet").with_values({"campaign.gap_days": 20}), 2),
        "civil-violence": (load_scenario("mesa-epstein-default"), 3),
        "civil-violence-animated": (load_scenario("epstein-legitimacy-drop-gradual").with_values(
            {"snapshot_steps": list(range(0, 201, 20))}), 4),
    }
    for name, (scenario, seed) in runs.items():
        folder = write_run(simulate(scenario, seed=seed), tmp_path_factory.mktemp(name) / "run")
        daily = pd.read_parquet(folder / "daily.parquet") if (folder / "daily.parquet").exists() else None
        out[name] = ((folder / "report.html").read_text("utf-8"), daily, scenario)
        out[f"{name}-folder"] = folder
    return out


def traces_on(fig, axis_letter: str, axis_key: str):
    """The drawn traces of ``fig`` on the layout axis ``axis_key`` ("xaxis", "yaxis2", …)."""
    ref = axis_letter + axis_key.removeprefix(f"{axis_letter}axis")
    for trace in fig["data"]:
        if trace.get("type", "scatter") not in CARTESIAN or trace.get("visible") is False:
            continue
        if (trace.get(f"{axis_letter}axis") or axis_letter) == ref:
            yield trace


def values(trace, key):
    raw = trace.get(key)
    if raw is None:
        return np.zeros(0)
    if isinstance(raw, list) and raw and isinstance(raw[0], str):
        return np.zeros(0)  # dates or categories
    a = untyped(raw)
    return a[np.isfinite(a)] if a.dtype.kind == "f" else a


def drawn(trace) -> bool:
    return values(trace, "y").size > 0 or values(trace, "z").size > 0 or (
        isinstance(trace.get("x"), list) and any(v is not None for v in trace["x"]))


def used_axes(fig):
    keys = {k for k in fig["layout"] if re.fullmatch(r"[xy]axis\d*", k)} | {"xaxis", "yaxis"}
    for key in sorted(keys):
        axis = fig["layout"].get(key, {})
        if axis.get("visible") is False:
            continue
        if any(drawn(t) for t in traces_on(fig, key[0], key)):
            yield key, axis


@pytest.mark.parametrize("name", ["campaign", "two-campaigns", "civil-violence", "civil-violence-animated"])
def test_every_axis_with_tick_labels_has_a_title(reports, name):
    page, _daily, _scenario = reports[name]
    figures = figures_in_page(page)
    assert len(figures) >= 2
    for fig in figures:
        for key, axis in used_axes(fig):
            if axis.get("showticklabels") is False and not (axis.get("title") or {}).get("text"):
                continue  # shares the axis of the panel below it (or is a grid beside the first)
            title = (axis.get("title") or {}).get("text", "")
            assert title.strip(), (fig["layout"].get("title"), key)


@pytest.mark.parametrize("name", ["campaign", "two-campaigns", "civil-violence", "civil-violence-animated"])
def test_count_axes_have_whole_number_ticks(reports, name):
    """An axis on which every trace draws whole numbers is a count: its ticks are whole numbers
    (a fixed whole step from 0, printed without decimals)."""
    page, _daily, _scenario = reports[name]
    checked = 0
    for fig in figures_in_page(page):
        for key, axis in used_axes(fig):
            if not key.startswith("yaxis"):
                continue
            ys = [values(t, "y") for t in traces_on(fig, "y", key) if t.get("type") != "heatmap"]
            ys = [y for y in ys if y.size]
            if not ys or not all(np.all(y == np.round(y)) for y in ys):
                continue
            checked += 1
            assert axis.get("tickformat") in (",d", "d"), (fig["layout"].get("title"), key, axis)
            assert axis.get("tickmode") == "linear" and float(axis["dtick"]).is_integer() and axis["dtick"] >= 1, (key, axis)
            assert float(axis.get("tick0", 0)).is_integer()
    assert checked >= (1 if name.startswith("civil") else 5)


@pytest.mark.parametrize("name", ["campaign", "two-campaigns"])
def test_time_series_carry_the_review_day_and_the_calendar(reports, name):
    page, daily, scenario = reports[name]
    review = scenario.config.campaign.review_day
    review_dates = {d.isoformat() for d in daily.loc[daily["campaign_day"] == review, "date"]}
    interval = scenario.config.sessions.interval_days
    session_dates = {d.isoformat() for d, c in zip(daily["date"], daily["campaign_day"]) if c > 0 and c % interval == 0}
    series = [f for f in figures_in_page(page) if any(isinstance(t.get("x"), list) and t["x"] and isinstance(t["x"][0], str)
                                                       and re.fullmatch(r"\d{4}-\d\d-\d\d", t["x"][0]) for t in f["data"])]
    assert len(series) == 3  # collection, fear and silence, people punished
    for fig in series:
        shapes = fig["layout"].get("shapes", [])
        by_name = {}
        for s in shapes:
            by_name.setdefault(s.get("name"), set()).add(s["x0"])
        assert by_name.get("review day") == review_dates, fig["layout"]["title"]
        assert by_name.get("summing-up session") == session_dates
        labels = [a["text"] for a in fig["layout"].get("annotations", []) if a.get("name") == "review day"]
        assert len(labels) == len(review_dates) and all("review" in t for t in labels)
        legend = {t.get("name") for t in fig["data"] if t.get("showlegend", True)}
        assert "review day (decides outcomes)" in legend
        if daily["campaign_day"].eq(0).any():  # a gap between campaigns: shaded, its campaign's end marked
            gaps = [s for s in shapes if s.get("name") == "between campaigns"]
            assert len(gaps) == 1 and gaps[0]["type"] == "rect"
            first_gap = daily.loc[daily["campaign_day"] == 0, "date"].iloc[0]
            assert gaps[0]["x0"] < first_gap.isoformat() <= gaps[0]["x1"]
            assert by_name.get("end of campaign") == {gaps[0]["x0"]}
    quota = [t for t in series[0]["data"] if t.get("name", "").startswith("quota")]
    officials = pd.read_parquet(reports[f"{name}-folder"] / "officials.parquet")
    assert len(quota) == 1 and values(quota[0], "y").max() == pytest.approx(officials["quota_usd"].sum(), rel=1e-9)


@pytest.mark.parametrize("name", ["campaign", "two-campaigns", "civil-violence"])
def test_no_line_hides_another_and_legends_speak_plain_words(reports, name):
    page, _daily, _scenario = reports[name]
    for fig in figures_in_page(page):
        seen = {}
        for trace in fig["data"]:
            if trace.get("type", "scatter") != "scatter" or "lines" not in trace.get("mode", "lines") or trace.get("stackgroup"):
                continue
            y = values(trace, "y")
            if y.size == 0 or trace.get("visible") in (False, "legendonly"):
                continue
            axes = (trace.get("xaxis", "x"), trace.get("yaxis", "y"))
            for other_name, other in seen.get(axes, []):
                assert not (len(other) == len(y) and np.array_equal(other, y)), (trace.get("name"), other_name)
            seen.setdefault(axes, []).append((trace.get("name"), y))
        for trace in fig["data"]:
            if trace.get("showlegend", True) and trace.get("name"):
                assert not re.search(r"[a-z]_[a-z]", trace["name"]), trace["name"]  # no table codes
        if name.startswith("civil"):
            continue
        # the campaign's counts over time: each line a panel (a y axis) of its own
        counted = {}
        for trace in fig["data"]:
            y = values(trace, "y")
            if (trace.get("type", "scatter") == "scatter" and "lines" in trace.get("mode", "lines") and not trace.get("stackgroup")
                    and y.size and np.all(y == np.round(y)) and trace.get("name", "").find("quota") < 0):
                axis = trace.get("yaxis", "y")
                assert axis not in counted, (fig["layout"]["title"], trace.get("name"), counted.get(axis))
                counted[axis] = trace.get("name")


def test_the_review_outcomes_are_one_bar_per_outcome_with_their_counts(reports):
    page, _daily, _scenario = reports["two-campaigns"]
    (fig,) = [f for f in figures_in_page(page) if f["layout"]["title"]["text"] == "Outcomes of the review"]
    assert fig["layout"]["barmode"] == "group"
    bars = [t for t in fig["data"] if t["type"] == "bar"]
    assert [t["name"] for t in bars][:3] == ["commended", "criticised", "referred to the security service"]
    for t in bars:
        assert t["x"] == ["campaign 1", "campaign 2"] and t["textposition"] == "outside"
        assert all(text.split(" ")[0].replace(",", "") == str(v) for text, v in zip(t["text"], t["y"]))
        assert "outcome:" in t["hovertemplate"]  # the code, in the tooltip only


def test_the_kin_network_labels_tiers_and_gives_each_punishment_a_shape_and_colour(reports):
    page, _daily, _scenario = reports["campaign"]
    (fig,) = [f for f in figures_in_page(page) if f["layout"]["title"]["text"].startswith("Kin network")]
    people = [t for t in fig["data"] if t["type"] == "scatter" and t.get("mode") == "markers"]
    styles = {t["name"]: (t["marker"]["color"], t["marker"]["symbol"]) for t in people}  # over the three cases
    assert len(styles) >= 3 and all(not re.search(r"[a-z]_[a-z]", n) for n in styles)
    assert len({c for c, _ in styles.values()}) == len(styles) and len({s for _, s in styles.values()}) == len(styles)
    from quotasim.outputs.figures import PUNISHMENTS

    every = [(colour, symbol) for _label, colour, symbol in PUNISHMENTS.values()]
    assert len(set(c for c, _ in every)) == len(every) and len(set(s for _, s in every)) == len(every)
    tiers = [a["text"] for a in fig["layout"]["annotations"] if str(a.get("name", "")).startswith("tier")]
    assert tiers and all(re.search(r"tier \d: .*\d+ households?, \d+ persons?", t) for t in tiers)
    households = [t for t in fig["data"] if t.get("name", "").startswith("household") and t.get("visible")]
    assert households and all(n.isdigit() for n in households[0]["text"])  # each household labelled with its size
    tables = [t for t in fig["data"] if t["type"] == "table" and t.get("visible")]
    assert len(tables) == 2 and "persons punished" in tables[0]["cells"]["values"][0]
    buttons = fig["layout"]["updatemenus"][0]["buttons"]
    assert len(buttons) == 3 and all(len(b["args"][0]["visible"]) == len(fig["data"]) for b in buttons)


def test_the_civil_violence_report_defines_its_terms_and_animates_many_snapshots(reports):
    page, _daily, _scenario = reports["civil-violence"]
    assert "quiet but aggrieved" in page and "grievance G exceeds the threshold T" in page
    assert "quotasim run scenario.toml --seed 3" in page
    assert not any(f.get("frames") for f in figures_in_page(page))  # five snapshots: the row of grids only
    animated, _daily, _scenario = reports["civil-violence-animated"]
    (fig,) = [f for f in figures_in_page(animated) if f["frames"]]
    assert [fr["name"] for fr in fig["frames"]] == [str(s) for s in range(0, 201, 20)]
    steps = fig["layout"]["sliders"][0]["steps"]
    assert [s["args"][0] for s in steps] == [[str(s)] for s in range(0, 201, 20)]
    schedule = [s for f in figures_in_page(animated) for s in f["layout"].get("shapes", []) if s.get("name") == "schedule change"]
    assert len(schedule) == 1


@pytest.mark.parametrize("name", ["campaign", "civil-violence"])
def test_a_report_is_one_self_contained_file(reports, name):
    page, _daily, _scenario = reports[name]
    assert page.count("<script") >= 4 and "<script src=" not in page and "<link " not in page
    assert page.count("window.PlotlyConfig") == 1  # plotly.js once
    assert "id='what-happened'" in page
