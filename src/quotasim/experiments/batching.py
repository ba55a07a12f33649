"""Cutting a sweep's runs into batches, sized from how long runs take.

A batch is one task for a worker, so its size trades what a batch costs (a round trip to the
worker, a rewrite of a part file) against what a kill loses (the batches in flight) and how often
the progress bar moves. A size in runs cannot suit both a 5 ms and a 5 s model, so by default
batches are sized in time: the first ones are small (the first results come at once, and they
measure the run time), then each holds about :data:`TARGET_BATCH_S` seconds of runs, at most
:data:`MAX_BATCH` runs, and near the end batches shrink so that the workers finish together. The
store gathers such batches into part files of about :data:`PART_RUNS` runs, so the number of files
does not depend on the batch sizes. ``--batch-size`` fixes the size instead (and then each batch
is its own part file). Which runs share a batch never changes a result: a run depends only on its
values and its seed.
"""

from __future__ import annotations

import math
from typing import Iterator

import numpy as np

from quotasim.experiments.executor import Batch

FIRST_BATCH = 4
TARGET_BATCH_S = 2.0
MAX_BATCH = 2048
PART_RUNS = 1024  # runs per part file the store fills with batches of these sizes


class Batcher:
    """The runs still to do, handed out as :class:`Batch` es as the executor asks for them.

    ``runs`` are the run indices to do (ascending), ``seeds`` every run's seed by index and
    ``values`` the design's values by row (run ``i`` is row ``i // replicates``). Call
    :meth:`observe` with each finished batch's wall times so that later batches are sized from
    them; with ``size`` every batch has ``size`` runs.
    """

    def __init__(self, runs: np.ndarray, seeds: np.ndarray, values: np.ndarray, replicates: int,
                 params: tuple[tuple[str, bool], ...], *, workers: int, size: int | None = None):
        self.runs = np.asarray(runs, dtype=np.int64)
        self.seeds = np.asarray(seeds, dtype=np.int64)
        self.values = np.asarray(values, dtype=np.float64)
        self.replicates = int(replicates)
        self.params = params
        self.workers = max(1, int(workers))
        self.size = size
        self._next = 0
        self._run_s: float | None = None  # wall time per run of the latest finished batch

    def __iter__(self) -> Iterator[Batch]:
        while self._next < len(self.runs):
            n = self.next_size()
            runs = self.runs[self._next : self._next + n]
            self._next += len(runs)
            yield Batch(runs, self.seeds[runs], self.values[runs // self.replicates], self.params)

    @property
    def remaining(self) -> int:
        return len(self.runs) - self._next

    def next_size(self) -> int:
        if self.size is not None:
            return self.size
        if self._run_s is None:
            n = FIRST_BATCH
        else:
            n = int(TARGET_BATCH_S / max(self._run_s, 1e-9))
        # near the end, at most half of each worker's share of what is left: the last batches are
        # small, so no worker is left running a big one while the others wait
        tail = math.ceil(self.remaining / (2 * self.workers))
        return max(1, min(n, MAX_BATCH, tail))

    def observe(self, wall_s: np.ndarray) -> None:
        """A finished batch's wall time per run (only its mean is used)."""
        if len(wall_s):
            self._run_s = float(np.mean(wall_s))
