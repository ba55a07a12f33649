"""quotasim.compiled.Kernel under mutation testing: mutmut replaces each function of a mutated
module by a plain-Python trampoline (with the original as ``__wrapped__``). A kernel must then run
that trampoline while one of its own mutants is tested or while mutmut records which tests call
what, and its compiled original otherwise (so that the mutants of other functions run fast)."""

from __future__ import annotations

import functools

from quotasim.compiled import Kernel


def _original(x):
    return x + 1


@functools.wraps(_original)
def _trampoline(*args):
    return _original(*args)


def test_a_kernel_runs_its_trampoline_only_for_its_own_mutants_and_the_call_records(monkeypatch):
    kernel = Kernel(_trampoline)
    kernel._mutation_testing = True  # set when mutmut's trampolines were imported first
    own = f"{__name__}.x__original__mutmut_3"
    for mutant, runs_python in [(own, True), ("stats", True), (f"{__name__}.x_other__mutmut_1", False), ("", False)]:
        monkeypatch.setenv("MUTANT_UNDER_TEST", mutant)
        chosen = kernel._under_mutation()
        if runs_python:
            assert chosen is _trampoline, mutant
        else:
            assert chosen is kernel.dispatcher and chosen.py_func is _original, mutant
    assert kernel(1) == 2  # the compiled original


def test_outside_mutation_testing_the_kernel_compiles_its_function():
    kernel = Kernel(_original)
    assert not kernel._mutation_testing
    assert kernel.dispatcher.py_func is _original and kernel(2) == 3


def test_numba_loads_the_kernels_without_scipys_linear_algebra_which_stays_importable():
    """Numba's BLAS probe imports scipy.linalg (0.15-0.3 s a process); the kernels need no BLAS.
    In a fresh process: a campaign run on the compiled path and a civil-violence run load Numba
    and their kernels but not scipy.linalg, and scipy.linalg can still be imported afterwards."""
    import subprocess
    import sys

    code = """
import sys
from quotasim import compiled, load_scenario, simulate
compiled.enable()
simulate(load_scenario("dprk-2020-80-day-battle").with_values({"campaign.count": 1}, where="test"), seed=0)
simulate(load_scenario("epstein-run-2").with_values({"steps": 3}, where="test"), seed=0)
assert "numba.np.arraymath" in sys.modules and "quotasim.civil_violence.kernel" in sys.modules
print(sorted(m for m in sys.modules if m.startswith("scipy.linalg")))
import scipy.linalg.cython_blas
from scipy.linalg import solve
print(float(solve([[2.0]], [4.0])[0]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    loaded, solved = out.stdout.strip().splitlines()
    assert loaded == "[]"
    assert solved == "2.0"


def test_a_kernel_calls_only_kernels_of_its_own_module():
    """Numba's cache of a compiled function checks its own source file only: a kernel calling a
    kernel of another module would keep a stale copy of it after that module changed."""
    import inspect

    import quotasim.campaign.engine  # noqa: F401  (imports every module of the campaign model's kernels)
    from quotasim.compiled import KERNELS

    calls = 0
    for kernel in KERNELS:
        code = kernel.py_func.__code__
        called = dict(inspect.getclosurevars(kernel.py_func).globals)
        for value in list(called.values()):  # module.kernel: the names read as attributes of a module
            if inspect.ismodule(value):
                called.update({f"{value.__name__}.{n}": getattr(value, n) for n in code.co_names if hasattr(value, n)})
        for name, value in called.items():
            if isinstance(value, Kernel):
                calls += 1
                assert value.py_func.__module__ == kernel.py_func.__module__, (kernel.py_func.__qualname__, name)
    assert calls >= 3  # the books' kernels call the pairwise sum, which calls the block sum (quotasim.campaign.sums)
