"""The Poller: one asyncio task per watched campaign, all under one shared rate budget.

Each campaign task loops: await a permit from the scheduler (which paces every request under the
budget), fetch, write the outcome to the store, and register the next due time, counted from the
end of the request. So there is at most one request in flight per campaign, and a slow answer
delays only that campaign. The loop and what each outcome means live in `runner`, the cadence
rules in `lifecycle`, the pacing in `budget` and `scheduler`, the shared pauses in `conditions`,
outage probing in `outage`; this module holds the public controls and wires them together.

An exception in a campaign's task is logged and recorded as that campaign's error; it never stops
the engine.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter

from msgspec.structs import replace

from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.backoff import DEFAULT_BASE, DEFAULT_CAP, Backoff
from appizer_tui.polling.budget import RateBudget
from appizer_tui.polling.clock import Clock
from appizer_tui.polling.conditions import Conditions
from appizer_tui.polling.interval import DEFAULT_INTERVAL, check_interval
from appizer_tui.polling.lifecycle import Cadence, Track
from appizer_tui.polling.outage import OutageTracker
from appizer_tui.polling.runner import CampaignRunner, CampaignSource
from appizer_tui.polling.scheduler import PermitScheduler
from appizer_tui.polling.status import cost_counts
from appizer_tui.state.model import Phase
from appizer_tui.state.store import CampaignStore

__all__ = ["CampaignSource", "Poller", "check_interval"]

log = logging.getLogger(__name__)


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
        interval: float = DEFAULT_INTERVAL,
        max_rpm: float | None = None,
        budget_share: float = 1.0,
        tail_interval: float = 60.0,
        tail_duration: float = 1800.0,
        tail_quiet_polls: int = 5,
        not_found_grace: float = 60.0,
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
        cadence = Cadence(
            interval=check_interval(interval),
            tail_interval=tail_interval,
            tail_duration=tail_duration,
            tail_quiet_polls=tail_quiet_polls,
            not_found_grace=not_found_grace,
        )
        self._backoff_limits = (backoff_base, backoff_cap)
        self._rng = rng if rng is not None else random.Random()
        """Seeds every jitter (backoff, 404 grace), so tests can fix it."""
        self._budget = RateBudget(max_rpm=max_rpm, share=budget_share)
        self._outage = OutageTracker(threshold=outage_threshold, probe_cap=probe_cap)
        self._scheduler = PermitScheduler(
            clock,
            self._budget,
            self._outage,
            span=cadence.interval,
            max_in_flight=max_in_flight,
            on_grant=self._after_grant,
            on_resume=lambda: self._conditions.rate_limit_ended(),
            on_idle=self._after_grant,
        )
        self._tracks: dict[str, Track] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._dispatcher: asyncio.Task[None] | None = None
        self._stop_event: asyncio.Event | None = None
        self._stop_requested = False
        self._costs: Counter[float] | None = None
        """Campaigns per cost cadence, recomputed only after a phase or membership change."""
        self._conditions = Conditions(
            store,
            clock,
            self._scheduler,
            self._budget,
            self._outage,
            self._cost_counts,
            cadence.interval,
        )
        self._runner = CampaignRunner(
            client,
            store,
            clock,
            self._scheduler,
            self._budget,
            self._conditions,
            self._tracks,
            cadence,
            self._rng,
            self._costs_changed,
        )
        store.interval = cadence.interval
        self.add(*store.ids())

    # -- properties ----------------------------------------------------------------------------

    @property
    def interval(self) -> float:
        """The configured poll interval in seconds."""
        return self._runner.cadence.interval

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
        """Poll until `stop()` is awaited (or this task is cancelled). A Poller runs once: after
        `stop()` (even one called before `run()`), `run()` returns at once."""
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
        self._conditions.publish(force_budget=True)
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
            self._runner.run(track), name=f"appizer-poll:{track.campaign_id}"
        )

    def _spread(self, tracks: list[Track], now: float) -> None:
        """Due times spread over one interval, the focused campaign first."""
        tracks.sort(key=lambda t: t.campaign_id != self.focus)
        for index, track in enumerate(tracks):
            track.due = now + self._runner.cadence.interval * index / max(1, len(tracks))

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
        self._costs_changed()
        for track in tracks:
            self._store.add(track.campaign_id, expected_interval=self._runner.expected(track))
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
        self._costs_changed()

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
        self._conditions.lift_auth_pause(now)
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
        self._conditions.publish()

    def pause(self) -> None:
        """Stop polling (manual refreshes still go) until `resume()`."""
        self._scheduler.paused = True
        self._scheduler.wake()
        self._conditions.publish()

    def resume(self) -> None:
        """Resume polling, spread over one interval."""
        if not self._scheduler.paused:
            return
        self._scheduler.paused = False
        self._scheduler.respread(self._clock.monotonic())
        self._conditions.publish()

    def set_focus(self, campaign_id: str | None) -> None:
        """Serve this campaign first whenever it is due (None: no focus)."""
        self._scheduler.focus = campaign_id if campaign_id in self._tracks else None
        self._scheduler.wake()

    def set_interval(self, seconds: float) -> None:
        """Change the poll interval (1 to 300 s) of pending/sending campaigns from now on."""
        cadence = replace(self._runner.cadence, interval=check_interval(seconds))
        self._runner.cadence = cadence
        self._scheduler.span = cadence.interval
        self._store.interval = cadence.interval
        for track in self._tracks.values():
            if track.phase in (Phase.WAITING, Phase.ACTIVE) and track.last_end is not None:
                track.due = track.last_end + cadence.interval
                self._scheduler.reschedule(track.campaign_id, track.due)
        self._scheduler.wake()
        self._costs_changed()

    def set_api_key(self, api_key: ApiKey) -> None:
        """Use a new key from now on; clears the auth pause."""
        self._client.set_api_key(api_key)
        self._conditions.lift_auth_pause(self._clock.monotonic())

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
        self._conditions.refresh_budget(force=True)

    # -- budget bookkeeping --------------------------------------------------------------------

    def _cost_counts(self) -> Counter[float]:
        """Campaigns per cost cadence (cached until a phase or membership change)."""
        if self._costs is None:
            self._costs = cost_counts(self._tracks.values(), self._runner.cadence)
        return self._costs

    def _costs_changed(self) -> None:
        self._costs = None
        self._conditions.refresh_budget(force=True)

    def _after_grant(self, now: float) -> None:
        self._conditions.refresh_budget(now=now)
