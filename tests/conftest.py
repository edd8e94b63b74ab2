"""Fixtures every test folder may use: real simulator servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from appizer_tui.sim.app import Simulator
from appizer_tui.sim.scenarios import CampaignSpec, Scenario
from appizer_tui.sim.server import RunningServer, start_server


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
