"""``quotasim serve``: bad options are one line and exit 2; good ones serve the page on localhost."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from quotasim.cli.main import main
from tests.ctrl_c import default_sigint


@pytest.mark.parametrize(
    "args, message",
    [
        (["--port", "70000"], "--port: must be a port number in [1, 65535], found 70000"),
        (["--port", "http"], "Invalid value for '--port'"),
        (["--workers", "0"], "--workers: must be a whole number in [1, 64], found 0"),
        (["--workers", "4", "--queue", "2"], "--queue: must be a whole number in [--workers (4), 1000], found 2"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args, message, capsys):
    assert main(["serve", *args]) == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split()) and "Traceback" not in err


def test_a_taken_port_is_one_line_and_exit_2(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    assert f"--port: cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_on_localhost_and_stops_on_ctrl_c():
    port = free_port()
    code = "import sys; from quotasim.cli.main import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=default_sigint,  # Ctrl-C as in a terminal, even in a suite started in the background
    )
    try:
        deadline, page = time.monotonic() + 60, None
        while page is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
            except OSError:
                time.sleep(0.2)
        assert page is not None and "quotasim dashboard" in page
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert f"http://127.0.0.1:{port}/" in err
