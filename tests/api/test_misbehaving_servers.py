"""The client over real sockets against servers that misbehave: each case's exact outcome (a
campaign or which AppizerError, with its text), and the next request on the same client gets the
right campaign. See api_servers.py for how replies are scripted."""

from __future__ import annotations

import gzip
import json
from collections.abc import Awaitable, Callable

import pytest
from api_servers import (
    CLOSE,
    LATER,
    SILENT,
    MisbehavingServer,
    answer,
    campaign_answer,
    campaign_body,
    settle,
)

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.errors import (
    AppizerError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    NotTheApiError,
    RateLimitedError,
)
from appizer_tui.api.http11 import Endpoint, Http11Pool, Timeouts
from appizer_tui.api.secret import ApiKey

Start = Callable[..., Awaitable[MisbehavingServer]]
KEY = "sk_test_misbehaving_0123456789abcd"
FAST = Timeouts(connect=2.0, read=0.5, total=3.0)
BODY_A = campaign_body("a")
LOST = "connection lost while reading the answer"
BROKE = "the server broke the connection"


def chunked(body: bytes, size_line: bytes | None = None, trailers: bytes = b"") -> bytes:
    size = size_line if size_line is not None else b"%x" % len(body)
    return (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + size
        + b"\r\n"
        + body
        + b"\r\n0\r\n"
        + trailers
        + b"\r\n"
    )


def raw_head(*lines: bytes) -> bytes:
    return b"\r\n".join([b"HTTP/1.1 200 OK", *lines, b"Content-Length: %d" % len(BODY_A)])


API_404 = json.dumps(
    {
        "success": False,
        "error": "Not Found",
        "message": "No such campaign",
        "code": "CAMPAIGN_NOT_FOUND",
    }
).encode()
NOT_THE_API = (
    "the base URL does not look like the Appizer API (GET http://127.0.0.1:{port}/v1"
    "/notifications/campaigns/ID answered 404 with no API error body): check --base-url"
)

# (replies to the first request, then the expected outcome: "ok" or (error class, text)).
CASES: dict[str, tuple[list[bytes | str], object]] = {
    "extra-answer-in-the-same-write": ([campaign_answer("a") + campaign_answer("x")], "ok"),
    "extra-answer-after-a-pause": ([campaign_answer("a"), LATER, campaign_answer("x")], "ok"),
    "408-then-close-while-idle": (
        [
            campaign_answer("a"),
            LATER,
            answer(b"", "Connection: close", status="408 Timeout"),
            CLOSE,
        ],
        "ok",
    ),
    "over-long-body": ([campaign_answer("a") + b'", "x": 1}'], "ok"),
    "truncated-body": (
        [b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + BODY_A, CLOSE],
        (NetworkError, LOST),
    ),
    "truncated-head": ([b"HTTP/1.1 200 OK\r\nContent-Le", CLOSE], (NetworkError, LOST)),
    "closed-without-answer": ([CLOSE], (NetworkError, BROKE)),
    "conflicting-lengths": (
        [b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x"],
        (NetworkError, BROKE),
    ),
    "length-and-chunked": (
        [chunked(BODY_A).replace(b"\r\n\r\n", b"\r\nContent-Length: 3\r\n\r\n", 1)],
        (NetworkError, BROKE),
    ),
    "obs-fold": ([answer(BODY_A, "X-Note: a", " folded")], "ok"),
    "bare-lf-server": ([answer(BODY_A, eol="\n")], "ok"),
    "bare-lf-inside-a-header-line": (
        [raw_head(b"X-Note: a\nb") + b"\r\n\r\n" + BODY_A],
        (NetworkError, BROKE),
    ),
    "nul-in-a-header-value": (
        [raw_head(b"X-Note: a\x00b") + b"\r\n\r\n" + BODY_A],
        (NetworkError, BROKE),
    ),
    "bare-cr-in-a-header-value": (
        [raw_head(b"X-Note: a\rb") + b"\r\n\r\n" + BODY_A],
        (NetworkError, BROKE),
    ),
    "status-below-100": ([answer(BODY_A, status="099 Odd")], (NetworkError, BROKE)),
    "hex-prefixed-chunk-size": ([chunked(BODY_A, b"0x%x" % len(BODY_A))], (NetworkError, BROKE)),
    "spaced-chunk-size": ([chunked(BODY_A, b" %x " % len(BODY_A))], (NetworkError, BROKE)),
    "chunked-with-trailers": ([chunked(BODY_A, trailers=b"X-Check: 1\r\n")], "ok"),
    "trailer-flood": (
        [
            chunked(
                BODY_A, trailers=b"".join(b"X-T%d: %s\r\n" % (i, b"v" * 60) for i in range(3000))
            )
        ],
        (NetworkError, BROKE),
    ),
    "a-few-1xx": ([b"HTTP/1.1 102 Processing\r\n\r\n" * 3 + campaign_answer("a")], "ok"),
    "1xx-flood": (
        [b"HTTP/1.1 102 Processing\r\n\r\n" * 11 + campaign_answer("a")],
        (NetworkError, BROKE),
    ),
    "gzip-not-asked-for": ([answer(gzip.compress(BODY_A), "Content-Encoding: gzip")], "ok"),
    "answer-for-another-campaign": (
        [campaign_answer("b")],
        (InvalidResponseError, "the response is for campaign 'b', not 'a'"),
    ),
    "unicode-digit-retry-after": (
        [answer(API_404, "Retry-After: @", status="429 Too Many").replace(b"@", b"\xb2")],
        (RateLimitedError, "No such campaign"),
    ),
    "404-with-the-api-error-body": (
        [answer(API_404, status="404 Not Found")],
        (NotFoundError, "No such campaign"),
    ),
    "404-from-something-else": (
        [answer(b"<html><h1>nginx</h1></html>", status="404 Not Found")],
        (NotTheApiError, NOT_THE_API),
    ),
}


@pytest.mark.parametrize(("replies", "expected"), CASES.values(), ids=CASES.keys())
async def test_each_misbehaviour_has_its_outcome_and_the_next_request_its_campaign(
    misbehaving: Start, replies: list[bytes | str], expected: object
) -> None:
    server = await misbehaving({0: replies})
    async with AppizerClient(ApiKey(KEY), server.url, timeouts=FAST) as client:
        outcome: object
        try:
            campaign = await client.get_campaign("a")
            outcome = "ok"
            assert campaign.campaign_id == "a" and campaign.stats.sent == 4
        except AppizerError as exc:
            outcome = (type(exc), str(exc))
            assert exc.retry_after is None  # the "²" of Retry-After is no number
        assert outcome == _formatted(expected, server.port)
        server.release()  # bytes the server sends while the connection is idle
        await settle()
        following = await client.get_campaign("next")
        assert following.campaign_id == "next"


def _formatted(expected: object, port: int) -> object:
    if isinstance(expected, tuple):
        return (expected[0], expected[1].format(port=port))
    return expected


async def test_an_idle_connection_expires_before_a_nat_would_drop_it(misbehaving: Start) -> None:
    # After its answer the connection goes silent, as one a NAT dropped without a word.
    server = await misbehaving({0: [campaign_answer("a"), SILENT]})
    now = [0.0]
    pool = Http11Pool(
        Endpoint(False, "127.0.0.1", server.port),
        ssl_context=None,
        timeouts=Timeouts(connect=2.0, read=0.2, total=3.0),
        max_body=10_000,
        monotonic=lambda: now[0],
    )
    try:
        assert (
            json.loads((await pool.get("/v1/notifications/campaigns/a", {})).body)["campaign_id"]
            == "a"
        )
        now[0] += 26.0
        got = await pool.get("/v1/notifications/campaigns/b", {})
        assert json.loads(got.body)["campaign_id"] == "b"
        assert pool.connections_opened == 2
    finally:
        await pool.aclose()


async def test_without_expiry_a_silent_connection_costs_a_read_timeout(misbehaving: Start) -> None:
    # The contrast that makes the expiry worth having: 20 s idle is still reused, and hangs.
    from appizer_tui.api.http11 import TransportFailure

    server = await misbehaving({0: [campaign_answer("a"), SILENT]})
    now = [0.0]
    pool = Http11Pool(
        Endpoint(False, "127.0.0.1", server.port),
        ssl_context=None,
        timeouts=Timeouts(connect=2.0, read=0.1, total=3.0),
        max_body=10_000,
        monotonic=lambda: now[0],
    )
    try:
        await pool.get("/v1/notifications/campaigns/a", {})
        now[0] += 20.0
        with pytest.raises(TransportFailure) as caught:
            await pool.get("/v1/notifications/campaigns/b", {})
        assert caught.value.kind == "read_timeout"
    finally:
        await pool.aclose()


async def test_the_base_path_is_percent_encoded(misbehaving: Start) -> None:
    server = await misbehaving()
    url = f"http://127.0.0.1:{server.port}/v1/caf\u00e9\x7f%zz%41/"
    async with AppizerClient(ApiKey(KEY), url, timeouts=FAST) as client:
        await client.get_campaign("a")
    request_line = server.heads[0].split(b"\r\n")[0]
    assert request_line == b"GET /v1/caf%C3%A9%7F%25zz%41/notifications/campaigns/a HTTP/1.1"


@pytest.mark.parametrize(
    "idle_bytes",
    [[campaign_answer("x")], [b"HTTP/1.1 200 OK\r\nContent-"]],
    ids=["a-whole-answer", "half-a-head"],
)
async def test_bytes_that_arrive_while_idle_retire_the_connection(
    misbehaving: Start, idle_bytes: list[bytes | str]
) -> None:
    # Kept, the connection would hand these bytes (or what they begin) to the next request.
    server = await misbehaving({0: [campaign_answer("a"), LATER, *idle_bytes]})
    async with AppizerClient(ApiKey(KEY), server.url, timeouts=FAST) as client:
        await client.get_campaign("a")
        server.release()
        await settle()
        assert (await client.get_campaign("b")).campaign_id == "b"
    assert server.connections == 2
