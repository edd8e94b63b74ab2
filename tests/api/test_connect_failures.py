"""Failures to connect say what happened and where, the same on the direct path and through
httpx: refused, name not found, TLS not trusted, wrong host, expired, a plain-HTTP server, a
silent handshake; and a SOCKS proxy without socksio. Never the key."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
import trustme
from api_servers import MisbehavingServer

from appizer_tui.api import client as client_module
from appizer_tui.api.client import AppizerClient
from appizer_tui.api.errors import NetworkError
from appizer_tui.api.http11 import UNTRUSTED, Timeouts
from appizer_tui.api.secret import ApiKey

Start = Callable[..., Awaitable[MisbehavingServer]]
KEY = "sk_test_connect_0123456789abcdef"
FAST = Timeouts(connect=0.5, read=1.0, total=3.0)


@pytest.fixture
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def trust(authority: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """The client trusts `authority` the way a user would make it: SSL_CERT_FILE."""
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.setattr(client_module, "_TLS_CONTEXT", None)  # built again from the variable
    return authority


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def tls_server_context(authority: trustme.CA, **cert: object) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(*cert.pop("names", ("127.0.0.1",)), **cert).configure_cert(context)  # type: ignore[arg-type]
    return context


async def failure(url: str, *, transport: httpx.AsyncBaseTransport | None = None) -> str:
    async with AppizerClient(ApiKey(KEY), url, timeouts=FAST, transport=transport) as client:
        with pytest.raises(NetworkError) as caught:
            await client.get_campaign("a")
    assert KEY not in str(caught.value)
    return str(caught.value)


@pytest.fixture
async def closed_port() -> AsyncIterator[int]:
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port: int = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    yield port


async def test_refused_names_the_url_on_both_paths(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/v1"
    expected = f"could not connect to {url}: connection refused"
    assert await failure(url) == expected
    assert await failure(url, transport=httpx.AsyncHTTPTransport()) == expected


async def test_a_name_that_does_not_resolve() -> None:
    url = "https://no-such-host.invalid/v1"
    assert await failure(url) == f"could not connect to {url}: name not found"


async def test_an_unknown_authority_says_how_to_trust_it(
    misbehaving: Start, authority: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setattr(client_module, "_TLS_CONTEXT", None)  # certifi's bundle
    server = await misbehaving(tls=tls_server_context(authority))
    expected = f"could not connect to {server.url}: {UNTRUSTED}"
    assert await failure(server.url) == expected
    assert await failure(server.url, transport=httpx.AsyncHTTPTransport()) == expected


async def test_a_trusted_certificate_works(misbehaving: Start, trust: trustme.CA) -> None:
    server = await misbehaving(tls=tls_server_context(trust))
    async with AppizerClient(ApiKey(KEY), server.url, timeouts=FAST) as client:
        assert (await client.get_campaign("a")).campaign_id == "a"
        assert (await client.get_campaign("b")).campaign_id == "b"
    assert server.connections == 1


async def test_a_certificate_for_another_host(misbehaving: Start, trust: trustme.CA) -> None:
    server = await misbehaving(tls=tls_server_context(trust, names=("api.example.com",)))
    assert await failure(server.url) == (
        f"could not connect to {server.url}: certificate is for another host"
    )


async def test_an_expired_certificate(misbehaving: Start, trust: trustme.CA) -> None:
    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    context = tls_server_context(trust, not_before=past, not_after=past + dt.timedelta(days=1))
    server = await misbehaving(tls=context)
    assert (
        await failure(server.url) == f"could not connect to {server.url}: certificate has expired"
    )


async def test_https_to_a_plain_http_server() -> None:
    async def plain_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)  # the TLS ClientHello, taken for a bad request
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(plain_http, "127.0.0.1", 0)
    url = f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1"
    try:
        expected = f"could not connect to {url}: the server does not speak TLS (is it http://?)"
        assert await failure(url) == expected
    finally:
        server.close()
        await server.wait_closed()


async def test_a_handshake_that_never_ends(misbehaving: Start) -> None:
    # A plain server waits for a request head that a ClientHello never completes.
    server = await misbehaving()
    url = server.url.replace("http://", "https://")
    assert await failure(url) == f"could not connect to {url}: timed out during the TLS handshake"


async def test_a_socks_proxy_without_socksio_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        import socksio  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("socksio is installed: SOCKS proxies work")
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1")
    url = "https://api.appizer.com/v1"
    assert await failure(url) == (
        f"could not connect to {url}: "
        "a SOCKS proxy needs the socksio package: pip install 'httpx[socks]'"
    )
