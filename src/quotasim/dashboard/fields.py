"""The parameters a person can change on the page, and their validation.

Every parameter of a scenario can be reached. The *main* ones are data (an explicit registry per
model, like the scenario schema): each names a key path, how it is shown, and a slider range used
only when the scenario gives none. All the others come from the schema itself
(:func:`quotasim.scenario.reference.parameter_rows`), grouped by section (``campaign``,
``officials``, each locality, ...), each with its meaning, what is allowed, its range and its
source, and marked when no mechanism reads it in the scenario
(:func:`quotasim.scenario.inert_parameters`).

A value typed into a field is read exactly like a ``--set`` value (as TOML) and validated by
``Scenario.with_values``, so the page accepts and refuses what scenario files do, with the same
message.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Literal, Mapping

from quotasim.errors import InputError
from quotasim.scenario import Scenario, inert_parameters
from quotasim.scenario.loader import parse_value
from quotasim.scenario.reference import parameter_rows

WHERE = "field"
"""The ``where`` of every error a field reports (errors read ``field: key 'K': MESSAGE``)."""

Kind = Literal["number", "integer", "switch", "seed", "text"]
NOT_PARAMETERS = ("model", "name", "description")
"""Schema keys that name or describe a scenario rather than set it."""


@dataclass(frozen=True)
class FieldSpec:
    """One field: ``path`` in the scenario, a ``label``, its ``kind``, and a slider range and step
    for when the scenario carries no ``range`` for it."""

    path: str
    label: str
    kind: Kind
    ui_range: tuple[float, float] | None = None
    step: float | None = None


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("campaign.quota_usd", "Quota per official (USD)", "number", (0.0, 10_000.0), 50.0),
    FieldSpec("campaign.by_any_means", "By any means (share of household holdings)", "number", (0.0, 1.0), 0.01),
    FieldSpec("campaign.trade_open", "Trade open", "switch"),
    FieldSpec("enforcement.kin_depth", "Kin depth (0 none … 3 three generations)", "integer", (0, 3), 1),
    FieldSpec("enforcement.harshness", "Punishment harshness", "number", (0.0, 1.0), 0.01),
    FieldSpec("attitude.informant_coverage", "Informant coverage", "number", (0.0, 1.0), 0.01),
    FieldSpec("officials.count", "Number of officials", "integer", (10, 5000), 10),
    FieldSpec("seed", "Seed", "seed"),
)
"""The campaign model's main fields, shown first with a slider."""

CIVIL_VIOLENCE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("legitimacy", "Legitimacy L", "number", (0.0, 1.0), 0.01),
    FieldSpec("cops.density", "Cop density (share of the cells)", "number", (0.0, 0.2), 0.002),
    FieldSpec("citizens.density", "Citizen density (share of the cells)", "number", (0.1, 0.9), 0.01),
    FieldSpec("citizens.vision", "Citizens' vision (cells)", "number", (1.0, 15.0), 1.0),
    FieldSpec("steps", "Steps", "integer", (10, 2000), 10),
    FieldSpec("seed", "Seed", "seed"),
)
"""The civil-violence model's main fields."""

MAIN_FIELDS: dict[str, tuple[FieldSpec, ...]] = {"campaign": FIELDS, "civil_violence": CIVIL_VIOLENCE_FIELDS}
FIELDS_BY_PATH: dict[str, FieldSpec] = {f.path: f for f in FIELDS}


@dataclass(frozen=True)
class FieldState:
    """What the page shows for one field of one scenario."""

    spec: FieldSpec
    value: Any
    text: str
    source: str | None
    slider: tuple[float, float, float] | None  # (min, max, step), None for switches, text and the seed
    description: str = ""  # the schema's meaning of the key
    allowed: str = ""  # the schema's constraint, e.g. "float in [0.0, 1.0]"
    range: tuple[float, float] | None = None  # the scenario's range for it, from its sources
    inert: str | None = None  # why no mechanism reads it in this scenario, if none does


def main_fields(scenario: Scenario) -> tuple[FieldSpec, ...]:
    return MAIN_FIELDS[scenario.model]


def field_states(scenario: Scenario) -> list[FieldState]:
    """The main fields for ``scenario``: current values, the slider range (the scenario's
    ``range`` when it has one, else the field's own, widened to hold the value) and the source."""
    reference = {row.path: row for row in parameter_rows(scenario)}
    inert = inert_parameters(scenario)
    states = []
    for spec in main_fields(scenario):
        value = effective_value(scenario, spec.path)
        meta = scenario.params.get(spec.path)
        source = meta.source if meta is not None else None
        slider = None
        if spec.kind in ("number", "integer"):
            lo, hi = meta.range if meta is not None and meta.range is not None else spec.ui_range
            lo, hi = min(lo, value), max(hi, value)
            step = spec.step if spec.step is not None else (hi - lo) / 100
            if spec.kind == "integer":
                lo, hi, step = int(lo), int(hi), max(1, int(step))
            elif meta is not None and meta.range is not None:
                step = _nice_step((hi - lo) / 100)
            slider = (lo, hi, step)
        row = reference.get(spec.path)
        described = (row.description, row.allowed) if row is not None else ("", "")
        states.append(FieldState(spec, value, format_value(value), source, slider, *described,
                                 range=meta.range if meta is not None else None, inert=inert.get(spec.path)))
    return states


def _section(path: str, scenario: Scenario) -> str:
    parts = path.split(".")
    if len(parts) == 1:
        return "general"
    if parts[0] in ("localities", "schedule") and len(parts) > 2 and parts[1].isdigit():
        index = int(parts[1])
        if parts[0] == "localities":
            return f"locality {index}: {effective_value(scenario, f'localities.{index}.name', '')}"
        return f"schedule change {index}"
    return parts[0]


def _kind(value: Any, allowed: str) -> Kind:
    if isinstance(value, bool) or allowed.startswith("bool"):
        return "switch" if isinstance(value, bool) else "text"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "text"


def parameter_groups(scenario: Scenario) -> list[tuple[str, list[FieldState]]]:
    """Every other parameter of ``scenario`` (not a main field), as (section, fields) in schema
    order; list items (localities, schedule changes) one group per item. Lists of plain values
    (``snapshot_steps``) are left to scenario files."""
    inert = inert_parameters(scenario)
    main = {spec.path for spec in main_fields(scenario)}
    groups: dict[str, list[FieldState]] = {}
    for row in parameter_rows(scenario):
        if row.path in NOT_PARAMETERS:
            continue
        paths = [row.path]
        if "[]" in row.path:
            head, tail = row.path.split("[].", 1)
            items = effective_value(scenario, head, [])
            paths = [f"{head}.{i}.{tail}" for i in range(len(items))]
        for path in paths:
            if path in main:
                continue
            value = effective_value(scenario, path, None)
            if isinstance(value, (list, tuple, dict)) or hasattr(value, "model_fields"):
                continue
            meta = scenario.params.get(path)
            kind = _kind(value, row.allowed)
            label = path.split(".")[-1].replace("_", " ")
            state = FieldState(FieldSpec(path, label, kind), value, "" if value is None else format_value(value),
                               meta.source if meta is not None else None, None, row.description, row.allowed,
                               range=meta.range if meta is not None else None, inert=inert.get(path))
            groups.setdefault(_section(path, scenario), []).append(state)
    return list(groups.items())


_MISSING = object()


def effective_value(scenario: Scenario, path: str, default: Any = _MISSING) -> Any:
    """The value the run uses at ``path``: the scenario's own, or the schema's default where the
    file leaves the key out (read from the validated config)."""
    node: Any = scenario.config
    for part in path.split("."):
        if isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif hasattr(node, part) and not isinstance(node, (list, tuple)):
            node = getattr(node, part)
        elif default is not _MISSING:
            return default
        else:
            raise InputError("no such key in the scenario", where=WHERE, key=path)
    return node


def _has(scenario: Scenario, path: str) -> bool:
    return effective_value(scenario, path, _MISSING_OK) is not _MISSING_OK


_MISSING_OK = object()


def editable_paths(scenario: Scenario) -> set[str]:
    """Every key path a field of the page may set in ``scenario``."""
    paths = {spec.path for spec in main_fields(scenario)}
    for _section_name, states in parameter_groups(scenario):
        paths.update(state.spec.path for state in states)
    return paths


def format_value(value: Any) -> str:
    """The text a field shows for a value (reads back, through :func:`parse_text`, to the same value)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def parse_text(path: str, text: Any, scenario: Scenario | None = None) -> Any:
    """Read what a person typed into a field exactly as a ``--set`` value is read (TOML, else a
    string); the schema then accepts or refuses it. ``path`` must be a field of the page (a main
    field, or with ``scenario`` any of its parameters)."""
    known = path in FIELDS_BY_PATH or (scenario is not None and path in editable_paths(scenario))
    if not known:
        raise InputError("not a field of the dashboard", where=WHERE, key=path)
    if text is None or (isinstance(text, str) and not text.strip()):
        raise InputError("a value is required", where=WHERE, key=path)
    if isinstance(text, (bool, int, float)):
        return text
    return parse_value(text, where=WHERE, key=path)


def check_field(scenario: Scenario, path: str, text: Any) -> Any:
    """Parse and validate one field against ``scenario``; returns the value or raises InputError."""
    value = parse_text(path, text, scenario)
    scenario.with_values({path: value}, where=WHERE)
    return value


def unchanged(scenario: Scenario, path: str, text: Any) -> bool:
    """Whether a field still shows the scenario's own value (an absent optional value left empty included)."""
    current = effective_value(scenario, path, None)
    if isinstance(text, bool):
        return text == current
    shown = "" if text is None else str(text).strip()
    return shown == format_value(current)


def apply_fields(scenario: Scenario, texts: Mapping[str, Any]) -> Scenario:
    """``scenario`` with every changed field set from ``texts`` ({path: text}), validated together;
    fields that still show the scenario's own value are left as they are.

    Raises the first bad field's InputError (main fields first, then in the order given), or the
    error of the combination.
    """
    order = [spec.path for spec in main_fields(scenario) if spec.path in texts]
    order += [p for p in texts if p not in order]
    values = {}
    for path in order:
        if not unchanged(scenario, path, texts[path]):
            values[path] = check_field(scenario, path, texts[path])
    return scenario.with_values(values, where=WHERE) if values else scenario


def changed_settings(scenario: Scenario, base: Scenario) -> dict[str, Any]:
    """{path: value} of the parameters ``scenario`` sets differently from ``base`` (same model)."""
    out = {}
    for path in sorted(editable_paths(base) | {spec.path for spec in main_fields(base)}):
        now, before = effective_value(scenario, path, None), effective_value(base, path, None)
        if now != before:
            out[path] = now
    return out


def _nice_step(raw: float) -> float:
    """The 1, 2, 5 × 10^k nearest to ``raw`` (on a log scale): a slider step that reads well."""
    if raw <= 0:
        return 1.0
    exp = math.floor(math.log10(raw))
    candidates = [m * 10.0**exp for m in (1, 2, 5, 10)]
    return float(min(candidates, key=lambda c: abs(math.log(c / raw))))
