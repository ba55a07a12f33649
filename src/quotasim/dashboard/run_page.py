"""A page that runs one model: pick a scenario, change any parameter, run, look, (pin and
compare), download. The campaign page and the civil-violence page are two of these.

Layout: on the left the controls (scenario, the main fields, every other parameter in collapsible
groups by section); on the right a bar (Run, Cancel, Pin, Unpin, downloads), the progress or
error line, then the results: the report's cards, every number of summary.json on request, the
report's figures (side by side with a pinned run's). Runs go to the app's
:class:`~quotasim.dashboard.jobs.JobManager`; the page polls it while a run is active. The page
opens on a result: the scenario's default run, made when the app starts (campaign) or on the
page's first visit (civil violence).

Element ids (the campaign page's; the civil-violence page's carry the prefix ``cv-``):
``scenario``, ``reset``, ``run``, ``cancel``, ``progress``, ``run-message``, ``pin``, ``unpin``,
``download-zip-btn``, ``download-toml-btn``; each field sits in ``field-<path with dots as
dashes>`` with its ``input`` and a ``.field-error``; each collapsible group is a ``<details>``
``group-<section>``; the cards are ``card-<key>`` and the table of every number holds
``summary-<key>`` cells (the pinned run's ``pinned-<key>``) with the exact JSON value in
``data-value``; plots are ``graph-<name>`` (the pinned run's ``pinned-graph-<name>``).
``run-done`` and the ``summary`` table carry the run's id in ``data-job`` (and ``summary`` the
pinned run's in ``data-pinned``), so a script can tell one run's results from the next.
"""

from __future__ import annotations

import io
import logging
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update

from quotasim.dashboard import components as ui
from quotasim.dashboard.fields import FIELDS_BY_PATH, apply_fields, changed_settings, check_field, effective_value, format_value, main_fields
from quotasim.dashboard.figures import CV_PLOTS, PLOTS, shared_y, snapshot_steps
from quotasim.dashboard.jobs import DONE, FAILED, QUEUED, Job, JobManager
from quotasim.errors import InputError
from quotasim.result import Result
from quotasim.scenario import Scenario, builtin_descriptions, builtin_names, load_scenario

log = logging.getLogger(__name__)

POLL_MS = 300
HINT = "Change the parameters on the left and press Run."


@lru_cache(maxsize=4)
def builtins_of(model: str) -> tuple[str, ...]:
    return tuple(n for n in builtin_names() if load_scenario(n).model == model)


@lru_cache(maxsize=64)
def base_scenario(name: str, model: str = "campaign") -> Scenario:
    """A built-in scenario of ``model`` by name (loaded once; scenarios are immutable)."""
    if name not in builtins_of(model):
        raise InputError(f"no built-in {model.replace('_', '-')} scenario {name!r}; allowed: {', '.join(builtins_of(model))}",
                         where="scenario")
    return load_scenario(name)


def _prepare_civil_violence(scenario: Scenario) -> Scenario:
    """Ask the run for enough grid snapshots to animate."""
    steps = int(scenario.config.steps)
    return scenario.with_values({"snapshot_steps": snapshot_steps(steps)}, where="dashboard")


@dataclass
class RunPage:
    model: str
    prefix: str  # of every element id
    page: str  # the "page" key of the pattern-matching ids
    default: str  # the scenario the page opens on
    heading: str
    plots: tuple[tuple[str, str], ...]
    pinnable: bool = True
    prepare: Callable[[Scenario], Scenario] = lambda s: s
    default_job: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def id(self, name: str) -> str:
        return f"{self.prefix}{name}"

    # -----------------------------------------------------------------------------------------
    # the default result

    def ensure_default(self, manager: JobManager, *, wait: float = 0.0) -> Job | None:
        """The default scenario's run: submitted once, kept (pinned) for good; waits up to
        ``wait`` seconds for it."""
        with self._lock:
            job = manager.get(self.default_job)
            if job is None or job.state == FAILED:
                try:
                    job = manager.submit(self.prepare(base_scenario(self.default, self.model)))
                except InputError as exc:
                    log.warning("the default run of %s could not start: %s", self.default, exc)
                    return None
                manager.pin(job.id)
                self.default_job = job.id
        deadline = time.monotonic() + wait
        while job.active and time.monotonic() < deadline:
            time.sleep(0.02)
        return job

    # -----------------------------------------------------------------------------------------
    # layout

    def layout(self, manager: JobManager) -> html.Div:
        names = builtins_of(self.model)
        default = self.default if self.default in names else names[0]
        scenario = base_scenario(default, self.model)
        job = self.ensure_default(manager)
        shown = job.id if job is not None and job.state == DONE else None
        active = job is not None and job.active
        results = self.render_results(job, None) if shown else html.P(
            "Running the default scenario…" if active else HINT, className="hint")
        buttons = [html.Button("Run", id=self.id("run"), className="primary", disabled=active),
                   html.Button("Cancel", id=self.id("cancel"), disabled=True)]
        if self.pinnable:
            buttons += [html.Button("Pin this run", id=self.id("pin"), disabled=shown is None),
                        html.Button("Unpin", id=self.id("unpin"), disabled=True)]
        buttons += [html.Button("Download outputs (.zip)", id=self.id("download-zip-btn"), disabled=shown is None),
                    html.Button("Download scenario (.toml)", id=self.id("download-toml-btn"), disabled=shown is None),
                    dcc.Download(id=self.id("download-zip")), dcc.Download(id=self.id("download-toml"))]
        return html.Div(className="body", children=[
            html.Aside(className="controls", children=[
                html.H2(self.heading, className="page-heading"),
                html.Label("Scenario", htmlFor=self.id("scenario"), className="field-label"),
                dcc.Dropdown(id=self.id("scenario"), options=[{"label": n, "value": n} for n in names], value=default,
                             clearable=False),
                html.P(builtin_descriptions().get(default, ""), id=self.id("scenario-description"), className="description"),
                html.Div(ui.controls(scenario, self.page, self.prefix), id=self.id("controls")),
                html.Button("Reset to the scenario's values", id=self.id("reset"), className="reset"),
            ]),
            html.Main(className="results", children=[
                html.Div(buttons, className="toolbar"),
                html.Div(id=self.id("run-message"), className="run-message"),
                html.Div(self._done_line(job) if shown else "", id=self.id("progress"), className="progress"),
                html.Div(results, id=self.id("results")),
            ]),
            dcc.Store(id=self.id("job-id"), data=job.id if active else None),
            dcc.Store(id=self.id("shown-job"), data=shown),
            dcc.Store(id=self.id("pinned-job")),
            dcc.Interval(id=self.id("poll"), interval=POLL_MS, disabled=not active),
        ])

    def _done_line(self, job: Job) -> html.Div:
        return html.Div(f"done: {run_title(job)}", className="status done", id=self.id("run-done"), **{"data-job": job.id})

    # -----------------------------------------------------------------------------------------
    # results

    def render_results(self, current: Job | None, pinned: Job | None) -> Any:
        if current is None or current.state != DONE:
            return html.P(HINT, className="hint")
        if pinned is not None and (pinned.state != DONE or pinned.id == current.id):
            pinned = None
        return [self._summary(current, pinned), self._plots(current, pinned)]

    def _cards(self, result: Result):
        from quotasim.outputs.cards import campaign_card_groups, civil_violence_cards

        if self.model == "campaign":
            return campaign_card_groups(result.summary)
        return [("Key numbers", civil_violence_cards(result.summary))]

    def _summary(self, current: Job, pinned: Job | None) -> html.Div:
        from quotasim.outputs.story import campaign_story, civil_violence_story

        result = current.result
        config = result.scenario.config
        if self.model == "campaign":
            story = campaign_story(result.summary, duration_days=config.campaign.duration_days,
                                   review_day=config.campaign.review_day,
                                   gap_days=config.campaign.gap_days if config.campaign.count > 1 else 0)
        else:
            story = civil_violence_story(result.summary, result.tables["steps"])
        before = {}
        if pinned is not None:
            before = {c.key: c for _, group in self._cards(pinned.result) for c in group}
        parts: list = [html.H2(f"Summary: {run_title(current)}"), html.P(story, className="story", id=self.id("story"))]
        for heading, group in self._cards(result):
            parts += [html.H3(heading), ui.cards(group, prefix=self.id("card"), before=before if pinned else None)]
        parts.append(ui.every_number(result.summary, current.id, self._settings(current, pinned),
                                     pinned.result.summary if pinned else None, pinned.id if pinned else "",
                                     prefix=self.prefix))
        return html.Div(parts, className="panel summary-panel")

    def _settings(self, current: Job, pinned: Job | None) -> list[tuple[str, Any, Any]]:
        """(path, value, pinned value) of the main fields and of every parameter either run changed."""
        base = base_scenario(current.scenario.name, self.model) if current.scenario.name in builtins_of(self.model) else current.scenario
        paths = [spec.path for spec in main_fields(current.scenario)]
        extra = set(changed_settings(current.scenario, base))
        if pinned is not None:
            extra |= set(changed_settings(pinned.scenario, base))
        paths += sorted(p for p in extra if p not in paths and p != "snapshot_steps")

        def value(job: Job, path: str) -> Any:
            return job.result.seed if path == "seed" else effective_value(job.scenario, path, None)

        return [(p, value(current, p), value(pinned, p) if pinned else None) for p in paths]

    def _plots(self, current: Job, pinned: Job | None) -> html.Div:
        rows = []
        for name, title in self.plots:
            now = current.extra["figures"][name]
            cols: list = []
            if pinned is not None:
                before = pinned.extra["figures"][name]
                if isinstance(before, dict) and isinstance(now, dict):
                    before, now = shared_y(before, now)
                cols.append(html.Div([html.H4(f"pinned: {run_title(pinned)}"), ui.graph(self.id(f"pinned-graph-{name}"), before, title)],
                                     className="plot-col"))
                cols.append(html.Div([html.H4(f"this run: {run_title(current)}"), ui.graph(self.id(f"graph-{name}"), now, title)],
                                     className="plot-col"))
            else:
                cols.append(html.Div(ui.graph(self.id(f"graph-{name}"), now, title), className="plot-col"))
            rows.append(html.Div(html.Div(cols, className="plot-row"), className="panel plot", title=title))
        return html.Div(rows, className="plots")

    # -----------------------------------------------------------------------------------------
    # callbacks

    def register(self, app: Dash, manager: JobManager) -> None:
        page, model = self.page, self.model
        pid = self.id

        @app.callback(
            Output(pid("controls"), "children"),
            Output(pid("scenario-description"), "children"),
            Input(pid("scenario"), "value"),
            Input(pid("reset"), "n_clicks"),
            prevent_initial_call=True,
        )
        def show_scenario(name, _reset):
            try:
                scenario = base_scenario(name, model)
            except InputError as exc:
                return html.Div(str(exc), className="field-error"), ""
            return ui.controls(scenario, page, self.prefix), builtin_descriptions().get(name, "")

        @app.callback(
            Output({"type": "slider", "page": page, "path": MATCH}, "value"),
            Output({"type": "text", "page": page, "path": MATCH}, "value"),
            Output({"type": "text", "page": page, "path": MATCH}, "className"),
            Output({"type": "error", "page": page, "path": MATCH}, "children"),
            Input({"type": "slider", "page": page, "path": MATCH}, "value"),
            Input({"type": "text", "page": page, "path": MATCH}, "value"),
            State(pid("scenario"), "value"),
            prevent_initial_call=True,
        )
        def sync_field(slider_value, text, name):
            path = ctx.triggered_id["path"]
            from_slider = ctx.triggered_id["type"] == "slider"
            scenario = base_scenario(name, model)
            if from_slider:
                value = float(f"{slider_value:.12g}")  # no binary noise from the slider's steps
                spec = next((s for s in main_fields(scenario) if s.path == path), FIELDS_BY_PATH.get(path))
                text = int(round(value)) if spec is not None and spec.kind == "integer" else value
            try:
                value = check_field(scenario, path, text)
            except InputError as exc:
                return no_update, format_value(text) if from_slider else no_update, "value invalid", str(exc)
            if from_slider:
                return no_update, format_value(value), "value", ""
            slider = no_update
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                slider = value
            return slider, no_update, "value", ""

        for kind in ("seed", "param"):
            self._register_check(app, kind)

        @app.callback(
            Output({"type": "group-body", "page": page, "section": MATCH}, "children"),
            Input({"type": "group-head", "page": page, "section": MATCH}, "n_clicks"),
            State({"type": "group-body", "page": page, "section": MATCH}, "children"),
            State(pid("scenario"), "value"),
            prevent_initial_call=True,
        )
        def open_group(_clicks, body, name):
            if body:
                return no_update  # already there: closing and opening again keeps what was typed
            return ui.group_fields(base_scenario(name, model), ctx.triggered_id["section"], page, self.prefix)

        @app.callback(
            Output(pid("job-id"), "data"),
            Output(pid("poll"), "disabled"),
            Output(pid("run-message"), "children"),
            Output(pid("run"), "disabled", allow_duplicate=True),
            Input(pid("run"), "n_clicks"),
            State(pid("scenario"), "value"),
            State({"type": "text", "page": page, "path": ALL}, "value"),
            State({"type": "seed", "page": page, "path": ALL}, "value"),
            State({"type": "switch", "page": page, "path": ALL}, "value"),
            State({"type": "param", "page": page, "path": ALL}, "value"),
            prevent_initial_call=True,
        )
        def start_run(_clicks, name, *_values):
            values: dict[str, Any] = {}
            for group in ctx.states_list[1:]:
                for entry in group:
                    path, kind = entry["id"]["path"], entry["id"]["type"]
                    value = entry.get("value")
                    values[path] = ("on" in (value or [])) if kind == "switch" else value
            try:
                scenario = self.prepare(apply_fields(base_scenario(name, model), values))
                job = manager.submit(scenario)
            except InputError as exc:
                return no_update, no_update, html.Div(str(exc), className="error"), False
            return job.id, False, "", True

        @app.callback(
            Output(pid("progress"), "children"),
            Output(pid("poll"), "disabled", allow_duplicate=True),
            Output(pid("shown-job"), "data"),
            Output(pid("run"), "disabled"),
            Output(pid("cancel"), "disabled"),
            Input(pid("poll"), "n_intervals"),
            Input(pid("job-id"), "data"),
            prevent_initial_call=True,
        )
        def poll(_n, job_id):
            if job_id is None:  # nothing was run from this page yet (a store coming up says so)
                return no_update, True, no_update, no_update, no_update
            job = manager.get(job_id)
            if job is None:
                return GONE, True, no_update, False, True
            if job.state == QUEUED:
                return html.Div("queued: waiting for a free worker", className="status"), False, no_update, True, False
            if job.active:
                done, total = job.progress
                unit = "day" if model == "campaign" else "step"
                label = f"running: {unit} {done} of {total}" if total else "running: setting up"
                return [html.Div(label, className="status"), html.Progress(value=done, max=max(total, 1))], False, no_update, True, False
            if job.state == FAILED:
                return html.Div(job.error, className="error", id=pid("run-error")), True, no_update, False, True
            return self._done_line(job), True, job.id, False, True

        @app.callback(
            Output(pid("cancel"), "disabled", allow_duplicate=True),
            Input(pid("cancel"), "n_clicks"),
            State(pid("job-id"), "data"),
            prevent_initial_call=True,
        )
        def cancel(_n, job_id):
            manager.cancel(job_id)
            return True

        outputs = [Output(pid("results"), "children"), Output(pid("download-zip-btn"), "disabled"),
                   Output(pid("download-toml-btn"), "disabled")]
        inputs = [Input(pid("shown-job"), "data")]
        if self.pinnable:
            outputs += [Output(pid("pin"), "disabled"), Output(pid("unpin"), "disabled")]
            inputs += [Input(pid("pinned-job"), "data")]

        @app.callback(*outputs, *inputs, prevent_initial_call=True)
        def show_results(shown_id, pinned_id=None):
            current, pinned = manager.get(shown_id), manager.get(pinned_id)
            has_run = current is not None and current.state == DONE
            out = [self.render_results(current, pinned), not has_run, not has_run]
            if self.pinnable:
                out += [not has_run, pinned is None]
            return tuple(out)

        if self.pinnable:
            @app.callback(
                Output(pid("pinned-job"), "data"),
                Input(pid("pin"), "n_clicks"),
                Input(pid("unpin"), "n_clicks"),
                State(pid("shown-job"), "data"),
                State(pid("pinned-job"), "data"),
                prevent_initial_call=True,
            )
            def pin(_pin, _unpin, shown_id, pinned_id):
                job_id = shown_id if ctx.triggered_id == pid("pin") else None
                replacing = pinned_id if pinned_id != self.default_job else None  # the default run stays kept
                manager.pin(job_id, replacing=replacing)
                return job_id

        @app.callback(
            Output(pid("download-zip"), "data"),
            Output(pid("run-message"), "children", allow_duplicate=True),
            Input(pid("download-zip-btn"), "n_clicks"),
            State(pid("shown-job"), "data"),
            prevent_initial_call=True,
        )
        def download_zip(_n, shown_id):
            job = manager.get(shown_id)
            if job is None or job.result is None:
                return no_update, GONE
            return dcc.send_bytes(outputs_zip(job.result), filename=f"{job.scenario.name}-seed{job.result.seed}.zip"), ""

        @app.callback(
            Output(pid("download-toml"), "data"),
            Output(pid("run-message"), "children", allow_duplicate=True),
            Input(pid("download-toml-btn"), "n_clicks"),
            State(pid("shown-job"), "data"),
            prevent_initial_call=True,
        )
        def download_toml(_n, shown_id):
            job = manager.get(shown_id)
            if job is None or job.result is None:
                return no_update, GONE
            return dcc.send_string(scenario_toml(job.result), filename=f"{job.scenario.name}-seed{job.result.seed}.toml"), ""

    def _register_check(self, app: Dash, kind: str) -> None:
        page, model = self.page, self.model

        @app.callback(
            Output({"type": kind, "page": page, "path": MATCH}, "className"),
            Output({"type": f"{kind}-error", "page": page, "path": MATCH}, "children"),
            Input({"type": kind, "page": page, "path": MATCH}, "value"),
            State(self.id("scenario"), "value"),
            prevent_initial_call=True,
        )
        def check(text, name):
            path = ctx.triggered_id["path"]
            scenario = base_scenario(name, model)
            from quotasim.dashboard.fields import unchanged

            if unchanged(scenario, path, text):
                return "value", ""
            try:
                check_field(scenario, path, text)
            except InputError as exc:
                return "value invalid", str(exc)
            return "value", ""


GONE = html.Div("this run is no longer kept (only the newest runs are); run it again", className="error")


def run_title(job: Job) -> str:
    return f"{job.scenario.name} · seed {job.result.seed}"


def outputs_zip(result: Result) -> bytes:
    """The files ``quotasim run`` writes for ``result``, as one zip archive (in memory)."""
    from quotasim.outputs.write import write_run

    with tempfile.TemporaryDirectory(prefix="quotasim-dash-") as tmp:
        folder = write_run(result, Path(tmp) / "run")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, arcname=path.name)
    return buffer.getvalue()


def scenario_toml(result: Result) -> str:
    """The run's scenario as TOML with the run's seed: ``quotasim run FILE`` reproduces the run."""
    return result.scenario.with_values({"seed": result.seed}, where="download").to_toml()


def campaign_page() -> RunPage:
    from quotasim.scenario import DEFAULT_SCENARIO

    return RunPage(model="campaign", prefix="", page="campaign", default=DEFAULT_SCENARIO,
                   heading="Coercive quota campaigns", plots=PLOTS)


DEFAULT_CIVIL_VIOLENCE = "epstein-run-2"


def civil_violence_page() -> RunPage:
    return RunPage(model="civil_violence", prefix="cv-", page="civil_violence", default=DEFAULT_CIVIL_VIOLENCE,
                   heading="Civil violence (Epstein 2002)", plots=CV_PLOTS, pinnable=False, prepare=_prepare_civil_violence)


__all__ = ["RunPage", "base_scenario", "builtins_of", "campaign_page", "civil_violence_page", "outputs_zip", "scenario_toml"]
