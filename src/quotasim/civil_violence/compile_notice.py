"""One line on stderr when the compiled step has to be compiled, none when Numba's cache has it.

Numba looks for a compiled version in its cache before compiling, and announces a compile (the
``"numba:compile"`` event of ``numba.core.event``) only when there is none: listening for that
event on the kernel's dispatcher tells a compile from a cache load exactly, before the compile
starts. The cache lives in ``__pycache__`` beside ``kernel.py`` or, where that folder cannot be
written, in Numba's user-wide cache folder; ``NUMBA_CACHE_DIR`` puts it elsewhere.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

from numba.core import event

COMPILE_SECONDS = 10
"""About how long the first compile takes (6 CPU-seconds on the 2-core development machine; more
wall time when other work shares it)."""

MESSAGE = f"compiling the civil-violence kernel once, about {COMPILE_SECONDS} s"


class _FirstCompile(event.Listener):
    def __init__(self, dispatcher, say: Callable[[str], None]) -> None:
        self.dispatcher = dispatcher
        self.say = say
        self.said = False

    def on_start(self, ev) -> None:
        if not self.said and ev.data["dispatcher"] is self.dispatcher:
            self.said = True
            self.say(MESSAGE)

    def on_end(self, ev) -> None:
        pass


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@contextmanager
def said_if_compiled(dispatcher, say: Callable[[str], None] = _to_stderr) -> Iterator[None]:
    """Within the block, the first compile of ``dispatcher`` is announced with :data:`MESSAGE`."""
    with event.install_listener("numba:compile", _FirstCompile(dispatcher, say)):
        yield
