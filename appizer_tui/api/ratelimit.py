"""The rate-limit headers every response carries, and Retry-After."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec


class RateLimitInfo(msgspec.Struct, frozen=True):
    """What `X-RateLimit-Limit`, `-Remaining` and `-Reset` said, and when we heard it.

    `reset_at` and `observed_at` are Unix times (seconds).
    """

    limit: int | None
    remaining: int | None
    reset_at: float | None
    observed_at: float

    @property
    def seconds_to_reset(self) -> float | None:
        """Seconds from when the headers were seen until the window resets (never negative)."""
        if self.reset_at is None:
            return None
        return max(0.0, self.reset_at - self.observed_at)


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    raw = raw.strip(" \t")
    # Longer than 18 digits is no count or Unix time (and int() refuses over 4,300 digits).
    return int(raw) if is_ascii_digits(raw) and len(raw) <= 18 else None


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0-9 only (`str.isdigit` also takes "²" and "٣")."""
    return text.isascii() and text.isdigit()


def parse_rate_limit(headers: Mapping[str, str], now: float) -> RateLimitInfo | None:
    """The rate-limit headers of one response, or None when it carried none of them."""
    limit = _int_header(headers, "x-ratelimit-limit")
    remaining = _int_header(headers, "x-ratelimit-remaining")
    reset = _int_header(headers, "x-ratelimit-reset")
    if limit is None and remaining is None and reset is None:
        return None
    return RateLimitInfo(
        limit=limit, remaining=remaining, reset_at=float(reset) if reset else None, observed_at=now
    )


_WINDOW_UNITS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
_WINDOW_TEXT = re.compile(r"(\d{1,6})?\s*(second|minute|hour|day)s?", re.IGNORECASE)


def parse_window(details: Mapping[str, Any] | None) -> float | None:
    """Seconds of the rate-limit window a 429 body names in `details.window` ("1 minute",
    "1 hour", "10 seconds"), or None when it names none we understand."""
    text = details.get("window") if details is not None else None
    if not isinstance(text, str):
        return None
    match = _WINDOW_TEXT.fullmatch(text.strip())
    if match is None:
        return None
    count = int(match.group(1) or 1)
    return count * _WINDOW_UNITS[match.group(2).lower()] if count > 0 else None


MAX_RETRY_AFTER = 3600.0


def parse_retry_after(raw: str | None, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP-date.

    Bounded to an hour, so a hostile or broken server cannot park the viewer for ever.
    """
    if raw is None:
        return None
    raw = raw.strip(" \t")
    if not raw:
        return None
    if is_ascii_digits(raw):
        return min(float(raw), MAX_RETRY_AFTER)
    from email.utils import parsedate_to_datetime  # the rare HTTP-date form: ~4 ms to import

    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return min(max(0.0, when.timestamp() - now), MAX_RETRY_AFTER)
