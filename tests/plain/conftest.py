"""Fixtures for the scriptable-mode tests: real simulator servers on 127.0.0.1 and a clean env."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Test modules are imported with importlib (no rootdir on sys.path): make the helpers importable.
sys.path.insert(0, str(Path(__file__).parent))

from plain_helpers import ManualClock, clean_env  # noqa: E402

from appizer_tui.sim.app import Simulator  # noqa: E402
from appizer_tui.sim.scenarios import CampaignSpec, Scenario  # noqa: E402
from appizer_tui.sim.server import RunningServer, start_server  # noqa: E402


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment for subprocesses: no user config, key, colour settings or state dir."""
    return clean_env(tmp_path)


@pytest.fixture
def serve() -> Iterator[Callable[..., RunningServer]]:
    """Start a simulator server for these campaign specs (stopped after the test)."""
    servers: list[RunningServer] = []

    def start(*specs: CampaignSpec, **options: object) -> RunningServer:
        simulator = Simulator(Scenario(campaigns=specs), **options)  # type: ignore[arg-type]
        server = start_server(simulator)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def manual_clock() -> ManualClock:
    """A wall clock that only moves when the test says: the simulator's truth stands still."""
    return ManualClock()
