"""The presenter: store changes in, one immutable Frame per cadence out. No Textual here.

    store event (engine's task) -> Presenter marks the campaign changed (or wakes at once when
    urgent) -> at the cadence, on the injected clock: drain the changed set, evaluate the rules
    once, build a Frame -> every frame listener (the viewer's MainScreen) gets it

Urgent, built at once: adds and removes, the selected campaign's first data or a change of its
banner, a global change other than the budget figures (pause, 401 and its key prompt, 429,
offline), and everything the user asks through the controller (select, time mode, key). The rest
waits for the cadence (`cadence.FRAME_SECONDS`, or `COUNTDOWN_SECONDS` while something on screen
counts), and nothing wakes at all once every campaign is stopped and no countdown runs.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType

from msgspec.structs import replace

from appizer_tui.alerts.alert import FAILURE_RATE
from appizer_tui.alerts.channels import AlertChannels
from appizer_tui.alerts.rules import AlertEngine
from appizer_tui.polling.clock import Clock
from appizer_tui.present import cadence
from appizer_tui.present.banners import (
    first_data_or_banner_changed,
    global_counting,
    global_lines,
    retry_state,
)
from appizer_tui.present.frame import DetailProps, Frame, HeaderState, Toast
from appizer_tui.present.rows import RowProps, changes_with_time, row_props
from appizer_tui.present.status import BudgetProps, budget_props, shows_at_once
from appizer_tui.present.toasts import alert_toast
from appizer_tui.safe_text import safe_text
from appizer_tui.state.events import (
    CampaignAdded,
    CampaignErrored,
    CampaignRemoved,
    CampaignUpdated,
    GlobalChanged,
    StoreEvent,
)
from appizer_tui.state.model import CampaignView, GlobalState
from appizer_tui.state.store import CampaignStore

log = logging.getLogger(__name__)

FrameListener = Callable[[Frame], None]


class Presenter:
    """Builds the viewer's frames from `store` on `clock`; `run()` drives it (as a task).

    `alerts` decides alerts (default: every rule at its default), evaluated once per frame on
    the campaigns that changed; each frame's transitions also go to `channels` (the desktop
    notification and the `--on-alert` hook), if given. The header's
    fixed parts (`base_url`, `demo`, `key_masked`) and the timestamp mode start as given and
    change through `set_key_masked` and `set_time_mode`. In a replay, `replay_label` gives the
    header's replay clock text for the frame's time (the replay clock's position)."""

    def __init__(
        self,
        store: CampaignStore,
        clock: Clock,
        *,
        alerts: AlertEngine | None = None,
        channels: AlertChannels | None = None,
        base_url: str = "",
        demo: bool = False,
        key_masked: str | None = None,
        time_mode: str = "relative",
        replay_label: Callable[[float], str] | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.alerts = alerts if alerts is not None else AlertEngine()
        self.channels = channels
        self.status_seconds = cadence.STATUS_SECONDS
        """Seconds between redraws of the budget figures (0: every frame, for screenshots)."""
        self._base_url = base_url
        self._demo = demo
        self._key_masked = key_masked
        self._time_mode = time_mode
        self._replay_label = replay_label
        """In a replay: the header's replay clock text at a given (replay) time."""
        self._selected: str | None = None
        self._engine_failure: str | None = None
        self._team = ""
        self._ring = False
        """Ring the bell with the next frame (the engine just stopped)."""
        self._seq = 0
        self._listeners: list[FrameListener] = []
        self._unheard: tuple[Toast, ...] = ()
        """Toasts of frames built while nobody listened (the viewer's screen subscribes a moment
        after the first polls may have answered): handed to the first listener."""
        self._unheard_bell = False
        self._frame: Frame | None = None
        self._changed: set[str] = set()
        self._structure = True
        self._live: set[str] = set()
        """Campaigns the engine still polls on its own: their rows can go stale."""
        self._global_shown: GlobalState | None = None
        self._status_at = -math.inf
        self._due = asyncio.Event()
        """Set when a frame is wanted: by the cadence, or at once for an urgent change."""
        self._wake_ticker = asyncio.Event()
        """Set when there is something for the idle cadence to pick up."""
        self._published = asyncio.Event()
        """Set by every frame: the alert engine's next check time may have moved."""

    # ----- reading -----------------------------------------------------------------------

    @property
    def frame(self) -> Frame | None:
        """The latest frame (None before the first)."""
        return self._frame

    @property
    def selected(self) -> str | None:
        """The campaign the detail shows."""
        return self._selected

    @property
    def time_mode(self) -> str:
        """How timestamps are shown: "relative", "local" or "utc"."""
        return self._time_mode

    def subscribe(self, listener: FrameListener) -> Callable[[], None]:
        """Call `listener(frame)` with every new frame; returns a function that unsubscribes."""
        self._listeners.append(listener)
        frame = self._frame
        if frame is not None and (self._unheard or self._unheard_bell):
            frame = dataclasses.replace(frame, toasts=self._unheard, bell=self._unheard_bell)
            self._unheard, self._unheard_bell = (), False
            listener(frame)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # ----- intents (through the controller) ----------------------------------------------

    def select(self, campaign_id: str | None) -> None:
        """Show `campaign_id` in the detail (at once)."""
        if campaign_id != self._selected:
            self._selected = campaign_id
            self.wake()

    def set_time_mode(self, mode: str) -> None:
        """Timestamps as "relative", "local" or "utc" (at once)."""
        self._time_mode = mode
        self.wake()

    def set_key_masked(self, masked: str | None) -> None:
        """The header shows this key (at once)."""
        self._key_masked = masked
        self.wake()

    def set_team(self, text: str) -> None:
        """The status line's team state (`TeamStatus.text`), at once when it changes."""
        text = safe_text(text, max_length=160)  # a leader's host name comes from Redis
        if text != self._team:
            self._team = text
            self.wake()

    def engine_failed(self, text: str) -> None:
        """The polling engine stopped: a banner says so from now on, with a bell."""
        self._engine_failure = text
        self._ring = True
        self.wake()

    def wake(self) -> None:
        """Build a frame at once (on the next turn of the event loop)."""
        self._due.set()

    # ----- store events ------------------------------------------------------------------

    def _on_event(self, event: StoreEvent) -> None:
        if isinstance(event, CampaignAdded | CampaignRemoved):
            self._structure = True
            self._changed.discard(event.campaign_id)
            self._live.discard(event.campaign_id)
            if isinstance(event, CampaignAdded):
                self._changed.add(event.campaign_id)
                self._live.add(event.campaign_id)
            self.wake()
        elif isinstance(event, GlobalChanged):
            state = self.store.global_state()
            shown = self._global_shown
            if shown is None or replace(state, budget=shown.budget) != shown:
                self.wake()
            self._wake_ticker.set()
        elif isinstance(event, CampaignUpdated | CampaignErrored):
            self._campaign_changed(event.campaign_id)

    def _campaign_changed(self, campaign_id: str) -> None:
        view = self.store.get(campaign_id)
        if view is None:
            return
        self._changed.add(campaign_id)
        if view.phase.is_stopped:
            self._live.discard(campaign_id)
        else:
            self._live.add(campaign_id)
        if campaign_id == self._shown_selection() and self._urgent_for_detail(view):
            self.wake()
        self._wake_ticker.set()

    def _shown_selection(self) -> str | None:
        frame = self._frame
        if self._selected is not None or frame is None:
            return self._selected
        return frame.selected

    def _urgent_for_detail(self, view: CampaignView) -> bool:
        frame = self._frame
        shown = frame.detail.view if frame is not None and frame.detail is not None else None
        return shown is None or first_data_or_banner_changed(shown, view)

    # ----- the loop ----------------------------------------------------------------------

    async def run(self) -> None:
        """Build frames until cancelled: the first at once, then at the cadence and on urgent
        changes."""
        unsubscribe = self.store.subscribe(self._on_event)
        ticker = asyncio.ensure_future(self._ticks())
        checks = asyncio.ensure_future(self._alert_checks())
        self._structure = True
        self.wake()
        try:
            while True:
                await self._due.wait()
                self._due.clear()
                for helper in (ticker, checks):
                    if helper.done():
                        helper.result()  # the cadence failed: say so rather than freeze
                self.publish()
        finally:
            unsubscribe()
            ticker.cancel()
            checks.cancel()

    async def _alert_checks(self) -> None:
        """Wake at the alert engine's `next_check_at()`: a timed rule (a rate limit or an
        outage held for a minute) becomes true while nothing in the store changes."""
        while True:
            due = self.alerts.next_check_at()
            if due is not None and self.clock.wall() < due:
                # Never longer than a frame: a check that moves earlier is picked up soon.
                await self.clock.sleep(min(due - self.clock.wall(), cadence.FRAME_SECONDS))
                continue
            if due is not None:
                self.wake()
            self._published.clear()
            await self._published.wait()

    async def _ticks(self) -> None:
        while True:
            if not self._wants_ticks():
                self._wake_ticker.clear()
                await self._wake_ticker.wait()
            frame = self._frame
            counting = frame is not None and frame.counting
            await self.clock.sleep(cadence.COUNTDOWN_SECONDS if counting else cadence.FRAME_SECONDS)
            self._due.set()

    def _wants_ticks(self) -> bool:
        frame = self._frame
        return bool(
            self._changed
            or self._structure
            or self._live
            or (frame is not None and frame.counting)
            or self._global_shown != self.store.global_state()
        )

    def publish(self) -> Frame:
        """Build a frame now and hand it to every listener; returns it."""
        frame = self.build()
        self._frame = frame
        if not self._listeners:
            self._unheard += frame.toasts
            self._unheard_bell = self._unheard_bell or frame.bell
        self._published.set()
        if self.channels is not None and frame.alerts:
            self.channels.send(frame.alerts)
        for listener in tuple(self._listeners):
            try:
                listener(frame)
            except Exception:
                log.exception("frame listener %r failed", listener)
        return frame

    # ----- building ----------------------------------------------------------------------

    def build(self) -> Frame:
        """Drain the changed campaigns and build the next frame (`publish` also sends it)."""
        now = self.clock.wall()
        store = self.store
        state = store.global_state()
        previous = self._frame
        ids = self._current_ids(previous)
        changed, self._changed = self._changed, set()
        old_rows: Mapping[str, RowProps] = previous.rows if previous is not None else {}
        views = {cid: v for cid in ids if (v := store.get(cid)) is not None}
        alerts = tuple(
            self.alerts.evaluate(
                (views[cid] for cid in ids if cid in changed and cid in views), state, now
            )
        )
        rows: dict[str, RowProps] = {}
        changed_rows: set[str] = set()
        counting = False
        # Recounted here too: campaigns added before `run` subscribed sent no event.
        self._live = {cid for cid, view in views.items() if not view.phase.is_stopped}
        for campaign_id, view in views.items():
            row = old_rows.get(campaign_id)
            if row is None or campaign_id in changed or changes_with_time(view, row, now):
                new = row_props(view, now, bool(self.alerts.firing(campaign_id)))
                if new != row:
                    row = new
                    changed_rows.add(campaign_id)
            assert row is not None
            rows[campaign_id] = row
            counting = counting or row.stale
        detail = self._detail(views, now, state)
        if detail is not None and detail.view.error is not None:
            counting = counting or detail.view.error.next_retry_at is not None
        counting = counting or global_counting(state, now)
        self._global_shown = state
        self._seq += 1
        return Frame(
            seq=self._seq,
            now=now,
            ids=ids,
            rows=MappingProxyType(rows),
            changed_rows=frozenset(changed_rows),
            selected=detail.view.campaign_id if detail is not None else None,
            detail=detail,
            header=HeaderState(
                base_url=self._base_url,
                demo=self._demo,
                key_masked=self._key_masked,
                paused=state.paused,
                campaigns=len(ids),
                replay=self._replay_label(now) if self._replay_label is not None else None,
            ),
            status=self._status(state, now, previous),
            banners=global_lines(state, now, self._engine_failure),
            offline=state.offline_since is not None,
            auth_error=state.auth_error is not None,
            alerts=alerts,
            toasts=tuple(alert_toast(alert) for alert in alerts),
            bell=any(a.firing and a.severity == "alarm" for a in alerts) or self._take_ring(),
            counting=counting,
        )

    def _take_ring(self) -> bool:
        ring, self._ring = self._ring, False
        return ring

    def _current_ids(self, previous: Frame | None) -> tuple[str, ...]:
        if previous is not None and not self._structure:
            return previous.ids
        self._structure = False
        ids = self.store.ids()
        if previous is not None:
            if ids == previous.ids:
                return previous.ids
            for gone in set(previous.ids).difference(ids):
                self.alerts.forget(gone)
        return ids

    def _detail(
        self, views: dict[str, CampaignView], now: float, state: GlobalState
    ) -> DetailProps | None:
        # Until the user picks one, the first campaign is selected (as in the list).
        campaign_id = self._selected if self._selected is not None else next(iter(views), None)
        view = views.get(campaign_id) if campaign_id is not None else None
        if view is None:
            return None
        history = self.store.history(view.campaign_id)
        return DetailProps(
            view=view,
            history=history,
            history_version=history.version,
            alert=FAILURE_RATE in self.alerts.firing(view.campaign_id),
            now=now,
            time_mode=self._time_mode,
            retry=retry_state(state),
        )

    def _status(self, state: GlobalState, now: float, previous: Frame | None) -> BudgetProps:
        live = bool(self._live) or global_counting(state, now)
        budget = state.budget
        if not live:
            # With no frames coming, a countdown would freeze: leave the reset time out.
            budget = replace(budget, server_reset_at=None)
        props = budget_props(
            budget,
            self.store.interval,
            now,
            paused=state.paused,
            auth_paused=state.auth_error is not None,
        )
        if self._team:
            props = replace(props, team=self._team)
        if self.channels is not None and self.channels.problem is not None:
            props = replace(props, problem=self.channels.problem)
        old = previous.status if previous is not None else None
        if shows_at_once(old, props) or not live or now - self._status_at >= self.status_seconds:
            self._status_at = now
            return props
        return old if old is not None else props
