"""Placeholder: the campaign engine is being written (issue 2)."""
from quotasim.result import Result


def run_campaign(scenario, *, seed, progress=None) -> Result:
    raise NotImplementedError("campaign engine not written yet")
