"""The test suite makes thousands of runs per process: it takes the campaign model's compiled
path (quotasim.compiled.enable), as sweep and calibration workers do. The vectorised path, which a
single small `quotasim run` takes, is checked against it bit for bit in
tests/campaign/test_compiled_paths.py."""

import sys

import pytest

from quotasim import compiled

compiled.enable()


@pytest.fixture(autouse=True)
def _nothing_kept_from_unmutated_code():
    """Under mutation testing each test starts with no kept population or calendar. mutmut forks
    every mutant's test process from one that has already run tests, so what that process kept was
    made by the unmutated code, and a run reusing it would never reach the mutant (37 mutants of the
    calendar's laying out survived so). Elsewhere what is kept was made by the code under test."""
    if "mutmut" in sys.modules:
        from quotasim.campaign import calendar
        from quotasim.population.reuse import POPULATIONS

        POPULATIONS.clear()
        calendar._LAID_OUT.clear()
    yield
