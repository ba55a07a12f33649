"""Fixtures for the dashboard tests: the app served on a free local port in a thread, and
Debian's Chromium driven by Playwright (never a browser download)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("QUOTASIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Server:
    """A Dash app served by werkzeug on 127.0.0.1:<free port> in a daemon thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.app = app
        self.httpd = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="dash-test-server", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.thread.join(timeout=10)
        # a run a failed test left going (the two-tabs test's long one runs for minutes) is stopped
        self.app.server.config["QUOTASIM_JOBS"].shutdown(wait=True, cancel=True)


@pytest.fixture(scope="module")
def server():
    from quotasim.dashboard import create_app

    with Server(create_app()) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium; a missing browser fails loudly (CI installs it with apt-get)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium); .ci/run does")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def _tab(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


@pytest.fixture
def page(_tab):
    """One tab for the module, which each test navigates anew (a new document: nothing of the
    last test's page is left, and the app keeps nothing in the browser). A tab whose renderer
    has loaded the page once loads it again in about half the time (plotly.js, 4.8 MB, is not
    compiled again): about 1.3 s against 2.5-3 s for a new tab or context."""
    yield _tab
    _tab.goto("about:blank")  # the test's page stops polling the server


@pytest.fixture(autouse=True, scope="session")
def _patient_expect():
    """Playwright's expect() waits 5 s by default; a busy 2-core CI machine may need longer."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
