"""What a sweep will cost, said before it starts: runs, and time from a quick measurement.

A few runs of the design's first rows are timed in this process (after one untimed run, which
pays the imports and compilation), and the sweep's time is that per-run time × runs ÷ workers.
On a machine other jobs share, a run can take twice as long or more; the estimate says what it
measured.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

LARGE_DESIGN = 500
"""Designs with more runs than this print the estimate before they start."""
MEASURE_S = 1.5
MEASURE_RUNS = 5


@dataclass(frozen=True)
class Estimate:
    runs: int
    measured: int  # runs timed
    run_s: float  # mean wall time of one of them
    workers: int | None  # None: unknown (an existing Dask cluster)

    @property
    def total_s(self) -> float | None:
        return None if self.workers is None else self.runs * self.run_s / self.workers

    def text(self) -> str:
        if not self.measured:
            return "the time could not be measured (the runs timed here raised)"
        per = f"one run took {_duration(self.run_s)} here (mean of {self.measured})"
        if self.workers is None:
            return f"{per}: about {_duration(self.runs * self.run_s)} of worker time in all"
        return f"{per}: about {_duration(self.total_s)} on {self.workers} worker{'s' if self.workers > 1 else ''} (longer on a busy machine)"


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def measure(plan, workers: int | None, runs: int | None = None) -> Estimate:
    """Time a few runs of ``plan`` in this process (they are not kept); ``runs``: how many are to do."""
    n = plan.n_runs if runs is None else runs
    seeds = plan.seeds()
    times, first = [], None
    t_end = time.perf_counter() + MEASURE_S
    for run in range(min(plan.n_runs, MEASURE_RUNS + 1)):
        t0 = time.perf_counter()
        try:
            plan.target.run(plan.run_values(run), int(seeds[run]), False)
        except Exception:  # noqa: BLE001 - a run that raises is the sweep's to record, not the estimate's
            continue
        if first is None:  # the first run pays the imports and the compilation: not timed
            first = time.perf_counter() - t0
        else:
            times.append(time.perf_counter() - t0)
        if time.perf_counter() > t_end:
            break
    if not times and first is not None:
        times = [first]
    if not times:
        return Estimate(n, 0, float("nan"), workers)
    return Estimate(n, len(times), sum(times) / len(times), workers)
