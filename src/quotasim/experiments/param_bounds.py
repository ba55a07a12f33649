"""The ``lo:hi`` of ``--param key.path=lo:hi``, as sweep, sensitivity and calibrate read it
(no NumPy here: a bad value is refused before any heavy import)."""

from __future__ import annotations

import math

from quotasim.errors import InputError


def parse_bounds(text: str, path: str) -> tuple[float, float]:
    """``lo:hi`` of ``--param key.path=lo:hi`` -> two finite numbers (their order is the caller's
    to check)."""
    lo_text, colon, hi_text = text.partition(":")
    try:
        if not colon:
            raise ValueError
        lo, hi = float(lo_text), float(hi_text)
    except ValueError:
        raise InputError(f"expected a range lo:hi of two numbers, found {text!r}", where="--param", key=path) from None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise InputError(f"range must be finite numbers, found {text!r}", where="--param", key=path)
    return lo, hi
