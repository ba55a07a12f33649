"""Explicit registries: the model schemas and the built-in scenarios (they feed validation, CLI
choices and docs)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from quotasim.scenario.campaign import CampaignScenario
from quotasim.scenario.civil_violence import CivilViolenceScenario

BUILTINS_DIR = Path(__file__).parent / "builtins"
DEFAULT_SCENARIO = "dprk-2020-80-day-battle"

MODELS: dict[str, type[BaseModel]] = {
    "campaign": CampaignScenario,
    "civil_violence": CivilViolenceScenario,
}


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
