"""Explicit registries: the model schemas and the built-in scenarios (they feed validation, CLI
choices and docs).

A schema module is imported when its model is first asked for: building pydantic schemas costs
a noticeable part of a second, which ``quotasim --help`` or validating a campaign scenario need
not pay for every model."""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel

BUILTINS_DIR = Path(__file__).parent / "builtins"
DEFAULT_SCENARIO = "dprk-2020-80-day-battle"

SCHEMAS: dict[str, tuple[str, str]] = {
    "campaign": ("quotasim.scenario.campaign", "CampaignScenario"),
    "civil_violence": ("quotasim.scenario.civil_violence", "CivilViolenceScenario"),
}
"""Model name -> (module, class) of its scenario schema."""


class _Schemas(Mapping[str, "type[BaseModel]"]):
    """Model name -> schema class, each imported on first access."""

    def __getitem__(self, model: str) -> type[BaseModel]:
        module, name = SCHEMAS[model]
        return getattr(importlib.import_module(module), name)

    def __iter__(self) -> Iterator[str]:
        return iter(SCHEMAS)

    def __len__(self) -> int:
        return len(SCHEMAS)

    def __contains__(self, model: object) -> bool:
        return model in SCHEMAS

    def __repr__(self) -> str:
        return f"MODELS({', '.join(SCHEMAS)})"


MODELS: Mapping[str, type[BaseModel]] = _Schemas()


@cache
def builtin_names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in BUILTINS_DIR.glob("*.toml")))


@cache
def builtin_descriptions() -> dict[str, str]:
    """Built-in name -> its one-line description."""
    out = {}
    for name in builtin_names():
        tree = tomllib.loads((BUILTINS_DIR / f"{name}.toml").read_text("utf-8"))
        out[name] = tree.get("description", "").strip().splitlines()[0] if tree.get("description") else ""
    return out
