"""A thin keep-alive pool around h11 for the one request this program makes: a GET with a small
JSON answer.

The HTTP/1.1 syntax is h11's (status line, headers, Content-Length, chunked bodies, trailers, 1xx
answers, when a connection may carry another request). What is ours, because h11 is sans-IO and
no well-kept library offers a pool this small on asyncio: the sockets (an asyncio Protocol, so
bytes arriving while a connection is idle are noticed), the pool's rules, the caps and the
failure texts. httpx (httpcore is the same h11 under anyio) costs several times the CPU per poll,
so it is used only for proxies and injected test transports (see client.py); both paths report
failures with the same texts (`NETWORK_MESSAGES`, `connect_failure_detail`).

The pool's rules:
- a connection is retired when bytes arrive while it is idle (an answer to no request, or a 408
  sent before closing: RFC 9112 section 6.3), when bytes remain after an answer, when h11 says it
  must close, and after `IDLE_EXPIRY` seconds idle (load balancers and NATs drop idle connections
  silently after 30-350 s);
- a reused connection that fails before any answer byte arrives is retried once on a fresh one
  (GET is idempotent);
- caps: header block (`MAX_HEADER_BYTES`), all bytes that are not body (`MAX_FRAMING_BYTES`:
  1xx heads, chunk lines, trailers), body, decoded body, `MAX_INFORMATIONAL` 1xx answers; each
  read has the read timeout, the whole request the caller's bound.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterable, Mapping

import h11
import msgspec

MAX_HEADER_BYTES = 64 * 1024
MAX_FRAMING_BYTES = 2 * MAX_HEADER_BYTES
"""Bytes of an answer that are not body (heads, 1xx heads, chunk lines, trailers)."""
MAX_INFORMATIONAL = 10
"""1xx answers tolerated before the final one."""
IDLE_EXPIRY = 25.0
"""Seconds an idle connection is kept: below common load-balancer and NAT idle timeouts."""

# One text per kind of failure, shared with the httpx path so both read the same.
NETWORK_MESSAGES = {
    "connect_timeout": "connection timed out",
    "read_timeout": "the server took too long to answer",
    "write_timeout": "timed out sending the request",
    "pool_timeout": "no free connection in time",
    "connect": "could not connect",
    "read": "connection lost while reading the answer",
    "protocol": "the server broke the connection",
}
CONNECT_KINDS = frozenset({"connect", "connect_timeout"})
"""Failures before any request was sent: the client names the URL and what went wrong."""

UNTRUSTED = (
    "certificate not trusted (set SSL_CERT_FILE to your CA bundle if your network inspects TLS)"
)
_NAME_MISMATCH = frozenset({62, 64})  # X509_V_ERR_HOSTNAME_MISMATCH, _IP_ADDRESS_MISMATCH
_CERT_HAS_EXPIRED = 10  # X509_V_ERR_CERT_HAS_EXPIRED


class TransportFailure(Exception):
    """The request did not get a complete HTTP answer; `str()` is one of NETWORK_MESSAGES.

    `detail` says more for a failure to connect ("connection refused", "name not found", ...).
    """

    def __init__(self, kind: str, message: str | None = None, detail: str | None = None) -> None:
        super().__init__(message or NETWORK_MESSAGES[kind])
        self.kind = kind
        self.detail = detail


class BodyTooLarge(Exception):
    """The answer's body is over the cap."""


class Timeouts(msgspec.Struct, frozen=True):
    """Seconds: to connect (TLS included), for each read or write, and for the whole request."""

    connect: float = 5.0
    read: float = 10.0
    total: float = 15.0


class Endpoint(msgspec.Struct, frozen=True):
    """Where requests go: scheme, host (ASCII, as sent in Host), port."""

    tls: bool
    host: str
    port: int

    @property
    def host_header(self) -> str:
        default = 443 if self.tls else 80
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == default else f"{name}:{self.port}"


class Answer(msgspec.Struct, frozen=True):
    """A complete HTTP answer: status, headers (lower-case names, repeats joined by ", "), body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


def joined_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header pairs as an Answer holds them: lower-case names, repeats joined by ", "."""
    headers: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def connect_failure_detail(exc: BaseException) -> str:
    """What went wrong while connecting, in words, from the exception or what it wraps."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            if seen.verify_code in _NAME_MISMATCH:
                return "certificate is for another host"
            if seen.verify_code == _CERT_HAS_EXPIRED:
                return "certificate has expired"
            return UNTRUSTED
        if isinstance(seen, ssl.SSLError):
            return "the server does not speak TLS (is it http://?)"
        if isinstance(seen, socket.gaierror):
            return "name not found"
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        if isinstance(seen, TimeoutError):
            return NETWORK_MESSAGES["connect_timeout"]
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror.lower()
        seen = seen.__cause__ or seen.__context__
    return "connection failed"


class _Wire(asyncio.Protocol):
    """One socket's bytes, handed out as they arrive; notices bytes that come while idle."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.idle = True
        self.dirty = False
        """Bytes arrived while no request was waiting: the connection must not be reused."""
        self.closed = False
        self._chunks: list[bytes] = []
        self._arrived: asyncio.Event = asyncio.Event()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.idle:
            self.dirty = True
            return
        self._chunks.append(data)
        self._arrived.set()
        if sum(map(len, self._chunks)) > MAX_HEADER_BYTES and self.transport is not None:
            self.transport.pause_reading()  # a fast sender waits until h11 took what we have

    def eof_received(self) -> bool | None:
        self.closed = True
        self._arrived.set()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._arrived.set()

    async def receive(self) -> bytes:
        """The next bytes; b"" once the peer closed."""
        while not self._chunks:
            if self.closed:
                return b""
            self._arrived.clear()
            await self._arrived.wait()
        data = b"".join(self._chunks)
        self._chunks.clear()
        if self.transport is not None and not self.closed:
            self.transport.resume_reading()
        return data

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class _Connection:
    __slots__ = ("wire", "http", "reused", "idle_since")

    def __init__(self, wire: _Wire) -> None:
        self.wire = wire
        self.http = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEADER_BYTES)
        self.reused = False
        self.idle_since = 0.0

    def reusable(self, now: float) -> bool:
        wire = self.wire
        return not (wire.dirty or wire.closed) and now - self.idle_since < IDLE_EXPIRY

    def close(self) -> None:
        self.wire.close()


class _ClosedBeforeAnswer(Exception):
    """A reused connection was closed by the server before any byte of the answer."""


class Http11Pool:
    """Keep-alive connections to one endpoint; `get` is safe to call from many tasks at once.

    `monotonic` is the clock idle connections expire by (injected in tests)."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        ssl_context: ssl.SSLContext | None,
        timeouts: Timeouts,
        max_body: int,
        max_connections: int = 20,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.endpoint = endpoint
        self._ssl = ssl_context if endpoint.tls else None
        self._timeouts = timeouts
        self._max_body = max_body
        self._monotonic = monotonic
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(max_connections)
        self.connections_opened = 0

    async def get(self, target: str, headers: Mapping[str, str]) -> Answer:
        """GET `target` (an already escaped path) with `headers`. Raises TransportFailure or
        BodyTooLarge; cancellation (e.g. the caller's overall timeout) closes the connection."""
        request = h11.Request(
            method="GET",
            target=target,
            headers=[("Host", self.endpoint.host_header), *headers.items()],
        )
        async with self._slots:
            connection = self._take_idle()
            if connection is not None:
                try:
                    return await self._exchange(connection, request)
                except _ClosedBeforeAnswer:
                    pass  # the server dropped an idle connection: once more on a fresh one
            try:
                return await self._exchange(await self._connect(), request)
            except _ClosedBeforeAnswer:
                raise TransportFailure("read") from None

    def _take_idle(self) -> _Connection | None:
        now = self._monotonic()
        while self._idle:
            connection = self._idle.pop()
            if connection.reusable(now):
                return connection
            connection.close()
        return None

    async def _connect(self) -> _Connection:
        endpoint, loop = self.endpoint, asyncio.get_running_loop()
        wire = _Wire()
        phase = "connect"
        try:
            async with asyncio.timeout(self._timeouts.connect):
                transport, _ = await loop.create_connection(
                    lambda: wire, endpoint.host, endpoint.port
                )
                if self._ssl is not None:
                    phase = "tls"
                    tls = await loop.start_tls(
                        transport, wire, self._ssl, server_hostname=endpoint.host
                    )
                    assert tls is not None
                    wire.transport = tls
        except TimeoutError:
            wire.close()
            detail = "timed out during the TLS handshake" if phase == "tls" else None
            raise TransportFailure("connect_timeout", detail=detail) from None
        except (OSError, ssl.SSLError, UnicodeError) as exc:
            wire.close()
            detail = connect_failure_detail(exc)
            if phase == "tls" and not isinstance(exc, ssl.SSLError):
                detail = "the server does not speak TLS (is it http://?)"  # closed mid-handshake
            raise TransportFailure("connect", detail=detail) from None
        self.connections_opened += 1
        return _Connection(wire)

    async def _exchange(self, connection: _Connection, request: h11.Request) -> Answer:
        reused, connection.reused = connection.reused, True
        keep = False
        wire = connection.wire
        wire.idle = False
        try:
            if wire.transport is None or wire.transport.is_closing():
                if reused:
                    raise _ClosedBeforeAnswer
                raise TransportFailure("read")
            http = connection.http
            wire.transport.write(http.send(request) + http.send(h11.EndOfMessage()))
            answer, keep = await self._read_answer(connection, reused)
            return answer
        finally:
            if keep:
                wire.idle = True
                connection.idle_since = self._monotonic()
                self._idle.append(connection)
            else:
                connection.close()

    async def _read_answer(self, connection: _Connection, reused: bool) -> tuple[Answer, bool]:
        """The answer and whether the connection can carry another request."""
        http, wire = connection.http, connection.wire
        status, size, informational = 0, 0, 0
        headers: dict[str, str] = {}
        chunks: list[bytes] = []
        received_any = eof_seen = False
        fed = 0
        try:
            while True:
                event = http.next_event()
                if fed - len(http.trailing_data[0]) - size > MAX_FRAMING_BYTES:
                    raise TransportFailure("protocol")
                if event is h11.NEED_DATA:
                    async with asyncio.timeout(self._timeouts.read):
                        data = await wire.receive()
                    if not data and not received_any and reused:
                        raise _ClosedBeforeAnswer
                    received_any = received_any or bool(data)
                    eof_seen = not data
                    fed += len(data)
                    http.receive_data(data)
                elif isinstance(event, h11.InformationalResponse):
                    informational += 1
                    if informational > MAX_INFORMATIONAL:
                        raise TransportFailure("protocol")
                elif isinstance(event, h11.Response):
                    if fed - len(http.trailing_data[0]) > MAX_HEADER_BYTES * (informational + 1):
                        raise TransportFailure("protocol")
                    status = event.status_code
                    headers = joined_headers(
                        (name.decode("latin-1"), value.decode("latin-1"))
                        for name, value in event.headers
                    )
                    if "transfer-encoding" in headers and "content-length" in headers:
                        raise TransportFailure("protocol")  # a smuggling shape: RFC 9112 6.3
                    length = headers.get("content-length")  # h11 checked: digits, one value
                    if length is not None and int(length.split(",")[0]) > self._max_body:
                        raise BodyTooLarge
                elif isinstance(event, h11.Data):
                    size += len(event.data)
                    if size > self._max_body:
                        raise BodyTooLarge
                    chunks.append(event.data)
                elif isinstance(event, h11.EndOfMessage):
                    break
                else:  # ConnectionClosed before the end of the message
                    raise TransportFailure("read")
        except h11.RemoteProtocolError:
            # A cut-off answer reads as a lost connection, anything else as a broken one.
            kind = "read" if eof_seen and received_any else "protocol"
            raise TransportFailure(kind) from None
        except TimeoutError:
            raise TransportFailure("read_timeout") from None
        body = _decode(b"".join(chunks), headers, self._max_body)
        keep = http.our_state is h11.DONE and http.their_state is h11.DONE
        if keep and not http.trailing_data[0] and not wire.dirty:
            http.start_next_cycle()
        else:
            keep = False  # bytes after the answer belong to no request
        return Answer(status, headers, body), keep

    async def aclose(self) -> None:
        """Close every idle connection."""
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


def _decode(body: bytes, headers: Mapping[str, str], max_body: int) -> bytes:
    """The body with gzip/deflate undone (we ask for identity, but a server may not listen)."""
    coding = headers.get("content-encoding", "").strip().lower()
    if coding in ("", "identity") or not body:
        return body
    if coding in ("gzip", "x-gzip"):
        window = 16 + zlib.MAX_WBITS
    elif coding == "deflate":
        window = zlib.MAX_WBITS if body[:1] == b"\x78" else -zlib.MAX_WBITS
    else:
        return body  # unknown coding: the JSON decoder will call it what it is
    decompressor = zlib.decompressobj(window)
    try:
        plain = decompressor.decompress(body, max_body + 1)
    except zlib.error:
        raise TransportFailure("protocol") from None
    if len(plain) > max_body:
        raise BodyTooLarge
    return plain
