"""docs/experiments.md matches the code: its Python example runs, and every design, option and
command it names exists."""

from __future__ import annotations

import re
from pathlib import Path

from quotasim.cli.main import app
from quotasim.experiments.design import DESIGNS

DOC = Path(__file__).resolve().parents[2] / "docs" / "experiments.md"


def test_python_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})


def test_designs_and_flags_are_documented():
    text = DOC.read_text("utf-8")
    for name in DESIGNS:
        assert f"`{name}`" in text
    import typer.main

    group = typer.main.get_command(app)
    for command in ("sweep", "sensitivity", "compare", "discover"):
        for param in group.commands[command].params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in text, (command, opt)
