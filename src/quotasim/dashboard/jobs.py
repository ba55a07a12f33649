"""Simulation runs off the web server's threads: a bounded pool, a bounded queue, kept results.

Each run is a :class:`Job`. ``JobManager.submit`` hands it to a thread pool of ``workers``
threads and refuses (with an :class:`~quotasim.errors.InputError` the page shows) when
``max_pending`` runs are already queued or running, so several browser tabs share the machine
without one blocking the rest beyond that bound. A run the engine finds too large for memory
fails with the engine's own InputError (``quotasim.memory.check_fits``), shown on the page.
Finished jobs are kept, the newest ``keep`` of them plus at most ``keep`` pinned ones; older ones
are dropped.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from quotasim.errors import InputError
from quotasim.result import Result
from quotasim.scenario import Scenario

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
CANCELLED = "run: cancelled"


@dataclass
class Job:
    """One run. ``state`` goes queued → running → done | failed; ``progress`` is (done, total)
    simulated days; ``result`` and ``extra`` (e.g. built figures) are set when done, ``error``
    (one line) when failed."""

    id: str
    scenario: Scenario
    state: str = QUEUED
    progress: tuple[int, int] = (0, 0)
    result: Result | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    cancel_requested: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def active(self) -> bool:
        return self.state in (QUEUED, RUNNING)


class JobManager:
    """Runs scenarios on ``workers`` threads with at most ``max_pending`` runs waiting or running.

    ``run_fn(scenario, progress) -> Result`` does the work (``simulate`` by default);
    ``finish_fn(result) -> dict`` runs after it on the same worker thread (building figures,
    say) and its dict becomes ``job.extra``.
    """

    def __init__(
        self,
        *,
        workers: int = 2,
        max_pending: int = 6,
        keep: int = 12,
        run_fn: Callable[[Scenario, Callable[[int, int], None]], Result] | None = None,
        finish_fn: Callable[[Result], dict[str, Any]] | None = None,
    ):
        if workers < 1 or max_pending < workers or keep < 1:
            raise ValueError("need workers >= 1, max_pending >= workers, keep >= 1")
        self.workers = workers
        self.max_pending = max_pending
        self.keep = keep
        self._run_fn = run_fn or _simulate
        self._finish_fn = finish_fn
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="quotasim-run")
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._pinned: OrderedDict[str, None] = OrderedDict()
        self._ids = itertools.count(1)

    def submit(self, scenario: Scenario) -> Job:
        """Queue a run; raises InputError when the queue is full."""
        with self._lock:
            pending = sum(1 for j in self._jobs.values() if j.active)
            if pending >= self.max_pending:
                raise InputError(
                    f"the server is busy with {pending} runs (at most {self.max_pending} at once); "
                    "try again when one has finished",
                    where="run",
                )
            job = Job(id=f"run{next(self._ids)}", scenario=scenario)
            self._jobs[job.id] = job
            self._evict()
        self._pool.submit(self._work, job)
        return job

    def cancel(self, job_id: str | None) -> None:
        """Stop a queued or running job: it ends as failed with the message "cancelled".

        A running simulation stops at its next progress report (each simulated day)."""
        job = self.get(job_id)
        if job is not None and job.active:
            job.cancel_requested.set()

    def get(self, job_id: str | None) -> Job | None:
        if job_id is None:
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def pin(self, job_id: str | None, *, replacing: str | None = None) -> None:
        """Keep ``job_id`` from being dropped (a pinned run stays comparable); ``replacing`` is
        the run the same tab had pinned before, which may now be dropped. At most ``keep`` runs
        are pinned at once (across tabs); beyond that the oldest pin lapses."""
        with self._lock:
            self._pinned.pop(replacing, None)
            if job_id is not None and job_id in self._jobs:
                self._pinned[job_id] = None
                while len(self._pinned) > self.keep:
                    self._pinned.popitem(last=False)
            self._evict()

    def pending(self) -> int:
        with self._lock:
            return sum(1 for j in self._jobs.values() if j.active)

    def shutdown(self, wait: bool = True, *, cancel: bool = False) -> None:
        """Stop taking runs; with ``cancel``, stop the queued and running ones too."""
        if cancel:
            with self._lock:
                for job in self._jobs.values():
                    job.cancel_requested.set()
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def _evict(self) -> None:
        finished = [k for k, j in self._jobs.items() if not j.active and k not in self._pinned]
        for key in finished[: max(0, len(finished) - self.keep)]:
            del self._jobs[key]

    def _work(self, job: Job) -> None:
        if job.cancel_requested.is_set():
            job.error, job.state = CANCELLED, FAILED
            return
        job.state = RUNNING

        def progress(done: int, total: int) -> None:
            job.progress = (int(done), int(total))
            if job.cancel_requested.is_set():
                raise _Cancelled

        try:
            result = self._run_fn(job.scenario, progress)
            if job.cancel_requested.is_set():
                raise _Cancelled
            extra = self._finish_fn(result) if self._finish_fn is not None else {}
        except _Cancelled:
            job.error, job.state = CANCELLED, FAILED
        except InputError as exc:
            job.error, job.state = str(exc), FAILED
        except MemoryError:
            job.error = "run: the run ran out of memory; reduce the sizes (officials, households) and try again"
            job.state = FAILED
        except Exception as exc:  # a bug: report it on the page, keep serving
            log.exception("run %s failed", job.id)
            job.error, job.state = f"internal error: {type(exc).__name__}: {exc}", FAILED
        else:
            job.result, job.extra, job.state = result, extra, DONE
        with self._lock:
            self._evict()


class _Cancelled(Exception):
    """Raised from the progress callback to stop a run someone cancelled."""


def _simulate(scenario: Scenario, progress: Callable[[int, int], None]) -> Result:
    from quotasim import compiled
    from quotasim.simulate import simulate

    compiled.enable()  # the server makes run after run: Numba's start-up is paid once
    return simulate(scenario, progress=progress)
