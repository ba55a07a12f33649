"""Calibration targets: the facts a calibration must reproduce, each with its source.

A target set is a TOML file (or a built-in set under ``src/quotasim/scenario/targets/``) holding
an array of tables::

    [[targets]]
    output = "at_review.collected_usd / quota_usd_total"   # a summary key, or a ratio "a / b"
    value = 0.5                                             # with sd ...
    sd = 0.15
    source = "..."

    [[targets]]
    output = "at_review.delivered_something / officials"
    interval = [0.8, 1.0]                                   # ... or a plausible interval
    source = "..."

Outputs are checked against the declared summary keys (``quotasim.campaign.outputs``). Reading
and checking a target set imports nothing numerical, so a bad file is refused at once.

How a run is compared with a target (:func:`residual`): for ``value ± sd`` the residual is
``(y - value) / sd``; for an interval it is 0 inside and, outside, 1 plus the distance to the
nearer end over half the interval's width (signed). Either way ``|residual| <= 1`` means the
target is met: within one sd of its value, or inside its interval. A ratio whose denominator is
zero has no value (NaN), and a run that gives one meets no target.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quotasim.errors import InputError

TARGETS_DIR = Path(__file__).resolve().parents[1] / "scenario" / "targets"
TARGET_KEYS = ("output", "value", "sd", "interval", "source", "note")
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Target:
    """One fact: ``output`` is a summary key or ``"a / b"``; either ``value`` and ``sd`` or
    ``interval`` (lo, hi) is set."""

    output: str
    source: str
    value: float | None = None
    sd: float | None = None
    interval: tuple[float, float] | None = None
    note: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        """The summary keys it reads (one, or numerator and denominator)."""
        return tuple(part.strip() for part in self.output.split("/"))

    @property
    def center(self) -> float:
        """The value the residual is zero at: ``value``, or the interval's midpoint."""
        if self.interval is not None:
            return (self.interval[0] + self.interval[1]) / 2
        return float(self.value)

    def describe(self) -> str:
        """``0.5 ± 0.15`` or ``[0.8, 1]``."""
        if self.interval is not None:
            return f"[{self.interval[0]:g}, {self.interval[1]:g}]"
        return f"{self.value:g} ± {self.sd:g}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"output": self.output}
        if self.interval is not None:
            out["interval"] = list(self.interval)
        else:
            out["value"], out["sd"] = self.value, self.sd
        out["source"] = self.source
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class TargetSet:
    name: str
    origin: str
    description: str
    targets: tuple[Target, ...]
    not_expressed: tuple[str, ...] = ()  # facts of the sources that no model output can hold, and why

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "origin": self.origin, "targets": [t.to_json() for t in self.targets]}


def builtin_target_sets() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in TARGETS_DIR.glob("*.toml")))


def output_keys(model: str) -> dict[str, str]:
    """Numeric summary keys of ``model`` -> unit."""
    if model != "campaign":
        return {}
    from quotasim.campaign.outputs import SUMMARY

    return {k.path: k.unit for k in SUMMARY if k.type in (int, float) and not k.path.startswith("provenance.")}


def load_targets(ref: str, *, model: str = "campaign", where: str = "--targets") -> TargetSet:
    """A built-in target set by name, or a TOML file; every target checked (one-line InputError)."""
    if ref in builtin_target_sets():
        path = TARGETS_DIR / f"{ref}.toml"
        label = f"built-in targets {ref}"
    else:
        path = Path(ref)
        label = str(path)
        if not path.is_file():
            raise InputError(
                f"no target set {ref!r}: not a file and not a built-in (built-ins: {', '.join(builtin_target_sets())})",
                where=where,
            )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", where=label) from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"file is {len(data)} bytes; a target set must be under {MAX_FILE_BYTES}", where=label)
    try:
        tree = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; a target set is a TOML text file", where=label) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"malformed TOML: {exc}", where=label) from None
    return parse_targets(tree, label=label, name=path.stem, model=model)


def parse_targets(tree: dict[str, Any], *, label: str, name: str, model: str = "campaign") -> TargetSet:
    allowed_top = ("name", "description", "targets", "not_expressed")
    for key in tree:
        if key not in allowed_top:
            raise InputError(f"unknown key; allowed keys here: {', '.join(allowed_top)}", where=label, key=key)
    items = tree.get("targets")
    if not isinstance(items, list) or not items:
        raise InputError("expected an array of tables [[targets]] with at least one target", where=label, key="targets")
    known = output_keys(model)
    if not known:
        raise InputError(f"calibration targets are defined for campaign scenarios, not {model!r}", where=label)
    targets = []
    for i, item in enumerate(items):
        targets.append(_parse_target(item, known, label=label, key=f"targets.{i}"))
    not_expressed = tree.get("not_expressed", [])
    if not isinstance(not_expressed, list) or not all(isinstance(s, str) for s in not_expressed):
        raise InputError("must be a list of strings", where=label, key="not_expressed")
    return TargetSet(
        name=str(tree.get("name", name)), origin=label, description=str(tree.get("description", "")),
        targets=tuple(targets), not_expressed=tuple(not_expressed),
    )


def _number(value: Any, *, label: str, key: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{what} must be a finite number, found {value!r}", where=label, key=key)
    return float(value)


def _parse_target(item: Any, known: dict[str, str], *, label: str, key: str) -> Target:
    if not isinstance(item, dict):
        raise InputError(f"expected a table, found {item!r}", where=label, key=key)
    for k in item:
        if k not in TARGET_KEYS:
            raise InputError(f"unknown key; allowed keys here: {', '.join(TARGET_KEYS)}", where=label, key=f"{key}.{k}")
    output = item.get("output")
    if not isinstance(output, str) or not output.strip():
        raise InputError("missing output: a summary key, or a ratio 'a / b'", where=label, key=f"{key}.output")
    parts = [p.strip() for p in output.split("/")]
    if len(parts) > 2 or not all(parts):
        raise InputError(f"expected a summary key or a ratio 'a / b', found {output!r}", where=label, key=f"{key}.output")
    for part in parts:
        if part not in known:
            close = [k for k in known if part.split(".")[-1] in k][:5]
            hint = f" (did you mean {', '.join(close)}?)" if close else " (the numeric summary keys are listed in docs/outputs.md)"
            raise InputError(f"unknown output {part!r}{hint}", where=label, key=f"{key}.output")
    output = " / ".join(parts)
    source = item.get("source", "")
    if not isinstance(source, str):
        raise InputError(f"source must be a string, found {source!r}", where=label, key=f"{key}.source")
    note = item.get("note", "")
    if not isinstance(note, str):
        raise InputError(f"note must be a string, found {note!r}", where=label, key=f"{key}.note")
    has_value, has_interval = "value" in item, "interval" in item
    if has_value and has_interval:
        raise InputError("give either value and sd, or interval, not both", where=label, key=key)
    if not has_value and not has_interval:
        raise InputError("give either value and sd, or interval = [lo, hi]", where=label, key=key)
    if has_interval:
        if "sd" in item:
            raise InputError("sd goes with value, not with interval", where=label, key=f"{key}.sd")
        rng = item["interval"]
        if not isinstance(rng, list) or len(rng) != 2:
            raise InputError(f"interval must be [lo, hi], found {rng!r}", where=label, key=f"{key}.interval")
        lo = _number(rng[0], label=label, key=f"{key}.interval", what="lo")
        hi = _number(rng[1], label=label, key=f"{key}.interval", what="hi")
        if not lo < hi:
            raise InputError(f"interval must have lo < hi, found [{lo:g}, {hi:g}]", where=label, key=f"{key}.interval")
        return Target(output=output, source=source, interval=(lo, hi), note=note)
    value = _number(item["value"], label=label, key=f"{key}.value", what="value")
    if "sd" not in item:
        raise InputError("value needs sd (> 0), the uncertainty of the fact", where=label, key=f"{key}.sd")
    sd = _number(item["sd"], label=label, key=f"{key}.sd", what="sd")
    if sd <= 0:
        raise InputError(f"sd must be > 0, found {sd:g}", where=label, key=f"{key}.sd")
    return Target(output=output, source=source, value=value, sd=sd, note=note)


def output_value(flat: dict[str, float], target: Target) -> float:
    """The target's output from a run's flattened summary; NaN for a ratio over zero."""
    keys = target.keys
    if len(keys) == 1:
        return float(flat[keys[0]])
    num, den = float(flat[keys[0]]), float(flat[keys[1]])
    return num / den if den != 0 else math.nan


def residual(target: Target, y: float) -> float:
    """How far ``y`` is from the target, in its own units (see the module's docstring)."""
    if target.interval is not None:
        lo, hi = target.interval
        half = (hi - lo) / 2
        if y < lo:
            return -1.0 - (lo - y) / half
        if y > hi:
            return 1.0 + (y - hi) / half
        return 0.0 if y == y else math.nan
    return (y - target.value) / target.sd


def within(target: Target, y: float) -> bool:
    """Whether ``y`` meets the target: inside its interval, or within one sd of its value."""
    if target.interval is not None:
        return target.interval[0] <= y <= target.interval[1]
    return abs(y - target.value) <= target.sd
