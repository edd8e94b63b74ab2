"""Reproducible screenshots of the viewer: `python -m appizer_tui.ui.screenshots DIR`.

Each scene runs the real viewer, engine and store against the simulator's demo scenario, in
process and on virtual time (FakeClock, fixed seeds), so the same code gives the same SVGs on
every machine. The snapshot tests use the same scenes.

This module is a development tool, not part of the running viewer: it is the one place in ui/
that touches httpx, to plug the simulator in as an in-process transport (imported lazily).
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.api.client import AppizerClient
from appizer_tui.api.errors import RateLimitedError
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import FakeClock
from appizer_tui.polling.engine import Poller
from appizer_tui.state.store import CampaignStore
from appizer_tui.ui.app import AppizerApp
from appizer_tui.ui.options import ViewerOptions
from appizer_tui.ui.widgets.chart import ChartPanel

BASE_URL = "http://127.0.0.1:8080/v1"
"""Shown in the header; never dialled (the simulator is plugged in as a transport)."""
WRONG_KEY = "sk_test_wrong_key_for_the_demo_00"
SIZES = {"wide": (120, 36), "small": (80, 24)}

RunBefore = Callable[[Pilot[Any]], Awaitable[None]]


@dataclass
class Scene:
    """An app ready to run, and what to do before the picture is taken."""

    app: AppizerApp
    run_before: RunBefore
    clock: FakeClock
    simulator: Any


def _transport(simulator: Any) -> Any:
    import httpx

    class SimTransport(httpx.ASGITransport):
        """The simulator's "connection reset" surfaces as a broken read, as over a socket."""

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            try:
                return await super().handle_async_request(request)
            except ConnectionResetError:
                raise httpx.ReadError("connection reset by peer", request=request) from None

    return SimTransport(simulator.app)


def build_scene(name: str, export_dir: Path | None = None) -> Scene:
    """One of SCENES, freshly built (an App runs once)."""
    from appizer_tui.sim.app import DEFAULT_RATE_LIMIT, DEMO_API_KEY, Simulator
    from appizer_tui.sim.ratelimit import RateLimit
    from appizer_tui.sim.scenarios import demo_scenario

    clock = FakeClock()
    # A tighter limit for the 429 scene, so another client can spend it quickly.
    limit = RateLimit(60, 60.0) if name == "rate-limited" else DEFAULT_RATE_LIMIT
    simulator = Simulator(demo_scenario(), clock=clock.wall, seed=0, rate_limit=limit)
    key = ApiKey(WRONG_KEY if name == "unauthorized" else DEMO_API_KEY)
    client = AppizerClient(key, BASE_URL, transport=_transport(simulator), wall_clock=clock.wall)
    store = CampaignStore(interval=5.0, wall=clock.wall)
    poller = Poller(client, store, clock, interval=5.0, rng=random.Random(0))
    ids = [] if name == "welcome" else simulator.campaign_ids()
    if name == "not-found":
        ids = [*ids[:4], "camp_launch_eu_typo", *ids[4:]]
    poller.add(*ids)
    options = ViewerOptions(
        base_url=BASE_URL,
        demo=True,
        key_masked=key.masked,
        alert_config=AlertConfig(),
        export_dir=export_dir or Path("."),
        watchlist_path=None,
    )
    app = AppizerApp(store=store, poller=poller, clock=clock, options=options)

    async def advance(pilot: Pilot[Any], seconds: float, step: float = 5.0) -> None:
        left = seconds
        while left > 0:
            await clock.advance(min(step, left))
            left -= step
            await pilot.pause()
        # A frame as of the picture's instant (at the cadence, the last polls would wait).
        app.presenter.wake()
        await clock.advance(0)
        await pilot.pause()

    async def settle(pilot: Pilot[Any]) -> None:
        # The chart's plotting library loads in a thread; wait for it where a chart is shown.
        chart = app.screen.query_one(ChartPanel)
        for _ in range(500):
            if not chart.display or chart.size.height < 4 or chart.settled:
                break
            # Draw the newest samples now, whatever the throttle says.
            chart.maybe_replot(force=True)
            await pilot.pause(0.01)
        app.clear_notifications()
        await pilot.pause()

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        # The budget figures as of the picture's instant, not as of their last redraw.
        app.presenter.status_seconds = 0.0
        if name == "rate-limited":
            await _spend_window(simulator, clock, key)
            await advance(pilot, 4)
        elif name == "not-found":
            await advance(pilot, 65)  # past the first-minute 404 grace
            app.screen.query_one("#campaigns").select("camp_launch_eu_typo")  # type: ignore[attr-defined]
        elif name in ("main", "help"):
            await advance(pilot, 75)
        else:
            await advance(pilot, 6)
        await settle(pilot)
        if name == "help":
            await pilot.press("question_mark")
            await pilot.pause()

    return Scene(app, run_before, clock, simulator)


async def _spend_window(simulator: Any, clock: FakeClock, key: ApiKey) -> None:
    """Another client on the same key uses up the rate-limit window, as a second tool would."""
    other = AppizerClient(key, BASE_URL, transport=_transport(simulator), wall_clock=clock.wall)
    try:
        for _ in range(simulator.rate_limit.count):
            try:
                await other.get_campaign("camp_launch_eu")
            except RateLimitedError:
                break
    finally:
        await other.aclose()


SCENES: dict[str, Sequence[str]] = {
    "main": ("wide", "small"),
    "unauthorized": ("wide",),
    "rate-limited": ("wide",),
    "not-found": ("wide",),
    "help": ("wide",),
    "welcome": ("small",),
}
"""Scene name -> the sizes `make screenshots` writes."""


async def _shoot(name: str, size: tuple[int, int]) -> str:
    scene = build_scene(name)
    async with scene.app.run_test(size=size) as pilot:
        await scene.run_before(pilot)
        await pilot.pause()
        return scene.app.export_screenshot(title="appizer-tui")


def main(argv: Sequence[str] | None = None) -> int:
    """Write every scene's SVGs into the directory given as the only argument."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m appizer_tui.ui.screenshots DIR", file=sys.stderr)
        return 2
    target = Path(args[0])
    target.mkdir(parents=True, exist_ok=True)
    os.environ["TZ"] = "UTC"  # local times read the same everywhere
    # The same colours whatever TERM this runs under (16 colours would pick the ANSI theme).
    os.environ["COLORTERM"] = "truecolor"
    time.tzset()
    for name, sizes in SCENES.items():
        for size_name in sizes:
            width, height = SIZES[size_name]
            path = target / f"{name}-{width}x{height}.svg"
            path.write_text(asyncio.run(_shoot(name, (width, height))), encoding="utf-8")
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
