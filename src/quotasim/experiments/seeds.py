"""Seeds of a sweep: every run's seed depends only on the sweep's seed and the run's index.

A run's seed is drawn from ``numpy.random.SeedSequence(sweep_seed, spawn_key=(0, run))``, so the
same sweep gives the same seeds whatever the order runs finish in, the number of workers, or how
often it was resumed. The design's own randomness (LHS permutations, Sobol scrambling, Morris
trajectories) uses ``spawn_key=(1,)``: a stream no run can share.
"""

from __future__ import annotations

import numpy as np

RUN_STREAM = 0
DESIGN_STREAM = 1


def run_seed(sweep_seed: int, run: int) -> int:
    """The seed of run ``run``: a whole number in [0, 2**63 - 1]."""
    ss = np.random.SeedSequence(int(sweep_seed), spawn_key=(RUN_STREAM, int(run)))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def run_seeds(sweep_seed: int, runs: np.ndarray) -> np.ndarray:
    """``run_seed`` for each index in ``runs``; int64 array of the same shape."""
    return np.array([run_seed(sweep_seed, r) for r in np.asarray(runs).ravel()], dtype=np.int64)


def design_seed(sweep_seed: int) -> int:
    """A 32-bit seed for the design's sampler (SALib takes an int)."""
    ss = np.random.SeedSequence(int(sweep_seed), spawn_key=(DESIGN_STREAM,))
    return int(ss.generate_state(1, dtype=np.uint32)[0])
