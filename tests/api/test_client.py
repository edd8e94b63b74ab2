"""The client against handcrafted responses (httpx.MockTransport): decoding, errors, headers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from appizer_tui import __version__
from appizer_tui.api.client import AppizerClient
from appizer_tui.api.errors import (
    AuthError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from appizer_tui.api.models import CampaignStatus
from appizer_tui.api.secret import ApiKey
from appizer_tui.api.urls import InsecureURLError, InvalidCampaignIdError

KEY = "sk_test_client_unit_1234567890abcd"
NOW = 1_700_000_000.0

DOCS_EXAMPLE = {
    "success": True,
    "campaign_id": "camp_123",
    "status": "completed",
    "created_at": "2024-01-15T10:30:00Z",
    "sent_at": "2024-01-15T10:35:00Z",
    "completed_at": "2024-01-15T10:45:00Z",
    "stats": {
        "total_recipients": 1250,
        "sent": 1245,
        "delivered": 1200,
        "opened": 450,
        "clicked": 120,
        "failed": 5,
    },
    "rates": {"delivery_rate": 0.964, "open_rate": 0.375, "click_rate": 0.10},
}

Handler = Callable[[httpx.Request], httpx.Response]


def make_client(handler: Handler, base_url: str = "https://api.example.test/v1") -> AppizerClient:
    return AppizerClient(
        ApiKey(KEY), base_url, transport=httpx.MockTransport(handler), wall_clock=lambda: NOW
    )


def respond(status: int, body: object = None, headers: dict[str, str] | None = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, bytes):
            return httpx.Response(status, content=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return handler


async def test_docs_example_decodes_exactly() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=DOCS_EXAMPLE)

    async with make_client(handler) as client:
        campaign = await client.get_campaign("camp_123")
    assert campaign.campaign_id == "camp_123"
    assert campaign.status is CampaignStatus.COMPLETED
    assert campaign.created_at == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
    assert campaign.sent_at == datetime(2024, 1, 15, 10, 35, tzinfo=UTC)
    assert campaign.completed_at == datetime(2024, 1, 15, 10, 45, tzinfo=UTC)
    assert (campaign.stats.total_recipients, campaign.stats.sent) == (1250, 1245)
    assert (campaign.stats.delivered, campaign.stats.opened) == (1200, 450)
    assert (campaign.stats.clicked, campaign.stats.failed) == (120, 5)
    assert (campaign.rates.delivery_rate, campaign.rates.open_rate) == (0.964, 0.375)
    assert campaign.rates.click_rate == 0.10
    # Round trip: the API's own field names and values.
    assert {"success": True, **campaign.to_api_dict()} == DOCS_EXAMPLE
    request = seen[0]
    assert request.url.path == "/v1/notifications/campaigns/camp_123"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["user-agent"] == f"appizer-tui/{__version__}"
    assert KEY not in str(request.url)


async def test_unknown_status_keeps_raw_string_and_missing_parts_default() -> None:
    body = {"success": True, "campaign_id": "c1", "status": "throttled", "stats": {"sent": 3}}
    async with make_client(respond(200, body)) as client:
        campaign = await client.get_campaign("c1")
    assert campaign.status is CampaignStatus.UNKNOWN
    assert campaign.raw_status == "throttled"
    assert campaign.sent_at is None and campaign.rates.open_rate is None
    assert campaign.stats.sent == 3 and campaign.stats.total_recipients == 0


async def test_naive_timestamp_is_taken_as_utc() -> None:
    body = {**DOCS_EXAMPLE, "created_at": "2024-01-15T10:30:00"}
    async with make_client(respond(200, body)) as client:
        campaign = await client.get_campaign("camp_123")
    assert campaign.created_at == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)


async def test_rate_limit_headers_are_parsed() -> None:
    headers = {
        "X-RateLimit-Limit": "500",
        "X-RateLimit-Remaining": "499",
        "X-RateLimit-Reset": str(int(NOW) + 42),
    }
    async with make_client(respond(200, DOCS_EXAMPLE, headers)) as client:
        await client.get_campaign("camp_123")
        info = client.rate_limit
    assert info is not None
    assert (info.limit, info.remaining, info.reset_at) == (500, 499, NOW + 42)
    assert info.seconds_to_reset == 42


def error_body(
    error: str, message: str, code: str, details: dict[str, object] | None = None
) -> dict[str, object]:
    body: dict[str, object] = {"error": error, "message": message, "code": code}
    if details is not None:
        body["details"] = details
    return body


@pytest.mark.parametrize(
    ("status", "code", "error_type"),
    [
        (401, "MISSING_AUTH", AuthError),
        (401, "INVALID_API_KEY", AuthError),
        (403, "INSUFFICIENT_PERMISSIONS", AuthError),
        (404, "CAMPAIGN_NOT_FOUND", NotFoundError),
        (500, "INTERNAL_ERROR", ServerError),
        (503, "UNAVAILABLE", ServerError),
        (400, "INVALID_REQUEST", InvalidResponseError),
    ],
)
async def test_error_statuses_map_to_kinds_with_body_fields(
    status: int, code: str, error_type: type[Exception]
) -> None:
    body = error_body("Some Error", f"explained {code}", code, {"hint": 1})
    async with make_client(respond(status, body)) as client:
        with pytest.raises(error_type) as caught:
            await client.get_campaign("camp_123")
    error = caught.value
    assert error.http_status == status  # type: ignore[attr-defined]
    assert error.code == code  # type: ignore[attr-defined]
    assert error.error == "Some Error"  # type: ignore[attr-defined]
    assert error.details == {"hint": 1}  # type: ignore[attr-defined]
    assert f"explained {code}" in str(error)
    assert KEY not in str(error) and KEY not in repr(error)


@pytest.mark.parametrize(
    ("headers", "details", "expected"),
    [
        ({"Retry-After": "45"}, {"retry_after": 10}, 45.0),
        ({"Retry-After": "Tue, 14 Nov 2023 22:14:20 GMT"}, None, 60.0),
        ({}, {"limit": 1000, "window": "1 minute", "retry_after": 45}, 45.0),
        ({"X-RateLimit-Reset": str(int(NOW) + 30)}, None, 30.0),
        ({}, None, None),
    ],
)
async def test_retry_after_sources_in_order(
    headers: dict[str, str], details: dict[str, object] | None, expected: float | None
) -> None:
    body = error_body("Too Many Requests", "Rate limit exceeded", "RATE_LIMIT_EXCEEDED", details)
    async with make_client(respond(429, body, headers)) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.get_campaign("camp_123")
    assert caught.value.retry_after == expected
    assert caught.value.to_dict()["kind"] == "rate_limited"


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("closed"),
    ],
)
async def test_transport_failures_are_network_errors(exc: httpx.HTTPError) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    async with make_client(handler) as client:
        with pytest.raises(NetworkError) as caught:
            await client.get_campaign("camp_123")
    assert caught.value.http_status is None
    assert KEY not in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>Bad gateway</body></html>",
        b'{"success": true, "campaign_id": "c", "status": "sending", "stats": {"sent": "many"}}',
        b'{"success": true, "campaign_id": "c", "sta',
        b'{"success": false, "campaign_id": "c", "status": "sending"}',
        b"[]",
        b"",
    ],
)
async def test_bad_success_bodies_are_invalid_responses(body: bytes) -> None:
    async with make_client(respond(200, body)) as client:
        with pytest.raises(InvalidResponseError):
            await client.get_campaign("c")


async def test_html_error_page_is_a_server_error_with_status() -> None:
    async with make_client(respond(502, b"<html>502 Bad Gateway</html>")) as client:
        with pytest.raises(ServerError) as caught:
            await client.get_campaign("c")
    assert caught.value.http_status == 502 and caught.value.code is None


async def test_body_over_the_cap_is_refused() -> None:
    huge = b'{"success": true, "campaign_id": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    async with make_client(respond(200, huge)) as client:
        with pytest.raises(InvalidResponseError, match="KiB"):
            await client.get_campaign("c")


async def test_redirects_are_not_followed() -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return httpx.Response(302, headers={"Location": "https://evil.example/steal"})

    async with make_client(handler) as client:
        with pytest.raises(InvalidResponseError):
            await client.get_campaign("c")
    assert hosts == ["api.example.test"]


@pytest.mark.parametrize(
    "bad", ["", "   ", "../x", "a/b", "..", "a\x1bb", "a b", "x" * 129, "a\\b"]
)
def test_ids_that_could_leave_the_endpoint_are_refused(bad: str) -> None:
    client = make_client(respond(200, DOCS_EXAMPLE))
    with pytest.raises(InvalidCampaignIdError):
        client.campaign_url(bad)


async def test_ids_are_escaped_as_one_path_segment() -> None:
    paths: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.raw_path)
        return httpx.Response(404, json=error_body("Not Found", "no", "CAMPAIGN_NOT_FOUND"))

    async with make_client(handler) as client:
        for campaign_id in ["a%2Fb", "camp?x=1", "camp#frag", "caf\u00e9"]:
            with pytest.raises(NotFoundError):
                await client.get_campaign(campaign_id)
    assert paths == [
        b"/v1/notifications/campaigns/a%252Fb",
        b"/v1/notifications/campaigns/camp%3Fx%3D1",
        b"/v1/notifications/campaigns/camp%23frag",
        b"/v1/notifications/campaigns/caf%C3%A9",
    ]


@pytest.mark.parametrize(
    ("url", "insecure", "ok"),
    [
        ("http://api.example.test/v1", False, False),
        ("http://api.example.test/v1", True, True),
        ("http://127.0.0.1:8765/v1", False, True),
        ("http://localhost:8765/v1", False, True),
        ("http://[::1]:8765/v1", False, True),
        ("https://api.appizer.com/v1/", False, True),
        ("ftp://x/v1", True, False),
        ("https://user:pw@api.appizer.com/v1", False, False),
        ("https://api.appizer.com/v1?x=1", False, False),
        ("https://api.appizer.com:99999/v1", False, False),
        ("https://api.appizer.com/v1#top", False, False),
        ("https://api appizer.com/v1", False, False),
        ("https://api..appizer.com/v1", False, False),
    ],
)
def test_plain_http_to_remote_hosts_needs_insecure(url: str, insecure: bool, ok: bool) -> None:
    if ok:
        client = AppizerClient(ApiKey(KEY), url, insecure=insecure)
        assert not client.base_url.endswith("/")
    else:
        with pytest.raises((InsecureURLError, ValueError)):
            AppizerClient(ApiKey(KEY), url, insecure=insecure)


async def test_missing_key_sends_no_authorization_header() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(401, json=error_body("Unauthorized", "missing", "MISSING_AUTH"))

    client = AppizerClient(None, "https://a.test/v1", transport=httpx.MockTransport(handler))
    async with client:
        with pytest.raises(AuthError):
            await client.get_campaign("c")
    assert "authorization" not in seen[0].headers


def test_api_key_is_masked_everywhere() -> None:
    key = ApiKey(KEY)
    for text in (repr(key), str(key), key.masked, f"{key}", json.dumps(str(key))):
        assert KEY not in text
    assert key.masked == KEY[:8] + "\u2026" + KEY[-4:]
    assert ApiKey("abc123").masked == "ab\u2026"
    with pytest.raises(ValueError):
        ApiKey("  ")
    for bad in ("sk_test_x\nInjected: 1", "sk_test_caf\u00e9", "sk_\u0085x", "sk_\u2028x"):
        with pytest.raises(ValueError, match="control characters or non-ASCII"):
            ApiKey(bad)  # a header value: printable ASCII only
