"""The parameter reference: every key of a model's schema with its meaning, constraint, and the
value, range and source a scenario gives it. docs/model.md embeds this table (a test checks it
is current); the dashboard shows the sources beside its fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from quotasim.scenario.loader import Scenario


@dataclass(frozen=True)
class ParamRow:
    path: str
    description: str
    allowed: str
    value: Any
    range: tuple[float, float] | None
    source: str | None


def _allowed(info) -> str:
    bounds = {}
    for m in info.metadata:
        for attr in ("ge", "gt", "le", "lt", "min_length", "max_length"):
            if getattr(m, attr, None) is not None:
                bounds[attr] = getattr(m, attr)
    ann = info.annotation
    optional = ""
    members = getattr(ann, "__args__", ())
    if type(None) in members and len(members) == 2:  # ``float | None``: may be left out
        ann = next(a for a in members if a is not type(None))
        optional = ", or absent"
    name = getattr(ann, "__name__", str(ann)).replace("typing.", "")
    if name == "Literal":
        return " or ".join(repr(a) for a in ann.__args__)
    lo = f"[{bounds['ge']}" if "ge" in bounds else (f"({bounds['gt']}" if "gt" in bounds else None)
    hi = f"{bounds['le']}]" if "le" in bounds else (f"{bounds['lt']})" if "lt" in bounds else None)
    if lo and hi:
        return f"{name} in {lo}, {hi}{optional}"
    if lo:
        return (f"{name} >= {lo[1:]}" if lo[0] == "[" else f"{name} > {lo[1:]}") + optional
    return name + optional


def _walk(model: type[BaseModel], prefix: str):
    for key, info in model.model_fields.items():
        ann = info.annotation
        args = getattr(ann, "__args__", ())
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from _walk(ann, f"{prefix}{key}.")
        elif args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            yield from _walk(args[0], f"{prefix}{key}[].")
        else:
            yield f"{prefix}{key}", info


def parameter_rows(scenario: Scenario) -> list[ParamRow]:
    """One row per schema key; list items (``localities[]``) show the first item's value."""
    schema = type(scenario.config)
    rows = []
    for path, info in _walk(schema, ""):
        concrete = path.replace("[]", ".0")
        try:
            value = scenario.value(concrete)
        except Exception:
            value = info.default
        meta = scenario.params.get(concrete)
        rows.append(ParamRow(
            path=path, description=info.description or "", allowed=_allowed(info), value=value,
            range=meta.range if meta else None, source=meta.source if meta else None,
        ))
    return rows


def markdown_table(scenario: Scenario) -> str:
    lines = [
        "| key | meaning | allowed | default | range | source |",
        "|---|---|---|---|---|---|",
    ]
    for r in parameter_rows(scenario):
        rng = f"{r.range[0]:g} – {r.range[1]:g}" if r.range else ""
        value = str(r.value).lower() if isinstance(r.value, bool) else ("(absent)" if r.value is None else r.value)
        cells = (f"`{r.path}`", r.description, r.allowed, str(value), rng, r.source or "")
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
