"""The one error type that reaches a user: bad input, printed as one line, exit code 2."""

from __future__ import annotations


class InputError(Exception):
    """Bad input from a user (scenario file, CLI flag, dashboard field).

    ``str(error)`` is one line: where (file, key), what was found, what is allowed.
    The CLI prints it without a traceback and exits with code 2.
    """

    def __init__(self, message: str, *, where: str | None = None, key: str | None = None):
        self.message = message
        self.where = where
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.where, f"key '{self.key}'" if self.key else None) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message
