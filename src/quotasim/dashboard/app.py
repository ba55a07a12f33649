"""The dashboard (Dash): three pages behind one header.

* ``/`` the campaign model (:func:`~quotasim.dashboard.run_page.campaign_page`), opening on the
  default scenario's result, which the app runs as it starts;
* ``/civil-violence`` Epstein's model, the grid as an animation over steps and the time series;
* ``/experiments`` a sweep, sensitivity, compare or calibration folder.

The page is light: plotly.js is served once by the app (Dash's own copy, cached by the browser),
never inlined per figure, and responses are compressed (flask-compress), so the first load
transfers about 1.5 MB. Nothing here runs a simulation on a web-server thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from quotasim.dashboard import experiments_page
from quotasim.dashboard.components import fmt, summary_rows
from quotasim.dashboard.figures import PLOTS, build_figures, shared_y, y_extent
from quotasim.dashboard.jobs import JobManager
from quotasim.dashboard.run_page import RunPage, base_scenario, campaign_page, civil_violence_page, outputs_zip, scenario_toml
from quotasim.outputs.style import COMPONENTS_CSS

log = logging.getLogger(__name__)

ASSETS = Path(__file__).parent / "assets"
PAGES = (("/", "Campaigns"), ("/civil-violence", "Civil violence"), ("/experiments", "Experiments"))
DEFAULT_WAIT_S = 120.0
"""How long the app waits, as it starts, for the default scenario's run (the first page shows it)."""

INDEX = """<!DOCTYPE html>
<html lang="en">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}<style>""" + COMPONENTS_CSS + """</style></head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""


class _StaticCache:
    """flask-compress's cache, for the app's static files only (plotly.js and Dash's bundles,
    whose URLs carry their version): compressed once, not on every request. Callback
    responses differ each time and are never stored."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._store.get(key)

    def set(self, key: str, value: bytes) -> None:
        if "/_dash-component-suites/" in key and len(self._store) < 200:
            self._store[key] = value


def _static_key(request) -> str:
    path = request.full_path
    return path if "/_dash-component-suites/" in path else f"{path}#{id(request)}"


def _server():
    from flask import Flask

    server = Flask(__name__)
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=5,
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=1000,
        COMPRESS_CACHE_BACKEND=_StaticCache,
        COMPRESS_CACHE_KEY=_static_key,
        COMPRESS_MIMETYPES=["text/html", "text/css", "application/javascript", "text/javascript", "application/json"],
    )
    return server


def create_app(manager: JobManager | None = None, *, experiments_root: Path | None = None,
               default_wait: float = DEFAULT_WAIT_S) -> Dash:
    """The Dash app; ``manager`` runs the simulations (a default one with 2 workers if None);
    ``experiments_root`` is where the experiments page looks for folders (the current folder)."""
    manager = manager or JobManager(finish_fn=build_figures)
    root = Path(experiments_root or Path.cwd())
    app = Dash(
        __name__,
        server=_server(),
        title="quotasim dashboard",
        assets_folder=str(ASSETS),
        update_title=None,
        suppress_callback_exceptions=True,
        compress=True,
        serve_locally=True,
    )
    app.index_string = INDEX
    pages: dict[str, RunPage] = {"/": campaign_page(), "/civil-violence": civil_violence_page()}
    pages["/"].ensure_default(manager, wait=default_wait)  # the first page opens on this result
    app.layout = html.Div(className="page", children=[
        dcc.Location(id="url", refresh=False),
        html.Header(className="top", children=[
            html.H1("quotasim"),
            html.Nav([dcc.Link(name, href=href, id=f"nav-{href.strip('/') or 'campaign'}", className="nav") for href, name in PAGES]),
            html.Span("synthetic agents only", className="tagline"),
        ]),
        html.Div(pages["/"].layout(manager), id="page-content"),
        dcc.Store(id="shown-path", data="/"),
    ])
    app.server.config["QUOTASIM_JOBS"] = manager
    app.server.config["QUOTASIM_PAGES"] = pages

    @app.callback(Output("page-content", "children"), Output("shown-path", "data"), Input("url", "pathname"),
                  State("shown-path", "data"))
    def route(pathname: str | None, shown: str | None) -> Any:
        pathname = pathname or "/"
        if pathname == shown:
            return no_update, no_update  # the first load of "/": the campaign page is in the layout already
        if pathname in pages:
            return pages[pathname].layout(manager), pathname
        if pathname == "/experiments":
            return experiments_page.layout(root), pathname
        return html.Div(html.P(f"no page {pathname}; try {', '.join(p for p, _ in PAGES)}", className="error"),
                        className="body"), pathname

    for run_page in pages.values():
        run_page.register(app, manager)
    experiments_page.register(app)
    return app


__all__ = ["PLOTS", "base_scenario", "build_figures", "create_app", "fmt", "outputs_zip", "scenario_toml", "shared_y",
           "summary_rows", "y_extent"]
