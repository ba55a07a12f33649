"""docs/calibration.md matches the code: every option of ``quotasim calibrate`` is in its table,
and every output of the built-in target set is in its table."""

from __future__ import annotations

from pathlib import Path

from quotasim.cli.main import app

DOC = Path(__file__).resolve().parents[2] / "docs" / "calibration.md"


def test_every_calibrate_option_is_documented():
    import typer.main

    text = DOC.read_text("utf-8")
    command = typer.main.get_command(app).commands["calibrate"]
    options = [opt for param in command.params for opt in getattr(param, "opts", []) if opt.startswith("--")]
    assert "--targets" in options and "--resume" in options
    for opt in options:
        if opt != "--help":
            assert f"| `{opt}` |" in text, opt
    for name in ("run", "compare", "sweep"):
        assert f"quotasim {name}" in text and "--posterior" in text


def test_every_builtin_target_is_in_the_table():
    from quotasim.experiments.targets import load_targets

    text = DOC.read_text("utf-8")
    for target in load_targets("dprk-2020-report").targets:
        assert f"| `{target.output}` |" in text, target.output
