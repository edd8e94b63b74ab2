"""Serve a Simulator over real HTTP: uvicorn in a daemon thread, on loopback by default.

    with start_server(Simulator(demo_scenario())) as server:
        httpx.get(f"{server.base_url}/notifications/campaigns/camp_launch_eu", headers=...)

Used by `appizer-tui sim`, `--demo`, the end-to-end tests and the benchmarks.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING

from appizer_tui.sim.app import SimulatedConnectionReset, Simulator

if TYPE_CHECKING:
    import uvicorn

STARTUP_TIMEOUT = 10.0


class _DropSimulatedResets(logging.Filter):
    """uvicorn logs a traceback for every exception an app raises; ours are on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, SimulatedConnectionReset)


_FILTER = _DropSimulatedResets()


def is_loopback_host(host: str) -> bool:
    """True for "localhost" and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_socket(host: str, port: int, *, allow_remote: bool = False) -> socket.socket:
    """A listening-ready socket bound to host:port (port 0 = any free port).

    Refuses hosts other than this machine unless `allow_remote`: the simulator accepts a demo key
    that everybody knows, and nobody should serve it to a network by accident.
    """
    if not allow_remote and not is_loopback_host(host):
        raise ValueError(
            f"refusing to serve the simulator on {host!r}: use a loopback address such as "
            "127.0.0.1, or allow remote access explicitly"
        )
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


class RunningServer:
    """A simulator being served. `base_url` ends in /v1, like the real API's base URL."""

    def __init__(
        self,
        simulator: Simulator,
        server: uvicorn.Server,
        thread: threading.Thread,
        sock: socket.socket,
    ) -> None:
        self.simulator = simulator
        self._server = server
        self._thread = thread
        self._socket = sock
        address = sock.getsockname()
        self.host: str = address[0]
        self.port: int = address[1]
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.base_url = f"http://{shown}:{self.port}/v1"
        """For example http://127.0.0.1:8765/v1."""

    @property
    def is_running(self) -> bool:
        """True while the server thread is alive."""
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to `timeout` seconds for the server to end; True if it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask uvicorn to exit and wait for its thread (idempotent)."""
        self._server.should_exit = True
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_server(
    simulator: Simulator,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    allow_remote: bool = False,
    startup_timeout: float = STARTUP_TIMEOUT,
) -> RunningServer:
    """Serve `simulator` with uvicorn in a daemon thread and return once it is listening.

    Port 0 picks a free port (see `.port`). Raises ValueError for a non-loopback host without
    `allow_remote`, OSError when the port cannot be bound, RuntimeError if uvicorn fails to start.
    """
    import uvicorn  # imported here: its import time is paid only by whoever serves

    sock = bind_socket(host, port, allow_remote=allow_remote)
    logging.getLogger("uvicorn.error").addFilter(_FILTER)
    config = uvicorn.Config(
        simulator.app,
        log_level="warning",
        log_config=None,
        access_log=False,
        lifespan="off",
        server_header=False,
        # A chaos `slow` request must not hold up shutdown for its whole delay.
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="appizer-sim", daemon=True
    )
    thread.start()
    running = RunningServer(simulator, server, thread, sock)
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            running.stop()
            raise RuntimeError("the simulator's HTTP server did not start")
        time.sleep(0.005)
    return running
