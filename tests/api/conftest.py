"""Fixtures for the client tests: misbehaving servers on 127.0.0.1, stopped after each test."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

# Test modules are imported with importlib (no rootdir on sys.path): make the helpers importable.
sys.path.insert(0, str(Path(__file__).parent))

from api_servers import MisbehavingServer  # noqa: E402


@pytest.fixture
async def misbehaving() -> AsyncIterator[Callable[..., Awaitable[MisbehavingServer]]]:
    """Start a MisbehavingServer with the given replies (and TLS context)."""
    servers: list[MisbehavingServer] = []

    async def start(replies: dict[int, Any] | None = None, **options: Any) -> MisbehavingServer:
        server = await MisbehavingServer(replies or {}, **options).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()
