"""The test suite makes thousands of runs per process: it takes the campaign model's compiled
path (quotasim.compiled.enable), as sweep and calibration workers do. The vectorised path, which a
single small `quotasim run` takes, is checked against it bit for bit in
tests/campaign/test_compiled_paths.py."""

from quotasim import compiled

compiled.enable()
