"""A pyABC sampler whose populations depend on the seed alone, on one core, many, or Dask.

pyABC's own parallel samplers re-seed every worker from the operating system and keep the
particles that happen to be accepted first, so two runs with the same seed differ. This sampler
numbers the evaluations of a generation (slots 0, 1, 2, ...) and seeds each from
``SeedSequence(seed, spawn_key=(ABC_STREAM, t + 1, slot))`` before it draws its parameters and its
run's seed; it sends contiguous chunks of slots to the workers and keeps the first ``n`` accepted
particles *in slot order*, counting as evaluations every slot up to the ``n``-th acceptance. The
population, and the number of evaluations pyABC records, are then the same whatever the number
of workers, the backend, or the order in which chunks come back. Slots evaluated beyond the
``n``-th acceptance (chunks already in flight) are discarded and counted separately
(``executed``).

Backends: :class:`SerialBackend` (in this process), :class:`PoolBackend` (local processes) and
:class:`DaskBackend` (an existing Dask cluster, ``--scheduler``).
"""

from __future__ import annotations

import math
import os
import random
import signal
import threading
import time
import zlib
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Callable

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler

ABC_STREAM = 2  # spawn keys 0 and 1 are the sweeps' run and design streams (experiments/seeds.py)
MAX_CHUNK = 32


def seed_slot(seed: int, t: int, slot: int) -> None:
    """Seed NumPy's and Python's global generators, which pyABC draws from, for one evaluation."""
    ss = np.random.SeedSequence(int(seed), spawn_key=(ABC_STREAM, int(t) + 1, int(slot)))
    state = ss.generate_state(8, dtype=np.uint32)
    np.random.seed(state)
    random.seed(int(state[0]) << 32 | int(state[1]))


_CACHE: dict[str, Any] = {}


def evaluate_slots(payload: bytes, key: str, seed: int, t: int, start: int, stop: int, keep_rejected: bool) -> list:
    """Evaluate slots ``start..stop-1``: ``(accepted, particle or None)`` for each, in order."""
    fn = _CACHE.get(key)
    if fn is None:
        _CACHE.clear()
        fn = _CACHE[key] = cloudpickle.loads(payload)
    out = []
    for slot in range(start, stop):
        seed_slot(seed, t, slot)
        particle = fn()
        out.append((bool(particle.accepted), particle if (particle.accepted or keep_rejected) else None))
    return out


class _Done:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class SerialBackend:
    workers = 1
    label = "in-process"

    def start(self, payload: bytes, key: str) -> Any:
        return payload

    def scatter(self, obj) -> Any:
        return obj

    def submit(self, fn, *args):
        return _Done(fn(*args))

    def wait_any(self, pending: set) -> tuple[set, set]:
        return set(pending), set()

    @staticmethod
    def result(fut) -> list:
        return fut.value

    def cancel(self, pending: set) -> None:
        pass

    def close(self) -> None:
        pass


def _init_pool_worker(parent: int) -> None:
    from quotasim.experiments.executor import watch_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the calibration's to handle
    threading.Thread(target=watch_parent, args=(parent, os.getppid()), daemon=True).start()


class PoolBackend:
    """Local worker processes (forkserver where the platform has it), started once."""

    def __init__(self, workers: int):
        import multiprocessing as mp

        self.workers = int(workers)
        self.label = f"{self.workers} local process{'es' if self.workers > 1 else ''}"
        if "forkserver" in mp.get_all_start_methods():
            from quotasim.experiments.executor import _share_main_script

            # as the sweeps' pool does: the fork server runs the main script and imports what a
            # run needs once, and every worker forks from it ready
            ctx = mp.get_context("forkserver")
            _share_main_script()
            ctx.set_forkserver_preload([
                "quotasim.experiments.forkserver_main", "quotasim.experiments.abc_sampler",
                "quotasim.experiments.abc_parts", "quotasim.simulate", "quotasim.campaign.engine",
                "quotasim.experiments.warm_campaign",
            ])
        else:
            ctx = mp.get_context("spawn")
        self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init_pool_worker, initargs=(os.getpid(),))

    def start(self, payload: bytes, key: str) -> Any:
        return payload

    def scatter(self, obj) -> Any:
        return obj

    def submit(self, fn, *args):
        return self._pool.submit(fn, *args)

    def wait_any(self, pending: set) -> tuple[set, set]:
        done, rest = wait(pending, return_when=FIRST_COMPLETED)
        return done, rest

    @staticmethod
    def result(fut) -> list:
        return fut.result()

    def cancel(self, pending: set) -> None:
        for fut in pending:
            fut.cancel()

    def close(self) -> None:
        if self._pool is not None:
            from quotasim.experiments.executor import terminate_pool

            terminate_pool(self._pool)
            self._pool = None


class DaskBackend:
    """An existing Dask cluster; the generation's pickled ``simulate_one`` is scattered once."""

    def __init__(self, client):
        self.client = client
        info = client.scheduler_info().get("workers", {})
        self.workers = max(1, sum(int(w.get("nthreads", 1)) for w in info.values()))
        self.label = f"Dask at {client.scheduler.address} ({self.workers} threads)"

    def start(self, payload: bytes, key: str) -> Any:
        return self.client.scatter(payload, broadcast=True, hash=False)

    def scatter(self, obj) -> Any:
        return self.client.scatter(obj, broadcast=True, hash=False)

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)

    def wait_any(self, pending: set) -> tuple[set, set]:
        # a short poll: distributed.wait needs a default client, and a chunk takes about a second
        while True:
            done = {f for f in pending if f.done()}
            if done:
                return done, set(pending) - done
            time.sleep(0.005)

    @staticmethod
    def result(fut) -> list:
        out = fut.result()
        fut.release()
        return out

    def cancel(self, pending: set) -> None:
        for fut in pending:
            fut.cancel()

    def close(self) -> None:
        try:
            self.client.close(timeout=5)
        except Exception:  # noqa: BLE001 - closing a dead connection
            pass


def map_chunks(backend, fn, chunks: list[tuple]) -> list:
    """``[fn(*args) for args in chunks]`` on ``backend``, a few chunks per worker in flight."""
    results: dict[int, Any] = {}
    pending: dict[Any, int] = {}
    todo = iter(enumerate(chunks))
    try:
        for i, args in todo:
            pending[backend.submit(fn, *args)] = i
            if len(pending) >= 2 * backend.workers:
                break
        while pending:
            done, _ = backend.wait_any(set(pending))
            for fut in done:
                results[pending.pop(fut)] = backend.result(fut)
                nxt = next(todo, None)
                if nxt is not None:
                    pending[backend.submit(fn, *nxt[1])] = nxt[0]
    finally:
        if pending:
            backend.cancel(set(pending))
    return [results[i] for i in range(len(chunks))]


class OrderedSampler(Sampler):
    """Evaluation-parallel sampling with results fixed by (seed, generation, slot).

    ``on_generation(t, info)`` is called after each population with its wall time and the slots
    executed (including discarded ones); ``on_chunk(t, accepted, evaluated)`` as chunks come in.
    """

    def __init__(self, backend, seed: int, *, on_generation: Callable | None = None, on_chunk: Callable | None = None):
        super().__init__()
        self.backend = backend
        self.seed = int(seed)
        self.on_generation = on_generation
        self.on_chunk = on_chunk
        self._rate: float | None = None
        self.executed_ = 0

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):
        t0 = time.perf_counter()
        payload = cloudpickle.dumps(simulate_one)
        key = f"{t}:{zlib.crc32(payload)}:{len(payload)}"
        ref = self.backend.start(payload, key)
        keep_rejected = bool(self.sample_factory.record_rejected)
        rate = 1.0 if all_accepted else (self._rate or 0.5)
        workers = self.backend.workers
        chunks: dict[int, list] = {}  # start slot -> results
        pending: dict[Any, int] = {}
        next_slot = 0
        prefix_end, prefix_acc = 0, 0  # slots [0, prefix_end) are all in, holding prefix_acc acceptances
        cutoff: int | None = None  # the slot of the n-th acceptance, once found
        limit = max_eval if math.isfinite(max_eval) else None
        executed = 0

        def fill() -> None:
            nonlocal next_slot
            while len(pending) < 2 * workers and cutoff is None:
                if limit is not None and next_slot >= limit:
                    return
                if all_accepted:
                    size = min(MAX_CHUNK, max(1, math.ceil(n / (2 * workers))), n - next_slot)
                    if size <= 0:
                        return
                else:
                    known = sum(sum(1 for a, _ in r if a) for r in chunks.values())
                    in_flight = next_slot - sum(len(r) for r in chunks.values())
                    need = n - known - in_flight * rate
                    if need <= 0 and pending:
                        return  # enough is on its way; wait for it
                    slots = max(1.0, need) / max(rate, 1e-3)
                    size = int(min(MAX_CHUNK, max(1, math.ceil(slots / (2 * workers)))))
                if limit is not None:
                    size = min(size, int(limit) - next_slot)
                fut = self.backend.submit(evaluate_slots, ref, key, self.seed, t, next_slot, next_slot + size, keep_rejected)
                pending[fut] = next_slot
                next_slot += size

        try:
            fill()
            while pending and cutoff is None:
                done, _ = self.backend.wait_any(set(pending))
                for fut in done:
                    start = pending.pop(fut)
                    chunks[start] = self.backend.result(fut)
                    executed += len(chunks[start])
                while prefix_end in chunks and cutoff is None:
                    for i, (accepted, _) in enumerate(chunks[prefix_end]):
                        if accepted:
                            prefix_acc += 1
                            if prefix_acc == n:
                                cutoff = prefix_end + i
                                break
                    if cutoff is None:
                        prefix_end += len(chunks[prefix_end])
                if self.on_chunk:
                    self.on_chunk(t, prefix_acc, prefix_end if cutoff is None else cutoff + 1)
                fill()
        finally:
            if pending:
                self.backend.cancel(set(pending))
        end = cutoff + 1 if cutoff is not None else prefix_end
        sample = self._create_empty_sample()
        for start in sorted(chunks):
            if start >= end:
                break
            for i, (accepted, particle) in enumerate(chunks[start]):
                if start + i >= end:
                    break
                if particle is not None:
                    sample.append(particle)
        self.nr_evaluations_ = int(end)
        self.executed_ = executed
        if not all_accepted and end > 0 and cutoff is not None:
            self._rate = n / end
        if cutoff is None:
            sample.ok = False
        if self.on_generation:
            self.on_generation(t, {"wall_s": time.perf_counter() - t0, "executed": executed, "evaluations": int(end)})
        return sample

    def stop(self) -> None:
        pass
