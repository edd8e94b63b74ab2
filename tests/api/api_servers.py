"""A misbehaving HTTP server on 127.0.0.1 for the client's tests.

Every request for `.../campaigns/<id>` is answered correctly with that campaign (its id in the
body), except the requests (counted from 0 across the whole server) given a scripted reply: a
list of steps, each bytes to write, `CLOSE` (close the connection), `SILENT` (never read or write
on this connection again, keep it open) or `LATER` (wait until the test calls `release()`).
"""

from __future__ import annotations

import asyncio
import json
import ssl
from dataclasses import dataclass, field

CLOSE = "close"
SILENT = "silent"
LATER = "later"
Step = bytes | str


def campaign_body(campaign_id: str, sent: int = 4) -> bytes:
    """A campaign as the API sends it."""
    return json.dumps(
        {
            "success": True,
            "campaign_id": campaign_id,
            "status": "sending",
            "stats": {"total_recipients": 10, "sent": sent},
        }
    ).encode()


def answer(body: bytes, *headers: str, status: str = "200 OK", eol: str = "\r\n") -> bytes:
    """An HTTP/1.1 answer with Content-Length (unless a header line gives framing itself)."""
    framed = any(h.lower().startswith(("content-length", "transfer-encoding")) for h in headers)
    head = [f"HTTP/1.1 {status}", *([] if framed else [f"Content-Length: {len(body)}"]), *headers]
    return (eol.join(head) + eol + eol).encode() + body


def campaign_answer(campaign_id: str, *headers: str) -> bytes:
    """The right answer for `campaign_id`."""
    return answer(campaign_body(campaign_id), "Content-Type: application/json", *headers)


def _campaign_id(head: bytes) -> str:
    target = head.split(b" ", 2)[1].decode("latin-1")
    return target.rsplit("/", 1)[-1]


@dataclass
class MisbehavingServer:
    """See the module docstring; `heads` are the request heads received, in order."""

    replies: dict[int, list[Step]] = field(default_factory=dict)
    tls: ssl.SSLContext | None = None
    heads: list[bytes] = field(default_factory=list)
    connections: int = 0
    port: int = 0
    waiting: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when a reply reached `LATER`."""
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _server: asyncio.Server | None = None
    _writers: list[asyncio.StreamWriter] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/v1"

    async def start(self) -> MisbehavingServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def release(self) -> None:
        """Let replies waiting at `LATER` go on."""
        self._release.set()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                number = len(self.heads)
                self.heads.append(head)
                for step in self.replies.get(number, [campaign_answer(_campaign_id(head))]):
                    if step == LATER:
                        self.waiting.set()
                        await self._release.wait()
                    elif step == CLOSE:
                        return
                    elif step == SILENT:
                        await self._stopping.wait()
                        return
                    else:
                        assert isinstance(step, bytes)
                        writer.write(step)
                        await writer.drain()
                        await asyncio.sleep(0)  # each step its own read on the other side
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        except ssl.SSLError:
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        assert self._server is not None
        self._stopping.set()
        self._release.set()
        self._server.close()
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()


async def settle() -> None:
    """Let bytes already written on loopback reach the other side's protocol."""
    for _ in range(5):
        await asyncio.sleep(0)
