"""One Rich console for status (stderr) and one for data (stdout)."""

from __future__ import annotations

from rich.console import Console

err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> None:
    """Print one styled error line on stderr and exit with ``code`` (no traceback)."""
    import typer
    from rich.markup import escape

    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
