"""The Poller: one asyncio task per watched campaign, all under one shared rate budget.

Each campaign task loops: await a permit from the scheduler (which paces every request under the
budget), fetch, write the outcome to the store, and register the next due time, counted from the
end of the request. So there is at most one request in flight per campaign, and a slow answer
delays only that campaign. The cadence rules live in `lifecycle`, the pacing in `budget` and
`scheduler`, outage probing in `outage`; this module wires them to the client and the store.

Global conditions: a 401/403 pauses all polling until `set_api_key` or `retry`; a 429 pauses all
until its retry moment; an outage sends one probe at a time. Each resumes spread over an interval.
An exception in a campaign's task is logged and recorded as that campaign's error; it never stops
the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter
from dataclasses import replace
from typing import Protocol

from appizer_tui.api.errors import AppizerError
from appizer_tui.api.models import Campaign
from appizer_tui.api.ratelimit import RateLimitInfo
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling import lifecycle
from appizer_tui.polling.backoff import DEFAULT_BASE, DEFAULT_CAP, Backoff
from appizer_tui.polling.budget import RateBudget
from appizer_tui.polling.clock import Clock
from appizer_tui.polling.lifecycle import STOP, Cadence, Decision, Track
from appizer_tui.polling.outage import OutageTracker, is_unreachable
from appizer_tui.polling.scheduler import PermitScheduler
from appizer_tui.polling.status import budget_status, cost_counts, expected_interval
from appizer_tui.state.model import ErrorInfo, GlobalState, Phase
from appizer_tui.state.store import CampaignStore

log = logging.getLogger(__name__)

MIN_INTERVAL = 1.0
MAX_INTERVAL = 300.0
DEFAULT_429_PAUSE = 60.0
"""Seconds to pause after a 429 that says nothing about when to come back."""
BUDGET_PUBLISH_PERIOD = 1.0
"""Budget counters are written to the store at most this often while requests flow."""


class CampaignSource(Protocol):
    """What the engine needs from a client (`AppizerClient` is one)."""

    @property
    def rate_limit(self) -> RateLimitInfo | None:
        """The newest rate-limit headers seen."""
        ...

    async def get_campaign(self, campaign_id: str) -> Campaign:
        """Fetch one campaign; raise AppizerError subclasses on failure."""
        ...

    def set_api_key(self, api_key: ApiKey | None) -> None:
        """Use another key from the next request on."""
        ...


def check_interval(seconds: float) -> float:
    """The interval as a float, or ValueError outside 1 to 300 seconds."""
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise ValueError(f"the interval must be {MIN_INTERVAL:g} to {MAX_INTERVAL:g} seconds")
    return float(seconds)


class Poller:
    """Polls the watched campaigns into `store`, never faster than the budget allows.

    `max_rpm` caps requests a minute (default: the server's X-RateLimit-Limit, else 500);
    `budget_share` is this viewer's part of the key's budget; `max_in_flight` caps concurrent
    requests across all campaigns. See the module docstring.
    """

    def __init__(
        self,
        client: CampaignSource,
        store: CampaignStore,
        clock: Clock,
        *,
        interval: float = 5.0,
        max_rpm: float | None = None,
        budget_share: float = 1.0,
        tail_interval: float = 60.0,
        tail_duration: float = 1800.0,
        tail_quiet_polls: int = 5,
        not_found_grace: float = 60.0,
        not_found_retries: int = 3,
        outage_threshold: int = 5,
        probe_cap: float = 30.0,
        max_in_flight: int = 8,
        backoff_base: float = DEFAULT_BASE,
        backoff_cap: float = DEFAULT_CAP,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._store = store
        self._clock = clock
        self._cadence = Cadence(
            interval=check_interval(interval),
            tail_interval=tail_interval,
            tail_duration=tail_duration,
            tail_quiet_polls=tail_quiet_polls,
            not_found_grace=not_found_grace,
            not_found_retries=not_found_retries,
        )
        self._backoff_limits = (backoff_base, backoff_cap)
        self._rng = rng if rng is not None else random.Random()
        self._budget = RateBudget(max_rpm=max_rpm, share=budget_share)
        self._outage = OutageTracker(threshold=outage_threshold, probe_cap=probe_cap)
        self._scheduler = PermitScheduler(
            clock,
            self._budget,
            self._outage,
            span=self._cadence.interval,
            max_in_flight=max_in_flight,
            on_grant=self._after_grant,
            on_resume=self._after_rate_limit,
        )
        self._tracks: dict[str, Track] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._dispatcher: asyncio.Task[None] | None = None
        self._auth_error: ErrorInfo | None = None
        self._rate_limited_until: float | None = None
        self._stop_event: asyncio.Event | None = None
        self._stop_requested = False
        self._achieved = self._cadence.interval
        self._last_budget_publish = -1e18
        self._costs: Counter[float] | None = None
        """Campaigns per cost cadence, recomputed only after a phase or membership change."""
        store.interval = self._cadence.interval
        self.add(*store.ids())

    # -- properties ----------------------------------------------------------------------------

    @property
    def interval(self) -> float:
        """The configured poll interval in seconds."""
        return self._cadence.interval

    @property
    def focus(self) -> str | None:
        """The campaign served first (the one the user is looking at)."""
        return self._scheduler.focus

    @property
    def paused(self) -> bool:
        """True after `pause()` until `resume()`."""
        return self._scheduler.paused

    @property
    def running(self) -> bool:
        """True between the start of `run()` and the end of `stop()`."""
        return self._stop_event is not None

    @property
    def requests_sent(self) -> int:
        """Requests started since construction."""
        return self._scheduler.granted

    def ids(self) -> tuple[str, ...]:
        """Campaigns the engine polls, in the order added."""
        return tuple(self._tracks)

    def phase(self, campaign_id: str) -> Phase | None:
        """The engine's phase for a campaign (the store shows the same after each poll)."""
        track = self._tracks.get(campaign_id)
        return None if track is None else track.phase

    # -- running -------------------------------------------------------------------------------

    async def run(self) -> None:
        """Poll until `stop()` is awaited (or this task is cancelled)."""
        if self._stop_event is not None:
            raise RuntimeError("the poller is already running")
        self._stop_event = asyncio.Event()
        if self._stop_requested:
            self._stop_event.set()
        now = self._clock.monotonic()
        # First polls are spread over the first interval, focused campaign first.
        self._spread(list(self._tracks.values()), now)
        self._dispatcher = asyncio.get_running_loop().create_task(
            self._scheduler.run(), name="appizer-permits"
        )
        for track in self._tracks.values():
            self._start(track)
        self._publish_global(force_budget=True)
        try:
            await self._stop_event.wait()
        finally:
            await self._shutdown()

    async def stop(self) -> None:
        """Cancel every task and wait for them. The client stays open: its owner closes it."""
        self._stop_requested = True
        if self._stop_event is not None:
            self._stop_event.set()
        await self._shutdown()

    async def _shutdown(self) -> None:
        tasks = list(self._tasks.values())
        if self._dispatcher is not None:
            tasks.append(self._dispatcher)
        self._tasks.clear()
        self._dispatcher = None
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._stop_event = None

    def _start(self, track: Track) -> None:
        if self._stop_event is None or track.campaign_id in self._tasks:
            return
        self._tasks[track.campaign_id] = asyncio.get_running_loop().create_task(
            self._campaign_loop(track), name=f"appizer-poll:{track.campaign_id}"
        )

    def _spread(self, tracks: list[Track], now: float) -> None:
        """Due times spread over one interval, the focused campaign first."""
        tracks.sort(key=lambda t: t.campaign_id != self.focus)
        for index, track in enumerate(tracks):
            track.due = now + self._cadence.interval * index / max(1, len(tracks))

    # -- control -------------------------------------------------------------------------------

    def add(self, *campaign_ids: str) -> None:
        """Watch these (already validated) ids; ids already watched are ignored."""
        new = [c for c in dict.fromkeys(campaign_ids) if c not in self._tracks]
        if not new:
            return
        now = self._clock.monotonic()
        tracks = [Track(c, watched_since=now, backoff=self._new_backoff()) for c in new]
        self._spread(tracks, now)
        for track in tracks:
            self._tracks[track.campaign_id] = track
        self._refresh_budget(force=True)
        for track in tracks:
            self._store.add(track.campaign_id, expected_interval=self._expected(track))
            self._start(track)

    def _new_backoff(self) -> Backoff:
        base, cap = self._backoff_limits
        return Backoff(base=base, cap=cap, rng=self._rng)

    def remove(self, campaign_id: str) -> None:
        """Stop watching a campaign (cancels its request if one is in flight)."""
        if self._tracks.pop(campaign_id, None) is None:
            return
        task = self._tasks.pop(campaign_id, None)
        if task is not None:
            task.cancel()
        if self._scheduler.focus == campaign_id:
            self._scheduler.focus = None
        self._store.remove(campaign_id)
        self._refresh_budget(force=True)

    def refresh(self, campaign_id: str | None = None) -> None:
        """Fetch one campaign (or all) now, whatever its phase, through a user pause; a fetch
        already in flight counts as the refresh."""
        ids = list(self._tracks) if campaign_id is None else [campaign_id]
        now, wall = self._clock.monotonic(), self._clock.wall()
        for cid in ids:
            if cid in self._tracks and self._scheduler.reschedule(cid, now, forced=True):
                self._store.update_schedule(cid, next_poll_at=wall)
        self._outage.probe_now(now)
        self._scheduler.wake()

    def retry(self, campaign_id: str | None = None) -> None:
        """Try again after a failure: lifts an auth pause, probes at once when offline, and
        fetches the campaign (None: every not-found or failing one) with a fresh 404 grace."""
        now = self._clock.monotonic()
        self._lift_auth_pause(now)
        if campaign_id is None:
            targets = [
                t.campaign_id
                for t in self._tracks.values()
                if t.phase in (Phase.NOT_FOUND, Phase.ERROR_BACKOFF)
            ]
        else:
            targets = [campaign_id] if campaign_id in self._tracks else []
        for cid in targets:
            track = self._tracks[cid]
            track.watched_since = now
            track.grace_attempts = 0
            track.backoff.reset()
        for cid in targets:
            self.refresh(cid)
        self._outage.probe_now(now)
        self._publish_global()

    def pause(self) -> None:
        """Stop polling (manual refreshes still go) until `resume()`."""
        self._scheduler.paused = True
        self._scheduler.wake()
        self._publish_global()

    def resume(self) -> None:
        """Resume polling, spread over one interval."""
        if not self._scheduler.paused:
            return
        self._scheduler.paused = False
        self._scheduler.respread(self._clock.monotonic())
        self._publish_global()

    def set_focus(self, campaign_id: str | None) -> None:
        """Serve this campaign first whenever it is due (None: no focus)."""
        self._scheduler.focus = campaign_id if campaign_id in self._tracks else None
        self._scheduler.wake()

    def set_interval(self, seconds: float) -> None:
        """Change the poll interval (1 to 300 s) of pending/sending campaigns from now on."""
        self._cadence = replace(self._cadence, interval=check_interval(seconds))
        self._scheduler.span = self._cadence.interval
        self._store.interval = self._cadence.interval
        now = self._clock.monotonic()
        for track in self._tracks.values():
            if track.phase in (Phase.WAITING, Phase.ACTIVE) and track.last_end is not None:
                self._scheduler.reschedule(
                    track.campaign_id, track.last_end + self._cadence.interval
                )
                track.due = track.last_end + self._cadence.interval
        self._scheduler.wake()
        self._refresh_budget(force=True, now=now)

    def set_api_key(self, api_key: ApiKey) -> None:
        """Use a new key from now on; clears the auth pause."""
        self._client.set_api_key(api_key)
        self._lift_auth_pause(self._clock.monotonic())
        self._publish_global()

    def set_max_rpm(self, max_rpm: float | None, budget_share: float | None = None) -> None:
        """Change the request cap (None: follow the server) and optionally the budget share."""
        if max_rpm is not None and max_rpm <= 0:
            raise ValueError("max_rpm must be positive")
        if budget_share is not None and not 0 < budget_share <= 1:
            raise ValueError("budget_share must be in (0, 1]")
        self._budget.max_rpm = max_rpm
        if budget_share is not None:
            self._budget.share = budget_share
        self._scheduler.wake()
        self._refresh_budget(force=True)

    def _lift_auth_pause(self, now: float) -> None:
        if self._auth_error is None and not self._scheduler.auth_paused:
            return
        self._auth_error = None
        self._scheduler.auth_paused = False
        self._scheduler.respread(now)

    # -- one campaign --------------------------------------------------------------------------

    async def _campaign_loop(self, track: Track) -> None:
        """Permit, fetch, record, until cancelled. Nothing raised inside ends the loop."""
        while True:
            try:
                probe = await self._scheduler.permit(track.campaign_id, track.due)
                await self._poll_once(track, probe)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("polling %r failed", track.campaign_id)
                with contextlib.suppress(Exception):
                    self._record_failure(track, _internal_error(exc))
                # Never spin: even a persistent bug waits at least a second per round.
                await self._clock.sleep(max(1.0, track.due - self._clock.monotonic()))

    async def _poll_once(self, track: Track, probe: bool) -> None:
        outcome: Campaign | Exception
        try:
            outcome = await self._client.get_campaign(track.campaign_id)
        except AppizerError as exc:
            outcome = exc
        except Exception as exc:  # a bug in the client or an invalid id: recorded, not raised
            if not isinstance(exc, ValueError):
                log.exception("unexpected error fetching %r", track.campaign_id)
            outcome = exc
        finally:
            self._budget.observe(self._client.rate_limit, self._scheduler.in_flight - 1)
            self._scheduler.release(probe=probe)
        if track.campaign_id not in self._tracks:
            return  # removed while the request was in flight
        track.last_end = self._clock.monotonic()
        if isinstance(outcome, Campaign):
            self._on_success(track, outcome)
        elif isinstance(outcome, AppizerError):
            self._on_api_error(track, outcome, probe)
        elif isinstance(outcome, ValueError):  # InvalidCampaignIdError: can never be found
            self._apply(track, Decision(Phase.NOT_FOUND, None), _invalid_id_error(outcome))
        else:
            self._record_failure(track, _internal_error(outcome))

    def _on_success(self, track: Track, campaign: Campaign) -> None:
        now, wall = self._clock.monotonic(), self._clock.wall()
        self._reachable(now)
        if self._auth_error is not None:
            # A success (a manual refresh through the pause) proves the key works again.
            self._lift_auth_pause(now)
            self._publish_global()
        decision = lifecycle.after_success(track, campaign, wall, self._cadence)
        self._apply(track, decision, campaign)

    def _on_api_error(self, track: Track, error: AppizerError, probe: bool) -> None:
        now, wall = self._clock.monotonic(), self._clock.wall()
        if is_unreachable(error):
            entered = self._outage.record_unreachable(
                track.campaign_id, now, wall, len(self._tracks)
            )
            if probe and not entered:
                self._outage.probe_failed(now)
            self._apply(track, lifecycle.after_failure(track), error)
            if entered or probe:
                self._publish_global()
            return
        self._reachable(now)
        if error.kind == "auth":
            self._auth_pause(error, wall)
            track.due = now  # first in line once the key is fixed
        elif error.kind == "rate_limited":
            self._rate_limited(error, now, wall)
            track.due = now
        elif error.kind == "not_found":
            decision = lifecycle.after_not_found(track, now, self._cadence, self._rng)
            self._apply(track, decision, error)
        else:
            self._apply(track, lifecycle.after_failure(track), error)

    def _record_failure(self, track: Track, error: ErrorInfo) -> None:
        self._apply(track, lifecycle.after_failure(track), error)

    def _apply(
        self, track: Track, decision: Decision, outcome: Campaign | AppizerError | ErrorInfo
    ) -> None:
        """Set the track's phase and due time and write the outcome to the store."""
        now, wall = self._clock.monotonic(), self._clock.wall()
        cost_before = lifecycle.cost_cadence(track, self._cadence)
        track.phase = decision.phase
        expected = self._expected(track)
        next_wall: float | None = None
        if decision.delay is None:
            track.due = STOP
        else:
            track.due = now + decision.delay
            shown = decision.delay
            if decision.phase in (Phase.ACTIVE, Phase.TAIL):
                shown = max(shown, expected)  # under a stretched budget the turn comes later
            next_wall = wall + shown
        cid = track.campaign_id
        if isinstance(outcome, Campaign):
            self._store.record_success(
                cid,
                outcome,
                at=wall,
                phase=decision.phase,
                next_poll_at=next_wall,
                expected_interval=expected,
            )
        else:
            info = outcome if isinstance(outcome, ErrorInfo) else _error_info(outcome)
            if track.error_kind != info.kind or track.error_since is None:
                track.error_kind, track.error_since = info.kind, wall
            info = replace(
                info,
                since=track.error_since,
                next_retry_at=next_wall,
                attempts=max(1, track.failures_in_row),
            )
            self._store.record_error(cid, info, phase=decision.phase, next_poll_at=next_wall)
        if lifecycle.cost_cadence(track, self._cadence) != cost_before:
            self._costs = None
            self._refresh_budget(force=True, now=now)

    def _expected(self, track: Track) -> float:
        return expected_interval(track, self._cadence, self._achieved)

    # -- global conditions ---------------------------------------------------------------------

    def _reachable(self, now: float) -> None:
        """Any answer from the API: ends an outage, resuming every campaign spread out."""
        if self._outage.record_reachable():
            self._scheduler.respread(now, everyone=True)
            self._publish_global()

    def _auth_pause(self, error: AppizerError, wall: float) -> None:
        previous = self._auth_error
        self._auth_error = ErrorInfo(
            kind=error.kind,
            title=error.title,
            message=error.message,
            code=error.code,
            http_status=error.http_status,
            since=wall if previous is None else previous.since,
            next_retry_at=None,
            attempts=1 if previous is None else previous.attempts + 1,
        )
        self._scheduler.auth_paused = True
        self._scheduler.wake()
        self._publish_global()

    def _rate_limited(self, error: AppizerError, now: float, wall: float) -> None:
        self._budget.exhaust()
        wait = error.retry_after
        if wait is None:
            wait = DEFAULT_429_PAUSE
        wait = max(1.0, wait)
        self._scheduler.pause_until(now + wait)
        until = wall + wait
        current = self._rate_limited_until
        self._rate_limited_until = until if current is None else max(current, until)
        self._publish_global(force_budget=True)

    def _after_rate_limit(self) -> None:
        """The scheduler ended a 429 pause."""
        self._rate_limited_until = None
        self._publish_global()

    def _after_grant(self, now: float) -> None:
        self._refresh_budget(now=now)

    def _refresh_budget(self, *, force: bool = False, now: float | None = None) -> None:
        """Recompute the budget counters; write them at most once a second unless forced."""
        at = self._clock.monotonic() if now is None else now
        if not force and at - self._last_budget_publish < BUDGET_PUBLISH_PERIOD:
            return
        self._last_budget_publish = at
        if force:
            self._costs = None
        if self._costs is None:
            self._costs = cost_counts(self._tracks.values(), self._cadence)
        status = budget_status(self._costs, self._budget, at, self._clock.wall())
        if status.achieved_interval is not None:
            self._achieved = status.achieved_interval
        self._store.set_budget(status)

    def _publish_global(self, *, force_budget: bool = False) -> None:
        """Write pause, auth, 429 and outage state (and the budget) to the store."""
        self._refresh_budget(force=force_budget)
        now, wall = self._clock.monotonic(), self._clock.wall()
        probe_at = self._outage.next_probe_at
        state = GlobalState(
            paused=self._scheduler.paused,
            auth_error=self._auth_error,
            rate_limited_until=self._rate_limited_until,
            offline_since=self._outage.offline_since,
            next_probe_at=None if probe_at is None else wall + max(0.0, probe_at - now),
            budget=self._store.global_state().budget,
        )
        self._store.set_global(state)


def _error_info(error: AppizerError) -> ErrorInfo:
    return ErrorInfo(
        kind=error.kind,
        title=error.title,
        message=error.message,
        code=error.code,
        http_status=error.http_status,
    )


def _invalid_id_error(error: Exception) -> ErrorInfo:
    return ErrorInfo(kind="invalid_id", title="Invalid campaign id", message=str(error))


def _internal_error(error: BaseException) -> ErrorInfo:
    text = f"{type(error).__name__}: {error}"
    return ErrorInfo(kind="internal", title="Internal error", message=text[:500])
