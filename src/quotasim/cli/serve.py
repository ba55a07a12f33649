"""``quotasim serve``: the dashboard, a local web page on the campaign model."""

from __future__ import annotations

import logging
import socket

import typer

from quotasim.cli.console import err
from quotasim.errors import InputError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; the default serves this machine only."),
    port: int = typer.Option(8050, "--port", help="TCP port (1-65535)."),
    workers: int = typer.Option(2, "--workers", help="Simulations run at once (worker threads)."),
    queue: int = typer.Option(6, "--queue", help="Most runs queued or running at once; more are refused on the page."),
) -> None:
    """Open the dashboard: pick a scenario, change parameters, run, compare, download."""
    if not 1 <= port <= 65535:
        raise InputError(f"must be a port number in [1, 65535], found {port}", where="--port")
    if not 1 <= workers <= 64:
        raise InputError(f"must be a whole number in [1, 64], found {workers}", where="--workers")
    if not workers <= queue <= 1000:
        raise InputError(f"must be a whole number in [--workers ({workers}), 1000], found {queue}", where="--queue")
    _check_can_listen(host, port)
    from quotasim.dashboard import JobManager, build_figures, create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    manager = JobManager(workers=workers, max_pending=queue, finish_fn=build_figures)
    app = create_app(manager)
    if host not in LOCAL_HOSTS:
        err.print(f"[yellow]warning:[/] serving on {host}: anyone who can reach it can run simulations (no login)")
    err.print(f"quotasim dashboard on [bold]http://{'[' + host + ']' if ':' in host else host}:{port}/[/] (Ctrl+C stops)")
    try:
        app.run(host=host, port=port, debug=False, threaded=True)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", where="--port") from None
    finally:  # Ctrl+C: runs in progress stop at their next simulated day
        manager.shutdown(wait=True, cancel=True)


def _check_can_listen(host: str, port: int) -> None:
    """Refuse, as one line, an address that cannot be bound (port taken, unknown host)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise InputError(f"cannot resolve {host!r}: {exc.strerror or exc}", where="--host") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", where="--port") from None
