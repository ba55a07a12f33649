"""The campaign model's compiled kernels: a first compile says so on stderr, in one line; a run
that finds them in Numba's cache says nothing. Each run is a fresh process with NUMBA_CACHE_DIR
set to a folder of the test's own, so that what the cache holds is the test's choice, whatever the
developer's holds."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from quotasim.campaign.engine import COMPILE_MESSAGE

RUN = (
    "from quotasim import compiled, load_scenario, simulate\n"
    "compiled.enable()\n"
    "scenario = load_scenario('dprk-2020-80-day-battle').with_values({'officials.count': 20, 'officials.bureaus': 2}, where='test')\n"
    "simulate(scenario, seed=1)\n"
)


def cache_all_but(cache_dir: Path, left_out) -> list[str]:
    """Numba's cache folder ``cache_dir`` (what NUMBA_CACHE_DIR names) given the compiled versions
    of every campaign kernel except ``left_out``, copied from the in-tree cache (``__pycache__``
    beside each module) where it holds them; returns the names of the files copied. Under
    NUMBA_CACHE_DIR, Numba looks for the same file names in a subfolder per module folder, which
    its cache locator names; an index whose source file changed since is simply not used."""
    import importlib

    from numba.core.caching import _CacheLocator

    from quotasim.compiled import KERNELS

    copied = []
    for kernel in KERNELS:
        func = kernel.py_func
        if func is left_out.py_func or func.__module__.startswith("quotasim.civil_violence"):
            continue
        source = Path(importlib.import_module(func.__module__).__file__)
        stem = f"{source.stem}.{func.__qualname__}-"
        target = cache_dir / _CacheLocator.get_suitable_cache_subpath(str(source))
        for cached in (source.parent / "__pycache__").glob(f"{stem}*.nb[ic]"):
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(cached, target / cached.name)
            copied.append(cached.name)
    return copied


def test_a_first_campaign_run_says_it_compiles_and_a_cached_run_says_nothing(tmp_path):
    """The first run compiles one kernel (patronage's) and loads the others from the cache (this
    process's runs have put them in the in-tree cache): one compile is what the notice hears, and
    compiling all eight took 12-15 s of the test's time. Where the in-tree cache lacks some, the
    first run compiles those too, and says so once all the same."""
    from quotasim import load_scenario, simulate
    from quotasim.dynamics import patronage

    simulate(load_scenario("dprk-2020-80-day-battle").with_values({"officials.count": 20, "officials.bureaus": 2}, where="test"), seed=1)
    copied = cache_all_but(tmp_path, patronage._place_and_pay)
    assert not any("_place_and_pay_loop" in name for name in copied)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    first = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines() == [COMPILE_MESSAGE]
    second = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""


def test_a_run_listens_for_the_compile_of_every_kernel_with_its_message(monkeypatch):
    """The same wiring in this process (the runs above are other processes, which mutation
    testing does not reach): the run's days go through said_if_compiled with the campaign's
    message and every compiled kernel's dispatcher."""
    from contextlib import contextmanager

    from quotasim import load_scenario, simulate
    from quotasim.campaign import engine
    from quotasim.compiled import KERNELS

    heard = []

    @contextmanager
    def listening(dispatchers, message):
        heard.append((list(dispatchers), message))
        yield

    monkeypatch.setattr(engine, "said_if_compiled", listening)
    scenario = load_scenario("dprk-2020-80-day-battle").with_values({"officials.count": 20, "officials.bureaus": 2}, where="test")
    simulate(scenario, seed=1)
    assert len(heard) == 1
    dispatchers, message = heard[0]
    assert message == COMPILE_MESSAGE
    assert len(KERNELS) >= 4 and dispatchers == [kernel.dispatcher for kernel in KERNELS]


def test_only_a_run_on_the_compiled_path_listens_and_a_large_one_takes_it(monkeypatch):
    """A small run with the compiled path not enabled stays vectorised and installs no listener;
    the same run counted as large (the threshold lowered to its official-days) takes the
    compiled path."""
    from contextlib import contextmanager

    from quotasim import compiled, load_scenario, simulate
    from quotasim.campaign import engine

    heard = []

    @contextmanager
    def listening(dispatchers, message):
        heard.append(compiled.active())
        yield

    monkeypatch.setattr(engine, "said_if_compiled", listening)
    scenario = load_scenario("dprk-2020-80-day-battle").with_values({"officials.count": 20, "officials.bureaus": 2}, where="test")
    try:
        compiled.enable(False)
        simulate(scenario, seed=1)
        assert heard == []
        monkeypatch.setattr(compiled, "WORTH_COMPILING_AGENT_DAYS", 20 * 80)  # this run's officials x days
        simulate(scenario, seed=1)
        assert heard == [True]
    finally:
        compiled.enable(True)
