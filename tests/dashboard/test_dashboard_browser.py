"""The dashboard in a real browser (Debian's Chromium through Playwright).

Load the page, change the quota, run, wait for the plots; the numbers shown must equal what
``quotasim run`` writes for the same settings and seed; the downloads must be those files, and the
downloaded scenario must make ``quotasim run`` reproduce the run. Bad values show a message
beside the field. Screenshots of the main states go into each test's tmp_path.
"""

from __future__ import annotations

import json
import tomllib
import zipfile

import pytest
from playwright.sync_api import expect

from quotasim.cli.main import main
from quotasim.dashboard.app import fmt, summary_rows

SCENARIO = "dprk-2020-80-day-battle"

# One test process (pytest-xdist) runs them all: one Chromium and one server for the module.
pytestmark = pytest.mark.xdist_group("browser")


def field(page, path):
    return page.locator(f"#field-{path.replace('.', '-')}")


def set_field(page, path, text):
    box = field(page, path).locator("input[type=text]")
    box.fill(text)
    box.press("Enter")


def run_and_wait(page):
    """Press Run and wait until this run's (not an earlier run's) summary and plots are shown."""
    before = page.locator("#run-done").get_attribute("data-job") if page.locator("#run-done").count() else ""
    page.click("#run")
    page.wait_for_function(
        "prev => { const e = document.getElementById('run-done'); return e !== null && e.dataset.job !== prev; }",
        arg=before,
    )
    job = page.locator("#run-done").get_attribute("data-job")
    page.wait_for_selector(f"#summary[data-job='{job}']")
    for name in ("collection", "reviews", "fear", "punished", "kin"):
        page.wait_for_selector(f"#graph-{name} .main-svg")
    return job


def shown_summary(page, prefix="summary"):
    """{key: value} of the summary panel, from each cell's exact JSON value; checks the text too."""
    shown = {}
    for cell in page.locator(f"td[id^='{prefix}-']").all():
        value = json.loads(cell.get_attribute("data-value"))
        assert cell.inner_text().strip() == fmt(value)
        shown[cell.get_attribute("id").removeprefix(f"{prefix}-")] = value
    return shown


def expected(summary):
    return {key.replace(".", "-"): value for key, value in summary_rows(summary)}


def cli_run(tmp_path, name, *args):
    out = tmp_path / name
    assert main(["run", *args, "--out", str(out)]) == 0
    return out


def test_run_matches_cli_and_downloads_reproduce_it(page, server, tmp_path):
    page.goto(server.url)
    page.wait_for_selector("#field-campaign-quota_usd input[type=text]")
    assert "loyalty-fund" in field(page, "campaign.quota_usd").locator(".source").inner_text()
    page.screenshot(path=tmp_path / "01-loaded.png", full_page=True)

    set_field(page, "campaign.quota_usd", "1500")
    set_field(page, "seed", "7")
    run_and_wait(page)
    page.screenshot(path=tmp_path / "02-run-done.png", full_page=True)

    cli = cli_run(tmp_path, "cli", SCENARIO, "--set", "campaign.quota_usd=1500", "--seed", "7", "--no-report")
    cli_summary = json.loads((cli / "summary.json").read_text())
    assert cli_summary["collected_usd"] > 0
    assert shown_summary(page) == expected(cli_summary)

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


def test_bad_values_show_a_message_and_nothing_runs(page, server, tmp_path):
    page.goto(server.url)
    set_field(page, "campaign.quota_usd", "-5")
    error = field(page, "campaign.quota_usd").locator(".field-error")
    error.wait_for(state="visible")
    assert "campaign.quota_usd" in error.inner_text() and "greater than or equal to 0" in error.inner_text()
    set_field(page, "seed", "abc")
    seed_error = field(page, "seed").locator(".field-error")
    seed_error.wait_for(state="visible")
    assert "valid integer" in seed_error.inner_text()
    page.screenshot(path=tmp_path / "03-bad-values.png", full_page=True)

    page.click("#run")
    page.wait_for_selector("#run-message .error")
    assert "campaign.quota_usd" in page.inner_text("#run-message")
    assert page.locator("#summary-collected_usd").count() == 0

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
    page.wait_for_selector(f"#summary[data-pinned='{first_job}']")
    page.wait_for_selector("#pinned-graph-kin .main-svg")
    page.screenshot(path=tmp_path / "04-pinned-compare.png", full_page=True)
    assert shown_summary(page, "pinned") == first
    differs = [c.inner_text().strip() for c in page.locator("#summary td.differs").all()]
    assert differs == ["true", "0", harshness.input_value()]  # trade_open, kin_depth, harshness
    page.click("#unpin")
    page.wait_for_selector("#pinned-collected_usd", state="detached")


def test_a_run_too_large_for_memory_is_refused_on_the_page(page, server, tmp_path, monkeypatch):
    import quotasim.memory

    monkeypatch.setattr(quotasim.memory, "available_bytes", lambda: 1000)
    page.goto(server.url)
    page.click("#run")
    page.wait_for_selector("#run-error")
    assert "GiB of memory" in page.inner_text("#run-error")
    page.screenshot(path=tmp_path / "05-too-large.png", full_page=True)
    assert page.locator("#run").is_enabled()


def test_two_tabs_run_at_once_and_a_long_run_can_be_cancelled(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    long_tab, short_tab = context.new_page(), context.new_page()
    for tab in (long_tab, short_tab):
        tab.set_default_timeout(30_000)
        tab.goto(server.url)
    long_tab.wait_for_selector("#field-campaign-quota_usd input[type=text]")
    long_tab.click("#scenario")
    long_tab.get_by_text("dprk-2020-national-scale", exact=True).click()
    expect(field(long_tab, "officials.count").locator("input[type=text]")).to_have_value("50000")
    set_field(long_tab, "officials.count", "150000")  # 6.5 million households: many seconds of simulation
    long_tab.click("#run")
    long_tab.wait_for_selector("#progress progress")
    long_tab.screenshot(path=tmp_path / "06-running.png", full_page=True)

    set_field(short_tab, "seed", "5")
    run_and_wait(short_tab)  # not blocked by the other tab's run
    assert long_tab.locator("#progress progress").count() == 1  # still running

    long_tab.click("#cancel")
    long_tab.wait_for_selector("#run-error")
    assert "cancelled" in long_tab.inner_text("#run-error")
    context.close()


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
    page.screenshot(path=tmp_path / "07-other-scenario.png", full_page=True)
    cli = cli_run(tmp_path, "cli", "trade-open-counterfactual", "--no-report")
    assert shown_summary(page) == expected(json.loads((cli / "summary.json").read_text()))
