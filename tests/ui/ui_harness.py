"""The viewer under test: the real store, engine and simulator, in process, on virtual time.

`Harness` wires Simulator -> httpx.ASGITransport -> AppizerClient -> Poller -> CampaignStore ->
AppizerApp, all on one FakeClock, so a test moves minutes of launch in milliseconds and every
figure on screen can be compared with `simulator.truth(id)`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot

from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.api.client import AppizerClient
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import FakeClock
from appizer_tui.polling.engine import Poller
from appizer_tui.sim.app import DEMO_API_KEY, Simulator
from appizer_tui.sim.ratelimit import RateLimit
from appizer_tui.sim.scenarios import Scenario, campaign_state, demo_scenario
from appizer_tui.state.store import CampaignStore
from appizer_tui.ui.app import AppizerApp
from appizer_tui.ui.options import ViewerOptions

BASE_URL = "http://127.0.0.1:9/v1"
"""Never dialled: requests go through the in-process transport."""


@dataclass
class Harness:
    """One viewer on the simulator; build it, then `async with harness.run(size) as pilot`."""

    simulator: Simulator
    clock: FakeClock
    store: CampaignStore
    poller: Poller
    client: AppizerClient
    app: AppizerApp
    tmp_path: Path
    extra: dict[str, Any] = field(default_factory=dict)

    async def advance(
        self, pilot: Pilot[Any], seconds: float, step: float = 5.0, *, draw: bool = True
    ) -> None:
        """Move virtual time on in steps, letting the app handle what each step brought. With
        `draw`, a frame is then built at once, so the screen shows the store as of now (at the
        cadence, the last polls would wait up to FRAME_SECONDS)."""
        remaining = seconds
        while remaining > 0:
            chunk = min(step, remaining)
            await self.clock.advance(chunk)
            remaining -= chunk
            await pilot.pause()
        if draw:
            self.app.presenter.wake()
            await self.clock.advance(0)
        await pilot.pause()

    async def wait_for(self, pilot: Pilot[Any], predicate: Callable[[], bool]) -> None:
        """Wait (in real time, briefly) for work done in a thread, such as a file write."""
        for _ in range(200):
            if predicate():
                return
            await pilot.pause(0.01)
        raise AssertionError("condition not met within 2 s")

    def truth(self, campaign_id: str) -> dict[str, Any]:
        """What the simulator says the campaign looks like now."""
        body = self.simulator.truth(campaign_id)
        assert body is not None, campaign_id
        return body

    def truth_at_fetch(self, campaign_id: str) -> dict[str, Any]:
        """What the simulator said at the instant the viewer's data for `campaign_id` was
        fetched (virtual time does not move during a request)."""
        view = self.store.get(campaign_id)
        assert view is not None and view.last_success_at is not None, campaign_id
        spec = self.simulator.scenario.get(campaign_id)
        assert spec is not None
        start = self.extra["start"]
        return campaign_state(spec, view.last_success_at - start, epoch=start)


class SimTransport(httpx.ASGITransport):
    """The simulator in process. Its "connection reset" (set_down, chaos) arrives as the
    ConnectionResetError an ASGI app raises; over a socket it is a broken read, so map it."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except ConnectionResetError:
            raise httpx.ReadError("connection reset by peer", request=request) from None


def make_harness(
    tmp_path: Path,
    *,
    ids: Sequence[str] | None = None,
    api_key: str | None = DEMO_API_KEY,
    rate_limit: RateLimit | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    persist: bool = False,
    demo: bool = True,
    scenario_seed: int = 0,
    options: Callable[[ViewerOptions], ViewerOptions] | None = None,
    scenario: Scenario | None = None,
) -> Harness:
    """A viewer wired to a fresh simulator (or to `transport`), watching `ids` (default: the
    demo scenario's campaigns)."""
    clock = FakeClock()
    simulator_kwargs: dict[str, Any] = {"clock": clock.wall, "seed": scenario_seed}
    if rate_limit is not None:
        simulator_kwargs["rate_limit"] = rate_limit
    start = clock.wall()
    simulator = Simulator(scenario or demo_scenario(), **simulator_kwargs)
    key = ApiKey(api_key) if api_key else None
    client = AppizerClient(
        key,
        BASE_URL,
        transport=transport if transport is not None else SimTransport(simulator.app),
        wall_clock=clock.wall,
    )
    store = CampaignStore(interval=5.0, wall=clock.wall)
    poller = Poller(client, store, clock, interval=5.0, rng=random.Random(0))
    poller.add(*(simulator.campaign_ids() if ids is None else ids))
    viewer_options = ViewerOptions(
        base_url=BASE_URL,
        demo=demo,
        key_masked=key.masked if key else None,
        alert_config=AlertConfig(),
        export_dir=tmp_path,
        watchlist_path=tmp_path / "watchlist.json" if persist else None,
    )
    if options is not None:
        viewer_options = options(viewer_options)
    app = AppizerApp(store=store, poller=poller, clock=clock, options=viewer_options)
    return Harness(simulator, clock, store, poller, client, app, tmp_path, {"start": start})
