"""The dashboard in a real browser (Debian's Chromium through Playwright).

The page opens on the default scenario's result, light (plotly.js once, compressed); change a
parameter (a main one, or one in a collapsed group), run, wait for the plots; the numbers shown
must equal what ``quotasim run`` writes for the same settings and seed; the downloads must be
those files, and the downloaded scenario must make ``quotasim run`` reproduce the run. Bad values
show a message beside the field. The civil-violence page animates its grid; the experiments page
opens a sweep made by the test. Screenshots of the main states go into each test's tmp_path, of
the window's 1400 x 1000 pixels: a full-page one lays the page out at its whole height and back,
plots included, and took 0.3-1 s each (4 s beside a large run).
"""

from __future__ import annotations

import json
import tomllib
import zipfile

import pytest
from playwright.sync_api import expect

from quotasim.cli.main import main
from quotasim.dashboard.app import fmt, summary_rows
from quotasim.dashboard.figures import CV_PLOTS, PLOTS

SCENARIO = "dprk-2020-80-day-battle"
FIRST_LOAD_LIMIT = 3_000_000  # bytes transferred by the first load of the page

# One test process (pytest-xdist) runs them all: one Chromium and one server for the module.
pytestmark = pytest.mark.xdist_group("browser")


def field(page, path, prefix=""):
    return page.locator(f"#{prefix}field-{path.replace('.', '-')}")


def set_field(page, path, text, prefix=""):
    box = field(page, path, prefix).locator("input[type=text]")
    box.fill(text)
    box.press("Enter")


def wait_for_plots(page, prefix="", plots=PLOTS):
    for name, _title in plots:
        page.wait_for_selector(f"#{prefix}graph-{name} .main-svg")


def run_and_wait(page, prefix="", plots=PLOTS):
    """Press Run and wait until this run's (not an earlier run's) summary and plots are shown."""
    done = f"#{prefix}run-done"
    before = page.locator(done).get_attribute("data-job") if page.locator(done).count() else ""
    page.click(f"#{prefix}run")
    page.wait_for_function(
        "([sel, prev]) => { const e = document.querySelector(sel); return e !== null && e.dataset.job !== prev; }",
        arg=[done, before],
    )
    job = page.locator(done).get_attribute("data-job")
    page.wait_for_selector(f"#{prefix}summary[data-job='{job}']", state="attached")
    wait_for_plots(page, prefix, plots)
    return job


def shown_summary(page, prefix="summary"):
    """{key: value} of the table of every number, from each cell's exact JSON value; checks the text too."""
    shown = {}
    # One round trip for all the cells (one per cell and attribute took seconds per summary).
    cells = page.eval_on_selector_all(f"td[id^='{prefix}-']", "cells => cells.map(c => [c.id, c.dataset.value, c.textContent])")
    for cell_id, data_value, text in cells:
        value = json.loads(data_value)
        assert text.strip() == fmt(value)
        shown[cell_id.removeprefix(f"{prefix}-")] = value
    return shown


def expected(summary):
    return {key.replace(".", "-"): value for key, value in summary_rows(summary)}


def cli_run(tmp_path, name, *args):
    out = tmp_path / name
    assert main(["run", *args, "--out", str(out)]) == 0
    return out


def test_first_load_shows_the_default_result_and_is_light(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(server.url)
    wait_for_plots(page)  # no click: the default scenario's result is there
    page.wait_for_load_state("networkidle")
    page.screenshot(path=tmp_path / "00-first-load.png")
    cards = page.locator("[id^='card-']")
    assert cards.count() == 24  # the report's cards, at the review and over the whole run
    assert "officials" in page.inner_text("#card-at_review-met_quota")
    assert "By the review on day 55" in page.inner_text("#story")
    assert page.locator("#graph-reviews .main-svg .xtitle").text_content() == "campaign"
    sizes = {request.url: request.sizes() for request in finished}
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes.values())
    plotly = [u for u in sizes if "plotly" in u and u.endswith(".js")]
    assert len(plotly) == 1, plotly  # plotly.js served once, by the app
    assert sizes[plotly[0]]["responseBodySize"] < 2_000_000  # compressed (4.8 MB as it is)
    assert total < FIRST_LOAD_LIMIT, f"first load transferred {total:,} bytes"
    context.close()


def test_run_matches_cli_and_downloads_reproduce_it(page, server, tmp_path):
    page.goto(server.url)
    page.wait_for_selector("#field-campaign-quota_usd input[type=text]")
    assert "loyalty-fund" in field(page, "campaign.quota_usd").locator(".source").inner_text()
    default_job = page.locator("#run-done").get_attribute("data-job")
    page.screenshot(path=tmp_path / "01-loaded.png")

    set_field(page, "campaign.quota_usd", "1500")
    set_field(page, "seed", "7")
    assert run_and_wait(page) != default_job
    page.screenshot(path=tmp_path / "02-run-done.png")

    cli = cli_run(tmp_path, "cli", SCENARIO, "--set", "campaign.quota_usd=1500", "--seed", "7", "--no-report")
    cli_summary = json.loads((cli / "summary.json").read_text())
    assert cli_summary["collected_usd"] > 0
    assert shown_summary(page) == expected(cli_summary)
    card = page.locator("#card-collected_usd")
    assert json.loads(card.get_attribute("data-value")) == cli_summary["collected_usd"]

    with page.expect_download() as dl:
        page.click("#download-zip-btn")
    archive = tmp_path / "outputs.zip"
    dl.value.save_as(archive)
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        assert names == {p.name for p in cli.iterdir()} | {"report.html"}
        assert json.loads(zf.read("summary.json")) == cli_summary
        assert tomllib.loads(zf.read("scenario.toml").decode())["seed"] == 7

    with page.expect_download() as dl:
        page.click("#download-toml-btn")
    toml_path = tmp_path / "scenario.toml"
    dl.value.save_as(toml_path)
    again = cli_run(tmp_path, "again", str(toml_path), "--no-report")
    assert json.loads((again / "summary.json").read_text()) == cli_summary


def test_every_parameter_group_opens_and_a_change_in_a_collapsed_group_reaches_the_run(page, server, tmp_path):
    page.goto(server.url)
    page.wait_for_selector("#controls details.group", state="attached")
    groups = page.locator("#controls details.group")
    n = groups.count()
    assert n >= 15  # campaign, officials, each locality, …, deterrence
    for i in range(n):
        group = groups.nth(i)
        group.locator("summary").click()
        expect(group).to_have_attribute("open", "")
        expect(group.locator(".field").first).to_be_visible()  # its fields come when it first opens
        about = group.locator(".field .about").all_text_contents()
        assert about and all("source:" in text for text in about)
    page.screenshot(path=tmp_path / "03-groups-open.png")
    inert = field(page, "trade.usd_per_day")  # trade is shut in the default scenario
    assert "inert" in inert.get_attribute("class") and "trade is shut" in inert.inner_text()
    decay = field(page, "deterrence.decay_per_day")
    assert "range 0.005 – 0.05" in decay.inner_text()
    set_field(page, "deterrence.decay_per_day", "0.045")
    set_field(page, "localities.1.holdings_median_usd", "-1")  # refused, as --set refuses it
    bad = field(page, "localities.1.holdings_median_usd").locator(".field-error")
    bad.wait_for(state="visible")
    assert "greater than or equal to 0" in bad.inner_text()
    set_field(page, "localities.1.holdings_median_usd", "90")
    bad.wait_for(state="hidden")
    # Close the groups of the two changes again (the click that closes a group goes to the
    # server as the one that opened it did): the values stay in the page and go with the run.
    # Closing the other 16 groups as well took 2.4 s (each click, a Dash round trip over the
    # page's ~1,500 components) and checks nothing more: their fields hold the scenario's values.
    changed = [groups.filter(has=field(page, path)) for path in ("deterrence.decay_per_day", "localities.1.holdings_median_usd")]
    for group in changed:
        group.locator("summary").click()
    for group in changed:
        expect(group).not_to_have_attribute("open", "")
        expect(group.locator(".field").first).to_be_hidden()
    set_field(page, "seed", "9")
    run_and_wait(page)
    cli = cli_run(tmp_path, "cli", SCENARIO, "--set", "deterrence.decay_per_day=0.045",
                  "--set", "localities.1.holdings_median_usd=90", "--seed", "9", "--no-report")
    assert shown_summary(page) == expected(json.loads((cli / "summary.json").read_text()))
    settings = page.locator("#summary").text_content()
    assert "deterrence.decay_per_day" in settings and "localities.1.holdings_median_usd" in settings


def test_bad_values_show_a_message_and_nothing_runs(page, server, tmp_path):
    page.goto(server.url)
    shown_job = page.locator("#summary").get_attribute("data-job")
    set_field(page, "campaign.quota_usd", "-5")
    error = field(page, "campaign.quota_usd").locator(".field-error")
    error.wait_for(state="visible")
    assert "campaign.quota_usd" in error.inner_text() and "greater than or equal to 0" in error.inner_text()
    set_field(page, "seed", "abc")
    seed_error = field(page, "seed").locator(".field-error")
    seed_error.wait_for(state="visible")
    assert "valid integer" in seed_error.inner_text()
    page.screenshot(path=tmp_path / "04-bad-values.png")

    page.click("#run")
    page.wait_for_selector("#run-message .error")
    assert "campaign.quota_usd" in page.inner_text("#run-message")
    assert page.locator("#summary").get_attribute("data-job") == shown_job  # nothing new ran

    set_field(page, "campaign.quota_usd", "800")  # fixing the value clears its message
    error.wait_for(state="hidden")
    set_field(page, "seed", "3")
    seed_error.wait_for(state="hidden")
    run_and_wait(page)

    page.click("#reset")  # back to the scenario's own values
    expect(field(page, "campaign.quota_usd").locator("input[type=text]")).to_have_value("1000.0")
    expect(field(page, "seed").locator("input[type=text]")).to_have_value("20201012")


def test_pin_and_compare_side_by_side(page, server, tmp_path):
    page.goto(server.url)
    set_field(page, "seed", "11")
    first_job = run_and_wait(page)
    first = shown_summary(page)
    page.click("#pin")
    set_field(page, "enforcement.kin_depth", "0")
    field(page, "campaign.trade_open").locator("input[type=checkbox]").check()
    thumb = field(page, "enforcement.harshness").locator("[role=slider]")
    thumb.focus()
    thumb.press("ArrowRight")  # one slider step up from 0.5
    harshness = field(page, "enforcement.harshness").locator("input[type=text]")
    expect(harshness).not_to_have_value("0.5")
    assert float(harshness.input_value()) > 0.5
    run_and_wait(page)
    page.wait_for_selector(f"#summary[data-pinned='{first_job}']", state="attached")
    page.wait_for_selector("#pinned-graph-kin .main-svg")
    page.screenshot(path=tmp_path / "05-pinned-compare.png")
    assert shown_summary(page, "pinned") == first
    differs = [c.text_content().strip() for c in page.locator("#summary td.differs").all()]
    assert differs == ["true", "0", harshness.input_value()]  # trade_open, kin_depth, harshness
    assert "pinned:" in page.inner_text("#card-collected_usd")  # the cards show both runs
    page.click("#unpin")
    page.wait_for_selector("#pinned-collected_usd", state="detached")


def test_a_run_too_large_for_memory_is_refused_on_the_page(page, server, tmp_path, monkeypatch):
    import quotasim.memory

    monkeypatch.setattr(quotasim.memory, "available_bytes", lambda: 1000)
    page.goto(server.url)
    page.click("#run")
    page.wait_for_selector("#run-error")
    assert "GiB of memory" in page.inner_text("#run-error")
    page.screenshot(path=tmp_path / "06-too-large.png")
    assert page.locator("#run").is_enabled()


def test_two_tabs_run_at_once_and_a_long_run_can_be_cancelled(page, server, tmp_path):
    long_tab, short_tab = page, page.context.new_page()
    try:
        short_tab.set_default_timeout(30_000)
        for tab in (long_tab, short_tab):
            tab.goto(server.url)
        # Only the tab in front paints frames, and Playwright waits for two frames (the element
        # is stable) before each click: in a tab behind, a click waited about 2 s.
        long_tab.bring_to_front()
        # 50 campaigns of 3,650 days with 5,000 officials: about 180,000 simulated days, minutes
        # of simulation reported day by day (a cancel is seen within a day, about a millisecond),
        # so it runs on while the other tab's run starts and finishes, and it is cancelled mid-run.
        # The default scenario's 15,000 households are built at once; at national scale, 6.5
        # million of them took 1.5 s and 0.5 GB first, and each day's larger NumPy operations
        # kept this process's other threads (the server's, Playwright's) waiting.
        set_field(long_tab, "officials.count", "5000")
        long_tab.locator("#controls details.group[data-section='campaign'] summary").click()
        set_field(long_tab, "campaign.count", "50")
        set_field(long_tab, "campaign.duration_days", "3650")
        long_tab.click("#run")
        long_tab.wait_for_selector("#progress progress")
        long_tab.screenshot(path=tmp_path / "07-running.png")

        short_tab.bring_to_front()
        set_field(short_tab, "seed", "5")
        run_and_wait(short_tab)  # not blocked by the other tab's run
        assert long_tab.locator("#progress progress").count() == 1  # still running

        long_tab.bring_to_front()
        long_tab.click("#cancel")
        long_tab.wait_for_selector("#run-error")
        assert "cancelled" in long_tab.inner_text("#run-error")
    finally:
        short_tab.close()


def test_picking_a_scenario_shows_its_values_and_sources_and_runs_it(page, server, tmp_path):
    page.goto(server.url)
    page.wait_for_selector("#field-campaign-quota_usd input[type=text]")
    page.click("#scenario")
    page.get_by_text("trade-open-counterfactual", exact=True).click()
    switch = field(page, "campaign.trade_open").locator("input[type=checkbox]")
    expect(switch).to_be_checked()  # a locator: finds the re-rendered controls
    assert "trade" in page.inner_text("#scenario-description").lower()
    run_and_wait(page)
    assert "trade-open-counterfactual" in page.inner_text("#progress")
    page.screenshot(path=tmp_path / "08-other-scenario.png")
    cli = cli_run(tmp_path, "cli", "trade-open-counterfactual", "--no-report")
    assert shown_summary(page) == expected(json.loads((cli / "summary.json").read_text()))


def test_the_civil_violence_page_animates_and_runs(page, server, tmp_path):
    page.goto(server.url)
    page.click("#nav-civil-violence")  # the header's link: the page changes without a reload
    wait_for_plots(page, "cv-", CV_PLOTS)  # its default scenario's result, with no click
    current = page.locator("#cv-graph-animation .slider-group > text.slider-label")  # the step shown
    expect(current).to_have_text("step 0")
    page.screenshot(path=tmp_path / "09-civil-violence.png")
    page.locator("#cv-graph-animation .updatemenu-button").first.click()  # play
    expect(current).not_to_have_text("step 0")
    page.locator("#cv-graph-animation .updatemenu-button").nth(1).click()  # pause
    page.screenshot(path=tmp_path / "10-civil-violence-playing.png")

    set_field(page, "steps", "120", prefix="cv-")
    set_field(page, "seed", "4", prefix="cv-")
    run_and_wait(page, "cv-", CV_PLOTS)
    cli = cli_run(tmp_path, "cli", "epstein-run-2", "--set", "steps=120", "--seed", "4", "--no-report")
    assert shown_summary(page, "cv-summary") == expected(json.loads((cli / "summary.json").read_text()))
    expect(current).to_have_text("step 0")  # the new run's grid, from its first step
    assert page.locator("#cv-graph-animation .slider-labels text").count() >= 10  # its snapshot steps


def test_the_experiments_page_opens_a_small_sweep(page, server, tmp_path):
    sweep = tmp_path / "sweep"
    assert main(["sweep", SCENARIO, "--samples", "4", "--param", "campaign.quota_usd", "--param", "enforcement.harshness",
                 "--processes", "1", "--seed", "3", "--out", str(sweep)]) == 0
    (sweep / "notes.txt").write_text("an extra file the page leaves alone")
    page.goto(server.url + "experiments")
    page.fill("#exp-folder", str(tmp_path / "nothing-here"))
    page.click("#exp-open")
    expect(page.locator("#exp-error")).to_contain_text("no such folder")
    page.fill("#exp-folder", str(sweep))
    page.click("#exp-open")
    page.wait_for_selector("#exp-graph .main-svg")
    facts = page.locator("#exp-facts")
    assert facts.get_attribute("data-kind") == "sweep" and "4 of 4 done" in facts.inner_text()
    expect(page.locator("#exp-graph .xtitle")).to_have_text("campaign.quota_usd")
    assert page.locator("#exp-graph .scatterlayer .point").count() == 4  # one dot per run
    page.screenshot(path=tmp_path / "11-experiments-sweep.png")
    page.click("#exp-parameter")
    page.get_by_text("enforcement.harshness", exact=True).click()
    expect(page.locator("#exp-graph .xtitle")).to_have_text("enforcement.harshness")
