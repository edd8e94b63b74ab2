"""A lean HTTP/1.1 client for the one request this program makes: a GET with a small JSON answer.

Why not httpx here: a poll through httpx costs 2-2.6 ms of CPU (httpx, httpcore and anyio
layers), the same poll over plain asyncio streams about 0.3 ms (measured side by side against the
simulator, requests spread like the engine's). The poll is the hot path of every mode, so direct
connections use this module; httpx remains for proxies and for injected test transports (see
client.py), and both report failures with the same texts (`NETWORK_MESSAGES`).

What it does: keep-alive connections (at most `max_connections`), TLS with the given context,
Content-Length, chunked and read-to-close bodies, gzip/deflate answers, 1xx answers skipped,
connect/read timeouts, a body size cap, one retry on a fresh connection when a reused one turns
out to be closed before any answer byte arrived (GET is idempotent). What it refuses: malformed
status lines, header blocks over 64 KiB, folded headers, conflicting lengths.
"""

from __future__ import annotations

import asyncio
import ssl
import zlib
from collections.abc import Iterable, Mapping

import msgspec

MAX_HEADER_BYTES = 64 * 1024

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


class TransportFailure(Exception):
    """The request did not get a complete HTTP answer; `str()` is one of NETWORK_MESSAGES."""

    def __init__(self, kind: str, message: str | None = None) -> None:
        super().__init__(message or NETWORK_MESSAGES[kind])
        self.kind = kind


class BodyTooLarge(Exception):
    """The answer's body is over the cap."""


class Timeouts(msgspec.Struct, frozen=True):
    """Seconds: to connect (TLS included), for each read or write, and for the whole request."""

    connect: float = 5.0
    read: float = 10.0
    total: float = 15.0


class Endpoint(msgspec.Struct, frozen=True):
    """Where requests go: scheme, host (as sent in Host), port."""

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


class _Connection:
    __slots__ = ("reader", "writer", "reused")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.reused = False

    def usable(self) -> bool:
        return not self.reader.at_eof() and not self.writer.is_closing()

    def close(self) -> None:
        self.writer.close()


class Http11Pool:
    """Keep-alive connections to one endpoint; `get` is safe to call from many tasks at once."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        ssl_context: ssl.SSLContext | None,
        timeouts: Timeouts,
        max_body: int,
        max_connections: int = 20,
    ) -> None:
        self.endpoint = endpoint
        self._ssl = ssl_context if endpoint.tls else None
        self._timeouts = timeouts
        self._max_body = max_body
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(max_connections)
        self.connections_opened = 0

    async def get(self, target: str, headers: Mapping[str, str]) -> Answer:
        """GET `target` (an already escaped path) with `headers`. Raises TransportFailure or
        BodyTooLarge; cancellation (e.g. the caller's overall timeout) closes the connection."""
        request = _request_bytes(target, self.endpoint.host_header, headers)
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
        while self._idle:
            connection = self._idle.pop()
            if connection.usable():
                return connection
            connection.close()
        return None

    async def _connect(self) -> _Connection:
        endpoint = self.endpoint
        try:
            async with asyncio.timeout(self._timeouts.connect):
                reader, writer = await asyncio.open_connection(
                    endpoint.host,
                    endpoint.port,
                    ssl=self._ssl,
                    server_hostname=endpoint.host if self._ssl else None,
                    limit=MAX_HEADER_BYTES,
                )
        except TimeoutError:
            raise TransportFailure("connect_timeout") from None
        except (OSError, ssl.SSLError, UnicodeError):
            raise TransportFailure("connect") from None
        self.connections_opened += 1
        return _Connection(reader, writer)

    async def _exchange(self, connection: _Connection, request: bytes) -> Answer:
        reused, connection.reused = connection.reused, True
        keep = False
        try:
            try:
                async with asyncio.timeout(self._timeouts.read):
                    connection.writer.write(request)
                    await connection.writer.drain()
            except TimeoutError:
                raise TransportFailure("write_timeout") from None
            except OSError:
                if reused:
                    raise _ClosedBeforeAnswer from None
                raise TransportFailure("read") from None
            answer, keep = await _read_answer(
                connection.reader, self._timeouts.read, self._max_body, reused
            )
            return answer
        finally:
            if keep:
                self._idle.append(connection)
            else:
                connection.close()

    async def aclose(self) -> None:
        """Close every idle connection."""
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


class _ClosedBeforeAnswer(Exception):
    """A reused connection was closed by the server before any byte of the answer."""


def _request_bytes(target: str, host: str, headers: Mapping[str, str]) -> bytes:
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Reader:
    """Reads from a stream with the read timeout on every step."""

    def __init__(self, stream: asyncio.StreamReader, timeout: float) -> None:
        self.stream = stream
        self.timeout = timeout

    async def line_block(self) -> bytes:
        """Up to and including the blank line that ends a header block."""
        try:
            async with asyncio.timeout(self.timeout):
                return await self.stream.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            raise _Eof(bool(exc.partial)) from None
        except asyncio.LimitOverrunError:
            raise TransportFailure("protocol") from None

    async def line(self) -> bytes:
        try:
            async with asyncio.timeout(self.timeout):
                return await self.stream.readuntil(b"\r\n")
        except asyncio.IncompleteReadError:
            raise TransportFailure("read") from None
        except asyncio.LimitOverrunError:
            raise TransportFailure("protocol") from None

    async def exactly(self, size: int) -> bytes:
        try:
            async with asyncio.timeout(self.timeout):
                return await self.stream.readexactly(size)
        except asyncio.IncompleteReadError:
            raise TransportFailure("read") from None

    async def some(self) -> bytes:
        async with asyncio.timeout(self.timeout):
            return await self.stream.read(65536)


class _Eof(Exception):
    """The stream ended inside (`partial`) or before a header block."""

    def __init__(self, partial: bool) -> None:
        self.partial = partial


async def _read_answer(
    stream: asyncio.StreamReader, read_timeout: float, max_body: int, reused: bool
) -> tuple[Answer, bool]:
    """The answer and whether the connection can carry another request."""
    reader = _Reader(stream, read_timeout)
    try:
        while True:
            try:
                block = await reader.line_block()
            except _Eof as eof:
                if reused and not eof.partial:
                    raise _ClosedBeforeAnswer from None
                raise TransportFailure("read" if eof.partial else "protocol") from None
            version, status, headers = _parse_head(block)
            reused = False  # an answer has begun: never retry past this point
            if not 100 <= status < 200:
                break
        keep = version == "HTTP/1.1" and "close" not in headers.get("connection", "").lower()
        if status in (204, 304):
            body = b""
        else:
            body, framed = await _read_body(reader, headers, max_body)
            keep = keep and framed
        return Answer(status, headers, _decode(body, headers, max_body)), keep
    except TimeoutError:
        raise TransportFailure("read_timeout") from None
    except (ConnectionError, ssl.SSLError, OSError):
        if reused:
            raise _ClosedBeforeAnswer from None
        raise TransportFailure("read") from None


def _parse_head(block: bytes) -> tuple[str, int, dict[str, str]]:
    lines = block[:-4].decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code = rest[:3]
    if version not in ("HTTP/1.1", "HTTP/1.0") or not (code.isdigit() and code.isascii()):
        raise TransportFailure("protocol")
    if len(rest) > 3 and rest[3] != " ":
        raise TransportFailure("protocol")
    pairs: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or name[0] in " \t":
            raise TransportFailure("protocol")  # folded or malformed header line
        pairs.append((name, value.strip(" \t")))
    return version, int(code), joined_headers(pairs)


def joined_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header pairs as an Answer holds them: lower-case names, repeats joined by ", "."""
    headers: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


async def _read_body(
    reader: _Reader, headers: Mapping[str, str], max_body: int
) -> tuple[bytes, bool]:
    """The body and whether its end was framed (so the connection may be reused)."""
    if "transfer-encoding" in headers:
        codings = [c.strip().lower() for c in headers["transfer-encoding"].split(",")]
        if codings[-1] != "chunked":
            return await _read_to_close(reader, max_body), False
        return await _read_chunked(reader, max_body), True
    if "content-length" in headers:
        values = {v.strip() for v in headers["content-length"].split(",")}
        if len(values) != 1 or not all(v.isdigit() and v.isascii() for v in values):
            raise TransportFailure("protocol")
        length = int(values.pop())
        if length > max_body:
            raise BodyTooLarge
        return await reader.exactly(length), True
    return await _read_to_close(reader, max_body), False


async def _read_chunked(reader: _Reader, max_body: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        line = await reader.line()
        digits = line[:-2].split(b";", 1)[0].strip()
        try:
            length = int(digits, 16)
        except ValueError:
            raise TransportFailure("protocol") from None
        if length < 0 or not digits.isalnum():
            raise TransportFailure("protocol")
        if length == 0:
            while await reader.line() != b"\r\n":
                pass  # trailers: read and ignore
            return b"".join(chunks)
        size += length
        if size > max_body:
            raise BodyTooLarge
        chunks.append(await reader.exactly(length))
        if await reader.exactly(2) != b"\r\n":
            raise TransportFailure("protocol")


async def _read_to_close(reader: _Reader, max_body: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await reader.some():
        size += len(chunk)
        if size > max_body:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


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
