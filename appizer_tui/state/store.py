"""CampaignStore: the single place the viewer and the plain printers read campaign state from.

The engine writes it (`record_success`, `record_error`, `update_schedule`, `set_global`); everybody
else reads frozen snapshots (`get`, `global_state`) and listens for events (`subscribe`). Reads
never block and never see a half-written update: each write replaces one immutable view.
"""

from __future__ import annotations

import enum
import logging
import math
import time
from collections.abc import Callable

from msgspec.structs import replace

from appizer_tui.api.models import Campaign
from appizer_tui.state.events import (
    CampaignAdded,
    CampaignErrored,
    CampaignFinished,
    CampaignRemoved,
    CampaignUpdated,
    GlobalChanged,
    StoreEvent,
)
from appizer_tui.state.history import History
from appizer_tui.state.metrics import compute_metrics
from appizer_tui.state.model import (
    BudgetStatus,
    CampaignView,
    ErrorInfo,
    GlobalState,
    Metrics,
    Phase,
)

__all__ = [
    "KEEP",
    "BudgetStatus",
    "CampaignStore",
    "CampaignView",
    "ErrorInfo",
    "GlobalState",
    "History",
    "Metrics",
    "Phase",
    "StoreEvent",
]

log = logging.getLogger(__name__)

DEFAULT_MAX_SAMPLES = 72_000
"""History samples kept across all campaigns (80 bytes each: under 6 MB). More than twice what a key
at the documented 500 requests a minute can fetch in an hour (30,000), so it only bites for larger
limits: up to 100 campaigns each keep an hour at a 5 s interval; a thousand keep 72 each, recent
ones at full resolution and older ones thinned."""

Listener = Callable[[StoreEvent], None]


class _Keep(enum.Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
"""Default for optional write arguments: leave that field as it is."""


class CampaignStore:
    """Per-campaign views, bounded histories and global state, with change events.

    `history_seconds` and `interval` size each history: one sample per interval for that long
    before older samples are thinned; `max_samples` bounds all histories together.
    """

    def __init__(
        self,
        history_seconds: float = 3600.0,
        interval: float = 5.0,
        *,
        wall: Callable[[], float] | None = None,
        max_samples: int = DEFAULT_MAX_SAMPLES,
    ) -> None:
        self.history_seconds = history_seconds
        self.max_samples = max_samples
        """Samples kept across all histories; each keeps at most its share."""
        self.interval = interval
        """The configured poll interval (the engine keeps it current)."""
        self._wall = wall if wall is not None else time.time
        self._views: dict[str, CampaignView] = {}
        self._histories: dict[str, History] = {}
        self._global = GlobalState()
        self._listeners: list[Listener] = []

    # -- reading -------------------------------------------------------------------------------

    def ids(self) -> tuple[str, ...]:
        """Watched campaign ids, in the order they were added."""
        return tuple(self._views)

    def get(self, campaign_id: str) -> CampaignView | None:
        """The current frozen view of a campaign, or None when it is not watched."""
        return self._views.get(campaign_id)

    def views(self) -> tuple[CampaignView, ...]:
        """Every view, in watchlist order."""
        return tuple(self._views.values())

    def history(self, campaign_id: str) -> History:
        """The campaign's samples (an empty History for an id that is not watched)."""
        found = self._histories.get(campaign_id)
        return found if found is not None else History(capacity=0)

    def global_state(self) -> GlobalState:
        """Pause, auth, 429, offline and budget state."""
        return self._global

    def __contains__(self, campaign_id: object) -> bool:
        return campaign_id in self._views

    def __len__(self) -> int:
        return len(self._views)

    # -- listeners -----------------------------------------------------------------------------

    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Call `callback(event)` after every change; returns a function that unsubscribes."""
        self._listeners.append(callback)
        return lambda: self.unsubscribe(callback)

    def unsubscribe(self, callback: Listener) -> None:
        """Stop calling `callback` (no error if it was not subscribed)."""
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _emit(self, event: StoreEvent) -> None:
        # A broken listener must not break the engine or the other listeners.
        for listener in tuple(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("store listener %r failed on %r", listener, event)

    # -- writing -------------------------------------------------------------------------------

    def _capacity(self) -> int:
        return math.ceil(self.history_seconds / max(self.interval, 0.001))

    def _share(self) -> int:
        """Each history's share of `max_samples` (read at every append)."""
        return self.max_samples // max(1, len(self._views))

    def add(self, campaign_id: str, *, expected_interval: float | None = None) -> bool:
        """Start tracking a campaign (False if it already is)."""
        if campaign_id in self._views:
            return False
        self._views[campaign_id] = CampaignView(
            campaign_id=campaign_id,
            expected_interval=self.interval if expected_interval is None else expected_interval,
            added_at=self._wall(),
        )
        self._histories[campaign_id] = History(self._capacity(), limit=self._share)
        self._emit(CampaignAdded(campaign_id))
        return True

    def remove(self, campaign_id: str) -> bool:
        """Stop tracking a campaign and drop its history (False if it was not tracked)."""
        if self._views.pop(campaign_id, None) is None:
            return False
        self._histories.pop(campaign_id, None)
        self._emit(CampaignRemoved(campaign_id))
        return True

    def record_success(
        self,
        campaign_id: str,
        campaign: Campaign,
        *,
        at: float | None = None,
        phase: Phase | None = None,
        next_poll_at: float | None | _Keep = KEEP,
        expected_interval: float | None = None,
    ) -> CampaignView | None:
        """Store a successful fetch taken at wall time `at`; None if the id is not watched."""
        view = self._views.get(campaign_id)
        if view is None:
            return None
        # Kept to the millisecond, as the history file keeps it: a replay computes the same rates.
        when = round((self._wall() if at is None else at) * 1_000_000) // 1000 / 1000
        history = self._histories[campaign_id]
        history.append(when, campaign)
        old = view.campaign
        new_metrics = compute_metrics(campaign, history.latest_throughput())
        # Built directly rather than with dataclasses.replace: this runs on every poll.
        view = CampaignView(
            campaign_id=campaign_id,
            campaign=campaign,
            previous=old,
            error=None,
            last_success_at=when,
            next_poll_at=view.next_poll_at if next_poll_at is KEEP else next_poll_at,
            expected_interval=view.expected_interval
            if expected_interval is None
            else expected_interval,
            phase=view.phase if phase is None else phase,
            polls=view.polls + 1,
            failures=view.failures,
            metrics=new_metrics,
            added_at=view.added_at,
        )
        self._views[campaign_id] = view
        self._emit(CampaignUpdated(campaign_id, changed=old != campaign))
        if campaign.status.is_terminal and (old is None or not old.status.is_terminal):
            self._emit_if_watched(CampaignFinished(campaign_id, campaign.status))
        return view

    def seed_recorded(self, campaign_id: str, campaign: Campaign, *, at: float) -> bool:
        """Show `campaign`, recorded at wall time `at`, as the campaign's figures until its first
        poll answers (the viewer starting from the history file): the view is marked `recorded`,
        its metrics come from its history (which the caller has loaded, see `history()`), and
        nothing about polling changes. False (and nothing done) once a poll has answered or for
        an id not watched."""
        view = self._views.get(campaign_id)
        if view is None or view.polls > 0 or view.campaign is not None:
            return False
        throughput = self._histories[campaign_id].latest_throughput()
        self._views[campaign_id] = replace(
            view,
            campaign=campaign,
            last_success_at=at,
            metrics=compute_metrics(campaign, throughput),
            recorded=True,
        )
        self._emit(CampaignUpdated(campaign_id, changed=True))
        return True

    def _emit_if_watched(self, event: CampaignFinished) -> None:
        # A listener may have removed the campaign while handling the update.
        if event.campaign_id in self._views:
            self._emit(event)

    def record_error(
        self,
        campaign_id: str,
        error: ErrorInfo,
        *,
        phase: Phase | None = None,
        next_poll_at: float | None | _Keep = KEEP,
    ) -> CampaignView | None:
        """Store a failed fetch; None if the id is not watched."""
        view = self._views.get(campaign_id)
        if view is None:
            return None
        view = replace(
            view,
            error=error,
            failures=view.failures + 1,
            phase=view.phase if phase is None else phase,
            next_poll_at=view.next_poll_at if next_poll_at is KEEP else next_poll_at,
        )
        self._views[campaign_id] = view
        self._emit(CampaignErrored(campaign_id, error))
        return view

    def update_schedule(
        self,
        campaign_id: str,
        *,
        phase: Phase | None = None,
        next_poll_at: float | None | _Keep = KEEP,
        expected_interval: float | None = None,
        error: ErrorInfo | None | _Keep = KEEP,
    ) -> CampaignView | None:
        """Change when/how a campaign is polled; emits CampaignUpdated(changed=False) if the view
        changed. None if the id is not watched."""
        view = self._views.get(campaign_id)
        if view is None:
            return None
        new = replace(
            view,
            phase=view.phase if phase is None else phase,
            next_poll_at=view.next_poll_at if next_poll_at is KEEP else next_poll_at,
            expected_interval=view.expected_interval
            if expected_interval is None
            else expected_interval,
            error=view.error if error is KEEP else error,
        )
        if new != view:
            self._views[campaign_id] = new
            self._emit(CampaignUpdated(campaign_id, changed=False))
        return new

    def set_global(self, state: GlobalState) -> None:
        """Replace the global state; emits GlobalChanged when it differs."""
        if state != self._global:
            self._global = state
            self._emit(GlobalChanged())

    def set_budget(self, budget: BudgetStatus) -> None:
        """Replace the budget part of the global state."""
        self.set_global(replace(self._global, budget=budget))
