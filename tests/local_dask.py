"""A real Dask cluster on localhost for the tests: ``dask scheduler`` and two ``dask worker``
processes, started and stopped here."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(procs: list[subprocess.Popen]) -> None:
    # Killed, not terminated: the cluster holds nothing worth closing gracefully, and a graceful
    # stop of scheduler and workers took about 10 s. The workers run without a nanny, so each is a
    # single process and nothing outlives the kill.
    for p in reversed(procs):
        if p.poll() is None:
            p.kill()
    for p in reversed(procs):
        p.wait(15)


@contextlib.contextmanager
def local_cluster(workers: int = 2) -> Iterator[str]:
    """The scheduler's address, once ``workers`` single-threaded workers have joined."""
    dask = str(Path(sys.executable).with_name("dask"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet)]
    try:
        for _ in range(workers):
            procs.append(subprocess.Popen(
                [dask, "worker", address, "--no-nanny", "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"], **quiet))
        from distributed import Client

        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(workers, timeout=60)
                break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        _stop(procs)
