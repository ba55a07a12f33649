"""``quotasim scenarios``, ``show`` and ``validate``: the scenario catalogue and checks."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from quotasim.cli.console import err, out
from quotasim.scenario import builtin_descriptions, load_scenario


def scenarios() -> None:
    """List the built-in scenarios, one line each."""
    table = Table(show_header=True, box=None)
    table.add_column("name", style="bold")
    table.add_column("description")
    for name, description in builtin_descriptions().items():
        table.add_row(name, description)
    out.print(table)


def show(name: str = typer.Argument(..., help="A built-in name or a TOML file.")) -> None:
    """Print a scenario as TOML (extends resolved): a file that loads back to the same scenario."""
    scenario = load_scenario(name)
    print(scenario.to_toml(), end="")


def validate(path: Path = typer.Argument(..., help="A scenario TOML file (or built-in name).")) -> None:
    """Check a scenario file; exit 0 when valid, 2 with one line saying what is wrong otherwise."""
    scenario = load_scenario(str(path))
    err.print(f"[green]valid[/]: {scenario.origin} ({scenario.model} model, name {scenario.name!r})")
