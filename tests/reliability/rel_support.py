"""Shared parts of the reliability and soak tests: a network on virtual time, a headless viewer
wired to the real store, engine and simulator, and the simulator's truth at any instant.

`VirtualNet` is an httpx transport that calls an ASGI app in process but fails the way a socket
does: the simulator's connection reset becomes `httpx.ReadError` (not a cut body), and an answer
slower than the client's read timeout becomes `httpx.ReadTimeout`, both on the FakeClock. It also
records every request (virtual time, URL, Authorization header, requests in flight).
"""

from __future__ import annotations

import asyncio
import random
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from term_screen import TermScreen
from textual.pilot import Pilot

from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.api.client import DEFAULT_TIMEOUTS, AppizerClient
from appizer_tui.api.models import Campaign
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import FakeClock
from appizer_tui.polling.engine import Poller
from appizer_tui.sim.app import DEMO_API_KEY, Simulator
from appizer_tui.sim.scenarios import campaign_at
from appizer_tui.state.store import CampaignStore
from appizer_tui.ui.app import AppizerApp
from appizer_tui.ui.options import ViewerOptions

BASE_URL = "http://127.0.0.1:9/v1"
"""Never dialled: requests go through the in-process transport."""
READ_TIMEOUT = DEFAULT_TIMEOUTS.read
"""The client's read timeout, applied on virtual time by VirtualNet."""


@dataclass
class Sent:
    """One request as the network saw it."""

    at: float
    """Virtual wall time it was sent."""
    url: str
    authorization: str | None
    in_flight: int
    """Requests in flight through this transport when it was sent (itself included)."""
    outcome: str = "pending"
    """"ok" (any HTTP answer), "reset", "timeout" or "refused"."""
    status: int | None = None


class VirtualNet(httpx.AsyncBaseTransport):
    """ASGI in process, with socket-like failures on the FakeClock; see the module docstring."""

    def __init__(
        self,
        app: Any,
        clock: FakeClock,
        *,
        read_timeout: float = READ_TIMEOUT,
        keep_log: bool = True,
    ) -> None:
        self._inner = httpx.ASGITransport(app, raise_app_exceptions=True)
        self.clock = clock
        self.read_timeout = read_timeout
        self.keep_log = keep_log
        """False: keep only the counters (`times`, `outcomes`), so a long run's memory is the
        app's, not the test's."""
        self.sent: list[Sent] = []
        self.times = array("d")
        """Virtual wall time of every request, in order."""
        self.outcomes: Counter[str] = Counter()
        """"http_<status>", "reset", "timeout" or "refused", per request."""
        self.on_send: Callable[[float, str], None] | None = None
        """Called with (virtual wall time, URL path) as each request goes."""
        self.in_flight = 0
        self.max_in_flight = 0
        self.refuse = False
        """True: every request fails to connect (the host is unreachable)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        record = Sent(
            self.clock.wall(),
            str(request.url),
            request.headers.get("authorization"),
            self.in_flight,
        )
        self.times.append(record.at)
        if self.on_send is not None:
            self.on_send(record.at, request.url.path)
        if self.keep_log:
            self.sent.append(record)
        try:
            if self.refuse:
                record.outcome = "refused"
                raise httpx.ConnectError("connection refused", request=request)
            return await self._answer(request, record)
        finally:
            self.in_flight -= 1
            self.outcomes[record.outcome if record.status is None else f"http_{record.status}"] += 1

    async def _answer(self, request: httpx.Request, record: Sent) -> httpx.Response:
        loop = asyncio.get_running_loop()
        answer = loop.create_task(self._inner.handle_async_request(request))
        timer = loop.create_task(self.clock.sleep(self.read_timeout))
        try:
            await asyncio.wait({answer, timer}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            answer.cancel()
            timer.cancel()
            raise
        if not answer.done():
            answer.cancel()
            record.outcome = "timeout"
            raise httpx.ReadTimeout("timed out", request=request)
        timer.cancel()
        try:
            response = answer.result()
        except ConnectionResetError:
            record.outcome = "reset"
            raise httpx.ReadError("connection reset by peer", request=request) from None
        record.outcome = "ok"
        record.status = response.status_code
        return response

    def requests_between(self, start: float, end: float) -> list[Sent]:
        """Requests sent at virtual wall times in [start, end) (needs keep_log)."""
        return [s for s in self.sent if start <= s.at < end]

    def max_in_window(self, window: float = 60.0, since: float = -1e18) -> int:
        """The most requests sent in any `window` seconds (sliding)."""
        times = sorted(t for t in self.times if t >= since)
        best = 0
        first = 0
        for last, at in enumerate(times):
            while times[first] <= at - window:
                first += 1
            best = max(best, last - first + 1)
        return best


def make_client(net: VirtualNet, clock: FakeClock, key: str | None = DEMO_API_KEY) -> AppizerClient:
    """A real AppizerClient over `net`."""
    return AppizerClient(
        ApiKey(key) if key else None, BASE_URL, transport=net, wall_clock=clock.wall
    )


def truth_at(simulator: Simulator, start: float, campaign_id: str, wall: float) -> Campaign:
    """The campaign as the simulator (made at virtual wall time `start`) serves it at `wall`."""
    spec = simulator.scenario.get(campaign_id)
    assert spec is not None, campaign_id
    return campaign_at(spec, (wall - start) * simulator.speed, epoch=start, speed=simulator.speed)


@dataclass
class Viewer:
    """A headless viewer on the simulator, all on one FakeClock."""

    simulator: Any
    """The backend: a Simulator, or any object with an ASGI `.app`."""
    clock: FakeClock
    net: VirtualNet
    client: AppizerClient
    store: CampaignStore
    poller: Poller
    app: AppizerApp
    tmp_path: Path
    start: float
    """Virtual wall time the simulator was made (its simulated second 0)."""
    extra: dict[str, Any] = field(default_factory=dict)

    def truth(self, campaign_id: str, wall: float | None = None) -> Campaign:
        """The simulator's campaign at `wall` (default: now)."""
        at = self.clock.wall() if wall is None else wall
        return truth_at(self.simulator, self.start, campaign_id, at)

    async def settle_screen(self, pilot: Pilot[Any]) -> None:
        """Let the app handle what is pending, have the presenter draw a frame at once (at its
        cadence, the last polls would wait up to FRAME_SECONDS), and lay the screen out again
        (a widget whose width follows its content moves its neighbours only on the next
        layout)."""
        await pilot.pause(0)
        presenter = getattr(self.app, "presenter", None)
        if presenter is not None:
            presenter.wake()
            await pilot.pause(0)
        await pilot.pause(0)
        self.app.screen._refresh_layout(self.app.size)
        await pilot.pause(0)

    def screen_output(self) -> str:
        """What the terminal would receive to draw the whole current screen now (the same
        escape-sequence text the real driver writes), toasts included."""
        update = self.app.screen._compositor.render_full_update()
        return update.render_segments(self.app.console)

    def screen_lines(self) -> list[str]:
        """The screen as a person sees it now, one string per row."""
        screen = TermScreen(self.app.size.width, self.app.size.height)
        screen.feed(self.screen_output())
        return screen.lines()

    async def advance(self, pilot: Pilot[Any], seconds: float, step: float = 5.0) -> None:
        """Move virtual time on in steps, letting the app handle what each step brought."""
        remaining = seconds
        while remaining > 1e-9:
            chunk = min(step, remaining)
            await self.clock.advance(chunk)
            remaining -= chunk
            # pause(0), not pause(): the latter waits in real time for the CPU to go idle.
            await pilot.pause(0)


def make_viewer(
    tmp_path: Path,
    simulator_factory: Callable[[FakeClock], Any],
    *,
    ids: Sequence[str] | None = None,
    key: str | None = DEMO_API_KEY,
    interval: float = 5.0,
    history_seconds: float = 3600.0,
    persist: bool = False,
    poller_options: dict[str, Any] | None = None,
    poller_class: type[Poller] = Poller,
    keep_log: bool = True,
) -> Viewer:
    """The real viewer stack over `simulator_factory(clock)` (a Simulator, or an object with an
    ASGI `.app`, or an ASGI app) through a VirtualNet."""
    clock = FakeClock()
    start = clock.wall()
    simulator = simulator_factory(clock)
    net = VirtualNet(getattr(simulator, "app", simulator), clock, keep_log=keep_log)
    client = make_client(net, clock, key)
    store = CampaignStore(
        history_seconds=history_seconds, interval=interval, wall=clock.wall
    )
    poller = poller_class(
        client,
        store,
        clock,
        interval=interval,
        rng=random.Random(0),
        **(poller_options or {}),
    )
    poller.add(*(simulator.campaign_ids() if ids is None else ids))
    options = ViewerOptions(
        base_url=BASE_URL,
        demo=False,
        key_masked=ApiKey(key).masked if key else None,
        alert_config=AlertConfig(),
        export_dir=tmp_path,
        watchlist_path=tmp_path / "watchlist.json" if persist else None,
    )
    app = AppizerApp(store=store, poller=poller, clock=clock, options=options)
    return Viewer(simulator, clock, net, client, store, poller, app, tmp_path, start)
