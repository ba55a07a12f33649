"""``quotasim scenarios``, ``show`` and ``validate``: the scenario catalogue and checks."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from quotasim.cli.console import err, out
from quotasim.scenario import builtin_descriptions, load_scenario


def scenarios() -> None:
    """List the built-in scenarios, one line each: name, model, description."""
    descriptions = builtin_descriptions()
    width = max(len(name) for name in descriptions)
    for name, description in descriptions.items():
        model = load_scenario(name).model
        out.print(f"[bold]{name:<{width}}[/]  {model:<14}  {escape(description)}", soft_wrap=True)


def show(name: str = typer.Argument(..., help="A built-in name or a TOML file.")) -> None:
    """Print a scenario as TOML (extends resolved): a file that loads back to the same scenario."""
    scenario = load_scenario(name)
    print(scenario.to_toml(), end="")


def validate(path: Path = typer.Argument(..., help="A scenario TOML file (or built-in name).")) -> None:
    """Check a scenario file; exit 0 when valid, 2 with one line saying what is wrong otherwise."""
    scenario = load_scenario(str(path))
    err.print(f"[green]valid[/]: {scenario.origin} ({scenario.model} model, name {scenario.name!r})")
