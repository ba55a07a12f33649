"""Parsing of flags shared by several commands, with one-line errors."""

from __future__ import annotations

from quotasim.errors import InputError

MAX_SEED = 2**63 - 1


def parse_seed(text: str | None, *, flag: str = "--seed") -> int | None:
    """A seed is a whole number in [0, 2**63 - 1]; None keeps the scenario's own."""
    if text is None:
        return None
    try:
        seed = int(text.strip(), 10)
    except ValueError:
        raise InputError(f"must be a whole number in [0, {MAX_SEED}], found {text!r}", where=flag) from None
    if not 0 <= seed <= MAX_SEED:
        raise InputError(f"must be a whole number in [0, {MAX_SEED}], found {text!r}", where=flag)
    return seed
