"""The async Appizer client: one pooled httpx.AsyncClient, typed results, one error hierarchy."""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlsplit

import msgspec

from appizer_tui import __version__
from appizer_tui.api._http import httpx
from appizer_tui.api.errors import (
    AppizerError,
    AuthError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from appizer_tui.api.models import (
    Campaign,
    SuccessFalseError,
    decode_campaign,
    decode_error_body,
)
from appizer_tui.api.ratelimit import RateLimitInfo, parse_rate_limit, parse_retry_after
from appizer_tui.api.secret import ApiKey
from appizer_tui.api.urls import (
    DEFAULT_BASE_URL,
    MAX_CAMPAIGN_ID_LENGTH,
    InsecureURLError,
    InvalidCampaignIdError,
    check_base_url,
    is_loopback_url,
    validate_campaign_id,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "MAX_BODY_BYTES",
    "MAX_CAMPAIGN_ID_LENGTH",
    "AppizerClient",
    "InsecureURLError",
    "InvalidCampaignIdError",
    "DEFAULT_TIMEOUT",
    "TOTAL_TIMEOUT_SECONDS",
    "check_base_url",
    "is_loopback_url",
    "validate_campaign_id",
]

MAX_BODY_BYTES = 1024 * 1024
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# httpx's timeouts are per phase; this bounds the whole request, slow trickling bodies included.
TOTAL_TIMEOUT_SECONDS = 15.0


def _network_message(exc: httpx.HTTPError) -> str:
    """A description of a transport failure that never includes the request (or its headers)."""
    names = {
        httpx.ConnectTimeout: "connection timed out",
        httpx.ReadTimeout: "the server took too long to answer",
        httpx.WriteTimeout: "timed out sending the request",
        httpx.PoolTimeout: "no free connection in time",
        httpx.ConnectError: "could not connect",
        httpx.ReadError: "connection lost while reading the answer",
        httpx.RemoteProtocolError: "the server broke the connection",
    }
    for cls, text in names.items():
        if isinstance(exc, cls):
            return text
    return f"request failed ({type(exc).__name__})"


_TLS_LOCK = threading.Lock()
_TLS_CONTEXT: ssl.SSLContext | None = None


def tls_context(base_url: str) -> ssl.SSLContext:
    """The TLS settings for a client of `base_url`.

    https: httpx's verifying default (certifi's CA bundle, or SSL_CERT_FILE / SSL_CERT_DIR),
    built once per process: loading the CA bundle costs ~50 ms of start-up, and every client
    would otherwise load it again. Plain http (the simulator on loopback, or --insecure): a
    context that trusts no certificate at all, since no TLS connection is ever made (redirects
    are not followed), and should one be attempted it fails closed; it costs nothing to build.
    """
    global _TLS_CONTEXT
    if urlsplit(base_url).scheme == "http":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    with _TLS_LOCK:
        if _TLS_CONTEXT is None:
            _TLS_CONTEXT = httpx.create_ssl_context()
        return _TLS_CONTEXT


class AppizerClient:
    """Fetches campaigns. One instance per process: it keeps one connection pool.

    `rate_limit` holds the newest rate-limit headers seen on any response.
    """

    def __init__(
        self,
        api_key: ApiKey | None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        insecure: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        total_timeout: float = TOTAL_TIMEOUT_SECONDS,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = check_base_url(base_url, insecure=insecure)
        self._api_key = api_key
        self._wall_clock = wall_clock
        self._total_timeout = total_timeout
        self.rate_limit: RateLimitInfo | None = None
        self._http = httpx.AsyncClient(
            transport=transport,
            verify=tls_context(self.base_url),
            timeout=timeout,
            # Redirects are not followed: a redirect to another host must never carry the key.
            follow_redirects=False,
            headers={"User-Agent": f"appizer-tui/{__version__}", "Accept": "application/json"},
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=20),
        )

    @property
    def api_key(self) -> ApiKey | None:
        """The key in use (masked when printed)."""
        return self._api_key

    def set_api_key(self, api_key: ApiKey | None) -> None:
        """Use another key from the next request on."""
        self._api_key = api_key

    def campaign_url(self, campaign_id: str) -> str:
        """The URL for one campaign; the id is validated and escaped as one path segment."""
        segment = quote(validate_campaign_id(campaign_id), safe="")
        return f"{self.base_url}/notifications/campaigns/{segment}"

    async def get_campaign(self, campaign_id: str) -> Campaign:
        """The campaign's current status. Raises only AppizerError subclasses (and
        InvalidCampaignIdError for an id that can never be valid)."""
        url = self.campaign_url(campaign_id)
        headers = {}
        if self._api_key is not None:
            headers["Authorization"] = f"Bearer {self._api_key.reveal()}"
        try:
            status, response_headers, body = await self._send(url, headers)
        except httpx.HTTPError as exc:
            raise NetworkError(_network_message(exc)) from None
        except TimeoutError:
            raise NetworkError("the request took too long") from None
        except _BodyTooLarge:
            raise InvalidResponseError(
                f"the response body is over {MAX_BODY_BYTES // 1024} KiB"
            ) from None
        now = self._wall_clock()
        rate_limit = parse_rate_limit(response_headers, now)
        if rate_limit is not None and (
            self.rate_limit is None or rate_limit.observed_at >= self.rate_limit.observed_at
        ):
            self.rate_limit = rate_limit
        if status == 200:
            try:
                return decode_campaign(body)
            except (msgspec.DecodeError, msgspec.ValidationError, SuccessFalseError) as exc:
                raise InvalidResponseError(
                    f"the response is not a campaign: {exc}",
                    http_status=status,
                    rate_limit=rate_limit,
                ) from None
        raise self._error_for(status, response_headers, body, rate_limit, now)

    async def _send(self, url: str, headers: dict[str, str]) -> tuple[int, httpx.Headers, bytes]:
        async with asyncio.timeout(self._total_timeout):
            async with self._http.stream("GET", url, headers=headers) as response:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        raise _BodyTooLarge
                    chunks.append(chunk)
                return response.status_code, response.headers, b"".join(chunks)

    def _error_for(
        self,
        status: int,
        headers: httpx.Headers,
        body: bytes,
        rate_limit: RateLimitInfo | None,
        now: float,
    ) -> AppizerError:
        parsed = decode_error_body(body)
        message = f"HTTP {status}"
        error: str | None = None
        code: str | None = None
        details: dict[str, Any] | None = None
        if parsed is not None:
            error, code, details = parsed.error, parsed.code, parsed.details
            message = parsed.message or parsed.error or message
        if status == 429:
            return RateLimitedError(
                message,
                retry_after=self._retry_after(headers, details, rate_limit, now),
                http_status=status,
                error=error,
                code=code,
                details=details,
                rate_limit=rate_limit,
            )
        error_class: type[AppizerError]
        if status in (401, 403):
            error_class = AuthError
        elif status == 404:
            error_class = NotFoundError
        elif 500 <= status <= 599:
            error_class = ServerError
        else:
            error_class = InvalidResponseError
            message = f"unexpected HTTP {status}: {message}"
        return error_class(
            message,
            http_status=status,
            error=error,
            code=code,
            details=details,
            rate_limit=rate_limit,
        )

    @staticmethod
    def _retry_after(
        headers: httpx.Headers,
        details: dict[str, Any] | None,
        rate_limit: RateLimitInfo | None,
        now: float,
    ) -> float | None:
        from_header = parse_retry_after(headers.get("retry-after"), now)
        if from_header is not None:
            return from_header
        if details is not None:
            value = details.get("retry_after")
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                return min(float(value), 3600.0)
        if rate_limit is not None and rate_limit.reset_at is not None:
            return min(rate_limit.seconds_to_reset or 0.0, 3600.0)
        return None

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> AppizerClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class _BodyTooLarge(Exception):
    """Internal: the body passed MAX_BODY_BYTES."""
