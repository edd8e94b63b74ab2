"""The frozen values the store hands out: phases, errors, metrics, per-campaign and global views.

Everything here is immutable with value equality, so a consumer can keep the last one it drew and
skip a redraw when the new one compares equal.
"""

from __future__ import annotations

import enum

import msgspec

from appizer_tui.api.models import Campaign


class Phase(enum.Enum):
    """Where a watched campaign is in its polling life."""

    WAITING = "waiting"
    """Never fetched yet."""
    ACTIVE = "active"
    """Pending, sending or unknown status (or a failed/cancelled one awaiting its confirming
    fetch): polled every interval."""
    TAIL = "tail"
    """Completed: polled slowly while opens and clicks still rise."""
    DONE = "done"
    """Stopped: nothing more will change (a manual refresh still fetches it)."""
    NOT_FOUND = "not_found"
    """The API says there is no such campaign; stopped until a retry."""
    ERROR_BACKOFF = "error_backoff"
    """The last poll failed; retrying after an exponential, jittered delay."""

    @property
    def is_stopped(self) -> bool:
        """True when the engine will not poll this campaign on its own."""
        return self in (Phase.DONE, Phase.NOT_FOUND)


class ErrorInfo(msgspec.Struct, frozen=True):
    """One error as the store keeps it: what, since when, and when the next try is.

    `kind` is the `AppizerError.kind` ("auth", "not_found", "rate_limited", "server",
    "network", "invalid_response"), or "invalid_id" / "internal" for the engine's own.
    `message` is raw server or library text: pass it through `safe_text` before output.
    """

    kind: str
    title: str
    message: str
    code: str | None = None
    http_status: int | None = None
    since: float = 0.0
    """Wall time of the first failure of this streak."""
    next_retry_at: float | None = None
    """Wall time of the next attempt, None when there will be none on its own."""
    attempts: int = 1
    """Consecutive failures in this streak."""



def rate_limited_error(until: float, now: float) -> ErrorInfo:
    """The key's 429 pause as an error record (for `watch`'s line and the history), from `now`
    until wall time `until`."""
    return ErrorInfo(
        kind="rate_limited",
        title="Rate limited",
        message="the API key's request limit is spent",
        http_status=429,
        since=now,
        next_retry_at=until,
    )

class Metrics(msgspec.Struct, frozen=True):
    """Values derived from a campaign's counters and history; None where undefined.

    Rates are fractions (0.375, not 37.5); durations and ETA are seconds; throughput is
    recipients processed (sent + failed) per second over the last minute of samples.
    """

    progress: float | None = None
    failure_rate: float | None = None
    delivery_rate: float | None = None
    open_rate: float | None = None
    click_rate: float | None = None
    throughput: float | None = None
    eta_seconds: float | None = None
    queue_seconds: float | None = None
    send_seconds: float | None = None


class CampaignView(msgspec.Struct, frozen=True):
    """A frozen snapshot of everything known about one watched campaign."""

    campaign_id: str
    campaign: Campaign | None = None
    """The latest successful fetch."""
    previous: Campaign | None = None
    """The fetch before the latest, for deltas."""
    error: ErrorInfo | None = None
    """The current error, cleared by the next success."""
    last_success_at: float | None = None
    """Wall time of the latest successful fetch."""
    next_poll_at: float | None = None
    """Wall time the engine plans to poll next (an estimate under a stretched budget)."""
    expected_interval: float = 5.0
    """Seconds between polls this campaign should get now (cadence, stretched by the budget)."""
    phase: Phase = Phase.WAITING
    polls: int = 0
    """Successful fetches."""
    failures: int = 0
    """Failed fetches."""
    metrics: Metrics = msgspec.field(default_factory=Metrics)
    added_at: float = 0.0
    """Wall time the campaign was added to the store."""
    recorded: bool = False
    """True while `campaign` comes from the history file (a restart), until a poll answers."""

    @property
    def not_visible_yet(self) -> bool:
        """A 404 inside the first-minute grace: the engine is still retrying (a campaign created
        a moment ago may take a little while to appear), so it is not "not found" yet."""
        return (
            self.campaign is None
            and self.phase is not Phase.NOT_FOUND
            and self.error is not None
            and self.error.kind == "not_found"
        )

    def is_stale(self, now_wall: float) -> bool:
        """True when no success came within 2 x expected_interval and polling is not stopped."""
        if self.phase.is_stopped:
            return False
        reference = self.last_success_at if self.last_success_at is not None else self.added_at
        return now_wall - reference > 2.0 * self.expected_interval


class BudgetStatus(msgspec.Struct, frozen=True):
    """The request budget as the UI shows it."""

    budget_rpm: float = 500.0
    """Requests per minute the engine plans to stay under now."""
    requests_last_minute: int = 0
    server_limit: int | None = None
    """X-RateLimit-Limit as last seen."""
    server_window: float | None = None
    """Seconds the server's limit counts over (60, 3600...): as a 429 body named it, else as the
    Reset header implies; None before any limit was seen."""
    server_remaining: int | None = None
    """X-RateLimit-Remaining as last seen."""
    server_reset_at: float | None = None
    """X-RateLimit-Reset (wall time) as last seen."""
    count_429: int = 0
    projected_per_hour: float = 0.0
    """Requests an hour the watchlist would cost at its configured cadence."""
    costs: tuple[tuple[float, int], ...] = ()
    """(seconds between polls, campaigns) per configured cadence in use, shortest first: the
    terms `projected_per_hour` is the sum of (5 s for sending ones, 60 s for a completed tail)."""
    budget_per_hour: float = 30_000.0
    achieved_interval: float | None = None
    """The interval active campaigns really get once the budget stretches it; None if none."""
    active: int = 0
    """Campaigns that still cost requests (neither done nor not found)."""


class GlobalState(msgspec.Struct, frozen=True):
    """Conditions that affect every campaign at once."""

    paused: bool = False
    auth_error: ErrorInfo | None = None
    """Set while polling is paused on a 401/403."""
    base_url_error: ErrorInfo | None = None
    """Set while polling is paused because the base URL answers, but not as the Appizer API
    (a 404 without the API's error body): one error for all campaigns, none on each."""
    rate_limited_until: float | None = None
    """Wall time a 429 pause ends."""
    offline_since: float | None = None
    """Wall time the API became unreachable; None while it answers."""
    next_probe_at: float | None = None
    """Wall time of the next reachability probe while offline."""
    budget: BudgetStatus = msgspec.field(default_factory=BudgetStatus)
