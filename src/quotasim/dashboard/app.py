"""The dashboard page (Dash): pick a scenario, change its main parameters, run, look, compare.

Layout: on the left the controls (scenario, one field per entry of
:data:`quotasim.dashboard.fields.FIELDS` with its source); on the right a bar (Run, Cancel, Pin,
Unpin, downloads), the progress or error line, then the results (summary panel, the report's
plots, side by side with a pinned run). Runs go to a :class:`~quotasim.dashboard.jobs.JobManager`
(worker threads, bounded queue); the page polls it while a run is active. Nothing here runs a
simulation on a web-server thread.

Stable element ids the tests (and anyone scripting the page) rely on: ``scenario``, ``reset``, ``run``, ``cancel``,
``progress``, ``run-message``, ``pin``, ``unpin``, ``download-zip-btn``, ``download-toml-btn``;
each field sits in ``field-<path with dots as dashes>`` with its ``input`` and a ``.field-error``;
summary values are ``summary-<key>`` (nested keys joined by ``-``) with the exact JSON value in
``data-value``; the pinned run's are ``pinned-<key>``; plots are ``graph-<name>`` (the pinned
run's ``pinned-graph-<name>``). ``run-done`` and the ``summary`` table carry the run's id in
``data-job`` (and ``summary`` the pinned run's in ``data-pinned``), so a script can tell one run's
results from the next.
"""

from __future__ import annotations

import io
import json
import logging
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update

from quotasim.dashboard.fields import FIELDS, FIELDS_BY_PATH, apply_fields, check_field, field_states, format_value
from quotasim.dashboard.jobs import DONE, FAILED, QUEUED, Job, JobManager
from quotasim.errors import InputError
from quotasim.outputs import figures as _figures
from quotasim.result import Result, summary_items
from quotasim.scenario import DEFAULT_SCENARIO, Scenario, builtin_descriptions, builtin_names, load_scenario

log = logging.getLogger(__name__)

ASSETS = Path(__file__).parent / "assets"
POLL_MS = 300

PLOTS: tuple[tuple[str, str], ...] = (
    ("collection", "Collection by source"),
    ("reviews", "Review outcomes"),
    ("fear", "Fear"),
    ("punished", "People punished"),
    ("kin", "Kin network of the largest case"),
)
"""(name, title) of each plot, in page order; ``build_figures`` makes them."""

HEADLINE = ("collected_usd", "met_quota", "arrested", "exiled_persons", "relatives_investigated", "fear_index_end")


def build_figures(result: Result) -> dict[str, Any]:
    """The report's plots of ``result`` (the builders report.html uses), by name; runs on a
    worker thread.

    A plot that fails to build is replaced by a note, so one bad plot does not hide the run.
    """
    t = result.tables
    makers = {
        "collection": lambda: _figures.collection_by_source(t["daily"]),
        "reviews": lambda: _figures.review_outcomes(t["officials"]),
        "fear": lambda: _figures.fear_over_time(t["daily"]),
        "punished": lambda: _figures.people_punished(t["daily"]),
        "kin": lambda: _figures.kin_network(t["cases"]),
    }
    figures = {}
    for name, _title in PLOTS:
        try:
            figures[name] = makers[name]()
        except Exception as exc:
            log.exception("plot %s failed", name)
            figures[name] = f"this plot could not be drawn: {type(exc).__name__}: {exc}"
    return {"figures": figures}


@lru_cache(maxsize=1)
def campaign_builtins() -> tuple[str, ...]:
    """The built-in scenarios of the campaign model (the fields are campaign parameters)."""
    return tuple(n for n in builtin_names() if load_scenario(n).model == "campaign")


@lru_cache(maxsize=32)
def base_scenario(name: str) -> Scenario:
    """A built-in campaign scenario by name (loaded once; scenarios are immutable)."""
    if name not in campaign_builtins():
        raise InputError(f"no built-in campaign scenario {name!r}; allowed: {', '.join(campaign_builtins())}", where="scenario")
    return load_scenario(name)


def create_app(manager: JobManager | None = None) -> Dash:
    """The Dash app; ``manager`` runs the simulations (a default one with 2 workers if None)."""
    manager = manager or JobManager(finish_fn=build_figures)
    app = Dash(
        __name__,
        title="quotasim dashboard",
        assets_folder=str(ASSETS),
        update_title=None,
        suppress_callback_exceptions=True,
    )
    app.layout = _layout()
    app.server.config["QUOTASIM_JOBS"] = manager
    _callbacks(app, manager)
    return app


# ---------------------------------------------------------------------------------------------
# layout


def _layout() -> html.Div:
    names = campaign_builtins()
    default = DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0]
    return html.Div(
        className="page",
        children=[
            html.Header(
                className="top",
                children=[
                    html.H1("quotasim"),
                    html.Span("coercive quota campaigns: change a parameter, run, compare", className="tagline"),
                ],
            ),
            html.Div(
                className="body",
                children=[
                    html.Aside(
                        className="controls",
                        children=[
                            html.Label("Scenario", htmlFor="scenario", className="field-label"),
                            dcc.Dropdown(
                                id="scenario",
                                options=[{"label": n, "value": n} for n in names],
                                value=default,
                                clearable=False,
                            ),
                            html.P(id="scenario-description", className="description"),
                            html.Div(id="controls"),
                            html.Button("Reset to the scenario's values", id="reset", className="reset"),
                        ],
                    ),
                    html.Main(
                        className="results",
                        children=[
                            html.Div(
                                className="toolbar",
                                children=[
                                    html.Button("Run", id="run", className="primary"),
                                    html.Button("Cancel", id="cancel", disabled=True),
                                    html.Button("Pin this run", id="pin", disabled=True),
                                    html.Button("Unpin", id="unpin", disabled=True),
                                    html.Button("Download outputs (.zip)", id="download-zip-btn", disabled=True),
                                    html.Button("Download scenario (.toml)", id="download-toml-btn", disabled=True),
                                    dcc.Download(id="download-zip"),
                                    dcc.Download(id="download-toml"),
                                ],
                            ),
                            html.Div(id="run-message", className="run-message"),
                            html.Div(id="progress", className="progress"),
                            html.Div(
                                id="results",
                                children=html.P("Change the parameters on the left and press Run.", className="hint"),
                            ),
                        ],
                    ),
                ],
            ),
            dcc.Store(id="job-id"),
            dcc.Store(id="shown-job"),
            dcc.Store(id="pinned-job"),
            dcc.Interval(id="poll", interval=POLL_MS, disabled=True),
        ],
    )


def _slug(path: str) -> str:
    return path.replace(".", "-")


def _controls(scenario: Scenario) -> list:
    rows = []
    for state in field_states(scenario):
        spec = state.spec
        source_text = state.source or (
            "the scenario's seed; a scenario and a seed replay a run exactly"
            if spec.kind == "seed"
            else "none given in the scenario"
        )
        source = html.Div(f"source: {source_text}", className="source")
        hint = "; ".join(p for p in (state.description, f"allowed: {state.allowed}" if state.allowed else "") if p)
        label = html.Label(spec.label, className="field-label", title=hint)
        key = html.Code(spec.path, className="key", title=hint)
        if spec.kind == "switch":
            control = dcc.Checklist(
                id={"type": "switch", "path": spec.path},
                options=[{"label": " open", "value": "on"}],
                value=["on"] if state.value else [],
                className="switch",
            )
            error = html.Div(className="field-error")
            rows.append(
                html.Div(
                    [html.Div([label, key], className="label-row"), control, error, source],
                    id=f"field-{_slug(spec.path)}",
                    className="field",
                )
            )
            continue
        text = dcc.Input(
            id={"type": "seed" if spec.kind == "seed" else "text", "path": spec.path},
            type="text",
            value=state.text,
            debounce=True,
            className="value",
            autoComplete="off",
            spellCheck=False,
        )
        error_type = "seed-error" if spec.kind == "seed" else "error"
        error = html.Div(id={"type": error_type, "path": spec.path}, className="field-error")
        parts: list = [html.Div([label, key], className="label-row")]
        if state.slider is not None:
            lo, hi, step = state.slider
            slider = dcc.Slider(
                id={"type": "slider", "path": spec.path},
                min=lo,
                max=hi,
                step=step,
                value=min(max(state.value, lo), hi),
                marks={lo: f"{lo:g}", hi: f"{hi:g}"},
                tooltip={"placement": "bottom", "always_visible": False},
                updatemode="mouseup",
                allow_direct_input=False,
            )
            parts.append(html.Div([html.Div(slider, className="slider"), text], className="slider-row"))
        else:
            parts.append(text)
        parts += [error, source]
        rows.append(html.Div(parts, id=f"field-{_slug(spec.path)}", className="field"))
    return rows


# ---------------------------------------------------------------------------------------------
# results


def _plain(value: Any) -> Any:
    """A summary value as summary.json holds it (NumPy scalars and dates made plain)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def summary_rows(summary: dict[str, Any]) -> list[tuple[str, Any]]:
    """(key, value) of each number in a summary, nested keys joined by ``.``, headline first."""
    flat = list(summary_items(_plain(summary)))
    rank = {k: i for i, k in enumerate(HEADLINE)}
    flat = [(k, v) for k, v in flat if k not in ("scenario", "seed", "model") and not isinstance(v, (str, list))]
    return sorted(flat, key=lambda kv: rank.get(kv[0], len(rank)))


def fmt(value: Any) -> str:
    """A number as the page shows it (thousands separators; two decimals for floats >= 1)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def _cell(prefix: str, key: str, value: Any) -> html.Td:
    return html.Td(
        fmt(value),
        id=f"{prefix}-{key.replace('.', '-')}",
        className="num",
        **{"data-value": json.dumps(value)},
    )


def _change(now: Any, before: Any) -> html.Td:
    if isinstance(now, (int, float)) and isinstance(before, (int, float)) and not isinstance(now, bool):
        diff = now - before
        text = ("+" if diff > 0 else "") + fmt(diff) if diff else "="
        return html.Td(text, className="num change " + ("up" if diff > 0 else "down" if diff < 0 else ""))
    return html.Td("")


def _settings(job: Job) -> dict[str, Any]:
    return {spec.path: job.scenario.value(spec.path) for spec in FIELDS}


def _run_title(job: Job) -> str:
    return f"{job.scenario.name} · seed {job.result.seed}"


def _summary_panel(current: Job, pinned: Job | None) -> html.Div:
    now = summary_rows(current.result.summary)
    before = dict(summary_rows(pinned.result.summary)) if pinned else {}
    head = [html.Th("")]
    if pinned:
        head += [html.Th(["pinned", html.Br(), html.Small(_run_title(pinned))]), html.Th(["this run", html.Br(), html.Small(_run_title(current))]), html.Th("change")]
    else:
        head += [html.Th(["this run", html.Br(), html.Small(_run_title(current))])]
    rows = [html.Tr(html.Th("settings", colSpan=len(head)), className="section")]
    set_now, set_before = _settings(current), _settings(pinned) if pinned else {}
    for spec in FIELDS:
        cells = [html.Td(spec.path, className="key")]
        if pinned:
            cells.append(html.Td(format_value(set_before[spec.path]), className="num"))
        differs = pinned is not None and set_before[spec.path] != set_now[spec.path]
        cells.append(html.Td(format_value(set_now[spec.path]), className="num" + (" differs" if differs else "")))
        if pinned:
            cells.append(html.Td(""))
        rows.append(html.Tr(cells))
    rows.append(html.Tr(html.Th("outputs", colSpan=len(head)), className="section"))
    for key, value in now:
        cells = [html.Td(key, className="key")]
        if pinned:
            cells.append(_cell("pinned", key, before.get(key)))
        cells.append(_cell("summary", key, value))
        if pinned:
            cells.append(_change(value, before.get(key)))
        rows.append(html.Tr(cells, className="headline" if key in HEADLINE else None))
    return html.Div(
        [
            html.H2("Summary"),
            html.Table(
                [html.Thead(html.Tr(head)), html.Tbody(rows)],
                className="summary",
                id="summary",
                **{"data-job": current.id, "data-pinned": pinned.id if pinned else ""},
            ),
        ],
        className="panel",
    )


def _graph(prefix: str, name: str, fig: Any) -> Any:
    if isinstance(fig, str):
        title = dict(PLOTS)[name]
        return html.Div(f"{title}: {fig}", className="plot-error", id=f"{prefix}{name}")
    return dcc.Graph(id=f"{prefix}{name}", figure=fig, config={"displaylogo": False}, className="graph")


def y_extent(fig: go.Figure, axis: str = "y") -> tuple[float, float] | None:
    """(lowest, highest) value a figure draws on one y axis ("y", "y2", …), stacked traces
    (``stackgroup``, or bars with ``barmode="stack"``) summed per x; None when it draws nothing."""
    stacked_bars = fig.layout.barmode == "stack"
    lows, highs, stacks = [], [], {}
    for trace in fig.data:
        if (getattr(trace, "yaxis", None) or "y") != axis or trace.y is None or len(trace.y) == 0:
            continue
        ys = np.asarray([np.nan if y is None else y for y in trace.y], dtype=float)
        if not np.isfinite(ys).any():
            continue
        group = getattr(trace, "stackgroup", None) or ("bars" if stacked_bars and trace.type == "bar" else None)
        if group is None:
            lows.append(np.nanmin(ys))
            highs.append(np.nanmax(ys))
        else:
            xs = tuple(str(x) for x in trace.x) if trace.x is not None else tuple(range(len(ys)))
            total = stacks.setdefault((group, xs), np.zeros(len(ys)))
            total += np.where(np.isnan(ys), 0.0, ys)
    for total in stacks.values():
        lows.append(total.min())
        highs.append(total.max())
    if not highs:
        return None
    return float(min(lows)), float(max(highs))


def shared_y(a: go.Figure, b: go.Figure) -> tuple[go.Figure, go.Figure]:
    """Copies of two figures of the same kind with the same range on each y axis, so heights can be
    compared side by side; an axis with a fixed range or hidden is left alone."""
    a, b = go.Figure(a), go.Figure(b)
    keys = sorted(k for k in a.to_plotly_json()["layout"] if k.startswith("yaxis")) or ["yaxis"]
    for key in keys:
        axis = a.layout[key]
        if axis.range is not None or axis.visible is False:
            continue
        trace_axis = "y" + key.removeprefix("yaxis")  # layout "yaxis2" is trace axis "y2"
        extents = [e for e in (y_extent(a, trace_axis), y_extent(b, trace_axis)) if e]
        if not extents:
            continue
        lo, hi = min(0.0, *(e[0] for e in extents)), max(e[1] for e in extents)
        if hi <= lo:
            continue
        rng = [lo, hi + 0.05 * (hi - lo)]
        a.layout[key].range, b.layout[key].range = rng, rng
    return a, b


def _plots(current: Job, pinned: Job | None) -> html.Div:
    rows = []
    for name, title in PLOTS:
        cols: list = []
        if pinned:
            before, now = pinned.extra["figures"][name], current.extra["figures"][name]
            if isinstance(before, go.Figure) and isinstance(now, go.Figure):
                before, now = shared_y(before, now)
            cols.append(html.Div([html.H4(f"pinned: {_run_title(pinned)}"), _graph("pinned-graph-", name, before)], className="plot-col"))
            cols.append(html.Div([html.H4(f"this run: {_run_title(current)}"), _graph("graph-", name, now)], className="plot-col"))
        else:
            cols.append(html.Div(_graph("graph-", name, current.extra["figures"][name]), className="plot-col"))
        rows.append(html.Div(html.Div(cols, className="plot-row"), className="panel plot", title=title))
    return html.Div(rows, className="plots")


def render_results(current: Job | None, pinned: Job | None) -> Any:
    if current is None or current.state != DONE:
        return html.P("Change the parameters on the left and press Run.", className="hint")
    if pinned is not None and (pinned.state != DONE or pinned.id == current.id):
        pinned = None
    return [_summary_panel(current, pinned), _plots(current, pinned)]


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


# ---------------------------------------------------------------------------------------------
# callbacks


_GONE = html.Div("this run is no longer kept (only the newest runs are); run it again", className="error")


def _callbacks(app: Dash, manager: JobManager) -> None:
    @app.callback(
        Output("controls", "children"),
        Output("scenario-description", "children"),
        Input("scenario", "value"),
        Input("reset", "n_clicks"),
    )
    def show_scenario(name, _reset):
        try:
            scenario = base_scenario(name)
        except InputError as exc:
            return html.Div(str(exc), className="field-error"), ""
        return _controls(scenario), builtin_descriptions().get(name, "")

    @app.callback(
        Output({"type": "slider", "path": MATCH}, "value"),
        Output({"type": "text", "path": MATCH}, "value"),
        Output({"type": "text", "path": MATCH}, "className"),
        Output({"type": "error", "path": MATCH}, "children"),
        Input({"type": "slider", "path": MATCH}, "value"),
        Input({"type": "text", "path": MATCH}, "value"),
        State("scenario", "value"),
        prevent_initial_call=True,
    )
    def sync_field(slider_value, text, name):
        path = ctx.triggered_id["path"]
        from_slider = ctx.triggered_id["type"] == "slider"
        if from_slider:
            value = float(f"{slider_value:.12g}")  # no binary noise from the slider's steps
            text = int(round(value)) if FIELDS_BY_PATH[path].kind == "integer" else value
        try:
            value = check_field(base_scenario(name), path, text)
        except InputError as exc:
            return no_update, format_value(text) if from_slider else no_update, "value invalid", str(exc)
        if from_slider:
            return no_update, format_value(value), "value", ""
        slider = no_update
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            slider = value
        return slider, no_update, "value", ""

    @app.callback(
        Output({"type": "seed", "path": MATCH}, "className"),
        Output({"type": "seed-error", "path": MATCH}, "children"),
        Input({"type": "seed", "path": MATCH}, "value"),
        State("scenario", "value"),
        prevent_initial_call=True,
    )
    def check_seed(text, name):
        path = ctx.triggered_id["path"]
        try:
            check_field(base_scenario(name), path, text)
        except InputError as exc:
            return "value invalid", str(exc)
        return "value", ""

    @app.callback(
        Output("job-id", "data"),
        Output("poll", "disabled"),
        Output("run-message", "children"),
        Output("run", "disabled", allow_duplicate=True),
        Input("run", "n_clicks"),
        State("scenario", "value"),
        State({"type": "text", "path": ALL}, "value"),
        State({"type": "seed", "path": ALL}, "value"),
        State({"type": "switch", "path": ALL}, "value"),
        prevent_initial_call=True,
    )
    def start_run(_clicks, name, texts, seeds, switches):
        values: dict[str, Any] = {}
        for group, items in zip(ctx.states_list[1:], (texts, seeds, switches)):
            for entry, value in zip(group, items):
                path = entry["id"]["path"]
                values[path] = ("on" in (value or [])) if entry["id"]["type"] == "switch" else value
        try:
            scenario = apply_fields(base_scenario(name), values)
            job = manager.submit(scenario)
        except InputError as exc:
            return no_update, no_update, html.Div(str(exc), className="error"), False
        return job.id, False, "", True

    @app.callback(
        Output("progress", "children"),
        Output("poll", "disabled", allow_duplicate=True),
        Output("shown-job", "data"),
        Output("run", "disabled"),
        Output("cancel", "disabled"),
        Input("poll", "n_intervals"),
        Input("job-id", "data"),
        prevent_initial_call=True,
    )
    def poll(_n, job_id):
        job = manager.get(job_id)
        if job is None:
            return _GONE, True, no_update, False, True
        if job.state == QUEUED:
            return html.Div("queued: waiting for a free worker", className="status"), False, no_update, True, False
        if job.active:
            done, total = job.progress
            label = f"running: day {done} of {total}" if total else "running: setting up"
            bar = html.Progress(value=done, max=max(total, 1))
            return [html.Div(label, className="status"), bar], False, no_update, True, False
        if job.state == FAILED:
            return html.Div(job.error, className="error", id="run-error"), True, no_update, False, True
        done = html.Div(f"done: {_run_title(job)}", className="status done", id="run-done", **{"data-job": job.id})
        return done, True, job.id, False, True

    @app.callback(
        Output("cancel", "disabled", allow_duplicate=True),
        Input("cancel", "n_clicks"),
        State("job-id", "data"),
        prevent_initial_call=True,
    )
    def cancel(_n, job_id):
        manager.cancel(job_id)
        return True

    @app.callback(
        Output("results", "children"),
        Output("pin", "disabled"),
        Output("unpin", "disabled"),
        Output("download-zip-btn", "disabled"),
        Output("download-toml-btn", "disabled"),
        Input("shown-job", "data"),
        Input("pinned-job", "data"),
    )
    def show_results(shown_id, pinned_id):
        current = manager.get(shown_id)
        pinned = manager.get(pinned_id)
        has_run = current is not None and current.state == DONE
        return render_results(current, pinned), not has_run, pinned is None, not has_run, not has_run

    @app.callback(
        Output("pinned-job", "data"),
        Input("pin", "n_clicks"),
        Input("unpin", "n_clicks"),
        State("shown-job", "data"),
        State("pinned-job", "data"),
        prevent_initial_call=True,
    )
    def pin(_pin, _unpin, shown_id, pinned_id):
        job_id = shown_id if ctx.triggered_id == "pin" else None
        manager.pin(job_id, replacing=pinned_id)
        return job_id

    @app.callback(
        Output("download-zip", "data"),
        Output("run-message", "children", allow_duplicate=True),
        Input("download-zip-btn", "n_clicks"),
        State("shown-job", "data"),
        prevent_initial_call=True,
    )
    def download_zip(_n, shown_id):
        job = manager.get(shown_id)
        if job is None or job.result is None:
            return no_update, _GONE
        name = f"{job.scenario.name}-seed{job.result.seed}.zip"
        return dcc.send_bytes(outputs_zip(job.result), filename=name), ""

    @app.callback(
        Output("download-toml", "data"),
        Output("run-message", "children", allow_duplicate=True),
        Input("download-toml-btn", "n_clicks"),
        State("shown-job", "data"),
        prevent_initial_call=True,
    )
    def download_toml(_n, shown_id):
        job = manager.get(shown_id)
        if job is None or job.result is None:
            return no_update, _GONE
        name = f"{job.scenario.name}-seed{job.result.seed}.toml"
        return dcc.send_string(scenario_toml(job.result), filename=name), ""


__all__ = ["PLOTS", "build_figures", "create_app", "outputs_zip", "render_results", "scenario_toml"]
