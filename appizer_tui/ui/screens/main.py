"""The main screen: global banners, the campaign list, the detail pane and the budget line.

It reads the store (frozen views) and hands the widgets what to show; user intents go to the
engine through the Controller. Store events arrive from the app as method calls, already
coalesced. While a dialog covers it, updates are only noted and applied when it comes back.
"""

from __future__ import annotations

import math
from typing import ClassVar

from msgspec.structs import replace
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from appizer_tui.polling.clock import Clock
from appizer_tui.safe_text import safe_text
from appizer_tui.state import format as fmt
from appizer_tui.state.store import CampaignStore, GlobalState
from appizer_tui.ui.controller import Controller
from appizer_tui.ui.options import ViewerOptions
from appizer_tui.ui.screens.main_actions import MainActions
from appizer_tui.ui.widgets.app_header import AppHeader, HeaderState
from appizer_tui.ui.widgets.banners import Banner, global_lines
from appizer_tui.ui.widgets.campaign_list import CampaignList
from appizer_tui.ui.widgets.detail import DetailPane
from appizer_tui.ui.widgets.list_model import SORT_ARROWS
from appizer_tui.ui.widgets.status_line import StatusLine, budget_props
from appizer_tui.ui.widgets.welcome import Welcome

STATUS_REFRESH_SECONDS = 5.0
ROW_FLUSH_SECONDS = 2.0
"""Seconds between redraws of the list rows that polls changed (the selected campaign is drawn on
the next tick, within a second). Each poll lands on screen at most this late; every row still
changes once per poll interval, and half the frames cost half the CPU."""
"""How often the budget figures are redrawn at most (urgent changes show at once)."""


class MainScreen(MainActions, Screen[None]):
    """Everything the viewer shows at steady state."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", id="add", tooltip="Add campaigns: one or more ids"),
        Binding("d", "remove", "Remove", id="remove", tooltip="Remove the selected (asks first)"),
        Binding("r", "refresh", "Refresh", id="refresh", tooltip="Refresh the selected now"),
        Binding(
            "R",
            "refresh_all",
            "Refresh all",
            show=False,
            id="refresh_all",
            tooltip="Refresh every campaign now (within the budget)",
        ),
        Binding("p", "pause", "Pause", id="pause", tooltip="Pause or resume all polling"),
        Binding(
            "K",
            "api_key",
            "API key",
            show=False,
            id="api_key",
            tooltip="Enter an API key (masked, used at once, never saved)",
        ),
        # While the 401 banner is up, `k` (otherwise "up" in the list) opens the key prompt.
        Binding(
            "k",
            "api_key_on_auth_error",
            "API key (401)",
            show=False,
            priority=True,
            id="api_key_401",
            tooltip="The same, while the 401 banner shows",
        ),
        Binding(
            "y",
            "copy",
            "Copy",
            show=False,
            id="copy",
            tooltip="Copy the selected id and figures (OSC 52: works over SSH)",
        ),
        Binding(
            "e",
            "export",
            "Export",
            show=False,
            id="export",
            tooltip="Export campaigns or a history as CSV or JSON",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="filter",
            tooltip="Filter by id text and status words (error, stale, alert too)",
        ),
        Binding(
            "s",
            "sort",
            "Sort",
            id="sort",
            tooltip="Sort: added, id, status, progress, failure rate",
        ),
        Binding(
            "t",
            "time_mode",
            "Times",
            show=False,
            id="time_mode",
            tooltip="Timestamps: relative, local time, UTC",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            show=False,
            id="back",
            tooltip="Back to the list; clear the filter",
        ),
        Binding(
            "question_mark,f1", "help", "Help", id="help", key_display="?", tooltip="This sheet"
        ),
        Binding("q", "app.quit_viewer", "Quit", id="quit", tooltip="Quit"),
    ]

    AUTO_FOCUS = "#campaigns"
    """Focused from the start: the hidden filter input, Textual's pick, would be focused and
    styled first only to give the focus away in on_mount."""

    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (100, "-medium"),
        (160, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [
        (0, "-short"),
        (30, "-tall"),
        (48, "-very-tall"),
    ]

    def __init__(
        self,
        *,
        store: CampaignStore,
        controller: Controller,
        clock: Clock,
        options: ViewerOptions,
    ) -> None:
        super().__init__(id="main")
        self.store = store
        self.controller = controller
        self.clock = clock
        self.options = options
        self.key_masked = options.key_masked
        self.fatal: str | None = None
        self._timer: Timer | None = None
        self._dirty: set[str] = set()
        self._pending_rows: set[str] = set()
        """Campaigns whose list row waits for the next 1 Hz tick (see campaign_changed)."""
        self._structure_dirty = False
        self._suspended = False
        self._build_pending = False
        self._live: set[str] = set()
        self._auth_shown = False
        self._ticking = False
        self._status_at = -1e18
        self._rows_flushed_at = -math.inf
        self._global_shown: GlobalState | None = None
        """The global state the last global_changed showed (see defer_global)."""
        self.status_refresh = STATUS_REFRESH_SECONDS
        """Seconds between redraws of the budget figures (0: every change, for screenshots)."""

    def compose(self) -> ComposeResult:
        yield AppHeader(id="app-header")
        yield Banner(id="global-banner")
        with Container(id="panes"):
            with Vertical(id="list-pane"):
                # The `/` filter's field is mounted above the list on first use (action_filter).
                yield CampaignList(alert_threshold=self.options.alert_failure_rate, id="campaigns")
            yield DetailPane(alert_threshold=self.options.alert_failure_rate, id="detail")
        yield Welcome(id="welcome")
        yield StatusLine(id="status-line")
        # The detail pane's parts and the footer follow the first frame (see _build_rest).

    @property
    def campaign_list(self) -> CampaignList:
        """The list widget."""
        return self.query_one(CampaignList)

    @property
    def detail(self) -> DetailPane:
        """The detail pane."""
        return self.query_one(DetailPane)

    def on_mount(self) -> None:
        self.detail.time_mode = self.options.time_mode
        self._timer = self.set_interval(1.0, self.tick, pause=True)
        self.reload()
        self.global_changed()
        self.campaign_list.focus()
        self.call_after_refresh(self._build_rest)

    async def _build_rest(self) -> None:
        """What the first frame can do without: the first figures are due in the list, and the
        detail's parts and the footer cost about as much again to compose, style and draw."""
        from textual.widgets import Footer

        if self._suspended:  # a dialog opened first: build when it closes
            self._build_pending = True
            return
        self._build_pending = False
        await self.detail.build()
        if self.is_attached:  # not when the viewer is already quitting
            await self.mount(Footer(compact=True))
            # A Footer lists the bindings when told they changed, and the focus (the usual
            # teller) settled before it was mounted.
            self.refresh_bindings()

    # ----- store events (called by the app) ----------------------------------------------

    def reload(self) -> None:
        """Re-read every campaign (start-up, adds, removes)."""
        if self._suspended:
            self._structure_dirty = True
            return
        now = self.clock.wall()
        views = self.store.views()
        self.campaign_list.set_views(views, now)
        self._live = {v.campaign_id for v in views if not v.phase.is_stopped}
        self.set_class(not views, "-empty")
        self._show_selected(now)
        self._update_header()
        self._update_titles()
        self._sync_timer()

    def defer_to_tick(self, campaign_id: str) -> bool:
        """Queue the campaign for the next 1 Hz tick (its row, and the detail pane when it is
        the selected one) when it stays live; True when queued.

        Each poll would otherwise cost a frame of its own (Textual re-renders every widget
        overlapping a change, ~2-3 ms) and a message: this way fifty campaigns polled every
        5 s cost one frame a second, and a change shows at most a second after its poll. The
        store listener calls this before posting anything.
        """
        if not self._ticking or campaign_id not in self._live:
            return False
        view = self.store.get(campaign_id)
        if view is None or view.phase.is_stopped:
            return False
        self._pending_rows.add(campaign_id)
        return True

    def campaign_changed(self, campaign_id: str) -> None:
        """One campaign's view changed."""
        if self._suspended:
            self._dirty.add(campaign_id)
            return
        if self.defer_to_tick(campaign_id):
            return
        view = self.store.get(campaign_id)
        if view is None:
            return
        now = self.clock.wall()
        was_live = campaign_id in self._live
        is_live = not view.phase.is_stopped
        on_cursor = campaign_id == self.campaign_list.cursor_id
        self._pending_rows.discard(campaign_id)
        self.campaign_list.update_view(view, now)
        if on_cursor:
            self.detail.show(view, self.store.history(campaign_id), now)
        if is_live:
            self._live.add(campaign_id)
        else:
            self._live.discard(campaign_id)
        if was_live != is_live:
            self._sync_timer()

    def _flush_rows(self, now: float, *, all_rows: bool = True) -> None:
        """Draw the rows (and the selected campaign's details) that waited for the tick; with
        `all_rows` False, only the selected campaign's."""
        selected = self.campaign_list.cursor_id
        if all_rows:
            pending, self._pending_rows = self._pending_rows, set()
            self._rows_flushed_at = now
        elif selected in self._pending_rows:
            self._pending_rows.discard(selected)
            pending = {selected}
        else:
            return
        for campaign_id in pending:
            view = self.store.get(campaign_id)
            if view is not None:
                self.campaign_list.update_view(view, now)
                if campaign_id == selected:
                    self.detail.show(view, self.store.history(campaign_id), now)

    def defer_global(self) -> bool:
        """True when only the budget figures changed while the 1 Hz tick runs: the tick shows
        them (the engine republishes the budget with nearly every poll)."""
        shown = self._global_shown
        if not self._ticking or shown is None:
            return False
        return replace(self.store.global_state(), budget=shown.budget) == shown

    def global_changed(self) -> None:
        """Pause, auth, 429, offline or budget changed."""
        if self._suspended:
            self._structure_dirty = True
            return
        state = self.store.global_state()
        now = self.clock.wall()
        self._global_shown = state
        self._show_global(state, now)
        offline = state.offline_since is not None
        self.set_class(offline, "-offline")
        self.campaign_list.dimmed = offline
        self._update_header()
        self._sync_timer()
        auth = state.auth_error is not None
        if auth != self._auth_shown:
            # Only what `k` means changes with it; refreshing bindings rebuilds the footer.
            self._auth_shown = auth
            self.refresh_bindings()

    def _show_global(self, state: GlobalState, now: float) -> None:
        self.query_one("#global-banner", Banner).props = global_lines(state, now, self.fatal)
        self._update_status(state, now)

    def _update_status(self, state: GlobalState, now: float, *, force: bool = False) -> None:
        live = bool(self._live) or self._global_countdown(state, now)
        budget = state.budget
        if not live:
            # Without the 1 Hz tick a countdown would freeze: leave the reset time out.
            budget = replace(budget, server_reset_at=None)
        props = budget_props(budget, self.store.interval, now, paused=state.paused)
        status = self.query_one(StatusLine)
        old = status.props
        # The request counts move with every poll; redrawing the line each time would cost more
        # bytes than everything else on screen. Figures refresh every few seconds, while a
        # change that matters (429s, pause, an overrun) shows at once.
        urgent = old is None or (
            old.count_429,
            old.overrun,
            old.cadence,
            bool(old.server),
        ) != (props.count_429, props.overrun, props.cadence, bool(props.server))
        if force or urgent or not live or now - self._status_at >= self.status_refresh:
            status.props = props
            self._status_at = now

    def _update_header(self) -> None:
        self.query_one(AppHeader).props = HeaderState(
            base_url=self.options.base_url,
            demo=self.options.demo,
            key_masked=self.key_masked,
            paused=self.store.global_state().paused,
            campaigns=len(self.store),
        )

    def _sort_filter_text(self) -> str:
        campaigns = self.campaign_list
        text = f"sort: {campaigns.order_by} {SORT_ARROWS[campaigns.order_by]}".rstrip()
        if campaigns.filter_text:
            shown = len(campaigns.visible_ids)
            typed = safe_text(campaigns.filter_text, max_length=40)
            text = f"filter: {typed} ({shown}) \u00b7 {text}"
        return text

    def _update_titles(self) -> None:
        pane = self.query_one("#list-pane")
        campaigns = self.campaign_list
        total = len(self.store)
        shown = len(campaigns.visible_ids)
        count = f"{shown}/{total}" if campaigns.filter_text else f"{total}"
        pane.border_title = Content(f"Campaigns ({count})")
        # The filter is the user's text: a Content, since a str title is parsed as markup.
        pane.border_subtitle = Content(self._sort_filter_text())
        self._update_status(self.store.global_state(), self.clock.wall(), force=True)

    # ----- time --------------------------------------------------------------------------

    @staticmethod
    def _global_countdown(state: GlobalState, now: float) -> bool:
        return (
            state.rate_limited_until is not None and state.rate_limited_until > now
        ) or state.next_probe_at is not None

    def _sync_timer(self) -> None:
        """Run the 1 Hz tick only while something on screen can change with time."""
        if self._timer is None:
            return
        state = self.store.global_state()
        live = bool(self._live) or self._global_countdown(state, self.clock.wall())
        self._ticking = live and not self._suspended
        if self._ticking:
            self._timer.resume()
        else:
            self._timer.pause()
            if self._pending_rows and not self._suspended:
                self._flush_rows(self.clock.wall())

    @property
    def ticking(self) -> bool:
        """True while the 1 Hz timer runs (something on screen changes with time)."""
        return self._ticking

    def tick(self) -> None:
        """Once a second while anything is live: ages, countdowns and staleness."""
        now = self.clock.wall()
        with self.app.batch_update():
            self._flush_rows(now, all_rows=now - self._rows_flushed_at >= ROW_FLUSH_SECONDS)
            self.campaign_list.tick(now)
            self.detail.tick(now)
            self._show_global(self.store.global_state(), now)
        self._sync_timer()

    def _show_selected(self, now: float) -> None:
        campaign_id = self.campaign_list.cursor_id
        view = self.store.get(campaign_id) if campaign_id is not None else None
        history = self.store.history(campaign_id) if campaign_id is not None else None
        self.detail.show(view, history, now)

    # ----- covered by a dialog -----------------------------------------------------------

    def on_screen_suspend(self) -> None:
        self._suspended = True
        self._ticking = False
        if self._timer is not None:
            self._timer.pause()

    def on_screen_resume(self) -> None:
        self._suspended = False
        if self._build_pending:
            self.call_after_refresh(self._build_rest)
        if self._structure_dirty:
            self._structure_dirty = False
            self._dirty.clear()
            self.reload()
            self.global_changed()
        else:
            dirty, self._dirty = self._dirty, set()
            for campaign_id in dirty:
                self.campaign_changed(campaign_id)
        self._sync_timer()

    # ----- list events -------------------------------------------------------------------

    @on(CampaignList.Highlighted)
    def _highlighted(self, event: CampaignList.Highlighted) -> None:
        self._show_selected(self.clock.wall())
        self.controller.poller.set_focus(event.campaign_id)

    @on(CampaignList.Selected)
    def _selected(self) -> None:
        self.set_focus(self.detail)

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.campaign_list.filter_text = event.value.strip()
        self._update_titles()

    @on(Input.Submitted, "#filter-input")
    def _filter_done(self) -> None:
        # At once, not after the queue: keys typed right after Enter belong to the list.
        self.set_focus(self.campaign_list)
        self.set_class(bool(self.campaign_list.filter_text), "-filtering")

    def help_groups(self) -> list[tuple[str, list[Binding]]]:
        """The bindings the help screen lists, grouped; read from the classes themselves."""
        from appizer_tui.ui.screens.help import help_groups

        mine = [b for b in self.BINDINGS if isinstance(b, Binding)]
        return help_groups(mine, CampaignList.BINDINGS, DetailPane.BINDINGS)

    def format_time_mode(self) -> str:
        """The current timestamp mode, as the toast after `t` says it."""
        return {"relative": "relative ages", "local": "local time", "utc": "UTC"}.get(
            self.detail.time_mode, fmt.MISSING
        )
