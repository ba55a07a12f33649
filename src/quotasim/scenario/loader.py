"""Load a scenario: a built-in name or a TOML file, with ``extends`` and ``--set`` overrides.

Every failure is an :class:`~quotasim.errors.InputError` naming the file and key, what was found
and what is allowed. Nothing here allocates model state: a loaded scenario is a validated,
frozen description.
"""

from __future__ import annotations

import copy
import hashlib
import math
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping, Sequence

import tomli_w
from pydantic import BaseModel, ValidationError

from quotasim.errors import InputError
from quotasim.scenario.params import ParamMeta, is_param_table, split_params
from quotasim.scenario.registry import BUILTINS_DIR, MODELS, builtin_names

MAX_EXTENDS_DEPTH = 16
MAX_FILE_BYTES = 10_000_000


@dataclass(frozen=True)
class Scenario:
    """A validated scenario.

    ``config`` is the typed, frozen pydantic model the simulation reads; ``tree`` is the merged
    TOML tree (parameter tables kept, ``extends`` resolved) from which ``to_toml`` writes a file
    that loads back to the same scenario; ``params`` holds each parameter's range and source.
    """

    name: str
    model: str
    config: Any
    tree: dict[str, Any] = field(repr=False)
    params: Mapping[str, ParamMeta] = field(repr=False)
    origin: str = "<memory>"

    @property
    def seed(self) -> int:
        return self.config.seed

    def ranges(self) -> dict[str, tuple[float, float]]:
        """Key path -> (lo, hi) of every parameter that has a range."""
        return {p: m.range for p, m in self.params.items() if m.range is not None}

    def value(self, path: str) -> Any:
        """The plain value at a key path such as ``campaign.quota_usd`` or ``localities.0.households``."""
        node = _walk(self.tree, path.split("."), path, self.origin)
        return node["value"] if is_param_table(node) else node

    def with_values(self, values: Mapping[str, Any], *, where: str = "override") -> Scenario:
        """A new scenario with the given key paths set (ranges and sources kept), validated again.

        Setting plain values at existing key paths (what a sweep does on every run) re-validates
        only the sections that change, and copies only the tree nodes on those paths; the result
        is the same as re-validating the whole tree. Anything else, and every value the schema
        refuses, takes the general path (``_with_values_revalidated``), so errors read the same either way.
        """
        fast = _with_plain_values(self, values)
        return fast if fast is not None else _with_values_revalidated(self, values, where)

    def to_toml(self) -> str:
        """TOML text that loads back to this scenario (``extends`` already resolved)."""
        return tomli_w.dumps(self.tree)

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of the resolved scenario as TOML, without its default ``seed`` (a run's seed is
        reported beside it): two runs with the same parameters share it. Computed once."""
        tree = {key: value for key, value in self.tree.items() if key != "seed"}
        return hashlib.sha256(tomli_w.dumps(tree).encode("utf-8")).hexdigest()


def _with_values_revalidated(scenario: Scenario, values: Mapping[str, Any], where: str) -> Scenario:
    """The general path of ``with_values``: set the paths in a copy of the tree, validate it all."""
    tree = copy.deepcopy(scenario.tree)
    for path, value in values.items():
        _set_path(tree, path, value, where)
    return from_tree(tree, origin=scenario.origin, set_label=where, set_paths=list(values))


class _Leaf:
    """A new value in a nested update (distinguishes a value from a sub-update)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _with_plain_values(scenario: Scenario, values: Mapping[str, Any]) -> Scenario | None:
    """``scenario`` with plain (non-table) values set at key paths, or None to take the general path.

    Each touched section is validated with its new values and its other fields as they are; the
    sections above it are validated again with their (already valid) sub-sections as instances,
    which pydantic does not re-validate, so their own checks across fields run at little cost.
    Untouched sections are shared with ``scenario``; so are the untouched nodes of the tree
    (neither is ever changed in place).
    """
    updates: dict[str, Any] = {}
    for path, value in values.items():
        if isinstance(value, (dict, list)) or not isinstance(path, str):
            return None
        parts = path.split(".")
        if parts[0] == "model" or not all(parts):
            return None
        node = updates
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if isinstance(node, _Leaf):
                return None
        if parts[-1] in node:
            return None  # one path inside another: the general path says what is wrong
        node[parts[-1]] = _Leaf(value)
    tree = _tree_with(scenario.tree, updates)
    if tree is None:
        return None
    try:
        config = _config_with(scenario.config, updates)
    except (ValidationError, ValueError, TypeError):
        return None
    if config is None:
        return None
    return Scenario(
        name=config.name, model=scenario.model, config=config, tree=tree, params=scenario.params, origin=scenario.origin
    )


def _tree_with(node: Any, updates: dict[str, Any]) -> Any:
    """A copy of ``node`` with the updates applied as ``_set_path`` would; None where a path
    leads anywhere but to a plain value or a parameter table (or a new key of a table)."""
    if isinstance(node, list):
        out: Any = list(node)
        for key, sub in updates.items():
            if isinstance(sub, _Leaf) or not key.isdigit() or int(key) >= len(node):
                return None
            child = _tree_with(node[int(key)], sub)
            if child is None:
                return None
            out[int(key)] = child
        return out
    if not isinstance(node, dict) or is_param_table(node):
        return None
    out = dict(node)
    for key, sub in updates.items():
        old = node.get(key)
        if isinstance(sub, _Leaf):
            if isinstance(old, (dict, list)) and not is_param_table(old):
                return None
            out[key] = {**old, "value": sub.value} if is_param_table(old) else sub.value
        else:
            child = _tree_with(old, sub) if key in node else None
            if child is None:
                return None
            out[key] = child
    return out


def _config_with(model: Any, updates: dict[str, Any]) -> Any:
    """A validated copy of ``model`` (a section, or a list of sections) with the updates applied;
    None where a path does not lead through sections to a field. Raises ValidationError."""
    if isinstance(model, list):
        out = list(model)
        for key, sub in updates.items():
            if isinstance(sub, _Leaf) or not key.isdigit() or int(key) >= len(model):
                return None
            child = _config_with(model[int(key)], sub)
            if child is None:
                return None
            out[int(key)] = child
        return out
    if not isinstance(model, BaseModel):
        return None
    fields = type(model).model_fields
    # the fields the file gave, as they are: the same fields set as validating the whole tree
    data = {name: getattr(model, name) for name in model.model_fields_set}
    for key, sub in updates.items():
        if key not in fields:
            return None
        if isinstance(sub, _Leaf):
            data[key] = sub.value
        else:
            child = _config_with(getattr(model, key), sub)
            if child is None:
                return None
            data[key] = child
    return type(model).model_validate(data)


def load_scenario(ref: str | Path, overrides: Sequence[str] = ()) -> Scenario:
    """Load a scenario from a built-in name or a path, then apply ``key.path=value`` overrides."""
    path = resolve_ref(str(ref), base=None, where="scenario")
    tree = _load_tree(path, chain=())
    set_paths = []
    for item in overrides:
        key, value = parse_set(item)
        _set_path(tree, key, value, "--set")
        set_paths.append(key)
    return from_tree(tree, origin=_label(path), set_label="--set", set_paths=set_paths)


def from_tree(
    tree: dict[str, Any],
    *,
    origin: str = "<memory>",
    set_label: str = "--set",
    set_paths: Sequence[str] = (),
) -> Scenario:
    """Validate a merged tree (parameter tables allowed) into a :class:`Scenario`.

    Errors at a key in ``set_paths`` are attributed to ``set_label`` (e.g. ``--set``) rather than
    to the file, since that is where the user has to look.
    """
    try:
        plain, params = split_params(tree)
    except ValueError as exc:
        key, message = exc.args
        raise InputError(message, where=origin, key=key) from None
    model = plain.get("model", "campaign")
    if not isinstance(model, str) or model not in MODELS:
        raise InputError(
            f"unknown model {model!r}; allowed: {', '.join(sorted(MODELS))}", where=origin, key="model"
        )
    schema: type[BaseModel] = MODELS[model]
    try:
        config = schema.model_validate(plain)
    except ValidationError as exc:
        raise _translate(exc, schema, origin, set_label, set_paths) from None
    return Scenario(
        name=config.name, model=model, config=config, tree=tree, params=params, origin=origin
    )


def resolve_ref(ref: str, *, base: Path | None, where: str) -> Path:
    """A built-in name, or a path (relative to ``base`` when given) that must exist."""
    if ref in builtin_names():
        return BUILTINS_DIR / f"{ref}.toml"
    candidate = Path(ref)
    if base is not None and not candidate.is_absolute():
        candidate = base / candidate
    if candidate.is_file():
        return candidate
    if candidate.exists():
        raise InputError(f"{ref!r} is not a file", where=where)
    raise InputError(
        f"no scenario {ref!r}: not a file and not a built-in (built-ins: {', '.join(builtin_names())})",
        where=where,
    )


def parse_set(item: str) -> tuple[str, Any]:
    """``key.path=value`` -> (key path, value); the value is read as TOML, else as a string."""
    key, sep, text = item.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise InputError(f"expected key.path=value, found {item!r}", where="--set")
    return key, parse_value(text, where="--set", key=key)


def parse_value(text: str, *, where: str, key: str) -> Any:
    """A value as typed by a person (``--set``, a dashboard field): read as TOML, else kept as a
    string; NaN and infinity are refused."""
    text = text.strip()
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = text
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"value must be a finite number, found {text!r}", where=where, key=key)
    return value


def _label(path: Path) -> str:
    try:
        if path.is_relative_to(BUILTINS_DIR):
            return f"built-in {path.stem}"
    except ValueError:
        pass
    return str(path)


def _read_toml(path: Path) -> dict[str, Any]:
    label = _label(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file is {size} bytes; a scenario must be under {MAX_FILE_BYTES}", where=label)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", where=label) from None
    if b"\x00" in data:
        raise InputError("not a text file (binary content); a scenario is a TOML text file", where=label)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start}); a scenario is a TOML text file", where=label) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"malformed TOML: {exc}", where=label) from None


def _load_tree(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in chain:
        raise InputError("extends forms a cycle", where=_label(path), key="extends")
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise InputError(f"extends is nested more than {MAX_EXTENDS_DEPTH} deep", where=_label(path), key="extends")
    tree = _read_toml(path)
    parent_ref = tree.pop("extends", None)
    if parent_ref is None:
        return tree
    if not isinstance(parent_ref, str):
        raise InputError(
            f"extends must be a built-in name or a relative path, found {parent_ref!r}",
            where=_label(path),
            key="extends",
        )
    try:
        parent_path = resolve_ref(parent_ref, base=path.parent, where=_label(path))
    except InputError as exc:
        raise InputError(exc.message, where=_label(path), key="extends") from None
    parent = _load_tree(parent_path, chain + (resolved,))
    parent.pop("name", None)
    parent.pop("description", None)
    return _merge(parent, tree)


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``: tables merge key by key; a parameter table or a list replaces whole."""
    out = dict(base)
    for key, value in top.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict) and not is_param_table(value) and not is_param_table(old):
            out[key] = _merge(old, value)
        elif is_param_table(old) and not isinstance(value, dict):
            out[key] = {**old, "value": value}
        else:
            out[key] = value
    return out


def _walk(tree: Any, parts: list[str], path: str, where: str) -> Any:
    node = tree
    for part in parts:
        if isinstance(node, dict) and is_param_table(node):
            # A parameter table whose value is itself a table or a list: the path goes on in it.
            node = node["value"]
            if not isinstance(node, (dict, list)):
                raise InputError("path goes below a plain value", where=where, key=path)
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise InputError(f"no item {part!r} in a list of {len(node)}", where=where, key=path)
            node = node[int(part)]
        elif isinstance(node, dict):
            if part not in node:
                raise InputError("no such key in the scenario", where=where, key=path)
            node = node[part]
        else:
            raise InputError("path goes below a plain value", where=where, key=path)
    return node


def _set_path(tree: dict[str, Any], path: str, value: Any, where: str) -> None:
    """Set a key path; a parameter table keeps its range and source and takes the new value."""
    parts = path.split(".")
    parent = _walk(tree, parts[:-1], path, where) if len(parts) > 1 else tree
    if len(parts) > 1 and is_param_table(parent):
        parent = parent["value"]  # the key is in the parameter's value, not beside its range
    last = parts[-1]
    if isinstance(parent, list):
        if not last.isdigit() or int(last) >= len(parent):
            raise InputError(f"no item {last!r} in a list of {len(parent)}", where=where, key=path)
        index = int(last)
        if is_param_table(parent[index]) and not isinstance(value, dict):
            parent[index] = {**parent[index], "value": value}
        else:
            parent[index] = value
        return
    if not isinstance(parent, dict):
        raise InputError("path goes below a plain value", where=where, key=path)
    if is_param_table(parent.get(last)) and not isinstance(value, dict):
        parent[last] = {**parent[last], "value": value}
    else:
        parent[last] = value


def _fields_at(schema: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """Field names of the section at ``loc`` in ``schema`` (for 'allowed keys' messages)."""
    model: Any = schema
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return None
        ann = info.annotation
        args = getattr(ann, "__args__", ())
        model = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if model is None:
            return None
    return list(getattr(model, "model_fields", {}))


def _translate(
    exc: ValidationError, schema: type[BaseModel], origin: str, set_label: str, set_paths: Sequence[str]
) -> InputError:
    errors = exc.errors(include_url=False)
    err = errors[0]
    loc = tuple(err["loc"])
    key = ".".join(str(p) for p in loc) or None
    kind = err["type"]
    found = err.get("input")
    if kind == "extra_forbidden":
        allowed = _fields_at(schema, loc[:-1]) or []
        message = f"unknown key; allowed keys here: {', '.join(allowed)}"
    elif kind == "missing":
        message = "missing required key"
    elif kind == "value_error":
        message = str(err["msg"]).removeprefix("Value error, ")
        named = message.split(" ", 1)[0].rstrip(":")
        if "." in named or named == key:
            key = named  # the validator names the exact key itself
    else:
        message = f"{err['msg']}; found {_show(found)}"
    more = len(errors) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    where = origin
    if key and any(key == p or key.startswith(p + ".") for p in set_paths):
        where = set_label
    if key and message.startswith(key):
        message = message[len(key) :].lstrip(" :")
        message = f"value {message}" if message.startswith("(") else message
    return InputError(message, where=where, key=key)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
