"""Executors: run batches of runs somewhere and hand back each batch as it finishes.

One interface, three places:

* :class:`SerialExecutor`: in this process, one run after another (``--processes 1``).
* :class:`ProcessExecutor`: a pool of local worker processes (the default; no setup). Each worker
  receives the target once, when it starts, not with every batch.
* :class:`DaskExecutor`: an existing Dask cluster (``--scheduler tcp://host:8786``) or a local one
  it starts (``--workers K``). The target is scattered to every worker once.

A :class:`Batch` is a run of runs sent compactly (run indices, seeds and a matrix of values);
:func:`run_batch` runs it and returns a :class:`BatchResult` (outputs as one matrix, the error of
each run that raised), so a run that raises never stops the sweep and the results cross process
boundaries as a few arrays rather than a dict per run. Executors keep only a few batches in flight
per worker, so that a killed sweep loses little, and yield batches in the order they finish (the
store sorts by run index when read).
"""

from __future__ import annotations

import os
import signal
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

import numpy as np

from quotasim.errors import InputError

CONNECT_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Batch:
    """Runs to do: ``runs`` (int64 indices), ``seeds`` (int64) and ``values`` (float64, one row per
    run, one column per parameter of ``params``: ``(key path, whole number?)`` pairs)."""

    runs: np.ndarray
    seeds: np.ndarray
    values: np.ndarray
    params: tuple[tuple[str, bool], ...]

    def __len__(self) -> int:
        return len(self.runs)

    def items(self) -> Iterator[tuple[int, dict[str, Any], int]]:
        """``(run, {key path: value}, seed)`` per run; whole-number parameters as ``int``."""
        for run, row, seed in zip(self.runs.tolist(), self.values.tolist(), self.seeds.tolist()):
            yield run, {path: (int(v) if integer else v) for (path, integer), v in zip(self.params, row)}, seed


def make_batch(runs: Iterable[tuple[int, Mapping[str, Any], int]]) -> Batch:
    """A batch from ``(run, values, seed)`` items that all set the same key paths (for tests and
    callers that build runs by hand)."""
    items = list(runs)
    paths = list(items[0][1]) if items else []
    params = tuple((p, isinstance(items[0][1][p], int) and not isinstance(items[0][1][p], bool)) for p in paths)
    return Batch(
        runs=np.array([r for r, _, _ in items], dtype=np.int64),
        seeds=np.array([s for _, _, s in items], dtype=np.int64),
        values=np.array([[float(v[p]) for p in paths] for _, v, _ in items], dtype=np.float64).reshape(len(items), len(paths)),
        params=params,
    )


@dataclass
class BatchResult:
    """What a batch gave, one entry per run in the batch's order.

    ``names`` are the outputs of the batch's first successful run, in its order, and ``outputs``
    holds every run's values of them (NaN for a failed run); ``missing`` marks an output a
    successful run did not give (None: every run gave every name) and ``extra`` holds outputs a run
    gave beyond ``names``, by position. ``wall_s`` is each run's wall time and ``cpu_s`` the CPU
    time of its worker process during the run; ``errors`` maps the position of a run that raised
    to ``Type: message``; ``daily`` maps a position to its daily table (with --save-daily).
    """

    runs: np.ndarray
    seeds: np.ndarray
    ok: np.ndarray
    wall_s: np.ndarray
    cpu_s: np.ndarray
    names: tuple[str, ...]
    outputs: np.ndarray
    missing: np.ndarray | None = None
    extra: dict[int, dict[str, float]] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    daily: dict[int, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.runs)

    @property
    def failed(self) -> int:
        return int(len(self.runs) - np.count_nonzero(self.ok))

    def run_outputs(self, i: int) -> dict[str, float] | None:
        """The outputs of the run at position ``i`` as a dict (None if it failed)."""
        if not self.ok[i]:
            return None
        row = self.outputs[i].tolist()
        out = {k: v for j, (k, v) in enumerate(zip(self.names, row)) if self.missing is None or not self.missing[i, j]}
        out.update(self.extra.get(i, {}))
        return out


def _pack(batch: Batch, ok, wall, cpu, rows: list, errors: dict[int, str], daily: dict[int, Any]) -> BatchResult:
    """Outputs of the successful runs (dicts) into one matrix over the first one's names."""
    first = next((r for r in rows if r is not None), None)
    names = tuple(first) if first is not None else ()
    outputs = np.full((len(rows), len(names)), np.nan)
    missing = None
    extra: dict[int, dict[str, float]] = {}
    for i, row in enumerate(rows):
        if row is None:
            continue
        if len(row) == len(names) and tuple(row) == names:  # the usual case: the same outputs in the same order
            outputs[i] = list(row.values())
            continue
        for j, name in enumerate(names):  # a run that gave other outputs than the first one
            if name in row:
                outputs[i, j] = row[name]
            else:
                if missing is None:
                    missing = np.zeros(outputs.shape, dtype=bool)
                missing[i, j] = True
        more = {k: v for k, v in row.items() if k not in names}
        if more:
            extra[i] = more
    return BatchResult(batch.runs, batch.seeds, ok, wall, cpu, names, outputs, missing, extra, errors, daily)


def run_batch(target, batch: Batch, save_daily: bool = False) -> BatchResult:
    """Run each run of ``batch`` through ``target.run``; never raises for a run."""
    n = len(batch)
    ok = np.zeros(n, dtype=bool)
    wall = np.empty(n)
    cpu = np.empty(n)
    rows: list[dict[str, float] | None] = [None] * n
    errors: dict[int, str] = {}
    daily: dict[int, Any] = {}
    clock, cpu_clock = time.perf_counter, time.process_time
    for i, (run, values, seed) in enumerate(batch.items()):
        t0, c0 = clock(), cpu_clock()
        try:
            outputs, table = target.run(values, seed, save_daily)
            rows[i] = outputs
            ok[i] = True
            if table is not None:
                daily[i] = table
        except Exception as exc:  # noqa: BLE001 - a failed run is recorded, the sweep goes on
            message = f"{type(exc).__name__}: {exc}".replace("\n", " ")
            if os.environ.get("QUOTASIM_DEBUG"):
                message += " | " + traceback.format_exc().replace("\n", " | ")
            errors[i] = message
        wall[i] = clock() - t0
        cpu[i] = cpu_clock() - c0
    return _pack(batch, ok, wall, cpu, rows, errors, daily)


class Executor:
    """Interface: ``run(target, batches, save_daily)`` yields each batch's :class:`BatchResult` as it finishes."""

    workers: int = 1
    label: str = "executor"

    def run(self, target, work: Iterable[Batch], save_daily: bool = False) -> Iterator[BatchResult]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def abort(self) -> None:
        """Stop at once, dropping work in flight (default: as close)."""
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class SerialExecutor(Executor):
    """Runs every batch in this process."""

    label = "in-process"

    def run(self, target, work, save_daily=False):
        for batch in work:
            yield run_batch(target, batch, save_daily)


# -- local process pool ------------------------------------------------------------------------

_WORKER_TARGET = None


def watch_parent(parent_pid: int, ppid: int) -> None:
    """Exit as soon as the process that started the pool (a sweep, a calibration) is gone, even
    killed with SIGKILL: do not linger. Run in a daemon thread of each worker."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass
        if os.getppid() != ppid:  # our parent (that process, or the fork server) died
            os._exit(1)


def _init_worker(target, parent: int) -> None:
    global _WORKER_TARGET
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled by the sweep, not the workers
    _WORKER_TARGET = target
    threading.Thread(target=watch_parent, args=(parent, os.getppid()), daemon=True).start()


def _pool_batch(batch: Batch, save_daily: bool) -> BatchResult:
    return run_batch(_WORKER_TARGET, batch, save_daily)


MAIN_PATH_ENV = "QUOTASIM_FORKSERVER_MAIN"


def _share_main_script() -> None:
    """Let the fork server run the main script once, rather than each worker for every pool.

    A worker started by the fork server runs the main script again (as ``__mp_main__``) so that
    what it defines can be unpickled; for the ``quotasim`` command that script imports the whole
    CLI, about 2 s per worker. The fork server's own ``"__main__"`` preload would do it once, but
    on CPython 3.11 the server is never given the script's path; it inherits this process's
    environment, so the path goes there (:mod:`quotasim.experiments.forkserver_main` reads it).
    A process with no main script clears it: inherited from a parent that ran a sweep, it would
    make this process's fork server run the parent's script.
    """
    from multiprocessing import spawn

    path = spawn.get_preparation_data("quotasim").get("init_main_from_path")
    if path:
        os.environ[MAIN_PATH_ENV] = path
    else:
        os.environ.pop(MAIN_PATH_ENV, None)


def terminate_pool(pool) -> None:
    """Stop a process pool at once: its worker processes are terminated (``shutdown`` alone
    would wait for the tasks they are running), pending tasks are dropped."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


class ProcessExecutor(Executor):
    """A pool of ``workers`` local processes (forkserver where the platform has it, else spawn).

    One batch per worker is in flight: the next batch is sent as soon as one comes back, before
    the sweep writes it, so a worker waits only for the round trip (batches hold about a second
    or more of runs) and a killed sweep loses at most one batch per worker.
    """

    def __init__(self, workers: int | None = None, *, in_flight_per_worker: int = 1):
        self.workers = max(1, int(workers or os.cpu_count() or 1))
        self.in_flight = self.workers * in_flight_per_worker
        self.label = f"{self.workers} local process{'es' if self.workers > 1 else ''}"
        self._pool: ProcessPoolExecutor | None = None

    def run(self, target, work, save_daily=False):
        import multiprocessing as mp

        # forkserver: workers fork from a clean single-threaded server (a plain fork would copy
        # locks held by this process's threads, e.g. the progress bar's), with what a run needs
        # imported once there (the target says what: the model for a scenario, nothing for a test function)
        if "forkserver" in mp.get_all_start_methods():
            ctx = mp.get_context("forkserver")
            _share_main_script()
            ctx.set_forkserver_preload(
                ["quotasim.experiments.forkserver_main", "quotasim.experiments.executor", *getattr(target, "worker_modules", ())]
            )
        else:
            ctx = mp.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            self.workers, mp_context=ctx, initializer=_init_worker, initargs=(target, os.getpid())
        )
        pending = set()
        it = iter(work)
        try:
            for batch in it:
                pending.add(self._pool.submit(_pool_batch, batch, save_daily))
                if len(pending) >= self.in_flight:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    result = fut.result()
                    nxt = next(it, None)  # keep the worker busy while this batch is written
                    if nxt is not None:
                        pending.add(self._pool.submit(_pool_batch, nxt, save_daily))
                    yield result
        except BrokenProcessPool:
            self.abort()
            raise RuntimeError(
                "a worker process died (killed, or out of memory); the finished runs are saved: "
                "run the same command with --resume"
            ) from None
        except BaseException:  # Ctrl-C, or the consumer stopped: drop the batches in flight at once
            self.abort()
            raise
        finally:
            self.close()

    def abort(self) -> None:
        """Stop now: terminate the workers; batches in flight are lost (a resume runs them)."""
        if self._pool is not None:
            terminate_pool(self._pool)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


# -- Dask ----------------------------------------------------------------------------------------


class DaskExecutor(Executor):
    """A Dask cluster: an existing one at ``address``, or a local one with ``workers`` processes.

    Two batches per worker are in flight, so that a worker has its next batch at hand across a
    network's round trip.
    """

    def __init__(self, address: str | None = None, *, workers: int | None = None, in_flight_per_worker: int = 2):
        self.address = address
        self._cluster = None
        self._client = None
        self._in_flight_per_worker = in_flight_per_worker
        self.workers = workers or 1
        self.label = f"Dask at {address}" if address else f"local Dask cluster, {workers} workers"

    def connect(self) -> None:
        """Connect (or start the local cluster); an unreachable scheduler is one line within seconds."""
        if self.address is not None:
            self._client = connect_client(self.address)
            self.workers = len(self._client.scheduler_info().get("workers", {}))
            return
        import logging

        from distributed import Client, LocalCluster

        logging.getLogger("distributed").setLevel(logging.ERROR)
        self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=":0")
        self._client = Client(self._cluster, set_as_default=False)

    def run(self, target, work, save_daily=False):
        from distributed import as_completed

        if self._client is None:
            self.connect()
        client = self._client
        remote_target = client.scatter(target, broadcast=True, hash=False)
        in_flight = max(2, self.workers * self._in_flight_per_worker)
        it = iter(work)
        first = []
        for batch in it:
            first.append(client.submit(run_batch, remote_target, batch, save_daily, pure=False))
            if len(first) >= in_flight:
                break
        ac = as_completed(first, loop=client.loop)
        try:
            for fut in ac:
                result = fut.result()
                fut.release()
                nxt = next(it, None)  # keep the worker busy while this batch is written
                if nxt is not None:
                    ac.add(client.submit(run_batch, remote_target, nxt, save_daily, pure=False))
                yield result
        finally:
            for fut in list(ac.futures):
                fut.cancel()  # the client (and a local cluster) stay up for the next sweep until close()

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.close(timeout=5)
            except Exception:  # noqa: BLE001 - closing a dead connection
                pass
            self._client = None
        if self._cluster is not None:
            try:
                self._cluster.close(timeout=10)
            except Exception:  # noqa: BLE001
                pass
            self._cluster = None


def _check_address(address: str) -> tuple[str, int]:
    """``--scheduler``'s (host, port), or one line on what a scheduler address looks like."""
    scheme, sep, rest = address.partition("://")
    host, colon, port = rest.rpartition(":")
    if not sep or scheme not in ("tcp", "tls", "ws", "wss") or not colon or not host or not port.isdigit():
        raise InputError(
            f"expected a scheduler address like tcp://host:8786, found {address!r}", where="--scheduler"
        )
    return host.strip("[]"), int(port)


def connect_client(address: str):
    """A Dask client of the scheduler at ``address`` (``--scheduler``), with at least one worker;
    otherwise one line saying why. A port where nothing listens is refused at once, before Dask
    is imported (Dask itself would retry it until its timeout)."""
    import socket

    host, port = _check_address(address)
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        reason = "connection refused" if isinstance(exc, ConnectionRefusedError) else type(exc).__name__
        raise InputError(
            f"cannot reach the Dask scheduler ({reason}); is `dask scheduler` running there and the port open?",
            where=f"--scheduler {address}",
        ) from None
    import logging

    from distributed import Client

    logging.getLogger("distributed").setLevel(logging.ERROR)
    try:
        client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise InputError(
            f"cannot reach the Dask scheduler within {CONNECT_TIMEOUT_S:g} s ({type(exc).__name__}); "
            "is `dask scheduler` running there and the port open?",
            where=f"--scheduler {address}",
        ) from None
    if not client.scheduler_info().get("workers"):
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError):
            client.close()
            raise InputError(
                f"the scheduler has no workers (waited {CONNECT_TIMEOUT_S:g} s); start some with "
                f"`dask worker {address}`",
                where=f"--scheduler {address}",
            ) from None
    return client


def make_executor(*, scheduler: str | None = None, workers: int | None = None, processes: int | None = None) -> Executor:
    """``--scheduler`` > ``--workers`` (local Dask) > ``--processes`` (local pool; 1 = in-process)."""
    given = [name for name, v in (("--scheduler", scheduler), ("--workers", workers), ("--processes", processes)) if v is not None]
    if len(given) > 1:
        raise InputError(f"give only one of {', '.join(given)}", where=given[1])
    for flag, value in (("--workers", workers), ("--processes", processes)):
        if value is not None and value < 1:
            raise InputError(f"must be a whole number >= 1, found {value}", where=flag)
    if scheduler is not None:
        ex = DaskExecutor(scheduler)
        ex.connect()
        return ex
    if workers is not None:
        return DaskExecutor(workers=workers)
    if processes == 1:
        return SerialExecutor()
    return ProcessExecutor(processes)
