"""Conditions every campaign shares, and what the store says about them.

A 401/403 pauses all polling (one global auth error) until the key changes or the user retries;
so does an answer that says the base URL is not the API (`AppizerError.affects_all`);
a 429 pauses all until its retry moment; any answer from the API ends an outage. Each resume is
spread over an interval by the scheduler. This module keeps that state and writes it, with the
budget counters, to the store's global state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from appizer_tui.api.errors import AppizerError
from appizer_tui.api.ratelimit import parse_window
from appizer_tui.polling.budget import RateBudget
from appizer_tui.polling.clock import Clock
from appizer_tui.polling.outage import OutageTracker
from appizer_tui.polling.scheduler import PermitScheduler
from appizer_tui.polling.status import budget_status
from appizer_tui.state.model import ErrorInfo, GlobalState
from appizer_tui.state.store import CampaignStore

DEFAULT_429_PAUSE = 60.0
"""Seconds to pause after a 429 that says nothing about when to come back."""
BUDGET_PUBLISH_PERIOD = 1.0
"""Budget counters are written to the store at most this often while requests flow."""


class Conditions:
    """Auth pause, 429 pause and outage state, published with the budget to the store."""

    def __init__(
        self,
        store: CampaignStore,
        clock: Clock,
        scheduler: PermitScheduler,
        budget: RateBudget,
        outage: OutageTracker,
        costs: Callable[[], Counter[float]],
        interval: float,
    ) -> None:
        self._store = store
        self._clock = clock
        self._scheduler = scheduler
        self._budget = budget
        self._outage = outage
        self._costs = costs
        self.auth_error: ErrorInfo | None = None
        """The global auth error while polling is paused on a 401/403."""
        self.base_url_error: ErrorInfo | None = None
        """The global error while polling is paused on a base URL that is not the API."""
        self.rate_limited_until: float | None = None
        """Wall time the current 429 pause ends."""
        self.achieved = interval
        """The interval active campaigns get under the budget, as last computed."""
        self._last_budget_publish = -1e18

    # -- auth ----------------------------------------------------------------------------------

    def auth_pause(self, error: AppizerError, wall: float) -> None:
        """A 401/403, or an error that affects all campaigns (a base URL that is not the API):
        pause everything (forced fetches still go) under one global error."""
        if error.affects_all:
            self.base_url_error = _repeated(error, self.base_url_error, wall)
        else:
            self.auth_error = _repeated(error, self.auth_error, wall)
        self._scheduler.auth_paused = True
        self._scheduler.wake()
        self.publish()

    def lift_auth_pause(self, now: float) -> None:
        """A new key, a retry, or a success: resume, spread out."""
        if self.auth_error is None and not self._scheduler.auth_paused:
            return
        self.auth_error = self.base_url_error = None
        self._scheduler.auth_paused = False
        self._scheduler.respread(now)
        self.publish()

    # -- 429 -----------------------------------------------------------------------------------

    def rate_limited(self, error: AppizerError, now: float, wall: float) -> None:
        """A 429: nothing goes until its retry moment (header, body or reset, per the client)."""
        self._budget.exhaust()
        self._budget.note_window(parse_window(error.details))
        wait = error.retry_after
        wait = max(1.0, DEFAULT_429_PAUSE if wait is None else wait)
        self._scheduler.pause_until(now + wait)
        current = self.rate_limited_until
        self.rate_limited_until = wall + wait if current is None else max(current, wall + wait)
        self.publish(force_budget=True)

    def rate_limit_ended(self) -> None:
        """The scheduler ended a 429 pause (and spread the resume)."""
        self.rate_limited_until = None
        self.publish()

    # -- outage --------------------------------------------------------------------------------

    def reachable(self, now: float) -> None:
        """Any answer from the API: ends an outage, resuming every campaign spread out."""
        if self._outage.record_reachable():
            self._scheduler.respread(now, everyone=True)
            self.publish()

    def unreachable(
        self, campaign_id: str, now: float, wall: float, watched: int, probe: bool
    ) -> None:
        """A request that did not reach the API: may start an outage, or fail a probe."""
        entered = self._outage.record_unreachable(campaign_id, now, wall, watched)
        if probe and not entered:
            self._outage.probe_failed(now)
        if entered or probe:
            self.publish()

    # -- publishing ----------------------------------------------------------------------------

    def refresh_budget(self, *, force: bool = False, now: float | None = None) -> None:
        """Recompute the budget counters; write them at most once a second unless forced."""
        at = self._clock.monotonic() if now is None else now
        if not force and at - self._last_budget_publish < BUDGET_PUBLISH_PERIOD:
            return
        self._last_budget_publish = at
        status = budget_status(self._costs(), self._budget, at, self._clock.wall())
        if status.achieved_interval is not None:
            self.achieved = status.achieved_interval
        self._store.set_budget(status)

    def publish(self, *, force_budget: bool = False) -> None:
        """Write pause, auth, 429 and outage state (and the budget) to the store."""
        self.refresh_budget(force=force_budget)
        now, wall = self._clock.monotonic(), self._clock.wall()
        probe_at = self._outage.next_probe_at
        self._store.set_global(
            GlobalState(
                paused=self._scheduler.paused,
                auth_error=self.auth_error,
                base_url_error=self.base_url_error,
                rate_limited_until=self.rate_limited_until,
                offline_since=self._outage.offline_since,
                next_probe_at=None if probe_at is None else wall + max(0.0, probe_at - now),
                budget=self._store.global_state().budget,
            )
        )


def _repeated(error: AppizerError, previous: ErrorInfo | None, wall: float) -> ErrorInfo:
    """The global error for `error`, keeping the streak's start and counting attempts."""
    return ErrorInfo(
        kind=error.kind,
        title=error.title,
        message=error.message,
        code=error.code,
        http_status=error.http_status,
        since=wall if previous is None else previous.since,
        next_retry_at=None,
        attempts=1 if previous is None else previous.attempts + 1,
    )
