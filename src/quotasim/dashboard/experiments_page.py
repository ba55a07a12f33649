"""The experiments page: open a sweep, sensitivity, compare or calibration folder and look at it.

Type a folder's path (or pick one found under the folder the dashboard was started in) and press
Open: the page shows what the folder is (scenario, design, runs, status), an output to pick and,
for a sweep, a parameter to plot it against; the figure and the folder's own table for that
output; and links to the HTML reports in the folder, served by the app
(``/experiment-report?folder=…&name=…``). Element ids: ``exp-folder``, ``exp-found``,
``exp-open``, ``exp-message``, ``exp-facts``, ``exp-output``, ``exp-parameter``, ``exp-graph``,
``exp-table``, ``exp-reports``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from dash import Dash, Input, Output, State, dcc, html, no_update

from quotasim.dashboard import experiment_folders as ef
from quotasim.dashboard.components import GRAPH_CONFIG, styled
from quotasim.errors import InputError


def _stamp(path: Path) -> tuple:
    """What changes when a folder's results change (a resumed sweep adds part files)."""
    out = []
    for name in ("manifest.json", "compare.parquet", "sensitivity.parquet", "runs"):
        p = path / name
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((name, st.st_mtime_ns, st.st_size))
    return tuple(out)


@lru_cache(maxsize=8)
def _cached(path: str, stamp: tuple) -> ef.ExperimentFolder:
    return ef.open_folder(path)


def load(text: str) -> ef.ExperimentFolder:
    path = Path(str(text or "").strip()).expanduser()
    if not str(text or "").strip():
        return ef.open_folder("")
    resolved = path.resolve()
    return _cached(str(resolved), _stamp(resolved))


def layout(root: Path) -> html.Div:
    found = [str(p) for p in ef.find_folders(root)]
    return html.Div(className="body single", children=[
        html.Main(className="results wide", children=[
            html.Div(className="panel", children=[
                html.H2("Experiments: a sweep, sensitivity analysis, comparison or calibration"),
                html.P(["Open a folder written by ", html.Code("quotasim sweep"), ", ", html.Code("quotasim sensitivity"),
                        " or ", html.Code("quotasim compare"), ". Calibration folders are not supported yet."],
                       className="description"),
                html.Div(className="folder-row", children=[
                    dcc.Input(id="exp-folder", type="text", placeholder="path of the folder", debounce=False,
                              className="value folder", autoComplete="off", spellCheck=False),
                    html.Button("Open", id="exp-open", className="primary"),
                ]),
                dcc.Dropdown(id="exp-found", options=[{"label": f, "value": f} for f in found],
                             placeholder=f"or pick one found under {root} ({len(found)})", clearable=True),
                html.Div(id="exp-message", className="run-message"),
            ]),
            html.Div(id="exp-view"),
        ]),
    ])


def _option(output: str) -> str:
    words, _unit = ef.label(output)
    return output if words == output else f"{words} ({output})"


def _view(folder: ef.ExperimentFolder) -> list:
    facts = html.Table([html.Tbody([html.Tr([html.Th(k), html.Td(v)]) for k, v in folder.facts])], className="facts",
                       id="exp-facts", **{"data-kind": folder.kind})
    links = [html.A(name, href=f"/experiment-report?folder={quote(str(folder.path))}&name={quote(name)}", target="_blank")
             for name in folder.reports]
    pickers = [html.Label("Parameter (posterior against prior)" if folder.kind == "calibration" else "Output",
                          className="field-label"),
               dcc.Dropdown(id="exp-output", options=[{"label": _option(o), "value": o} for o in folder.outputs],
                            value=folder.default_output, clearable=False)]
    if folder.kind == "sweep":
        pickers += [html.Label("against the parameter", className="field-label"),
                    dcc.Dropdown(id="exp-parameter", options=[{"label": p, "value": p} for p in folder.parameters],
                                 value=folder.parameters[0] if folder.parameters else None, clearable=False)]
    else:
        pickers.append(html.Div(dcc.Dropdown(id="exp-parameter", options=[], value=None), style={"display": "none"}))
    return [
        html.Div(className="panel", children=[
            html.H3(str(folder.path)), facts,
            html.P(["Reports in the folder (open offline): ", *sum(([a, " "] for a in links), [])] if links
                   else "No HTML report in the folder.", id="exp-reports", className="note"),
        ]),
        html.Div(className="panel", children=[html.Div(pickers, className="pickers"),
                                              dcc.Graph(id="exp-graph", config=GRAPH_CONFIG), html.Div(id="exp-table")]),
    ]


def figure_and_table(folder: ef.ExperimentFolder, output: str | None, parameter: str | None):
    if output is None:
        return ef._empty("no numeric output in this folder"), ""
    if folder.kind == "calibration":
        fig = ef.calibration_figure(folder, output)
    elif folder.kind == "compare":
        fig = ef.compare_figure(folder, output)
    elif folder.kind == "sensitivity":
        fig = ef.sensitivity_figure(folder, output)
    else:
        fig = ef.sweep_figure(folder, output, parameter)
    fig = styled(fig)
    head, rows = ef.table_rows(folder, output)
    table = html.Table([html.Thead(html.Tr([html.Th(h) for h in head])),
                        html.Tbody([html.Tr([html.Td(c) for c in row]) for row in rows[:200]])], className="facts")
    return fig, table


def register(app: Dash) -> None:
    @app.callback(Output("exp-folder", "value"), Input("exp-found", "value"), prevent_initial_call=True)
    def pick(value):
        return value or no_update

    @app.callback(
        Output("exp-view", "children"),
        Output("exp-message", "children"),
        Input("exp-open", "n_clicks"),
        Input("exp-found", "value"),
        State("exp-folder", "value"),
        prevent_initial_call=True,
    )
    def open_(_n, found, text):
        try:
            folder = load(found if found and not text else text)
        except InputError as exc:
            return [], html.Div(str(exc), className="error", id="exp-error")
        except Exception as exc:  # a damaged file: say so, keep serving
            return [], html.Div(f"cannot read the folder: {type(exc).__name__}: {exc}", className="error", id="exp-error")
        return _view(folder), ""

    @app.callback(
        Output("exp-graph", "figure"),
        Output("exp-table", "children"),
        Input("exp-output", "value"),
        Input("exp-parameter", "value"),
        State("exp-folder", "value"),
        State("exp-found", "value"),
    )
    def draw(output, parameter, text, found):
        try:
            folder = load(text or found)
        except InputError as exc:
            return ef._empty(str(exc)), ""
        return figure_and_table(folder, output, parameter)

    server = app.server

    @server.route("/experiment-report")
    def experiment_report():
        from flask import abort, request, send_file

        folder, name = request.args.get("folder", ""), request.args.get("name", "")
        if not ef.REPORT_NAME.match(name):
            abort(404)
        path = Path(folder).expanduser().resolve()
        try:
            ef.kind_of(path)
        except InputError:
            abort(404)
        target = path / name
        if not target.is_file():
            abort(404)
        return send_file(os.fspath(target), mimetype="text/html")


__all__ = ["layout", "register"]
