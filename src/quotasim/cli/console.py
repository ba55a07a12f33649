"""Where the commands write: status and errors on stderr, data on stdout.

One-line messages (``say``, ``error_line``) go through Typer's ``echo`` and ``style``, which are
loaded with Typer anyway. Rich, for tables, progress bars and JSON, is imported by the first
command that draws with ``err`` or ``out``: importing it costs about a tenth of a second, which
``--help``, ``validate`` and a refusal should not pay.
"""

from __future__ import annotations

import os
from typing import Any

import typer


class _LazyConsole:
    """A Rich console made on first use; everything else is the console's own."""

    def __init__(self, **options: Any):
        self._options = options
        self._console = None

    def _made(self):
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)

    # Dunder methods skip __getattr__; Rich's Live holds the console as a context manager.
    def __enter__(self):
        return self._made().__enter__()

    def __exit__(self, *exc):
        return self._made().__exit__(*exc)


err = _LazyConsole(stderr=True, highlight=False)
out = _LazyConsole(highlight=False, soft_wrap=True)


def say(text: str, *, stdout: bool = False) -> None:
    """One line on stderr (stdout if asked), as is: no markup; ``styled`` pieces keep their colour
    on a terminal only, and none where ``NO_COLOR`` is set."""
    typer.echo(text, err=not stdout, color=False if os.environ.get("NO_COLOR") else None)


def styled(text: str, **style: Any) -> str:
    """``text`` in a Typer/Click style (``fg="red", bold=True``), shown where colour is."""
    return typer.style(text, **style)


def error_line(message: str) -> None:
    """The one line bad input gets on stderr: ``error: WHERE: WHAT``."""
    say(f"{styled('error:', fg='red', bold=True)} {message}")


def fail(message: str, code: int = 2) -> None:
    """Print one error line on stderr and exit with ``code`` (no traceback)."""
    error_line(message)
    raise typer.Exit(code)
