"""The parameters a person can change on the page, and their validation.

The fields are data (an explicit registry, like the scenario schema): each names a key path of the
campaign scenario, how it is shown, and a slider range used only when the scenario gives none.
A value typed into a field is read exactly like a ``--set`` value (as TOML) and validated by
``Scenario.with_values``, so the page accepts and refuses what scenario files do, with the same
message.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, Mapping

from quotasim.errors import InputError
from quotasim.scenario import Scenario
from quotasim.scenario.loader import parse_value
from quotasim.scenario.reference import parameter_rows

WHERE = "field"
"""The ``where`` of every error a field reports (errors read ``field: key 'K': MESSAGE``)."""

Kind = Literal["number", "integer", "switch", "seed"]


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
FIELDS_BY_PATH: dict[str, FieldSpec] = {f.path: f for f in FIELDS}


@dataclass(frozen=True)
class FieldState:
    """What the page shows for one field of one scenario."""

    spec: FieldSpec
    value: Any
    text: str
    source: str | None
    slider: tuple[float, float, float] | None  # (min, max, step), None for switches and the seed
    description: str = ""  # the schema's meaning of the key
    allowed: str = ""  # the schema's constraint, e.g. "float in [0.0, 1.0]"


def field_states(scenario: Scenario) -> list[FieldState]:
    """The fields for ``scenario``: current values, the slider range (the scenario's ``range``
    when it has one, else the field's own, widened to hold the value) and the source."""
    reference = {row.path: row for row in parameter_rows(scenario)}
    states = []
    for spec in FIELDS:
        value = scenario.value(spec.path)
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
        states.append(FieldState(spec, value, format_value(value), source, slider, *described))
    return states


def format_value(value: Any) -> str:
    """The text a field shows for a value (reads back, through :func:`parse_text`, to the same value)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def parse_text(path: str, text: Any) -> Any:
    """Read what a person typed into a field exactly as a ``--set`` value is read (TOML, else a
    string); the schema then accepts or refuses it."""
    if path not in FIELDS_BY_PATH:
        raise InputError("not a field of the dashboard", where=WHERE, key=path)
    if text is None or (isinstance(text, str) and not text.strip()):
        raise InputError("a value is required", where=WHERE, key=path)
    if isinstance(text, (bool, int, float)):
        return text
    return parse_value(text, where=WHERE, key=path)


def check_field(scenario: Scenario, path: str, text: Any) -> Any:
    """Parse and validate one field against ``scenario``; returns the value or raises InputError."""
    value = parse_text(path, text)
    scenario.with_values({path: value}, where=WHERE)
    return value


def apply_fields(scenario: Scenario, texts: Mapping[str, Any]) -> Scenario:
    """``scenario`` with every field set from ``texts`` ({path: text}), validated together.

    Raises the first field's InputError (in page order), or the error of the combination.
    """
    values = {}
    for spec in FIELDS:
        if spec.path in texts:
            values[spec.path] = check_field(scenario, spec.path, texts[spec.path])
    return scenario.with_values(values, where=WHERE)


def _nice_step(raw: float) -> float:
    """The 1, 2, 5 × 10^k nearest to ``raw`` (on a log scale): a slider step that reads well."""
    if raw <= 0:
        return 1.0
    exp = math.floor(math.log10(raw))
    candidates = [m * 10.0**exp for m in (1, 2, 5, 10)]
    return float(min(candidates, key=lambda c: abs(math.log(c / raw))))
