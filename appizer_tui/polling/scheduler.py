"""The permit scheduler: one dispatcher hands out the right to send a request, at the budget's pace.

Each campaign task registers when its next poll is due and awaits a permit. The dispatcher grants
one permit at a time when the budget allows, choosing, among campaigns that are due:

1. a manual refresh (forced), then
2. the focused campaign (the one the user is looking at), then
3. the campaign that has been due the longest.

Campaigns due within `coalesce` seconds go with the one that woke the dispatcher (see
COALESCE_MAX), so fifty campaigns spread over 5 s cost a few wake-ups a second, not fifty.

Because every campaign's next due time is set from the end of its own request, "due the longest"
is a round robin: when the watchlist needs more than the budget, every campaign's interval
stretches by the same amount and none starves. Campaigns that are stopped park with an infinite
due time and cost nothing.

Gates: a 429 stops everything until its retry moment; a user pause or an auth pause lets only
forced (manual) fetches through; during an outage only one probe at a time goes. Resuming from any
of them spreads the due campaigns over one interval instead of releasing them as a burst.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
from collections.abc import Callable

import msgspec

from appizer_tui.polling.budget import RateBudget
from appizer_tui.polling.clock import Clock
from appizer_tui.polling.outage import OutageTracker

log = logging.getLogger(__name__)

IDLE_REFRESH = 5.0
"""Seconds between budget refreshes while idle with requests still in the last minute."""

COALESCE_MAX = 0.5
"""At most this many seconds (and a tenth of the interval) early, a campaign goes along with one
that is due, so polls group into fewer wake-ups: on this kind of machine a wake-up costs the
process about as much CPU as the request itself. Nothing is ever polled late for it."""


class _Waiter(msgspec.Struct, eq=False):
    campaign_id: str
    due: float
    future: asyncio.Future[bool]
    forced: bool = False
    version: int = 0


class PermitScheduler:
    """Grants permits under the budget; see the module docstring for the order and the gates."""

    def __init__(
        self,
        clock: Clock,
        budget: RateBudget,
        outage: OutageTracker,
        *,
        span: float = 5.0,
        max_in_flight: int = 8,
        on_grant: Callable[[float], None] | None = None,
        on_resume: Callable[[], None] | None = None,
        on_idle: Callable[[float], None] | None = None,
    ) -> None:
        self._clock = clock
        self.budget = budget
        self.outage = outage
        self.span = span
        """Seconds over which a resume spreads the campaigns that are due (the poll interval)."""
        self.coalesce = min(COALESCE_MAX, span / 10)
        """Seconds early a campaign may be granted along with a due one (see COALESCE_MAX)."""
        self.max_in_flight = max(1, max_in_flight)
        """Requests allowed in flight at once across all campaigns. Keeps the client's
        connection pool small (every pooled connection costs CPU on every request) and a slow
        server from piling up requests."""
        self.focus: str | None = None
        """The campaign served first when it is due."""
        self.paused = False
        """User pause: only forced fetches go."""
        self.auth_paused = False
        """Auth pause (401/403): only forced fetches go."""
        self.rate_limited_until: float | None = None
        """Monotonic end of a 429 pause: nothing goes before it."""
        self.in_flight = 0
        """Granted requests that have not been released yet."""
        self.granted = 0
        """Permits granted since start."""
        self._on_grant = on_grant
        self._on_resume = on_resume
        self._on_idle = on_idle
        self._waiters: dict[str, _Waiter] = {}
        self._heap: list[tuple[float, int, str]] = []
        """(due, version, campaign id). Versions are unique and increasing, so ties go to the
        earlier registration; entries whose version is not the waiter's are stale, skipped."""
        self._forced: set[str] = set()
        self._sequence = itertools.count()
        self._wakeup: asyncio.Future[None] | None = None
        self._sleeping_until = math.inf

    # -- campaign side -------------------------------------------------------------------------

    async def permit(self, campaign_id: str, due: float) -> bool:
        """Wait until this campaign may send its request (due at monotonic `due`; math.inf
        parks it until a reschedule). Returns True when the request is an outage probe."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(campaign_id, due, future)
        self._waiters[campaign_id] = waiter
        self._push(waiter)
        self._poke(due)
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                # Granted, then cancelled before the request went: give the permit back.
                self.release(probe=future.result())
            raise
        finally:
            if self._waiters.get(campaign_id) is waiter:
                del self._waiters[campaign_id]
                self._forced.discard(campaign_id)

    def release(self, *, probe: bool = False) -> None:
        """A granted request has finished (or never went)."""
        full = self.in_flight >= self.max_in_flight
        self.in_flight = max(0, self.in_flight - 1)
        if probe:
            self.outage.probe_in_flight = False
        if full or self.outage.offline:
            self.wake()

    # -- control side --------------------------------------------------------------------------

    def reschedule(self, campaign_id: str, due: float, *, forced: bool = False) -> bool:
        """Move a waiting campaign's due time; `forced` serves it before others and through a
        user or auth pause. False when it is not waiting (fetching right now)."""
        waiter = self._waiters.get(campaign_id)
        if waiter is None:
            return False
        waiter.due = due
        self._push(waiter)
        if forced:
            waiter.forced = True
            self._forced.add(campaign_id)
        self._poke(due, forced=forced)
        return True

    def respread(self, now: float, *, everyone: bool = False) -> None:
        """Spread the campaigns due within one span (or every one not parked) over the span,
        focused first, then in the order they became due."""
        horizon = math.inf if everyone else now + self.span
        chosen = [w for w in self._waiters.values() if w.due <= horizon and w.due < math.inf]
        chosen.sort(key=lambda w: (w.campaign_id != self.focus, not w.forced, w.due))
        count = len(chosen)
        for index, waiter in enumerate(chosen):
            waiter.due = now + self.span * index / count
            self._push(waiter)
        self.wake()

    def pause_until(self, until: float) -> None:
        """A 429: grant nothing before monotonic `until`."""
        current = self.rate_limited_until
        self.rate_limited_until = until if current is None else max(current, until)
        self.wake()

    def wake(self) -> None:
        """Make the dispatcher look again now (state changed)."""
        if self._wakeup is not None and not self._wakeup.done():
            self._wakeup.set_result(None)

    def _poke(self, due: float, *, forced: bool = False) -> None:
        # Only wake the dispatcher when the new due time could change its plan.
        if forced or due < self._sleeping_until:
            self.wake()

    def _push(self, waiter: _Waiter) -> None:
        """Index the waiter's current due time; earlier entries for it become stale."""
        # Versions come from one counter, so an entry left by an earlier waiter of the same
        # campaign can never pass for the current one.
        waiter.version = next(self._sequence)
        if waiter.due < math.inf:
            heapq.heappush(self._heap, (waiter.due, waiter.version, waiter.campaign_id))

    # -- choosing ------------------------------------------------------------------------------

    def _earliest(self) -> _Waiter | None:
        """The waiter with the earliest due time (discarding stale heap entries)."""
        heap = self._heap
        while heap:
            _, version, campaign_id = heap[0]
            waiter = self._waiters.get(campaign_id)
            if waiter is not None and waiter.version == version:
                return waiter
            heapq.heappop(heap)
        return None

    def _forced_waiter(self) -> _Waiter | None:
        forced = [self._waiters[c] for c in self._forced if c in self._waiters]
        return min(forced, key=lambda w: w.due) if forced else None

    def _pick(self, now: float, *, forced_only: bool, any_due: bool) -> _Waiter | None:
        """Forced first, then the focused campaign if due, then the one due the longest.
        `any_due` treats every campaign that is not parked as due (outage probes)."""
        forced = self._forced_waiter()
        if forced is not None or forced_only:
            return forced
        limit = math.inf if any_due else now + self.coalesce
        focused = self._waiters.get(self.focus) if self.focus is not None else None
        if focused is not None and focused.due <= limit and focused.due < math.inf:
            return focused
        earliest = self._earliest()
        if earliest is not None and earliest.due <= limit and earliest.due < math.inf:
            return earliest
        return None

    def _decide(self, now: float, wall: float) -> tuple[_Waiter | None, float | None, bool]:
        """(waiter to grant, or None and the monotonic time to look again (None: on a signal),
        whether the grant is an outage probe)."""
        if self.rate_limited_until is not None:
            if now < self.rate_limited_until:
                return None, self.rate_limited_until, False
            self.rate_limited_until = None
            self.respread(now)
            if self._on_resume is not None:
                self._on_resume()
        outage = self.outage
        if outage.offline:
            if outage.probe_in_flight:
                return None, None, False
            if outage.next_probe_at is not None and now < outage.next_probe_at:
                return None, outage.next_probe_at, False
        # A user pause holds even the probes; an auth pause cannot outlive an outage (a 401 is an
        # answer, so it ends one).
        forced_only = self.paused or (self.auth_paused and not outage.offline)
        if self.in_flight >= self.max_in_flight:
            return None, None, False  # a release wakes us
        pick = self._pick(now, forced_only=forced_only, any_due=outage.offline)
        if pick is None:
            earliest = None if forced_only else self._earliest()
            wake = earliest.due if earliest is not None and earliest.due < math.inf else None
            return None, wake, False
        gate = self.budget.next_grant_at(now, wall)
        if gate > now:
            return None, gate, False
        return pick, None, outage.offline

    def _grant(self, waiter: _Waiter, now: float, probe: bool) -> None:
        del self._waiters[waiter.campaign_id]
        self._forced.discard(waiter.campaign_id)
        self.in_flight += 1
        self.granted += 1
        self.budget.record_grant(now)
        if probe:
            self.outage.probe_in_flight = True
        waiter.future.set_result(probe)
        if self._on_grant is not None:
            self._on_grant(now)

    # -- the dispatcher ------------------------------------------------------------------------

    async def run(self) -> None:
        """Hand out permits until cancelled."""
        while True:
            wake: float | None
            try:
                now = self._clock.monotonic()
                waiter, wake, probe = self._decide(now, self._clock.wall())
                if waiter is not None:
                    self._grant(waiter, now, probe)
                    continue
                wake = self._idle(now, wake)
            except Exception:
                # A bug here must not stop every campaign for good: log it and look again soon.
                log.exception("permit scheduler failed; retrying in a second")
                wake = self._clock.monotonic() + 1.0
            await self._sleep_until(wake)

    def _idle(self, now: float, wake: float | None) -> float | None:
        """Before sleeping: let the engine refresh its counters, and while requests remain in
        the last minute, look again within IDLE_REFRESH so the count can fall as they age."""
        if self._on_idle is not None:
            self._on_idle(now)
        if self.budget.requests_last_minute(now) == 0:
            return wake
        soon = now + IDLE_REFRESH
        return soon if wake is None else min(wake, soon)

    async def _sleep_until(self, wake: float | None) -> None:
        """Sleep until monotonic `wake` (None: until woken), or until `wake()` is called."""
        loop = asyncio.get_running_loop()
        signal: asyncio.Future[None] = loop.create_future()
        timer: asyncio.Task[None] | None = None
        if wake is not None:
            delay = wake - self._clock.monotonic()
            if delay <= 0:
                await asyncio.sleep(0)
                return
            timer = loop.create_task(self._ring_after(delay, signal))
        self._wakeup = signal
        self._sleeping_until = math.inf if wake is None else wake
        try:
            await signal
        finally:
            self._wakeup = None
            self._sleeping_until = -math.inf
            if timer is not None and not timer.done():
                timer.cancel()

    async def _ring_after(self, delay: float, signal: asyncio.Future[None]) -> None:
        await self._clock.sleep(delay)
        if not signal.done():
            signal.set_result(None)
