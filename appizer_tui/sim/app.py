"""The simulated Appizer API: a Starlette app that answers like the documented endpoint.

    GET /v1/notifications/campaigns/{campaign_id}    Authorization: Bearer <API key>

Every request passes, in this order:

1. `set_down(True)`: the connection is reset (or a bare 503), nothing else happens.
2. `GET /`, `/v1` or `/v1/health`: a description of the simulator (the simulator's own pages, not
   the API: no key, no rate limit, no chaos).
3. One seeded chaos draw (see `appizer_tui.sim.chaos`). An `html` pick is a proxy's 502 page.
4. The per-key rate limit: `X-RateLimit-*` on every answer from here on; over the limit -> 429
   with `Retry-After` and `details.retry_after`.
5. Chaos `server_error` -> 500/503; `slow` waits first; then the answer itself: unknown path ->
   404 NOT_FOUND, other method -> 405, no key -> 401 MISSING_AUTH, wrong key -> 401
   INVALID_API_KEY, unknown id -> 404 CAMPAIGN_NOT_FOUND, else 200 with the campaign.
6. Chaos `malformed`, `truncated` or `reset` spoil that answer's body on the way out.

Error bodies are the documented `{"error", "message", "code", "details"}`. The API key is never
logged, echoed or stored (the rate limiter keeps only a digest).

A `reset` raises SimulatedConnectionReset after half the body: over a real server uvicorn then
drops the connection (the client sees a broken read). With httpx.ASGITransport in-process the
exception reaches the caller instead (or, with raise_app_exceptions=False, a cut body).
"""

from __future__ import annotations

import asyncio
import hmac
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Literal
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from appizer_tui.api.models import encode_json
from appizer_tui.sim.chaos import Chaos
from appizer_tui.sim.ratelimit import FixedWindowLimiter, RateLimit
from appizer_tui.sim.scenarios import Scenario, campaign_state

DEMO_API_KEY = "sk_test_demo_appizer_tui_0000"
"""The key the simulator accepts by default. Not a secret: it opens only the simulator."""
DEFAULT_RATE_LIMIT = RateLimit(500, 60.0)
"""The docs' figure for the Push Notifications endpoints: 500 a minute."""
CAMPAIGN_ROUTE = ("v1", "notifications", "campaigns")
INFO_PATHS = frozenset({"/", "/v1", "/v1/", "/v1/health"})
MAX_ECHO = 128
DownMode = Literal["reset", "unavailable"]

_BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


class SimulatedConnectionReset(ConnectionResetError):
    """Raised mid-response so that the server drops the connection (chaos `reset`, `set_down`)."""


class _ResetResponse(Response):
    """Sends the status, headers and half the body, then breaks the connection."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        part = bytes(self.body[: len(self.body) // 2])
        await send({"type": "http.response.body", "body": part, "more_body": True})
        raise SimulatedConnectionReset("simulated connection reset")


def _error_body(
    error: str, message: str, code: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"error": error, "message": message, "code": code, "details": details or {}}


_UNAVAILABLE = _error_body(
    "Service Unavailable",
    "The service is temporarily unavailable; try again later",
    "SERVICE_UNAVAILABLE",
)
_INTERNAL = _error_body(
    "Internal Server Error", "Something went wrong on our end", "INTERNAL_ERROR"
)


class Simulator:
    """A faithful, controllable stand-in for the Appizer API. Serve `.app` with any ASGI server.

    Campaign state is a pure function of the scenario and the simulated time elapsed since this
    object was made: `(clock() - start) * speed`. `clock` is a wall clock (Unix seconds); the rate
    limit runs on it directly, unscaled by `speed`. `sleep` is what chaos `slow` awaits.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        clock: Callable[[], float] = time.time,
        speed: float = 1.0,
        seed: int = 0,
        rate_limit: RateLimit = DEFAULT_RATE_LIMIT,
        chaos: Chaos | None = None,
        api_keys: Iterable[str] = (DEMO_API_KEY,),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not speed > 0:
            raise ValueError("speed must be a positive number")
        self.scenario = scenario
        self.speed = float(speed)
        self.seed = seed
        self.rate_limit = rate_limit
        self.chaos = chaos if chaos is not None else Chaos()
        self._clock = clock
        self._sleep = sleep
        self._start = clock()
        self._keys = tuple(api_keys)
        self._limiter = FixedWindowLimiter(rate_limit)
        self._rng = random.Random(seed)
        self._down: DownMode | None = None
        self.requests_served = 0
        """Every request received, whatever its answer."""
        self.count_429 = 0
        """Requests answered 429."""
        self.chaos_served: Counter[str] = Counter()
        """How many requests each chaos kind spoiled."""
        self._per_campaign: Counter[str] = Counter()
        self.app = Starlette(routes=[Mount("", app=self._asgi)])
        """The ASGI application."""

    # -- what tests and the command read ----------------------------------------------------

    def elapsed(self) -> float:
        """Simulated seconds since the start."""
        return max(0.0, (self._clock() - self._start) * self.speed)

    def campaign_ids(self) -> list[str]:
        """The scenario's campaign ids, in order."""
        return self.scenario.ids()

    def truth(self, campaign_id: str) -> dict[str, Any] | None:
        """The success body the API would give now (no chaos, no rate limit), or None if unknown."""
        spec = self.scenario.get(campaign_id)
        if spec is None:
            return None
        return campaign_state(spec, self.elapsed(), epoch=self._start, speed=self.speed)

    def requests_for(self, campaign_id: str) -> int:
        """Requests that named this (known) campaign, whatever their answer."""
        return self._per_campaign[campaign_id]

    def set_down(self, down: bool, *, mode: DownMode = "reset") -> None:
        """While down every request fails: its connection is reset, or (mode "unavailable") a
        503 from the front door, without rate-limit headers."""
        self._down = mode if down else None

    @property
    def is_down(self) -> bool:
        """True between set_down(True) and set_down(False)."""
        return self._down is not None

    # -- serving -------------------------------------------------------------------------------

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        response = await self._respond(Request(scope, receive))
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        self.requests_served += 1
        segments = _segments(request.scope)
        campaign_id = _campaign_id(segments)
        if campaign_id is not None and self.scenario.get(campaign_id) is not None:
            self._per_campaign[campaign_id] += 1
        if self._down == "reset":
            return _ResetResponse(encode_json(_UNAVAILABLE), 503, media_type="application/json")
        if self._down == "unavailable":
            return JSONResponse(_UNAVAILABLE, 503)
        if request.method == "GET" and request.url.path in INFO_PATHS:
            return JSONResponse(self._info())
        kind = self.chaos.pick(self._rng)
        if kind is not None:
            self.chaos_served[kind] += 1
        if kind == "html":
            return HTMLResponse(_BAD_GATEWAY_PAGE, 502)
        credential = _credential(request)
        decision = self._limiter.hit(credential or "", self._clock())
        headers = decision.headers()
        if not decision.allowed:
            self.count_429 += 1
            headers["Retry-After"] = str(decision.retry_after)
            details = {
                "limit": decision.limit,
                "window": self.rate_limit.window_text(),
                "retry_after": decision.retry_after,
            }
            body = _error_body(
                "Too Many Requests", "Rate limit exceeded", "RATE_LIMIT_EXCEEDED", details
            )
            return self._json(429, body, headers, kind)
        if kind == "server_error":
            status = self._rng.choice((500, 503))
            return self._json(status, _INTERNAL if status == 500 else _UNAVAILABLE, headers, kind)
        if kind == "slow":
            await self._sleep(self.chaos.slow_delay)
        status, body = self._answer(request.method, segments, campaign_id, credential, headers)
        return self._json(status, body, headers, kind)

    def _answer(
        self,
        method: str,
        segments: list[str],
        campaign_id: str | None,
        credential: str | None,
        headers: dict[str, str],
    ) -> tuple[int, dict[str, Any]]:
        """The API's own answer, once rate limiting and chaos have let the request through."""
        if campaign_id is None:
            path = "/" + "/".join(segments)
            where = {"path": path[:MAX_ECHO]}
            return 404, _error_body("Not Found", "No such endpoint", "NOT_FOUND", where)
        if method != "GET":
            headers["Allow"] = "GET"
            message = f"{method[:16]} is not allowed here; use GET"
            allowed = {"allowed": ["GET"]}
            return 405, _error_body("Method Not Allowed", message, "METHOD_NOT_ALLOWED", allowed)
        if credential is None:
            message = "Missing API key: send the header 'Authorization: Bearer <API key>'"
            return 401, _error_body("Unauthorized", message, "MISSING_AUTH")
        if not self._valid_key(credential):
            return 401, _error_body("Unauthorized", "Invalid API key", "INVALID_API_KEY")
        body = self.truth(campaign_id)
        if body is None:
            details = {"campaign_id": campaign_id[:MAX_ECHO]}
            return 404, _error_body(
                "Not Found", "Campaign not found", "CAMPAIGN_NOT_FOUND", details
            )
        return 200, body

    def _valid_key(self, credential: str) -> bool:
        given = credential.encode("utf-8", "replace")
        # Compare against every key, in constant time, as a real service should.
        matches = [hmac.compare_digest(given, key.encode()) for key in self._keys]
        return any(matches)

    @staticmethod
    def _json(
        status: int, body: dict[str, Any], headers: dict[str, str], kind: str | None
    ) -> Response:
        """The answer as JSON, spoiled on the way out when chaos picked a body kind."""
        content = encode_json(body)
        if kind == "malformed":
            content = repr(body).encode()
        elif kind == "truncated":
            content = content[: len(content) // 2]
        elif kind == "reset":
            return _ResetResponse(content, status, headers, media_type="application/json")
        return Response(content, status, headers, media_type="application/json")

    def _info(self) -> dict[str, Any]:
        ids = self.campaign_ids()
        return {
            "service": "Appizer API simulator (appizer-tui), not the real Appizer API",
            "endpoint": "GET /v1/notifications/campaigns/{campaign_id}",
            "auth": "Authorization: Bearer <API key>",
            "campaigns": ids[:100],
            "campaign_count": len(ids),
            "scenario": self.scenario.name,
            "speed": self.speed,
            "rate_limit": str(self.rate_limit),
            "elapsed_seconds": round(self.elapsed(), 1),
        }


def _segments(scope: Scope) -> list[str]:
    """Path segments, each percent-decoded on its own so an encoded '/' stays inside its segment."""
    raw = scope.get("raw_path")
    text = raw.split(b"?", 1)[0].decode("latin-1") if raw else scope.get("path", "/")
    return [unquote(part, errors="replace") for part in text.split("/")[1:]]


def _campaign_id(segments: list[str]) -> str | None:
    """The id when the path is /v1/notifications/campaigns/{id} with a non-empty id."""
    if len(segments) == 4 and tuple(segments[:3]) == CAMPAIGN_ROUTE and segments[3]:
        return segments[3]
    return None


def _credential(request: Request) -> str | None:
    """The bearer token; None with no Authorization header, "" for one that is not Bearer."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
