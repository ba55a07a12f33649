"""A first compile of the civil-violence kernel says so on stderr, in one line; a run that finds the
compiled kernel in Numba's cache says nothing. Each run is a fresh process with NUMBA_CACHE_DIR
set to an empty folder, so that the cache starts empty whatever the developer's cache holds."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from quotasim.civil_violence.compile_notice import MESSAGE


def _python(code: str, cache_dir, *extra_path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    if extra_path:
        env["PYTHONPATH"] = os.pathsep.join([*map(str, extra_path), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=900)


def test_the_notice_comes_with_a_compile_and_not_with_a_cache_load(tmp_path):
    """The mechanism, on a small cached function (quick to compile): the notice is tied to
    Numba's compile event, which a cache hit does not fire."""
    (tmp_path / "small_kernel.py").write_text(textwrap.dedent("""
        import numba

        @numba.njit(cache=True)
        def add_one(x):
            return x + 1
    """))
    code = textwrap.dedent("""
        import small_kernel
        from quotasim.civil_violence.compile_notice import said_if_compiled
        with said_if_compiled(small_kernel.add_one):
            assert small_kernel.add_one(1) == 2
        with said_if_compiled(small_kernel.add_one):
            assert small_kernel.add_one(2) == 3  # compiled already in this process: nothing to say
        stats = small_kernel.add_one.stats
        print(sum(stats.cache_hits.values()), sum(stats.cache_misses.values()))
    """)
    cache = tmp_path / "numba-cache"
    first = _python(code, cache, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines() == [MESSAGE]
    assert first.stdout.split() == ["0", "1"]  # compiled: a cache miss
    second = _python(code, cache, tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""
    assert second.stdout.split() == ["1", "0"]  # loaded from the cache


@pytest.mark.slow
def test_a_first_run_says_it_compiles_and_a_cached_run_says_nothing(tmp_path):
    """The real kernel, end to end (compiling it takes some 6 CPU-seconds, 10-20 s of wall time on
    a shared machine, hence slow)."""
    code = ("from quotasim import load_scenario, simulate\n"
            "simulate(load_scenario('epstein-run-1').with_values({'steps': 5}, where='test'), seed=1)\n")
    first = _python(code, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines() == [MESSAGE]
    second = _python(code, tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""
