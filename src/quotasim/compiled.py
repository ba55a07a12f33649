"""Loops compiled with Numba when first called, and one line on stderr when that means compiling.

Most kernels of the campaign model are vectorised NumPy. A few also have a loop compiled with
Numba: at the sizes the model runs (hundreds of officials), a NumPy kernel of a dozen calls costs
more in per-call overhead than in arithmetic, and one compiled call does the same work in a few
microseconds (docs/model.md, "Performance"). But loading Numba costs about 0.4 s per process, more
than a single run of the default scenario takes, so the compiled path is taken only where it pays
(:func:`active`): in processes that make many runs (:func:`enable`) and in large runs
(:func:`for_run`). Each loop is a plain Python function wrapped in :class:`Kernel`, so that
importing its module loads no Numba, and ``NUMBA_DISABLE_JIT=1`` runs the Python function itself.
Under mutation testing a kernel runs as Python only while one of its own mutants is tested
(docs/testing.md).

Numba looks for a compiled version in its cache before compiling, and announces a compile (the
``"numba:compile"`` event of ``numba.core.event``) only when there is none: listening for that
event on a kernel's dispatcher tells a compile from a cache load exactly, before the compile
starts. The cache lives in ``__pycache__`` beside the kernel's module or, where that folder
cannot be written, in Numba's user-wide cache folder; ``NUMBA_CACHE_DIR`` puts it elsewhere.
"""

from __future__ import annotations

import functools
import sys
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

WORTH_COMPILING_AGENT_DAYS = 1_000_000
"""A run of at least this many official-days uses the compiled kernels even where they are not
enabled: Numba's import and first cache load cost about 0.4 s once per process, and the compiled
kernels save about 0.5 microseconds per official-day (docs/model.md, "Performance")."""

_enabled = False
_this_run = False


def enable(on: bool = True) -> None:
    """Use the compiled kernels for every run of this process: for processes that make many runs
    (sweep and calibration workers, the dashboard's server, the test suite)."""
    global _enabled
    _enabled = on


def active() -> bool:
    """Whether the kernels of the campaign model take their compiled path now. Both paths give the
    same results bit for bit (tests/campaign/test_compiled_paths.py), so this decides speed only;
    a race between two runs in threads of one process (the dashboard) can only cost time."""
    return _enabled or _this_run


@contextmanager
def for_run(official_days: int) -> Iterator[bool]:
    """Within the block, the compiled path is active if enabled or if the run is large enough to
    repay Numba's start-up; yields whether it is."""
    global _this_run
    before = _this_run
    _this_run = official_days >= WORTH_COMPILING_AGENT_DAYS
    try:
        yield active()
    finally:
        _this_run = before


def import_numba():
    """Numba, imported without SciPy's linear algebra.

    On its first compile or cache load Numba imports ``numba.np.arraymath``, which probes for a
    BLAS by importing ``scipy.linalg.cython_blas``: 0.15-0.3 s of every process that loads a
    kernel (docs/civil_violence.md, "Speed"), although no kernel of quotasim does linear algebra.
    Importing that module here while the probe's import is refused makes Numba note "no BLAS",
    which only makes its ``np.correlate`` and ``np.convolve`` use a plain loop (``np.dot`` and
    ``np.linalg`` look for SciPy again when compiled), and leaves ``scipy.linalg`` importable as
    before. Where it was imported already, nothing is refused."""
    if "numba.np.arraymath" in sys.modules:
        return sys.modules["numba"]
    probe = "scipy.linalg.cython_blas"
    refuse = "scipy.linalg" not in sys.modules and probe not in sys.modules
    if refuse:
        sys.modules[probe] = None  # an import of it raises ImportError, without importing scipy.linalg
    try:
        import numba
        import numba.np.arraymath  # noqa: F401  (its BLAS probe runs now)
    finally:
        if refuse:
            del sys.modules[probe]
    return numba


KERNELS: list[Kernel] = []
"""Every :class:`Kernel` defined so far (the campaign engine announces their first compile)."""


class Kernel:
    """``py_func`` compiled with ``numba.njit(cache=True)`` on its first call."""

    def __init__(self, py_func: Callable) -> None:
        KERNELS.append(self)
        self.py_func = py_func
        self._dispatcher = None
        self._compiled_call = None  # the dispatcher, once a call outside mutation testing made it
        # Mutation testing (mutmut) replaces each function of a mutated module by a trampoline
        # (plain Python, which Numba cannot compile) and imports mutmut in that module first.
        self._mutation_testing = "mutmut" in sys.modules
        functools.update_wrapper(self, py_func)

    @property
    def dispatcher(self):
        """Numba's dispatcher of the function (created, not compiled, on first access)."""
        if self._dispatcher is None:
            numba = import_numba()

            original = getattr(self.py_func, "__wrapped__", self.py_func) if self._mutation_testing else self.py_func
            self._dispatcher = numba.njit(cache=True, nogil=True)(original)
        return self._dispatcher

    @property
    def _numba_type_(self):
        """What Numba takes this kernel for where another kernel calls it: its dispatcher, so that
        one kernel may call another. Only a kernel of the same module: Numba's cache checks a
        compiled function's own source file, so a caller in another file would keep a stale copy
        of a changed callee (tests/test_compiled.py checks that no kernel calls one of another
        module)."""
        from numba.core import types

        return types.Dispatcher(self.dispatcher)

    def __call__(self, *args):
        # A model run makes about a thousand calls: after the first, one attribute and one test
        # stand between the caller and Numba's dispatcher.
        call = self._compiled_call
        if call is None:
            if self._mutation_testing:
                return self._under_mutation()(*args)
            call = self._compiled_call = self.dispatcher
        return call(*args)

    def _under_mutation(self) -> Callable:
        """While mutmut tests a mutant of this very function, or records which tests call what,
        its trampoline (plain Python); otherwise the compiled original, so that mutants elsewhere
        run at full speed."""
        import os

        mutant = os.environ.get("MUTANT_UNDER_TEST", "")
        own = f"{self.py_func.__module__}.x_{self.py_func.__name__}__mutmut_"
        if mutant == "stats" or mutant.startswith(own):
            return self.py_func
        return self.dispatcher


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@contextmanager
def said_if_compiled(dispatchers: Iterable, message: str, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Within the block, the first compile of any of ``dispatchers`` is announced, once, with
    ``message`` (to stderr, unless ``say`` is given); loading them from Numba's cache says nothing."""
    import_numba()
    from numba.core import event

    say = say or _to_stderr

    class FirstCompile(event.Listener):
        def __init__(self) -> None:
            self.watched = {id(d) for d in dispatchers}
            self.said = False

        def on_start(self, ev) -> None:
            if not self.said and id(ev.data["dispatcher"]) in self.watched:
                self.said = True
                say(message)

        def on_end(self, ev) -> None:
            pass

    with event.install_listener("numba:compile", FirstCompile()):
        yield
