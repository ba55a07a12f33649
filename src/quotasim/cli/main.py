"""The ``quotasim`` command: one module per command; this one only assembles them.

Expected failures (bad input) are one styled line on stderr and exit code 2; set
``QUOTASIM_DEBUG=1`` to see tracebacks.

Every command module is imported here, so each keeps its heavy imports (NumPy, Numba, pandas,
pyarrow, Dask, Plotly, Dash) inside the command function: ``--help``, ``--version``, ``scenarios``,
``show``, ``validate`` and every refusal then answer in a fraction of a second (a test checks
what they import; benchmarks/bench_cli.py times them).
"""

from __future__ import annotations

import os
import sys

import typer

from quotasim.cli import calibrate as calibrate_cmd
from quotasim.cli import compare as compare_cmd
from quotasim.cli import discover as discover_cmd
from quotasim.cli import run as run_cmd
from quotasim.cli import scenarios as scenarios_cmd
from quotasim.cli import sensitivity as sensitivity_cmd
from quotasim.cli import serve as serve_cmd
from quotasim.cli import sweep as sweep_cmd
from quotasim import __version__
from quotasim.cli.console import error_line, say, styled
from quotasim.errors import InputError

app = typer.Typer(
    name="quotasim",
    help="Simulate coercive quota campaigns (and Epstein's civil-violence model).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},  # inherited by every command
)


def _print_version(value: bool) -> None:
    if value:
        print(f"quotasim {__version__}")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Simulate coercive quota campaigns (and Epstein's civil-violence model)."""

app.command("run")(run_cmd.run)
app.command("scenarios")(scenarios_cmd.scenarios)
app.command("show")(scenarios_cmd.show)
app.command("validate")(scenarios_cmd.validate)
app.command("sweep")(sweep_cmd.sweep)
app.command("sensitivity")(sensitivity_cmd.sensitivity)
app.command("compare")(compare_cmd.compare)
app.command("discover")(discover_cmd.discover)
app.command("serve")(serve_cmd.serve)
app.command("calibrate")(calibrate_cmd.calibrate)


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the app, turning bad input and usage errors into one line and exit 2.

    Typer vendors its own copy of click in recent versions, so its exceptions are recognised by
    what they carry (``format_message``, ``exit_code``) rather than by class.
    """
    try:
        code = app(args=argv, standalone_mode=False)  # typer.Exit(n) comes back as n here
    except InputError as exc:
        error_line(str(exc))
        return 2
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except Exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `quotasim`: show the help
            print(exc.format_message())
            return 0
        if hasattr(exc, "format_message"):  # click/typer usage errors
            error_line(exc.format_message().replace("\n", " "))
            return 2
        if hasattr(exc, "exit_code"):  # typer.Exit / click Exit
            return int(exc.exit_code)
        if type(exc).__name__ == "Abort":
            say("interrupted")
            return 130
        if os.environ.get("QUOTASIM_DEBUG"):
            raise
        say(
            f"{styled('internal error:', fg='red', bold=True)} {type(exc).__name__}: {exc} "
            "(set QUOTASIM_DEBUG=1 for the traceback)"
        )
        return 1
    return code if isinstance(code, int) else 0


def entry() -> None:
    sys.exit(main())
