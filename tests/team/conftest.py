"""Fixtures for the team tests: one real redis-server per test session (per xdist worker),
emptied before each test (`serve`, the simulator servers, is in tests/conftest.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

# Test modules are imported with importlib (no rootdir on sys.path): make the helpers importable.
sys.path.insert(0, str(Path(__file__).parent))

from redis_support import RedisServer  # noqa: E402


@pytest.fixture(scope="session")
def redis_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(redis_session: RedisServer) -> Iterator[RedisServer]:
    """The session's server, running and empty; restarted after a test that stopped it."""
    redis_session.start()
    with redis.Redis.from_url(redis_session.url) as client:
        client.flushall()
    yield redis_session
    redis_session.start()


