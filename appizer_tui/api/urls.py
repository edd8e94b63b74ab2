"""Base URLs and campaign ids: what may be asked for, and where. No httpx here, so the command
line can check its arguments (and `--version`, `--help` can run) without loading the HTTP stack.

Host names go out in their ASCII form per UTS-46 / IDNA 2008 (the `idna` package): Python's own
"idna" codec is IDNA 2003, which maps `faß.example` to `fass.example`, another domain.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, urlsplit

DEFAULT_BASE_URL = "https://api.appizer.com/v1"
MAX_CAMPAIGN_ID_LENGTH = 128


class InvalidCampaignIdError(ValueError):
    """A campaign id that cannot be asked for; the message says why."""


def validate_campaign_id(campaign_id: str) -> str:
    """The id, stripped, if it can be sent as one path segment; else InvalidCampaignIdError."""
    value = campaign_id.strip()
    if not value:
        raise InvalidCampaignIdError("the campaign id is empty")
    if len(value) > MAX_CAMPAIGN_ID_LENGTH:
        raise InvalidCampaignIdError(
            f"the campaign id is longer than {MAX_CAMPAIGN_ID_LENGTH} characters"
        )
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value):
        raise InvalidCampaignIdError("the campaign id contains control characters")
    if any(c.isspace() for c in value):
        raise InvalidCampaignIdError("the campaign id contains spaces")
    if value in {".", ".."} or "/" in value or "\\" in value:
        raise InvalidCampaignIdError(
            "the campaign id contains a path separator or is a dot segment"
        )
    return value


def is_loopback_url(url: str) -> bool:
    """True when the URL's host is this machine (localhost, 127.0.0.0/8, ::1)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class InsecureURLError(ValueError):
    """Plain http:// to a host other than this machine would send the key in clear."""


def check_base_url(base_url: str, *, insecure: bool) -> str:
    """The base URL without a trailing slash, refusing clear-text http to remote hosts."""
    parts = urlsplit(base_url)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or "@" in parts.netloc
        or parts.query
        or parts.fragment
        or any(c.isspace() or ord(c) < 0x20 for c in base_url)
    ):
        raise ValueError(f"the base URL must be http(s)://host[:port][/path], not {base_url!r}")
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number in range
    except ValueError:
        raise ValueError(f"the base URL has an invalid port: {base_url!r}") from None
    ascii_host(parts.hostname)
    if parts.scheme == "http" and not insecure and not is_loopback_url(base_url):
        raise InsecureURLError(
            "refusing to send the API key over plain http:// to a remote host; "
            "use https:// or pass --insecure"
        )
    return base_url.rstrip("/")


def ascii_host(hostname: str) -> str:
    """The host as sent in Host and TLS: IP literals and ASCII names as they are (lower case),
    other names in their IDNA form per UTS-46; ValueError with the reason when that fails."""
    if hostname.isascii():
        labels = hostname.rstrip(".").split(".")
        if ":" not in hostname and not all(0 < len(label) <= 63 for label in labels):
            raise ValueError(f"the base URL's host name {hostname!r} is not valid")
        return hostname.lower()
    import idna  # only for non-ASCII names: it costs start-up time

    try:
        return idna.encode(hostname, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"the base URL's host name {hostname!r} is not valid: {exc}") from None


# Characters a path may carry as they are (RFC 3986 pchar and "/"), "%" only as an escape.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def request_path(base_url: str) -> str:
    """The base URL's path, percent-encoded (UTF-8): no control, space or non-ASCII character
    is ever sent raw; escapes already in it are kept."""
    path = urlsplit(base_url).path.rstrip("/")
    return quote(_LONE_PERCENT.sub("%25", path), safe=_PATH_SAFE)
