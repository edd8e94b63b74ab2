"""The shared request budget: how fast the engine may ask, from our limits and the server's headers.

The planned rate is `min(max_rpm, what X-RateLimit-Remaining allows until X-RateLimit-Reset)`
times `budget_share`. `max_rpm` defaults to the server's X-RateLimit-Limit once seen (converted to
requests a minute from the window the Reset header implies), else 500, the documented limit of
the push endpoints. Three guards decide when the next request may go:

- pacing: requests are spaced 60 / rate seconds apart, so the budget is never spent as a burst;
- a sliding minute: never more than the per-minute ceiling in any 60 seconds;
- exhaustion: when our estimate of what remains in the server's window reaches zero, wait for
  the window to reset.

This module only does arithmetic on times it is given; the permit scheduler does the waiting.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping

from appizer_tui.api.ratelimit import RateLimitInfo

DEFAULT_MAX_RPM = 500.0
"""The documented per-minute limit of the push endpoints, used until the server says otherwise."""
RESET_GRACE = 1.0
"""X-RateLimit-Reset is whole seconds; wait this much past it before trusting a new window."""
MINUTE = 60.0
_STANDARD_WINDOWS = (60.0, 3600.0, 86400.0)


def window_from_reset(longest_seen: float) -> float:
    """The rate-limit window implied by the longest time-to-reset seen: a minute, hour or day.

    A time-to-reset seen just before a window ends says little, so the smallest standard
    window that can hold the longest one seen is taken.
    """
    for window in _STANDARD_WINDOWS:
        if longest_seen <= window + 1.0:
            return window
    return _STANDARD_WINDOWS[-1]


class RateBudget:
    """Tracks the server's limits, our grants, and when the next request may go.

    Times named `mono` are on the monotonic clock, `wall` on the Unix clock (the server's
    Reset header is wall time).
    """

    def __init__(self, *, max_rpm: float | None = None, share: float = 1.0) -> None:
        if max_rpm is not None and max_rpm <= 0:
            raise ValueError("max_rpm must be positive")
        if not 0 < share <= 1:
            raise ValueError("budget_share must be in (0, 1]")
        self.max_rpm = max_rpm
        """The user's cap in requests a minute; None follows the server's limit."""
        self.share = share
        """Our part of the key's budget when several viewers share it."""
        self.count_429 = 0
        """429 answers seen."""
        self.last_info: RateLimitInfo | None = None
        """The newest rate-limit headers observed."""
        self._longest_reset = 0.0
        self._named_window: float | None = None
        """The window a 429 body named (details.window), which beats the Reset guess."""
        self._remaining: float | None = None
        """Our estimate of what is left in the server's current window (None: unknown)."""
        self._grants: deque[float] = deque()
        """Monotonic times of the grants of the last minute."""
        self._last_grant: float | None = None

    # -- what the server says --------------------------------------------------------------

    def observe(self, info: RateLimitInfo | None, in_flight_others: int = 0) -> None:
        """Take in the headers of a response; `in_flight_others` requests may not be counted yet."""
        if info is None or info is self.last_info:
            return
        if self.last_info is not None and info.observed_at < self.last_info.observed_at:
            return
        self.last_info = info
        to_reset = info.seconds_to_reset
        if to_reset is not None:
            self._longest_reset = max(self._longest_reset, to_reset)
        if info.remaining is not None:
            self._remaining = float(max(0, info.remaining - max(0, in_flight_others)))

    def exhaust(self) -> None:
        """A 429: whatever the headers said, nothing is left in this window."""
        self.count_429 += 1
        self._remaining = 0.0

    def note_window(self, seconds: float | None) -> None:
        """The window a 429 body named, in seconds (None: it named none)."""
        if seconds is not None and seconds > 0:
            self._named_window = seconds

    def server_window(self) -> float:
        """Seconds X-RateLimit-Limit counts over: as a 429 body named it, else the minute,
        hour or day the Reset header implies."""
        if self._named_window is not None:
            return self._named_window
        return window_from_reset(self._longest_reset)

    def server_limit_rpm(self) -> float | None:
        """X-RateLimit-Limit as requests a minute, or None before any was seen."""
        info = self.last_info
        if info is None or info.limit is None or info.limit <= 0:
            return None
        return info.limit * MINUTE / self.server_window()

    def ceiling_rpm(self) -> float:
        """The most requests a minute we will plan, ignoring what remains: min of the limits,
        times the share."""
        limits = [v for v in (self.max_rpm, self.server_limit_rpm()) if v is not None]
        base = min(limits) if limits else DEFAULT_MAX_RPM
        return base * self.share

    def _window_live(self, now_wall: float) -> bool:
        """True while the last seen window has not reset yet."""
        info = self.last_info
        return info is not None and info.reset_at is not None and now_wall < info.reset_at

    def allowance_rpm(self, now_wall: float) -> float | None:
        """What the remaining count allows until the reset, a minute; None when unknown."""
        info = self.last_info
        if self._remaining is None or info is None or info.reset_at is None:
            return None
        if not self._window_live(now_wall):
            return None
        return self._remaining * MINUTE / max(info.reset_at - now_wall, 1e-3)

    def rate_rpm(self, now_wall: float) -> float:
        """The pace to plan at now, requests a minute (0 when the window is spent)."""
        allowance = self.allowance_rpm(now_wall)
        if allowance is None:
            return self.ceiling_rpm()
        return min(self.ceiling_rpm(), allowance * self.share)

    def display_rpm(self, now_wall: float) -> float:
        """The budget to show a person: the ceiling, unless what remains is clearly less (another
        client spends the same key). Smooths the small wobble of `rate_rpm` at our own pace."""
        ceiling = self.ceiling_rpm()
        allowance = self.allowance_rpm(now_wall)
        if allowance is None or allowance * self.share >= 0.9 * ceiling:
            return ceiling
        return allowance * self.share

    # -- our own requests ------------------------------------------------------------------

    def _prune(self, now_mono: float) -> None:
        while self._grants and self._grants[0] <= now_mono - MINUTE:
            self._grants.popleft()

    def requests_last_minute(self, now_mono: float) -> int:
        """Grants in the last 60 seconds."""
        self._prune(now_mono)
        return len(self._grants)

    def record_grant(self, now_mono: float) -> None:
        """A request is about to go."""
        self._grants.append(now_mono)
        self._last_grant = now_mono
        if self._remaining is not None:
            self._remaining = max(0.0, self._remaining - 1.0)

    def next_grant_at(self, now_mono: float, now_wall: float) -> float:
        """The earliest monotonic time the next request may go (may be `now_mono` or earlier)."""
        at = now_mono
        rate = self.rate_rpm(now_wall)
        if self._last_grant is not None and rate > 0:
            at = max(at, self._last_grant + MINUTE / rate)
        self._prune(now_mono)
        cap = max(1, math.floor(self.ceiling_rpm()))
        if len(self._grants) >= cap:
            # The grant that must leave the sliding minute before another may enter it.
            at = max(at, self._grants[len(self._grants) - cap] + MINUTE)
        spent = self._remaining is not None and self._remaining < 1.0
        if rate <= 0 or spent:
            reset_wait = self._reset_wait(now_wall)
            if reset_wait is not None:
                at = max(at, now_mono + reset_wait)
        return at

    def _reset_wait(self, now_wall: float) -> float | None:
        """Seconds until the spent window has surely reset; None when it already has."""
        info = self.last_info
        if info is None or info.reset_at is None:
            return None
        wait = info.reset_at + RESET_GRACE - now_wall
        if wait <= 0:
            self._remaining = None  # a new window: unknown until the next response says
            return None
        return wait


def stretched_interval(cadences: Mapping[float, int], capacity_per_second: float) -> float:
    """The interval x that fits the watchlist into the budget, stretched fairly.

    `cadences` maps each configured interval to how many campaigns use it. Every campaign is
    polled every max(its cadence, x) seconds; x is the smallest value (at least the shortest
    cadence) whose total rate fits `capacity_per_second`, found by water-filling: campaigns
    with the shortest cadences are stretched first. Round robin over due campaigns gives each
    of them that interval.
    """
    groups = sorted((c, n) for c, n in cadences.items() if n > 0 and c > 0)
    if not groups:
        return 0.0
    if capacity_per_second <= 0:
        return math.inf
    unstretched_rate = sum(n / c for c, n in groups)
    if unstretched_rate <= capacity_per_second:
        return groups[0][0]
    stretched = 0
    for index, (every, count) in enumerate(groups):
        stretched += count
        unstretched_rate -= count / every
        spare = capacity_per_second - unstretched_rate
        if spare <= 0:
            continue  # the slower groups alone exceed the budget: stretch them too
        x = stretched / spare
        upper = groups[index + 1][0] if index + 1 < len(groups) else math.inf
        if every <= x <= upper:
            return x
    return stretched / capacity_per_second
