"""``quotasim scenarios``, ``show`` and ``validate``: the scenario catalogue and checks."""

from __future__ import annotations

from pathlib import Path

import typer

from quotasim.cli.console import say, styled
from quotasim.scenario import builtin_descriptions


def scenarios() -> None:
    """List the built-in scenarios, one line each: name, model, description."""
    from quotasim.scenario import load_scenario

    descriptions = builtin_descriptions()
    width = max(len(name) for name in descriptions)
    for name, description in descriptions.items():
        model = load_scenario(name).model
        say(f"{styled(f'{name:<{width}}', bold=True)}  {model:<14}  {description}", stdout=True)


def show(name: str = typer.Argument(..., help="A built-in name or a TOML file.")) -> None:
    """Print a scenario as TOML (extends resolved): a file that loads back to the same scenario."""
    from quotasim.scenario import load_scenario

    scenario = load_scenario(name)
    print(scenario.to_toml(), end="")


def validate(path: Path = typer.Argument(..., help="A scenario TOML file (or built-in name).")) -> None:
    """Check a scenario file; exit 0 when valid, 2 with one line saying what is wrong otherwise."""
    from quotasim.scenario import load_scenario

    scenario = load_scenario(str(path))
    say(f"{styled('valid', fg='green')}: {scenario.origin} ({scenario.model} model, name {scenario.name!r})")
