"""Refuse runs that would not fit in memory, before allocating anything."""

from __future__ import annotations

import psutil

from quotasim.errors import InputError

GIB = 1024**3


def available_bytes() -> int:
    return int(psutil.virtual_memory().available)


def check_fits(estimate_bytes: int, *, what: str, where: str = "scenario") -> None:
    """Raise InputError when ``estimate_bytes`` exceeds 80% of the memory available now."""
    budget = int(0.8 * available_bytes())
    if estimate_bytes > budget:
        raise InputError(
            f"{what} needs about {estimate_bytes / GIB:.1f} GiB of memory; "
            f"{budget / GIB:.1f} GiB is available (80% of free memory): reduce the sizes",
            where=where,
        )
