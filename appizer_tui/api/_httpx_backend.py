"""The httpx path: for proxies (httpx honours HTTP(S)_PROXY, ALL_PROXY, NO_PROXY) and for tests
that plug a transport in (httpx.MockTransport, ASGITransport). Same answers, same failure texts as
the direct path in http11.py."""

from __future__ import annotations

import ssl

from appizer_tui.api._http import httpx
from appizer_tui.api.http11 import (
    Answer,
    BodyTooLarge,
    Timeouts,
    TransportFailure,
    connect_failure_detail,
)

SOCKS_MISSING = "a SOCKS proxy needs the socksio package: pip install 'httpx[socks]'"

_KINDS: tuple[tuple[type[httpx.HTTPError], str], ...] = (
    (httpx.ConnectTimeout, "connect_timeout"),
    (httpx.ReadTimeout, "read_timeout"),
    (httpx.WriteTimeout, "write_timeout"),
    (httpx.PoolTimeout, "pool_timeout"),
    (httpx.ConnectError, "connect"),
    (httpx.ReadError, "read"),
    (httpx.RemoteProtocolError, "protocol"),
)


def httpx_backend(
    origin: str,
    *,
    ssl_context: ssl.SSLContext,
    timeouts: Timeouts,
    max_body: int,
    transport: httpx.AsyncBaseTransport | None = None,
) -> HttpxBackend | Unusable:
    """An HttpxBackend, or, when the environment names a SOCKS proxy and socksio is missing
    (httpx raises ImportError then), a backend whose every request fails saying so."""
    try:
        return HttpxBackend(
            origin,
            ssl_context=ssl_context,
            timeouts=timeouts,
            max_body=max_body,
            transport=transport,
        )
    except ImportError:
        return Unusable(SOCKS_MISSING)


class Unusable:
    """A backend that cannot send: every request fails to connect with `detail`."""

    def __init__(self, detail: str) -> None:
        self._detail = detail

    async def get(self, target: str, headers: dict[str, str]) -> Answer:
        raise TransportFailure("connect", detail=self._detail)

    async def aclose(self) -> None:
        return None


class HttpxBackend:
    """GETs through one pooled httpx.AsyncClient; `origin` is scheme://host[:port]."""

    def __init__(
        self,
        origin: str,
        *,
        ssl_context: ssl.SSLContext,
        timeouts: Timeouts,
        max_body: int,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._origin = origin
        self._max_body = max_body
        self._http = httpx.AsyncClient(
            transport=transport,
            verify=ssl_context,
            timeout=httpx.Timeout(timeouts.read, connect=timeouts.connect),
            # Redirects are not followed: a redirect to another host must never carry the key.
            follow_redirects=False,
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=20),
        )

    async def get(self, target: str, headers: dict[str, str]) -> Answer:
        try:
            async with self._http.stream("GET", self._origin + target, headers=headers) as got:
                chunks: list[bytes] = []
                size = 0
                async for chunk in got.aiter_bytes():
                    size += len(chunk)
                    if size > self._max_body:
                        raise BodyTooLarge
                    chunks.append(chunk)
                return Answer(got.status_code, dict(got.headers.items()), b"".join(chunks))
        except httpx.HTTPError as exc:
            raise _failure(exc) from None

    async def aclose(self) -> None:
        await self._http.aclose()


def _failure(exc: httpx.HTTPError) -> Exception:
    for cls, kind in _KINDS:
        if isinstance(exc, cls):
            detail = connect_failure_detail(exc) if kind == "connect" else None
            return TransportFailure(kind, detail=detail)
    return TransportFailure("other", f"request failed ({type(exc).__name__})")
