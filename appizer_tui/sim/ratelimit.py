"""The simulator's per-key, fixed-window rate limit, as the Appizer docs describe it.

Windows are aligned to multiples of their length in Unix time (a "minute" window runs from one
whole minute to the next), and each API key has its own count. `X-RateLimit-Reset` is the Unix
time, in whole seconds, when the current window ends.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

_UNITS = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "min": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
}
_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)?\s*([a-z]+)\s*")
_NAMES = ((86400.0, "day"), (3600.0, "hour"), (60.0, "minute"), (1.0, "second"))


@dataclass(frozen=True, slots=True)
class RateLimit:
    """`count` requests per `window_seconds`, per API key."""

    count: int
    window_seconds: float

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("a rate limit allows at least 1 request")
        if not (math.isfinite(self.window_seconds) and self.window_seconds > 0):
            raise ValueError("a rate limit window must be a positive number of seconds")

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """From "500/minute", "1000/hour", "10/second", "100/10s" or "10000/day"."""
        match = _SPEC.fullmatch(text.lower())
        if match is None or match.group(3) not in _UNITS:
            raise ValueError(
                f'expected COUNT/WINDOW such as "500/minute", "1000/hour" or "10/second", '
                f"not {text!r}"
            )
        count, amount, unit = match.groups()
        return cls(int(count), float(amount or 1) * _UNITS[unit])

    def window_text(self) -> str:
        """The window in words, as in the docs' 429 body: "1 minute", "10 seconds"."""
        for size, name in _NAMES:
            amount = self.window_seconds / size
            if amount >= 1 and amount == int(amount):
                return f"{int(amount)} {name}{'' if amount == 1 else 's'}"
        return f"{self.window_seconds:g} seconds"

    def __str__(self) -> str:
        for size, name in _NAMES:
            if self.window_seconds == size:
                return f"{self.count}/{name}"
        return f"{self.count}/{self.window_seconds:g}s"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of counting one request, and the headers that tell the client about it."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        """`X-RateLimit-Limit`, `-Remaining` and `-Reset`."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }


class FixedWindowLimiter:
    """Counts requests per key in the current window. Keys are kept only as short digests."""

    MAX_BUCKETS = 10_000

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self._counts: dict[str, tuple[int, int]] = {}

    def hit(self, api_key: str, now: float) -> Decision:
        """Count one request made with `api_key` ("" when none) at Unix time `now`."""
        limit = self.limit
        window = math.floor(now / limit.window_seconds)
        window_end = (window + 1) * limit.window_seconds
        bucket = hashlib.sha256(api_key.encode("utf-8", "replace")).hexdigest()[:24]
        seen_window, used = self._counts.get(bucket, (window, 0))
        if seen_window != window:
            used = 0
        allowed = used < limit.count
        if allowed:
            used += 1
        if bucket not in self._counts and len(self._counts) >= self.MAX_BUCKETS:
            # Random bad keys must not grow memory without bound: old windows no longer matter.
            self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        self._counts[bucket] = (window, used)
        return Decision(
            allowed=allowed,
            limit=limit.count,
            remaining=max(0, limit.count - used),
            reset_at=math.ceil(window_end),
            retry_after=max(1, math.ceil(window_end - now)),
        )

    def reset(self) -> None:
        """Forget every count (a new window for everyone)."""
        self._counts.clear()
