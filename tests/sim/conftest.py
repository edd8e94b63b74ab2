"""Fixtures for the simulator tests: a settable wall clock, simulators, in-process clients."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

# Test modules are imported with importlib (no rootdir on sys.path): make the helpers importable.
sys.path.insert(0, str(Path(__file__).parent))

from sim_helpers import WallClock, asgi_client  # noqa: E402

from appizer_tui.sim.app import Simulator  # noqa: E402
from appizer_tui.sim.scenarios import demo_scenario  # noqa: E402


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


@pytest.fixture
def make_sim(clock: WallClock) -> Callable[..., Simulator]:
    def make(**kwargs: object) -> Simulator:
        kwargs.setdefault("clock", clock)
        return Simulator(kwargs.pop("scenario", demo_scenario()), **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def sim(make_sim: Callable[..., Simulator]) -> Simulator:
    return make_sim()


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(sim) as http:
        yield http
