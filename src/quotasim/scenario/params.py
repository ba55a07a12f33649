"""Parameters that carry metadata: ``{ value = …, range = [lo, hi], source = "…" }``.

A scenario tree may hold, anywhere a plain value is allowed, a *parameter table* with a ``value``
and optionally a ``range`` (for sweeps and sensitivity) and a ``source`` (a citation, or
"assumption"). This module separates the tree into the plain values the model validates and the
metadata the experiments and docs read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

PARAM_KEYS = frozenset({"value", "range", "source"})


@dataclass(frozen=True)
class ParamMeta:
    """Metadata of one parameter: its key path, range (or None) and source (or None)."""

    path: str
    range: tuple[float, float] | None
    source: str | None


def is_param_table(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node and set(node) <= PARAM_KEYS


def join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def split_params(tree: Any, path: str = "") -> tuple[Any, dict[str, ParamMeta]]:
    """Return (plain tree, {path: ParamMeta}) with every parameter table replaced by its value.

    Raises ValueError(path, message) for a malformed range, which the loader turns into an
    InputError naming the file and key.
    """
    meta: dict[str, ParamMeta] = {}
    if is_param_table(tree):
        rng = tree.get("range")
        if rng is not None:
            if (
                not isinstance(rng, list)
                or len(rng) != 2
                or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in rng)
                or not all(math.isfinite(x) for x in rng)
            ):
                raise ValueError(path, f"range must be [lo, hi] with two finite numbers, found {rng!r}")
            if rng[0] > rng[1]:
                raise ValueError(path, f"range must have lo <= hi, found {rng!r}")
            rng = (rng[0], rng[1])
        source = tree.get("source")
        if source is not None and not isinstance(source, str):
            raise ValueError(path, f"source must be a string, found {source!r}")
        meta[path] = ParamMeta(path, rng, source)
        return tree["value"], meta
    if isinstance(tree, dict):
        plain = {}
        for key, value in tree.items():
            plain[key], sub = split_params(value, join(path, key))
            meta.update(sub)
        return plain, meta
    if isinstance(tree, list):
        plain_list = []
        for i, value in enumerate(tree):
            v, sub = split_params(value, join(path, i))
            plain_list.append(v)
            meta.update(sub)
        return plain_list, meta
    return tree, meta
