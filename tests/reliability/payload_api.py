"""A small fake Appizer API that answers with the injection corpus, as an ASGI app.

Per campaign id:

    ok<NN>   200: the body's campaign_id and status are payload NN (an unknown status is shown
             as the server sent it); counters are ordinary numbers
    nf<NN>   404 with error, message and code all payload NN
    se<NN>   500 with error, message and code all payload NN
    <text>   for payloads a client can send as an id: 200 echoing the id, status "sending"
    au<NN>   401 with payload NN (pauses all polling: use it alone)

Every request is recorded (path, query, Authorization) so secret tests can check where the key
went. The app runs in process (VirtualNet) or over real HTTP through `serve()`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from payloads import ID_PAYLOADS, PAYLOADS

PREFIX = "/v1/notifications/campaigns/"


def ok_body(campaign_id: str, status: str) -> dict[str, Any]:
    """A documented success body with ordinary numbers."""
    return {
        "success": True,
        "campaign_id": campaign_id,
        "status": status,
        "created_at": "2024-01-15T10:30:00Z",
        "sent_at": "2024-01-15T10:31:00Z",
        "completed_at": None,
        "stats": {
            "total_recipients": 1250,
            "sent": 1200,
            "delivered": 1150,
            "opened": 430,
            "clicked": 120,
            "failed": 50,
        },
        "rates": {"delivery_rate": 0.958, "open_rate": 0.374, "click_rate": 0.104},
    }


def error_body(text: str) -> dict[str, Any]:
    """An error body whose every field is `text`."""
    return {"error": text, "message": text, "code": text, "details": {"why": text}}


def ok_ids() -> list[str]:
    """The ids whose answer carries a payload as id and status."""
    return [f"ok{i:02d}" for i in range(len(PAYLOADS))]


def error_ids(kind: str) -> list[str]:
    """`nf` (404) or `se` (500) ids, one per payload."""
    return [f"{kind}{i:02d}" for i in range(len(PAYLOADS))]


def echo_ids() -> list[str]:
    """The payloads a client may send as ids (each answered 200, echoed)."""
    return [p.text for p in ID_PAYLOADS]


@dataclass
class Seen:
    """One request as the fake server received it."""

    path: str
    query: str
    authorization: str | None
    headers: dict[str, str]


@dataclass
class PayloadApi:
    """The ASGI app; `requests` lists what arrived. `status_override` answers every request
    with that status (and payload `override_text`) when set."""

    key: str | None = None
    """When set, requests with another key get a 401 (message: a fixed text)."""
    requests: list[Seen] = field(default_factory=list)
    status_override: int | None = None
    override_text: str = ""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        raw = scope.get("raw_path") or scope["path"].encode()
        path = raw.decode("latin-1").split("?", 1)[0]
        self.requests.append(
            Seen(
                path,
                scope.get("query_string", b"").decode("latin-1"),
                headers.get("authorization"),
                headers,
            )
        )
        status, body = self.answer(path, headers.get("authorization"))
        content = json.dumps(body, ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    # A generous limit, so a test can fetch a hundred campaigns at once.
                    (b"x-ratelimit-limit", b"100000"),
                    (b"x-ratelimit-remaining", b"99999"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})

    def answer(self, path: str, authorization: str | None) -> tuple[int, dict[str, Any]]:
        """(status, body) for one GET."""
        if self.key is not None and authorization != f"Bearer {self.key}":
            return 401, error_body("Invalid API key")
        if self.status_override is not None:
            return self.status_override, error_body(self.override_text)
        if not path.startswith(PREFIX):
            return 404, error_body("no such endpoint")
        campaign_id = unquote(path[len(PREFIX) :])
        kind, number = campaign_id[:2], campaign_id[2:]
        if number.isdigit() and int(number) < len(PAYLOADS):
            text = PAYLOADS[int(number)].text
            if kind == "ok":
                return 200, ok_body(text, text)
            if kind == "nf":
                return 404, error_body(text)
            if kind == "se":
                return 500, error_body(text)
            if kind == "au":
                return 401, error_body(text)
        return 200, ok_body(campaign_id, "sending")


class Served:
    """A PayloadApi (or any ASGI app) as `start_server` expects a simulator: it needs `.app`."""

    def __init__(self, app: Any) -> None:
        self.app = app
