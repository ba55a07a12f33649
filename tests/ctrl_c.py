"""Ctrl-C for the subprocesses of the tests, as in a terminal.

A command started in the background by a shell without job control (``pytest ... &``, ``nohup``,
some CI runners) starts with SIGINT ignored, every process it starts inherits that, and Python
then installs no KeyboardInterrupt handler: a test that sends SIGINT to a subprocess to stand
for Ctrl-C would see it ignored (the sweep's Ctrl-C test failed so, every time, in a suite run
started with ``&``). The subprocesses that such tests interrupt start with SIGINT's default."""

from __future__ import annotations

import signal


def default_sigint() -> None:
    """``preexec_fn`` of a subprocess that a test interrupts with SIGINT."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
