"""One line on stderr when the compiled step has to be compiled, none when Numba's cache has it
(the mechanism is :func:`quotasim.compiled.said_if_compiled`)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from quotasim.compiled import said_if_compiled as _said_if_compiled

COMPILE_SECONDS = 10
"""About how long the first compile takes (6 CPU-seconds on the 2-core development machine; more
wall time when other work shares it)."""

MESSAGE = f"compiling the civil-violence kernel once, about {COMPILE_SECONDS} s"


@contextmanager
def said_if_compiled(dispatcher, say=None) -> Iterator[None]:
    """Within the block, the first compile of ``dispatcher`` is announced with :data:`MESSAGE`."""
    with _said_if_compiled([dispatcher], MESSAGE, say):
        yield
