"""The async Appizer client: pooled connections, typed results, one error hierarchy.

Requests go over http11.Http11Pool (a thin keep-alive pool around h11) when the connection is
direct, and over httpx when a proxy is configured in the environment or a test plugs an httpx
transport in; both give the same answers and the same errors.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, urlsplit

import msgspec

from appizer_tui import __version__
from appizer_tui.api.errors import (
    AppizerError,
    AuthError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    NotTheApiError,
    RateLimitedError,
    ServerError,
)
from appizer_tui.api.http11 import (
    CONNECT_KINDS,
    Answer,
    BodyTooLarge,
    Endpoint,
    Http11Pool,
    Timeouts,
    TransportFailure,
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
    ascii_host,
    check_base_url,
    is_loopback_url,
    request_path,
    validate_campaign_id,
)

if TYPE_CHECKING:
    from appizer_tui.api._http import httpx

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUTS",
    "MAX_BODY_BYTES",
    "MAX_CAMPAIGN_ID_LENGTH",
    "AppizerClient",
    "InsecureURLError",
    "InvalidCampaignIdError",
    "Timeouts",
    "check_base_url",
    "is_loopback_url",
    "validate_campaign_id",
]

MAX_BODY_BYTES = 1024 * 1024
# Per phase (connect, each read or write), and a bound on the whole request so that a slow
# trickling body cannot hold a poll forever.
DEFAULT_TIMEOUTS = Timeouts(connect=5.0, read=10.0, total=15.0)

_TLS_LOCK = threading.Lock()
_TLS_CONTEXT: ssl.SSLContext | None = None


def tls_context(base_url: str) -> ssl.SSLContext:
    """The TLS settings for a client of `base_url`.

    https: a verifying context with the CA bundle of SSL_CERT_FILE / SSL_CERT_DIR when set, else
    certifi's (what httpx does), built once per process: loading the bundle costs ~50 ms. Plain
    http (the simulator on loopback, or --insecure): a context that trusts no certificate at all,
    since no TLS connection is ever made (redirects are not followed); it costs nothing to build.
    """
    global _TLS_CONTEXT
    if urlsplit(base_url).scheme == "http":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    with _TLS_LOCK:
        if _TLS_CONTEXT is None:
            cert_file = os.environ.get("SSL_CERT_FILE")
            cert_dir = os.environ.get("SSL_CERT_DIR")
            if cert_file and os.path.isfile(cert_file):
                context = ssl.create_default_context(cafile=cert_file)
            elif cert_dir and os.path.isdir(cert_dir):
                context = ssl.create_default_context(capath=cert_dir)
            else:
                import certifi

                context = ssl.create_default_context(cafile=certifi.where())
            context.set_alpn_protocols(["http/1.1"])
            _TLS_CONTEXT = context
        return _TLS_CONTEXT


def proxy_configured(base_url: str) -> bool:
    """True when the environment routes `base_url` through a proxy (as httpx would read it)."""
    parts = urlsplit(base_url)
    names = {"all_proxy", f"{parts.scheme}_proxy"}
    # A scan of the environment first: urllib.request costs ~20 ms to import.
    if not any(key.lower() in names and value for key, value in os.environ.items()):
        return False
    from urllib.request import getproxies_environment, proxy_bypass

    proxies = getproxies_environment()
    if not (proxies.get(parts.scheme) or proxies.get("all")):
        return False
    return not proxy_bypass(parts.hostname or "")


def _segment(campaign_id: str) -> str:
    return quote(validate_campaign_id(campaign_id), safe="")


class _Backend(Protocol):
    async def get(self, target: str, headers: dict[str, str]) -> Answer: ...

    async def aclose(self) -> None: ...


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
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = check_base_url(base_url, insecure=insecure)
        self._api_key = api_key
        self._wall_clock = wall_clock
        self._total_timeout = timeouts.total
        self.rate_limit: RateLimitInfo | None = None
        parts = urlsplit(self.base_url)
        self._path = request_path(self.base_url)
        host = ascii_host(parts.hostname or "")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        self._headers = {
            "User-Agent": f"appizer-tui/{__version__}",
            "Accept": "application/json",
            "Accept-Encoding": "identity",
        }
        self._backend: _Backend
        if transport is None and not proxy_configured(self.base_url):
            tls = parts.scheme == "https"
            self._backend = Http11Pool(
                Endpoint(tls, host, port),
                ssl_context=tls_context(self.base_url) if tls else None,
                timeouts=timeouts,
                max_body=MAX_BODY_BYTES,
            )
        else:
            from appizer_tui.api._httpx_backend import httpx_backend

            origin = Endpoint(parts.scheme == "https", host, port).host_header
            self._backend = httpx_backend(
                f"{parts.scheme}://{origin}",
                ssl_context=tls_context(self.base_url),
                timeouts=timeouts,
                max_body=MAX_BODY_BYTES,
                transport=transport,
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
        return f"{self.base_url}/notifications/campaigns/{_segment(campaign_id)}"

    def _campaign_path(self, campaign_id: str) -> str:
        return f"{self._path}/notifications/campaigns/{_segment(campaign_id)}"

    async def get_campaign(self, campaign_id: str) -> Campaign:
        """The campaign's current status. Raises only AppizerError subclasses (and
        InvalidCampaignIdError for an id that can never be valid)."""
        target = self._campaign_path(campaign_id)
        headers = dict(self._headers)
        if self._api_key is not None:
            headers["Authorization"] = f"Bearer {self._api_key.reveal()}"
        try:
            async with asyncio.timeout(self._total_timeout):
                answer = await self._backend.get(target, headers)
        except TransportFailure as exc:
            raise NetworkError(self._network_message(exc)) from None
        except TimeoutError:
            raise NetworkError("the request took too long") from None
        except BodyTooLarge:
            raise InvalidResponseError(
                f"the response body is over {MAX_BODY_BYTES // 1024} KiB"
            ) from None
        status, response_headers, body = answer.status, answer.headers, answer.body
        now = self._wall_clock()
        rate_limit = parse_rate_limit(response_headers, now)
        if rate_limit is not None and (
            self.rate_limit is None or rate_limit.observed_at >= self.rate_limit.observed_at
        ):
            self.rate_limit = rate_limit
        if status == 200:
            try:
                campaign = decode_campaign(body)
            except (msgspec.DecodeError, msgspec.ValidationError, SuccessFalseError) as exc:
                raise InvalidResponseError(
                    f"the response is not a campaign: {exc}",
                    http_status=status,
                    rate_limit=rate_limit,
                ) from None
            asked = validate_campaign_id(campaign_id)
            if campaign.campaign_id != asked:
                # Never stored under the asked id: a proxy or server mixed answers up.
                raise InvalidResponseError(
                    f"the response is for campaign {campaign.campaign_id!r}, not {asked!r}",
                    http_status=status,
                    rate_limit=rate_limit,
                )
            return campaign
        raise self._error_for(status, response_headers, body, rate_limit, now)

    def _network_message(self, failure: TransportFailure) -> str:
        """The failure's text; for a failure to connect, where to and what went wrong."""
        if failure.kind not in CONNECT_KINDS:
            return str(failure)
        return f"could not connect to {self.base_url}: {failure.detail or failure}"

    def _error_for(
        self,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        rate_limit: RateLimitInfo | None,
        now: float,
    ) -> AppizerError:
        parsed = decode_error_body(body)
        if status == 404 and parsed is None:
            return NotTheApiError(
                f"the base URL does not look like the Appizer API (GET {self.base_url}"
                "/notifications/campaigns/ID answered 404 with no API error body): "
                "check --base-url",
                http_status=status,
                rate_limit=rate_limit,
            )
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
        headers: Mapping[str, str],
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
        await self._backend.aclose()

    async def __aenter__(self) -> AppizerClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
