"""Test support for the engine: a small in-process Appizer API, simulator clients, a harness.

`FakeApi` is served through `httpx.MockTransport` (or called directly by `DirectClient`).

It keeps the documented rate-limit headers (fixed windows, X-RateLimit-Limit/-Remaining/-Reset,
429 with Retry-After), checks the key, and lets a test script faults per campaign. Campaign
state is a function of the fake clock's wall time, like the real simulator's.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.http11 import Answer, TransportFailure, joined_headers
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import FakeClock
from appizer_tui.polling.engine import Poller
from appizer_tui.state.events import StoreEvent
from appizer_tui.state.model import CampaignView, Phase
from appizer_tui.state.store import CampaignStore

GOOD_KEY = "sk_test_fake_api_key_0123456789"
BASE_URL = "http://127.0.0.1:9/v1"
PREFIX = "/v1/notifications/campaigns/"


def iso(wall: float | None) -> str | None:
    if wall is None:
        return None
    return datetime.fromtimestamp(wall, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakeCampaign:
    """One campaign: pending until `send_start`, sending `per_second` recipients a second, then
    `final`; opens and clicks keep rising for `engagement_seconds` after completion."""

    campaign_id: str
    created: float
    send_start: float
    total: int = 1000
    per_second: float = 10.0
    final: str = "completed"
    engagement_seconds: float = 300.0
    visible_from: float | None = None
    status_override: str | None = None

    def body(self, now: float) -> dict[str, Any]:
        elapsed = max(0.0, now - self.send_start)
        processed = min(self.total, int(elapsed * self.per_second)) if now >= self.send_start else 0
        failed = processed // 100
        sent = processed - failed
        done_at = self.send_start + self.total / self.per_second
        if self.status_override is not None:
            status = self.status_override
        elif now < self.send_start:
            status = "pending"
        elif now < done_at:
            status = "sending"
        else:
            status = self.final
        delivered = sent * 96 // 100
        engaged = min(now - done_at, self.engagement_seconds) if now >= done_at else 0.0
        scale = 0.5 + 0.5 * engaged / self.engagement_seconds if self.engagement_seconds else 1
        opened = int(delivered * 0.375 * scale)
        clicked = int(delivered * 0.10 * scale)
        return {
            "success": True,
            "campaign_id": self.campaign_id,
            "status": status,
            "created_at": iso(self.created),
            "sent_at": iso(self.send_start) if now >= self.send_start else None,
            "completed_at": iso(done_at) if status == "completed" else None,
            "stats": {
                "total_recipients": self.total,
                "sent": sent,
                "delivered": delivered,
                "opened": opened,
                "clicked": clicked,
                "failed": failed,
            },
        }


class FakeApi:
    """The fake server. `faults[id]` is a queue of answers to give instead of the campaign:
    an HTTP status (int) or "network" (a connection error)."""

    def __init__(
        self, clock: FakeClock, *, limit: int = 500, window: float = 60.0, key: str = GOOD_KEY
    ) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
        self.key = key
        self.campaigns: dict[str, FakeCampaign] = {}
        self.faults: defaultdict[str, deque[int | str]] = defaultdict(deque)
        self.down = False
        self.requests: list[tuple[float, str]] = []
        """(wall time, campaign id) of every request that reached the server."""
        self.attempts: list[tuple[float, str]] = []
        """Every request tried, including those that failed to connect."""
        self.count_429 = 0
        self.retry_after = 30
        """Retry-After of scripted 429 faults."""
        self._window_index = -1
        self._window_count = 0

    def add(self, campaign_id: str, **kwargs: Any) -> FakeCampaign:
        now = self.clock.wall()
        kwargs.setdefault("created", now - 30)
        kwargs.setdefault("send_start", now - 10)
        campaign = FakeCampaign(campaign_id, **kwargs)
        self.campaigns[campaign_id] = campaign
        return campaign

    def client(self, key: str | None = None) -> AppizerClient:
        return AppizerClient(
            ApiKey(key or self.key),
            BASE_URL,
            transport=httpx.MockTransport(self.handle),
            wall_clock=self.clock.wall,
        )

    def requests_for(self, campaign_id: str) -> list[float]:
        return [t for t, c in self.requests if c == campaign_id]

    def _rate_headers(self, now: float) -> tuple[dict[str, str], bool]:
        index = math.floor(now / self.window)
        if index != self._window_index:
            self._window_index, self._window_count = index, 0
        self._window_count += 1
        over = self._window_count > self.limit
        reset = math.ceil((index + 1) * self.window)
        remaining = max(0, self.limit - self._window_count)
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(reset),
        }
        if over:
            headers["Retry-After"] = str(max(1, math.ceil(reset - now)))
        return headers, over

    def respond(self, path: str, authorization: str | None) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) for one GET; raises ConnectionError for a network fault."""
        now = self.clock.wall()
        campaign_id = path.removeprefix(PREFIX)
        self.attempts.append((now, campaign_id))
        if self.down:
            raise ConnectionError("connection refused")
        self.requests.append((now, campaign_id))
        headers, over = self._rate_headers(now)
        if over:
            self.count_429 += 1
            return self._error(429, "RATE_LIMIT_EXCEEDED", headers)
        if authorization != f"Bearer {self.key}":
            return self._error(401, "INVALID_API_KEY", headers)
        queue = self.faults.get(campaign_id)
        if queue:
            fault = queue.popleft()
            if fault == "network":
                raise ConnectionError("connection reset")
            assert isinstance(fault, int)
            if fault == 429:
                headers = {**headers, "Retry-After": str(self.retry_after)}
            return self._error(fault, "FAULT", headers)
        campaign = self.campaigns.get(campaign_id)
        if campaign is None or (campaign.visible_from is not None and now < campaign.visible_from):
            return self._error(404, "NOT_FOUND", headers)
        return 200, headers, json.dumps(campaign.body(now)).encode()

    def handle(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler."""
        try:
            status, headers, body = self.respond(
                request.url.path, request.headers.get("authorization")
            )
        except ConnectionError as exc:
            raise httpx.ConnectError(str(exc), request=request) from None
        return httpx.Response(status, headers=headers, content=body)

    def direct_client(self, key: str | None = None) -> DirectClient:
        """A real AppizerClient whose transport step calls this server directly (no httpx
        request building): the same header parsing, decoding and error mapping, ~10x faster."""
        return DirectClient(self, ApiKey(key or self.key))

    @staticmethod
    def _error(
        status: int, code: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        body = {"error": "Error", "message": f"fake {status}", "code": code}
        return status, headers, json.dumps(body).encode()


def assert_spread(times: list[float], interval: float) -> None:
    """`times` (one round of polls, in order) are spread over `interval`, not sent as a burst:
    they span the interval (less a slot), and no more go together than the scheduler's
    coalescing window allows (a campaign may go that much early with the one that is due)."""
    from appizer_tui.polling.scheduler import COALESCE_MAX

    window = min(COALESCE_MAX, interval / 10)
    slot = interval / len(times)
    together = 1 + int(window / slot + 1e-9)
    assert times[-1] - times[0] >= (len(times) - 1) * slot - window - 1e-6, times
    for first, last in zip(times, times[together:], strict=False):
        assert last - first >= window - 1e-6, times


def _answer(status: int, headers: Iterable[tuple[str, str]], body: bytes) -> Answer:
    """An Answer as the HTTP backends build it."""
    return Answer(status, joined_headers(headers), body)


class _InProcess:
    """An HTTP backend with nothing to close."""

    async def aclose(self) -> None:
        pass


class _FakeApiBackend(_InProcess):
    def __init__(self, api: FakeApi) -> None:
        self._api = api

    async def get(self, target: str, headers: dict[str, str]) -> Answer:
        try:
            status, response_headers, body = self._api.respond(
                target, headers.get("Authorization")
            )
        except ConnectionError:
            raise TransportFailure("connect") from None
        return _answer(status, response_headers.items(), body)


class DirectClient(AppizerClient):
    """AppizerClient whose HTTP step is answered by a FakeApi in-process."""

    def __init__(self, api: FakeApi, key: ApiKey) -> None:
        super().__init__(key, BASE_URL, wall_clock=api.clock.wall)
        self._backend = _FakeApiBackend(api)


def sim_client(simulator: Any, clock: FakeClock, key: str | None = None) -> AppizerClient:
    """An AppizerClient calling the simulator's ASGI app in-process (no sockets).

    `raise_app_exceptions=False`: a simulated connection reset reaches the client as a cut
    answer, as it would over a socket, instead of an exception from inside the app.
    """
    from appizer_tui.sim.app import DEMO_API_KEY

    transport = httpx.ASGITransport(simulator.app, raise_app_exceptions=False)
    return AppizerClient(
        ApiKey(key or DEMO_API_KEY), BASE_URL, transport=transport, wall_clock=clock.wall
    )


class Engine:
    """A running Poller with its store, clock and recorded store events, for `async with`."""

    def __init__(self, client: Any, clock: FakeClock, **options: Any) -> None:
        self.client = client
        self.clock = clock
        self.store = CampaignStore(interval=options.get("interval", 5.0), wall=clock.wall)
        options.setdefault("rng", random.Random(7))
        self.poller = Poller(client, self.store, clock, **options)
        self.events: list[StoreEvent] = []
        self.store.subscribe(self.events.append)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Engine:
        self._task = asyncio.get_running_loop().create_task(self.poller.run())
        await self.clock.settle()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.poller.stop()
        if self._task is not None:
            await self._task
        await self.client.aclose()

    def view(self, campaign_id: str) -> CampaignView:
        view = self.store.get(campaign_id)
        assert view is not None, campaign_id
        return view

    def phase(self, campaign_id: str) -> Phase:
        return self.view(campaign_id).phase


class DirectSimClient(AppizerClient):
    """AppizerClient whose transport step calls the simulator's ASGI app directly.

    The simulator answers exactly as over HTTP (same limiter, headers, campaign state, chaos);
    only httpx's own request and response building is skipped, which makes long simulated runs
    several times faster. Used where a test needs tens of thousands of requests.
    """

    def __init__(self, simulator: Any, clock: FakeClock, key: str | None = None) -> None:
        from appizer_tui.sim.app import DEMO_API_KEY

        super().__init__(ApiKey(key or DEMO_API_KEY), BASE_URL, wall_clock=clock.wall)
        self._backend = _SimAppBackend(simulator.app)


class _SimAppBackend(_InProcess):
    def __init__(self, app: Any) -> None:
        self._app = app

    async def get(self, path: str, headers: dict[str, str]) -> Answer:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "server": ("127.0.0.1", 9),
            "client": ("127.0.0.1", 1),
        }
        status = 0
        response_headers: list[tuple[bytes, bytes]] = []
        body: list[bytes] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, response_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        try:
            await self._app(scope, receive, send)
        except ConnectionResetError:  # the simulator's reset: a broken read
            raise TransportFailure("read") from None
        return _answer(
            status, ((k.decode(), v.decode()) for k, v in response_headers), b"".join(body)
        )
