"""Helpers the simulator tests import (conftest.py puts this folder on sys.path)."""

from __future__ import annotations

import httpx

from appizer_tui.sim.app import DEMO_API_KEY, Simulator

START = 1_700_000_000.0
"""40 s before a whole minute (1_700_000_040), so rate-limit windows are easy to reason about."""
AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}
CAMPAIGNS = "/v1/notifications/campaigns"


class WallClock:
    """A wall clock that moves only when told to."""

    def __init__(self, start: float = START) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def asgi_client(simulator: Simulator, *, raise_app_exceptions: bool = True) -> httpx.AsyncClient:
    """An httpx client that calls the simulator's app in-process."""
    transport = httpx.ASGITransport(simulator.app, raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url="http://sim.test")
