"""Pieces of the pages made from data: the parameter fields, the summary cards, the table of every
number, the figures. Each page gives its element ids a prefix (``""`` for the campaign page,
``"cv-"`` for the civil-violence page) and its pattern-matching ids a ``page`` key, so that the
pages' callbacks never see each other's fields.
"""

from __future__ import annotations

import json
from html import escape as escape_html  # the name html is Dash's components
from typing import Any, Sequence

from dash import dcc, html

from quotasim.dashboard.fields import FieldState, field_states, parameter_groups
from quotasim.outputs.cards import Card
from quotasim.outputs.style import fmt_number
from quotasim.result import summary_items
from quotasim.scenario import Scenario

GRAPH_CONFIG = {"displaylogo": False}


def slug(path: str) -> str:
    return path.replace(".", "-")


def fmt(value: Any) -> str:
    """A number as the page's table of every number shows it (thousands separators; two decimals
    for floats >= 1, three below)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value)


def _range_text(state: FieldState) -> str:
    parts = []
    if state.range is not None:
        parts.append(f"range {state.range[0]:g} – {state.range[1]:g}")
    if state.allowed:
        parts.append(f"allowed: {state.allowed}")
    return "; ".join(parts)


def _source_text(state: FieldState) -> str:
    if state.spec.kind == "seed":
        return state.source or "the scenario's seed; a scenario and a seed replay a run exactly"
    return state.source or "none given in the scenario"


def main_field(state: FieldState, page: str, prefix: str) -> html.Div:
    """A main field: label and key, a slider (numbers) or a switch, the text box, its source and range."""
    spec = state.spec
    hint = "; ".join(p for p in (state.description, f"allowed: {state.allowed}" if state.allowed else "") if p)
    label = html.Label(spec.label, className="field-label", title=hint)
    key = html.Code(spec.path, className="key", title=hint)
    source = html.Div(f"source: {_source_text(state)}", className="source")
    rng = html.Div(_range_text(state), className="range") if state.range is not None else None
    inert = html.Div(f"no effect here: {state.inert}", className="inert-note") if state.inert else None
    parts: list = [html.Div([label, key], className="label-row")]
    if spec.kind == "switch":
        parts.append(dcc.Checklist(id={"type": "switch", "page": page, "path": spec.path},
                                   options=[{"label": " open" if "open" in spec.label.lower() else " on", "value": "on"}],
                                   value=["on"] if state.value else [], className="switch"))
        parts.append(html.Div(className="field-error"))
    else:
        kind = "seed" if spec.kind == "seed" else "text"
        text = dcc.Input(id={"type": kind, "page": page, "path": spec.path}, type="text", value=state.text,
                         debounce=True, className="value", autoComplete="off", spellCheck=False)
        error_type = "seed-error" if spec.kind == "seed" else "error"
        if state.slider is not None:
            lo, hi, step = state.slider
            slider = dcc.Slider(id={"type": "slider", "page": page, "path": spec.path}, min=lo, max=hi, step=step,
                                value=min(max(state.value, lo), hi), marks={lo: f"{lo:g}", hi: f"{hi:g}"},
                                tooltip={"placement": "bottom", "always_visible": False}, updatemode="mouseup",
                                allow_direct_input=False)
            parts.append(html.Div([html.Div(slider, className="slider"), text], className="slider-row"))
        else:
            parts.append(text)
        parts.append(html.Div(id={"type": error_type, "page": page, "path": spec.path}, className="field-error"))
    parts += [p for p in (source, rng, inert) if p is not None]
    return html.Div(parts, id=f"{prefix}field-{slug(spec.path)}", className="field" + (" inert" if state.inert else ""))


def group_field(state: FieldState, page: str, prefix: str) -> html.Div:
    """A parameter of a collapsible group: its name and key, a text box (a switch for yes/no), its
    meaning, source and range; greyed, with the reason, when it cannot act in this scenario."""
    spec = state.spec
    head = html.Div([html.Span(spec.label, className="field-label"), html.Code(spec.path, className="key")],
                    className="label-row", title=state.description)
    if spec.kind == "switch":
        control = dcc.Checklist(id={"type": "switch", "page": page, "path": spec.path},
                                options=[{"label": " on", "value": "on"}], value=["on"] if state.value else [],
                                className="switch")
        error = html.Div(className="field-error")
    else:
        control = dcc.Input(id={"type": "param", "page": page, "path": spec.path}, type="text", value=state.text,
                            debounce=True, className="value", autoComplete="off", spellCheck=False,
                            placeholder="absent" if state.value is None else None)
        error = html.Div(id={"type": "param-error", "page": page, "path": spec.path}, className="field-error")
    lines = [state.description] if state.description else []
    lines.append(f"source: {_source_text(state)}")
    if _range_text(state):
        lines.append(_range_text(state))
    if state.inert:
        lines.append(f"no effect here: {state.inert}")
    return html.Div([head, control, error, html.Div("\n".join(lines), className="about")], id=f"{prefix}field-{slug(spec.path)}",
                    className="field compact" + (" inert" if state.inert else ""), title=state.inert or None)


def group_fields(scenario: Scenario, section: str, page: str, prefix: str) -> list:
    """The fields of one section of :func:`parameter_groups`."""
    for name, states in parameter_groups(scenario):
        if name == section:
            return [group_field(state, page, prefix) for state in states]
    return []


def controls(scenario: Scenario, page: str, prefix: str) -> list:
    """The main fields, then every other parameter in a collapsible group per section. A group's
    fields are put in the page when it is first opened (``group-body``), which keeps the page
    quick to update; once there they stay, open or closed, and go with the run."""
    rows: list = [main_field(state, page, prefix) for state in field_states(scenario)]
    groups = parameter_groups(scenario)
    total = sum(len(states) for _, states in groups)
    rows.append(html.H3(f"All other parameters ({total}, by section)", className="groups-head"))
    for name, states in groups:
        inert = sum(1 for s in states if s.inert)
        note = f" · {inert} without effect here" if inert else ""
        rows.append(html.Details(
            [html.Summary([html.Span(name, className="group-name"), html.Span(f" {len(states)}{note}", className="group-count")],
                          id={"type": "group-head", "page": page, "section": name}),
             html.Div(id={"type": "group-body", "page": page, "section": name})],
            className="group", **{"data-section": name},
        ))
    return rows


def cards(items: Sequence[Card], prefix: str = "card", before: dict[str, Card] | None = None) -> html.Div:
    """Cards as the report draws them; with ``before`` (a pinned run's cards by key), each shows
    the pinned value and the change."""
    out = []
    for c in items:
        body: list = [html.Div([c.number, html.Span(c.unit, className="unit") if c.unit else None], className="num"),
                      html.Div(c.label, className="lbl")]
        if before is not None and c.key in before:
            was = before[c.key]
            change = ""
            if isinstance(c.value, (int, float)) and isinstance(was.value, (int, float)) and not isinstance(c.value, bool):
                diff = c.value - was.value
                change = " (=)" if diff == 0 else f" ({'+' if diff > 0 else '−'}{fmt_number(abs(diff))})"
            body.append(html.Div(f"pinned: {was.number}{change}", className="was"))
        out.append(html.Div(body, className="card", title=c.tooltip, id=f"{prefix}-{slug(c.key)}",
                            **{"data-value": json.dumps(c.value, default=str)}))
    return html.Div(out, className="cards")


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
    """(key, value) of each number in a summary, nested keys joined by ``.``, in summary order."""
    flat = list(summary_items(_plain(summary)))
    return [(k, v) for k, v in flat if k not in ("scenario", "seed", "model") and not isinstance(v, (str, list))]


def _words(key: str) -> tuple[str, str]:
    """(plain words, tooltip) for a summary key: its declared description where there is one."""
    try:
        from quotasim.campaign.outputs import SUMMARY

        declared = {k.path: k for k in SUMMARY}
    except ImportError:  # pragma: no cover
        declared = {}
    if key in declared:
        d = declared[key]
        return d.description.replace("`", ""), f"{key} ({d.unit})" if d.unit else key
    return key.replace("_", " ").replace(".", ": "), key


def _element(tag: str, content: str = "", **attrs: Any) -> str:
    """One HTML element as text: ``content`` is HTML already; attribute values are escaped, and
    ``class_`` and ``data_value`` stand for ``class`` and ``data-value``."""
    text = "".join(f' {name.rstrip("_").replace("_", "-")}="{_escape(value)}"' for name, value in attrs.items())
    return f"<{tag}{text}>{content}</{tag}>"


def _escape(value: Any) -> str:
    """Text for HTML, and without newlines: a blank line would end the HTML block that
    :func:`every_number` hands to Markdown."""
    return escape_html(str(value)).replace("\n", "&#10;")


def _cell(prefix: str, key: str, value: Any) -> str:
    return _element("td", _escape(fmt(value)), id=f"{prefix}-{slug(key)}", class_="num", data_value=json.dumps(value))


def every_number(current_summary: dict, current_id: str, settings: list[tuple[str, Any, Any]],
                 pinned_summary: dict | None = None, pinned_id: str = "", prefix: str = "") -> html.Details:
    """Every number of summary.json (and the run's settings), in a table that opens on request:
    plain words, the key in the tooltip; with a pinned run, its column and the change.

    The table is one piece of HTML (one Markdown component), not a Dash component per cell: Dash's
    renderer walks every component of the page after each callback, and the table's 400-odd
    components made showing a result take 2.5 s instead of 0.85 s in headless Chromium on the
    2-core machine, and opening a parameter group 0.6 s instead of 0.25 s (docs/dashboard.md)."""
    now = summary_rows(current_summary)
    before = dict(summary_rows(pinned_summary)) if pinned_summary else {}
    pinned = pinned_summary is not None
    titles = ["", "pinned", "this run", "change"] if pinned else ["", "this run"]
    head = _element("thead", _element("tr", "".join(_element("th", _escape(t)) for t in titles)))

    def section(title: str) -> str:
        return _element("tr", _element("th", _escape(title), colspan=len(titles)), class_="section")

    rows = [section("settings (main fields, and every other parameter changed)")]
    for path, value, was in settings:
        cells = [_element("td", _element("code", _escape(path)), class_="key")]
        if pinned:
            cells.append(_element("td", _escape(fmt_setting(was)), class_="num"))
        cells.append(_element("td", _escape(fmt_setting(value)), class_="num" + (" differs" if pinned and was != value else "")))
        if pinned:
            cells.append(_element("td"))
        rows.append(_element("tr", "".join(cells)))
    rows.append(section("outputs"))
    for key, value in now:
        words, tip = _words(key)
        cells = [_element("td", _escape(words), class_="key", title=tip)]
        if pinned:
            cells.append(_cell(f"{prefix}pinned", key, before.get(key)))
        cells.append(_cell(f"{prefix}summary", key, value))
        if pinned:
            cells.append(_change(value, before.get(key)))
        rows.append(_element("tr", "".join(cells)))
    table = _element("table", head + _element("tbody", "".join(rows)), class_="summary", id=f"{prefix}summary",
                     data_job=current_id, data_pinned=pinned_id)
    return html.Details([html.Summary("Every number of summary.json, and the settings of the run"),
                         dcc.Markdown(table, dangerously_allow_html=True, className="every-number-table")],
                        className="every-number", id=f"{prefix}every-number")


def fmt_setting(value: Any) -> str:
    from quotasim.dashboard.fields import format_value

    return format_value(value)


def _change(now: Any, before: Any) -> str:
    if isinstance(now, (int, float)) and isinstance(before, (int, float)) and not isinstance(now, bool):
        diff = now - before
        text = ("+" if diff > 0 else "") + fmt(diff) if diff else "="
        return _element("td", _escape(text), class_="num change " + ("up" if diff > 0 else "down" if diff < 0 else ""))
    return _element("td")


def graph(graph_id: str, fig: Any, title: str) -> Any:
    if isinstance(fig, str):
        return html.Div(f"{title}: {fig}", className="plot-error", id=graph_id)
    return dcc.Graph(id=graph_id, figure=styled(fig), config=GRAPH_CONFIG, className="graph")


def styled(fig: dict[str, Any]) -> dict[str, Any]:
    """A figure in the reports' template (a shallow copy; the template is not copied per figure)."""
    from quotasim.outputs.style import TEMPLATE

    layout = fig.get("layout", {})
    if "template" in layout:
        return fig
    return {**fig, "layout": {"template": TEMPLATE, **layout}}


__all__ = ["cards", "controls", "every_number", "fmt", "graph", "group_field", "group_fields", "main_field", "slug", "summary_rows"]
