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
