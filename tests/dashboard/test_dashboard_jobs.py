"""Runs go to a bounded pool of worker threads; failures become one-line messages."""

from __future__ import annotations

import threading
import time

import pytest

from quotasim.dashboard.jobs import DONE, FAILED, JobManager
from quotasim.errors import InputError
from quotasim.scenario import load_scenario

SCENARIO = load_scenario("dprk-2020-80-day-battle")


def wait(job, timeout=10.0):
    deadline = time.monotonic() + timeout
    while job.active:
        if time.monotonic() > deadline:
            raise AssertionError(f"job still {job.state}")
        time.sleep(0.01)
    return job


def test_runs_off_the_calling_thread_with_progress_and_extra():
    seen = {}

    def run_fn(scenario, progress):
        seen["thread"] = threading.current_thread().name
        progress(3, 4)
        return "a result"

    manager = JobManager(workers=1, max_pending=1, run_fn=run_fn, finish_fn=lambda r: {"figures": r.upper()})
    job = wait(manager.submit(SCENARIO))
    manager.shutdown()
    assert seen["thread"].startswith("quotasim-run") and seen["thread"] != threading.current_thread().name
    assert (job.state, job.result, job.extra, job.progress) == (DONE, "a result", {"figures": "A RESULT"}, (3, 4))


def test_queue_is_bounded_and_refuses_with_a_message():
    release = threading.Event()
    manager = JobManager(workers=1, max_pending=2, run_fn=lambda s, p: release.wait(10))
    first, second = manager.submit(SCENARIO), manager.submit(SCENARIO)
    with pytest.raises(InputError, match="busy with 2 runs"):
        manager.submit(SCENARIO)
    release.set()
    wait(first), wait(second)
    wait(manager.submit(SCENARIO))  # room again once they finished
    manager.shutdown()


@pytest.mark.parametrize(
    "error, expected",
    [
        (InputError("needs about 40.0 GiB of memory", where="scenario"), "scenario: needs about 40.0 GiB of memory"),
        (MemoryError(), "run: the run ran out of memory"),
        (ZeroDivisionError("boom"), "internal error: ZeroDivisionError: boom"),
    ],
)
def test_a_failing_run_becomes_a_message(error, expected):
    def run_fn(scenario, progress):
        raise error

    manager = JobManager(workers=1, max_pending=1, run_fn=run_fn)
    job = wait(manager.submit(SCENARIO))
    manager.shutdown()
    assert job.state == FAILED and job.error.startswith(expected) and job.result is None


def test_old_results_are_dropped_but_pinned_ones_are_kept():
    manager = JobManager(workers=1, max_pending=1, keep=2, run_fn=lambda s, p: "r")
    first, second = wait(manager.submit(SCENARIO)), wait(manager.submit(SCENARIO))
    manager.pin(first.id)  # one tab
    manager.pin(second.id)  # another tab: both stay
    ids = [wait(manager.submit(SCENARIO)).id for _ in range(4)]
    wait(manager.submit(SCENARIO))
    assert manager.get(first.id) is first and manager.get(second.id) is second
    assert manager.get(ids[0]) is None and manager.get(ids[-1]) is not None
    manager.pin(None, replacing=first.id)  # the first tab unpins: its run may go
    assert manager.get(first.id) is None and manager.get(second.id) is second
    manager.shutdown()


def test_bad_pool_sizes_are_refused():
    with pytest.raises(ValueError):
        JobManager(workers=2, max_pending=1)


def test_cancel_stops_a_running_job_at_its_next_progress_report_and_a_queued_one_before_it_starts():
    started = threading.Event()

    def run_fn(scenario, progress):
        started.set()
        for day in range(10_000):
            progress(day, 10_000)
            time.sleep(0.001)
        return "finished"

    manager = JobManager(workers=1, max_pending=2, run_fn=run_fn)
    running, queued = manager.submit(SCENARIO), manager.submit(SCENARIO)
    started.wait(10)
    manager.cancel(queued.id)
    manager.cancel(running.id)
    wait(running), wait(queued)
    manager.shutdown()
    assert (running.state, running.error, running.result) == (FAILED, "run: cancelled", None)
    assert running.progress[0] < 10_000 - 1
    assert (queued.state, queued.error, queued.progress) == (FAILED, "run: cancelled", (0, 0))
