"""The `api` rule: conditions that affect every campaign at once, read from `GlobalState`.

Three conditions, each its own alert (campaign_id null, rule `api`):

- `auth`: the key was refused (401/403); fires at once. `value` is the HTTP status.
- `rate_limited`: polling has been paused by 429s for `API_AFTER` seconds (a minute).
- `offline`: the API has been unreachable for `API_AFTER` seconds, counted from the first failed
  request of the outage (`GlobalState.offline_since`).

`value` is the seconds the condition has held (the status for `auth`), `threshold` the seconds it
must hold before firing. A condition resolves once it has been clear for `API_RESOLVE_AFTER`
seconds; if it comes back within that time the same stretch goes on. That is the hysteresis: a
key whose window is spent gets a 429 again seconds after each pause ends, which must read as
one long rate limit, not as an alarm that fires and resolves every minute.

The timed conditions can become true while nothing in the store changes (a 429 pause sends no
requests), so the caller also evaluates at `next_check_at()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from appizer_tui.alerts.alert import Check
from appizer_tui.safe_text import safe_text
from appizer_tui.state.format import format_duration
from appizer_tui.state.model import GlobalState

API_AFTER: Final = 60.0
"""Seconds a rate limit or an outage must last before the `api` rule fires."""
API_RESOLVE_AFTER: Final = 15.0
"""Seconds a global condition must stay clear before its alert resolves."""
API_CONDITIONS: Final = ("auth", "rate_limited", "offline")


class Streak:
    """One global condition over time: since when it holds, bridging gaps shorter than the
    resolve delay, and when it last cleared."""

    def __init__(self, needed: float) -> None:
        self.needed = needed
        """Seconds the condition must hold before it counts."""
        self.since: float | None = None
        """Start of the current stretch; None when there is none."""
        self.cleared_at: float | None = None
        """When the condition went away within the stretch; None while it holds."""

    def update(self, active: bool, now: float, started: float | None = None) -> None:
        """Record whether the condition holds at `now` (`started`: when it began, if known)."""
        if self.cleared_at is not None and now - self.cleared_at >= API_RESOLVE_AFTER:
            self.since = self.cleared_at = None  # clear long enough: that stretch is over
        if active:
            if self.since is None:
                self.since = now if started is None else min(started, now)
            self.cleared_at = None
        elif self.since is not None and self.cleared_at is None:
            self.cleared_at = now

    def held(self, now: float) -> float | None:
        """Seconds the stretch has lasted (up to its clearing), or None when there is none."""
        if self.since is None:
            return None
        end = now if self.cleared_at is None else self.cleared_at
        return max(0.0, end - self.since)

    def is_true(self, now: float, firing: bool) -> bool:
        """The rule's verdict: once firing, true until the stretch ends; before, true when the
        condition holds now and has held for `needed` seconds."""
        if firing:
            return self.since is not None
        held = self.held(now)
        return held is not None and self.cleared_at is None and held >= self.needed

    def next_change_at(self, firing: bool) -> float | None:
        """The time the verdict could change with no new input, or None."""
        if self.since is None:
            return None
        if firing:
            return None if self.cleared_at is None else self.cleared_at + API_RESOLVE_AFTER
        return None if self.cleared_at is not None else self.since + self.needed


class ApiConditions:
    """The three `api` streaks, fed with each global state."""

    def __init__(self) -> None:
        self.auth = Streak(0.0)
        self.rate_limited = Streak(API_AFTER)
        self.offline = Streak(API_AFTER)
        self._auth_text = "the API key was refused"
        self._auth_status: int | None = None

    def update(self, state: GlobalState, now: float) -> None:
        """Feed the latest global state."""
        error = state.auth_error
        if error is not None:
            status = f"HTTP {error.http_status}: " if error.http_status else ""
            self._auth_text = f"the API key was refused ({status}{error.title})"
            self._auth_status = error.http_status
        self.auth.update(error is not None, now)
        self.rate_limited.update(state.rate_limited_until is not None, now)
        self.offline.update(state.offline_since is not None, now, started=state.offline_since)

    def checks(self, now: float, is_firing: Callable[[str], bool]) -> list[tuple[str, Check]]:
        """(condition, verdict) for each; `is_firing(condition)` says whether it is firing."""
        auth_active = self.auth.is_true(now, is_firing("auth"))
        auth_text = self._auth_text if auth_active else "the API key is accepted again"
        auth = Check(
            auth_active,
            None if self._auth_status is None else float(self._auth_status),
            None,
            lambda: safe_text(auth_text),
        )
        return [
            ("auth", auth),
            ("rate_limited", self._timed(self.rate_limited, now, is_firing("rate_limited"))),
            ("offline", self._timed(self.offline, now, is_firing("offline"))),
        ]

    def _timed(self, streak: Streak, now: float, firing: bool) -> Check:
        what = "rate limited" if streak is self.rate_limited else "the API unreachable"
        held = streak.held(now)
        active = streak.is_true(now, firing)

        def describe() -> str:
            if active:
                return f"{what} for {format_duration(held)}"
            return f"no longer {what} (it lasted {format_duration(held)})"

        return Check(active, held, streak.needed, describe)

    def next_change_at(self, is_firing: Callable[[str], bool]) -> float | None:
        """The earliest time a condition's verdict could change without new input."""
        times = [
            when
            for key, streak in (
                ("auth", self.auth),
                ("rate_limited", self.rate_limited),
                ("offline", self.offline),
            )
            if (when := streak.next_change_at(is_firing(key))) is not None
        ]
        return min(times, default=None)
