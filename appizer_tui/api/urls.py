"""Base URLs and campaign ids: what may be asked for, and where. No httpx here, so the command
line can check its arguments (and `--version`, `--help` can run) without loading the HTTP stack."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

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
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        raise ValueError(f"the base URL's host name is not valid: {base_url!r}") from None
    if parts.scheme == "http" and not insecure and not is_loopback_url(base_url):
        raise InsecureURLError(
            "refusing to send the API key over plain http:// to a remote host; "
            "use https:// or pass --insecure"
        )
    return base_url.rstrip("/")
