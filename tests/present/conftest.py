"""A presenter on a real CampaignStore and a FakeClock: frames are asserted, no Textual."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# Test modules are imported with importlib (no rootdir on sys.path): make the helpers importable.
sys.path.insert(0, str(Path(__file__).parent))

from present_helpers import Rig  # noqa: E402

from appizer_tui.alerts.rules import AlertConfig, AlertEngine  # noqa: E402
from appizer_tui.polling.clock import FakeClock  # noqa: E402
from appizer_tui.present.presenter import Presenter  # noqa: E402
from appizer_tui.state.store import CampaignStore  # noqa: E402


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    clock = FakeClock()
    store = CampaignStore(interval=5.0, wall=clock.wall)
    # min_attempts 0: the rate rules judge the small campaigns of these tests too.
    alerts = AlertEngine(AlertConfig(failure_rate=0.05, min_attempts=0))
    presenter = Presenter(store, clock, alerts=alerts, base_url="http://x")
    built = Rig(clock, store, presenter)
    presenter.subscribe(built.frames.append)
    task = asyncio.create_task(presenter.run())
    await clock.advance(0)
    try:
        yield built
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
