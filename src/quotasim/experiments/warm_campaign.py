"""Preloaded by the fork server of a local pool (sweeps, calibrations): one run of the default
scenario on the compiled path, so that Numba, the campaign model's kernels (loaded from Numba's
cache, or compiled once here on a fresh machine) and the model's modules are in the server's
memory before it forks the workers. Each worker then starts with them, where it would otherwise
spend about half a second on its first runs loading them (docs/experiments.md, "Speed"). It
lives with the experiments, the only code that preloads it."""

from __future__ import annotations


def warm() -> None:
    """One short run on the compiled path. A failure costs only time: each worker then loads
    what it needs itself, and reports any real error from its own runs."""
    try:
        from quotasim import compiled
        from quotasim.scenario import DEFAULT_SCENARIO, load_scenario
        from quotasim.simulate import simulate

        compiled.enable()
        simulate(load_scenario(DEFAULT_SCENARIO), seed=0, with_provenance=False)
    except Exception:  # noqa: BLE001 - the fork server must start whatever happens here
        pass


warm()
