"""Every way `get_campaign` can fail, as one small hierarchy.

    AppizerError                  kind               when
    ├── AuthError                 "auth"             401, 403
    ├── NotFoundError             "not_found"        404
    ├── RateLimitedError          "rate_limited"     429 (retry_after in seconds)
    ├── ServerError               "server"           5xx
    ├── NetworkError              "network"          connect/read timeouts, refused, reset, DNS
    └── InvalidResponseError      "invalid_response" not JSON, wrong shape, success: false,
        │                                            body over the size cap, other 4xx, an
        │                                            answer for another campaign id
        └── NotTheApiError        "invalid_response" a 404 without the API's error body: the
                                                     base URL points at something else
                                                     (`affects_all`: one global condition)

Each carries the HTTP status and the documented error body fields when the server sent them.
`str(error)` never contains the API key: messages are built from the server's body or from the
transport failure's kind, never from the request.
"""

from __future__ import annotations

from typing import Any, ClassVar

from appizer_tui.api.ratelimit import RateLimitInfo


class AppizerError(Exception):
    """Base of every error the client raises."""

    kind: ClassVar[str] = "error"
    title: ClassVar[str] = "Error"
    affects_all: ClassVar[bool] = False
    """True when every campaign would get the same error: show it once, not per campaign."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        error: str | None = None,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        rate_limit: RateLimitInfo | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.error = error
        self.code = code
        self.details = details
        self.rate_limit = rate_limit

    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before asking again, where the server said."""
        return None

    def to_dict(self) -> dict[str, Any]:
        """The error as the `status --json` and `watch --format jsonl` outputs show it."""
        return {
            "kind": self.kind,
            "http_status": self.http_status,
            "code": self.code,
            "message": self.message,
            "retry_after": self.retry_after,
        }


class AuthError(AppizerError):
    """401 (missing, invalid or revoked key) or 403 (key lacks permission)."""

    kind = "auth"
    title = "Unauthorized"


class NotFoundError(AppizerError):
    """404: no campaign with that id (yet)."""

    kind = "not_found"
    title = "Not found"


class RateLimitedError(AppizerError):
    """429: the key's rate limit is spent until `retry_after` seconds from now."""

    kind = "rate_limited"
    title = "Rate limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self._retry_after = retry_after

    @property
    def retry_after(self) -> float | None:
        return self._retry_after


class ServerError(AppizerError):
    """5xx: the server failed; worth retrying with backoff."""

    kind = "server"
    title = "Server error"


class NetworkError(AppizerError):
    """The request did not get an answer: timeout, refused, reset, DNS."""

    kind = "network"
    title = "Network error"


class InvalidResponseError(AppizerError):
    """An answer that is not the documented shape."""

    kind = "invalid_response"
    title = "Invalid response"


class NotTheApiError(InvalidResponseError):
    """A 404 whose body is not the API's error shape: whatever answers at the base URL is not
    the Appizer API (a wrong path or host), so every id would read "not found"."""

    title = "Wrong base URL"
    affects_all = True

