"""Helpers for the experiments tests: run the CLI in this process or in a subprocess, and see
whether its processes have exited."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from quotasim.cli.main import main
from tests.ctrl_c import default_sigint

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(capsys):
    """Run ``quotasim ARGS`` in this process; returns (exit code, stdout, stderr)."""

    def run(*args: str):
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def cli_process(*args: str, **kwargs) -> subprocess.Popen:
    """Start ``quotasim ARGS`` as a subprocess in its own session (so it can be killed whole), with
    SIGINT's default action whatever this process's (tests/ctrl_c.py)."""
    env = {**os.environ, "COLUMNS": "200"}
    kwargs.setdefault("preexec_fn", default_sigint)
    return subprocess.Popen(
        [sys.executable, "-c", "from quotasim.cli.main import entry; entry()", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
        **kwargs,
    )


def still_running(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """The processes of ``procs`` that have not exited within ``timeout`` seconds. One that has
    exited counts at once, reaped or not: a killed sweep's workers are reaped by init, which here
    took up to 1.5 s more (``psutil.wait_procs`` waits for that)."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [p for p in procs if _running(p)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.02)


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def comparable(df: pd.DataFrame) -> pd.DataFrame:
    """Runs without the columns that legitimately differ between executions (wall and CPU time)."""
    return df.drop(columns=["wall_s", "cpu_s"]).sort_values("run").reset_index(drop=True)


def folder_state(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` with its bytes (to check nothing was overwritten)."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
