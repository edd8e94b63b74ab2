"""The h11 pool against a scripted server on 127.0.0.1: every way an answer can be
framed, every way a connection can break, keep-alive reuse, and the same texts as the httpx path.

The server reads one request head at a time and answers with the next scripted bytes; `None`
closes the connection instead of answering, `EOF` right after an answer closes it at once."""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest

from appizer_tui.api.client import MAX_BODY_BYTES, AppizerClient, proxy_configured
from appizer_tui.api.errors import InvalidResponseError, NetworkError
from appizer_tui.api.http11 import (
    NETWORK_MESSAGES,
    Answer,
    BodyTooLarge,
    Endpoint,
    Http11Pool,
    Timeouts,
    TransportFailure,
)
from appizer_tui.api.secret import ApiKey

KEY = "sk_test_http11_unit_1234567890abcd"
BODY = json.dumps(
    {
        "success": True,
        "campaign_id": "camp_1",
        "status": "sending",
        "stats": {"total_recipients": 10, "sent": 4},
    }
).encode()
FAST = Timeouts(connect=2.0, read=2.0, total=5.0)

Script = list[bytes | None]
EOF = b"<close right after the previous answer>"


def ok(body: bytes = BODY, *extra: str) -> bytes:
    head = [
        "HTTP/1.1 200 OK",
        f"Content-Length: {len(body)}",
        "Content-Type: application/json",
        *extra,
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def chunked(body: bytes, sizes: list[int], *, trailer: str = "") -> bytes:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    out, at = [head], 0
    for size in sizes:
        piece = body[at : at + size]
        out.append(f"{len(piece):x};ext=1\r\n".encode() + piece + b"\r\n")
        at += size
    out.append(b"0\r\n" + trailer.encode() + b"\r\n")
    return b"".join(out)


@dataclass
class ScriptedServer:
    """Answers each request head with the next entry of `script` (per whole server)."""

    script: Script
    heads: list[bytes] = field(default_factory=list)
    got_head: asyncio.Event = field(default_factory=asyncio.Event)
    connections: int = 0
    port: int = 0
    _server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while self.script:
                head = await reader.readuntil(b"\r\n\r\n")
                self.heads.append(head)
                self.got_head.set()
                answer = self.script.pop(0)
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
                if self.script and self.script[0] is EOF:
                    self.script.pop(0)
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Script], asyncio.Future[ScriptedServer]]]:
    servers: list[ScriptedServer] = []

    async def start(script: Script) -> ScriptedServer:
        server = ScriptedServer(list(script))
        await server.start()
        servers.append(server)
        return server

    yield start  # type: ignore[misc]
    for server in servers:
        await server.stop()


def pool(port: int, timeouts: Timeouts = FAST, max_body: int = MAX_BODY_BYTES) -> Http11Pool:
    return Http11Pool(
        Endpoint(False, "127.0.0.1", port), ssl_context=None, timeouts=timeouts, max_body=max_body
    )


async def get(port: int, **options: object) -> Answer:
    http = pool(port, **options)  # type: ignore[arg-type]
    try:
        return await http.get("/v1/x", {"Accept": "application/json"})
    finally:
        await http.aclose()


@pytest.mark.parametrize(
    "answer",
    [
        ok(),
        chunked(BODY, [1, 7, 40, 1000]),
        chunked(BODY, [len(BODY)], trailer="X-Trailer: 1\r\n"),
        b"HTTP/1.1 100 Continue\r\n\r\n" + ok(),
        b"HTTP/1.0 200 OK\r\n\r\n" + BODY,  # no length: the body runs to the close
        ok(gzip.compress(BODY), "Content-Encoding: gzip"),
        ok(zlib.compress(BODY), "Content-Encoding: deflate"),
        ok(BODY, f"Content-Length: {len(BODY)}"),  # a repeated, identical length
    ],
    ids=["length", "chunked", "trailer", "continue", "to-close", "gzip", "deflate", "twice"],
)
async def test_every_framing_gives_the_same_body(serve, answer: bytes) -> None:  # type: ignore[no-untyped-def]
    server = await serve([answer, EOF])
    got = await get(server.port)
    assert (got.status, got.body) == (200, BODY)


async def test_request_head_is_what_the_server_needs(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve([ok()])
    http = pool(server.port)
    await http.get("/v1/notifications/campaigns/a%2Fb", {"Authorization": "Bearer k"})
    await http.aclose()
    assert server.heads == [
        b"GET /v1/notifications/campaigns/a%2Fb HTTP/1.1\r\nHost: 127.0.0.1:"
        + str(server.port).encode()
        + b"\r\nAuthorization: Bearer k\r\n\r\n"
    ]


async def test_headers_are_lower_case_with_repeats_joined(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve([ok(BODY, "X-RateLimit-Limit: 500", "Vary: a", "Vary:  b ")])
    got = await get(server.port)
    assert got.headers["x-ratelimit-limit"] == "500"
    assert got.headers["vary"] == "a, b"


async def test_keep_alive_reuses_one_connection(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve([ok(), chunked(BODY, [5, 500]), ok()])
    http = pool(server.port)
    for _ in range(3):
        assert (await http.get("/v1/x", {})).body == BODY
    await http.aclose()
    assert server.connections == 1 and http.connections_opened == 1


@pytest.mark.parametrize(
    "answer",
    [ok(BODY, "Connection: close"), b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\n{}x"],
    ids=["close", "http1.0"],
)
async def test_a_connection_the_server_will_close_is_not_reused(serve, answer: bytes) -> None:  # type: ignore[no-untyped-def]
    server = await serve([answer, ok()])
    http = pool(server.port)
    await http.get("/v1/x", {})
    assert (await http.get("/v1/x", {})).body == BODY
    await http.aclose()
    assert http.connections_opened == 2


async def test_an_idle_connection_closed_by_the_server_is_retried_once(serve) -> None:  # type: ignore[no-untyped-def]
    # The first connection answers once, then is closed when the second request arrives.
    server = await serve([ok(), None, ok()])
    http = pool(server.port)
    await http.get("/v1/x", {})
    got = await http.get("/v1/x", {})
    await http.aclose()
    assert got.body == BODY and http.connections_opened == 2


async def test_a_fresh_connection_closed_without_an_answer_is_a_broken_connection(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve([None])
    with pytest.raises(TransportFailure) as caught:
        await get(server.port)
    assert str(caught.value) == "the server broke the connection"  # as httpx words it


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (b'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{"a"', "read"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", "read"),
        (b"HTTP/1.1 200 OK\r\nContent-Le", "read"),
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", "protocol"),
        (b"HTTP/1.1 2x0 OK\r\n\r\n", "protocol"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n{}", "protocol"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "protocol"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "protocol"),
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", "protocol"),
        (ok(b"not gzip", "Content-Encoding: gzip"), "protocol"),
    ],
    ids=[
        "short-body",
        "short-chunk",
        "cut-head",
        "not-http",
        "bad-status",
        "two-lengths",
        "negative-length",
        "bad-chunk-size",
        "huge-head",
        "bad-gzip",
    ],
)
async def test_broken_answers_are_transport_failures(serve, answer: bytes, kind: str) -> None:  # type: ignore[no-untyped-def]
    server = await serve([answer, EOF])
    with pytest.raises(TransportFailure) as caught:
        await get(server.port)
    assert caught.value.kind == kind and str(caught.value) == NETWORK_MESSAGES[kind]


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n",
        chunked(b"x" * 2000, [600, 600, 800]),
        b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 2000,
        ok(gzip.compress(b"x" * 2000), "Content-Encoding: gzip"),
    ],
    ids=["length", "chunked", "to-close", "gzip-bomb"],
)
async def test_bodies_over_the_cap_are_refused(serve, answer: bytes) -> None:  # type: ignore[no-untyped-def]
    server = await serve([answer, EOF])
    with pytest.raises(BodyTooLarge):
        await get(server.port, max_body=1000)


async def test_a_silent_server_is_a_read_timeout(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve([b"", b""])  # reads the request, answers nothing, keeps the connection
    with pytest.raises(TransportFailure) as caught:
        await get(server.port, timeouts=Timeouts(connect=2.0, read=0.05, total=5.0))
    assert caught.value.kind == "read_timeout"


async def test_nothing_listening_is_could_not_connect() -> None:
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    with pytest.raises(TransportFailure) as caught:
        await get(port)
    assert str(caught.value) == "could not connect"


async def test_a_cancelled_request_leaves_no_connection_behind(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve([b"", ok()])  # the first request gets no answer
    http = pool(server.port)
    request = asyncio.ensure_future(http.get("/v1/x", {}))
    await server.got_head.wait()
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    assert (await http.get("/v1/x", {})).body == BODY  # a new connection: no half-read answer
    await http.aclose()
    assert http.connections_opened == 2


async def test_the_client_maps_failures_to_network_and_invalid_response_errors(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve([b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{", EOF])
    async with AppizerClient(ApiKey(KEY), f"http://127.0.0.1:{server.port}/v1") as client:
        with pytest.raises(NetworkError) as caught:
            await client.get_campaign("camp_1")
        assert str(caught.value) == "connection lost while reading the answer"
        assert KEY not in str(caught.value)
    big = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY_BYTES + 1)
    server = await serve([big])
    async with AppizerClient(ApiKey(KEY), f"http://127.0.0.1:{server.port}/v1") as client:
        with pytest.raises(InvalidResponseError, match="KiB"):
            await client.get_campaign("camp_1")


async def test_the_client_sends_its_headers_and_decodes_the_answer(serve) -> None:  # type: ignore[no-untyped-def]
    server = await serve([ok(BODY, "X-RateLimit-Remaining: 7")])
    async with AppizerClient(
        ApiKey(KEY), f"http://127.0.0.1:{server.port}/v1", wall_clock=lambda: 1000.0
    ) as client:
        campaign = await client.get_campaign("camp_1")
    assert (campaign.campaign_id, campaign.stats.sent) == ("camp_1", 4)
    assert client.rate_limit is not None and client.rate_limit.remaining == 7
    head = server.heads[0].decode()
    assert head.startswith("GET /v1/notifications/campaigns/camp_1 HTTP/1.1\r\n")
    assert f"\r\nAuthorization: Bearer {KEY}\r\n" in head
    assert "\r\nUser-Agent: appizer-tui/" in head
    assert "\r\nAccept-Encoding: identity\r\n" in head


def test_a_non_ascii_host_is_sent_in_its_ascii_form(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    client = AppizerClient(ApiKey(KEY), "https://bücher.example/v1")
    endpoint = client._backend.endpoint  # type: ignore[attr-defined]
    assert endpoint.host_header == "xn--bcher-kva.example"


def test_proxy_settings_send_requests_through_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    assert not proxy_configured("https://api.appizer.com/v1")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    assert proxy_configured("https://api.appizer.com/v1")
    assert not proxy_configured("http://127.0.0.1:8765/v1")  # no http proxy set
    monkeypatch.setenv("NO_PROXY", "appizer.com")
    assert not proxy_configured("https://api.appizer.com/v1")
    monkeypatch.delenv("NO_PROXY")
    client = AppizerClient(ApiKey(KEY), "https://api.appizer.com/v1")
    assert type(client._backend).__name__ == "HttpxBackend"


async def test_tls_verifies_the_certificate_and_the_host_name() -> None:
    import ssl

    import trustme

    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_context)
    server = ScriptedServer([ok(), ok(), ok()])
    server._server = await asyncio.start_server(server._serve, "127.0.0.1", 0, ssl=server_context)
    port = server._server.sockets[0].getsockname()[1]
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)

    async def fetch(host: str, context: ssl.SSLContext) -> Answer:
        http = Http11Pool(
            Endpoint(True, host, port), ssl_context=context, timeouts=FAST, max_body=1000
        )
        try:
            return await http.get("/v1/x", {})
        finally:
            await http.aclose()

    try:
        assert (await fetch("localhost", trusting)).body == BODY
        for host, context in [("localhost", ssl.create_default_context()), ("127.0.0.1", trusting)]:
            with pytest.raises(TransportFailure) as caught:
                await fetch(host, context)  # an unknown authority; a name the cert lacks
            assert str(caught.value) == "could not connect"
    finally:
        await server.stop()
