"""The main screen: global banners, the campaign list, the detail pane and the budget line.

It renders Frames: the presenter builds one per cadence (or at once for urgent changes), the
screen holds the current one in `frame` and hands each widget its part. User intents go to the
engine and the presenter through the Controller. While a dialog covers the screen, the newest
frame is kept and drawn when it comes back (its toasts and bell are not held back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input, Static

from appizer_tui.polling.clock import Clock
from appizer_tui.present.frame import Frame
from appizer_tui.present.rows import SORT_ARROWS
from appizer_tui.present.totals import totals_props
from appizer_tui.safe_text import safe_text
from appizer_tui.state import format as fmt
from appizer_tui.state.store import CampaignStore
from appizer_tui.ui.controller import Controller
from appizer_tui.ui.options import ViewerOptions
from appizer_tui.ui.screens.main_actions import MainActions
from appizer_tui.ui.widgets.app_header import AppHeader
from appizer_tui.ui.widgets.banners import Banner
from appizer_tui.ui.widgets.campaign_list import CampaignList
from appizer_tui.ui.widgets.detail import DetailPane
from appizer_tui.ui.widgets.status_line import StatusLine
from appizer_tui.ui.widgets.totals import TotalsLine
from appizer_tui.ui.widgets.welcome import Welcome


@dataclass
class FrameReady(Message):
    """The presenter built a new frame (posted from its task; never merged with another, since
    each carries its own toasts and changed rows)."""

    frame: Frame


MIN_WIDTH = 40
MIN_HEIGHT = 12
"""Below this size the layout cannot hold a list, a line of detail and the status line: the
screen says so instead of drawing a broken one."""


class MainScreen(MainActions, Screen[None]):
    """Everything the viewer shows at steady state."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # `a`, `K` and `/` open a field, and are priority bindings so that they run as soon as
        # the app reads them: the keys typed right after them (over SSH, in the same read) are
        # then sent to the field they opened, never to the list as commands.
        Binding(
            "a", "add", "Add", id="add", priority=True, tooltip="Add campaigns: one or more ids"
        ),
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
            "plus",
            "interval(True)",
            "Slower",
            show=False,
            id="interval_longer",
            tooltip="Poll less often: the next longer interval (up to 5 min)",
        ),
        Binding(
            "minus",
            "interval(False)",
            "Faster",
            show=False,
            id="interval_shorter",
            tooltip="Poll more often: the next shorter interval (down to 1 s)",
        ),
        Binding(
            "K",
            "api_key",
            "API key",
            show=False,
            priority=True,
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
            tooltip="Copy the selected id and figures to the terminal's clipboard (OSC 52)",
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
            priority=True,
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
            priority=True,  # read at once, so the keys typed after it are commands again
            id="back",
            tooltip="Back to the list; clear the filter",
        ),
        # A way back that is not Esc (GNU screen holds a lone Esc back while the mouse is on).
        Binding(
            "backspace",
            "back",
            "Back",
            show=False,
            id="back_backspace",
            tooltip="Back to the list from the detail pane (as Esc)",
        ),
        Binding("enter", "filter_done", "Done", show=False, priority=True, id="filter_done"),
        Binding(
            "A",
            "alerts",
            "Alerts",
            show=False,
            id="alerts",
            tooltip="Every alert since the viewer started, and which are firing",
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
        (0, "-too-narrow"),
        (MIN_WIDTH, "-narrow"),
        (100, "-medium"),
        (160, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [
        (0, "-too-short"),
        (MIN_HEIGHT, "-short"),
        (30, "-tall"),
        (48, "-very-tall"),
    ]

    frame: var[Frame | None] = var(None, init=False)
    """The frame on screen; assigning a new one redraws what changed."""

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
        self._held: Frame | None = None
        """The newest frame that arrived while a dialog covered the screen."""
        self._suspended = False
        self._build_pending = False
        self._unsubscribe: list[object] = []

    def compose(self) -> ComposeResult:
        yield AppHeader(id="app-header")
        yield Banner(id="global-banner")
        with Container(id="panes"):
            with Vertical(id="list-pane"):
                # The `/` filter's field is mounted above the list on first use (action_filter).
                yield CampaignList(id="campaigns")
                yield TotalsLine(id="totals")
            yield DetailPane(id="detail")
        yield Welcome(id="welcome")
        yield StatusLine(id="status-line")
        yield Static(
            Content(f"enlarge the window to at least {MIN_WIDTH}x{MIN_HEIGHT}"), id="too-small"
        )
        # The detail pane's parts and the footer follow the first frame (see _build_rest).

    @property
    def campaign_list(self) -> CampaignList:
        """The list widget."""
        return self.query_one(CampaignList)

    @property
    def detail(self) -> DetailPane:
        """The detail pane."""
        return self.query_one(DetailPane)

    @property
    def key_masked(self) -> str | None:
        """The API key as the header shows it."""
        frame = self.frame
        return frame.header.key_masked if frame is not None else self.options.key_masked

    def on_mount(self) -> None:
        presenter = self.controller.presenter
        self._unsubscribe.append(presenter.subscribe(self._post_frame))
        # The rows belong in the screen's very first paint: build a frame now if none is out.
        self.frame = presenter.frame if presenter.frame is not None else presenter.publish()
        self.campaign_list.focus()
        self.call_after_refresh(self._build_rest)
        if self.options.polls and self.options.key_masked is None and not self.options.demo:
            # Started without a key: ask for one at once, as the 401 banner's `k` does.
            self.call_after_refresh(self.action_api_key)

    def on_unmount(self) -> None:
        for unsubscribe in self._unsubscribe:
            if callable(unsubscribe):
                unsubscribe()
        self._unsubscribe.clear()

    async def _build_rest(self) -> None:
        """What the first frame can do without: the first figures are due in the list, and the
        detail's parts and the footer cost about as much again to compose, style and draw."""
        from appizer_tui.ui.widgets.footer import AppFooter

        if self._suspended:  # a dialog opened first: build when it closes
            self._build_pending = True
            return
        self._build_pending = False
        await self.detail.build()
        if self.is_attached:  # not when the viewer is already quitting
            await self.mount(AppFooter(compact=True))
            # A Footer lists the bindings when told they changed, and the focus (the usual
            # teller) settled before it was mounted.
            self.refresh_bindings()

    # ----- frames ------------------------------------------------------------------------

    def _post_frame(self, frame: Frame) -> None:
        """The presenter's listener (runs in its task): hand the frame to this screen's queue."""
        self.post_message(FrameReady(frame))

    @on(FrameReady)
    def _frame_ready(self, message: FrameReady) -> None:
        frame = message.frame
        for toast in frame.toasts:
            self.notify(
                toast.text,
                title=toast.title,
                severity=toast.severity,
                timeout=toast.timeout,
                markup=False,
            )
        if frame.bell:
            self.app.bell()
        if self._suspended:
            self._held = frame
        else:
            self.frame = frame

    def watch_frame(self, old: Frame | None, new: Frame | None) -> None:
        if new is None:
            return
        with self.app.batch_update():
            self._show(new, old)

    def _show(self, frame: Frame, old: Frame | None) -> None:
        contiguous = old is not None and frame.seq == old.seq + 1 and frame.ids is old.ids
        self.campaign_list.show(frame.rows, frame.changed_rows if contiguous else None)
        if old is None or frame.ids is not old.ids:
            self.set_class(not frame.ids, "-empty")
            self._update_titles(frame)
        elif self.campaign_list.filter_text:
            self._update_titles(frame)
        if not (old is None or frame.ids is not old.ids or self.campaign_list.filter_text):
            self._update_totals(frame)  # else _update_titles just did
        self.detail.show(frame.detail)
        self.query_one(AppHeader).props = frame.header
        self.query_one("#global-banner", Banner).props = frame.banners
        self.query_one(StatusLine).props = frame.status
        self.set_class(frame.offline, "-offline")
        self.campaign_list.dimmed = frame.offline
        if old is None or old.auth_error != frame.auth_error:
            # Only what `k` means changes with it; refreshing bindings rebuilds the footer.
            self.refresh_bindings()

    def _sort_filter_text(self) -> str:
        campaigns = self.campaign_list
        text = f"sort: {campaigns.order_by} {SORT_ARROWS[campaigns.order_by]}".rstrip()
        if campaigns.filter_text:
            shown = len(campaigns.visible_ids)
            typed = safe_text(campaigns.filter_text, max_length=40)
            text = f"filter: {typed} ({shown}) \u00b7 {text}"
        return text

    def _update_titles(self, frame: Frame | None = None) -> None:
        frame = frame if frame is not None else self.frame
        pane = self.query_one("#list-pane")
        campaigns = self.campaign_list
        total = len(frame.ids) if frame is not None else 0
        shown = len(campaigns.visible_ids)
        count = f"{shown}/{total}" if campaigns.filter_text else f"{total}"
        pane.border_title = Content(f"Campaigns ({count})")
        # The filter is the user's text: a Content, since a str title is parsed as markup.
        pane.border_subtitle = Content(self._sort_filter_text())
        self._update_totals(frame)

    def _update_totals(self, frame: Frame | None) -> None:
        """The totals of the rows the list shows (after the filter)."""
        if frame is not None:
            rows = frame.rows
            shown = (rows[cid] for cid in self.campaign_list.visible_ids if cid in rows)
            self.query_one(TotalsLine).props = totals_props(shown)

    # ----- covered by a dialog -----------------------------------------------------------

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        self._suspended = False
        if self._build_pending:
            self.call_after_refresh(self._build_rest)
        held, self._held = self._held, None
        if held is not None:
            self.frame = held

    # ----- list events -------------------------------------------------------------------

    @on(CampaignList.Highlighted)
    def _highlighted(self, event: CampaignList.Highlighted) -> None:
        self.controller.select(event.campaign_id)

    @on(CampaignList.Selected)
    def _selected(self) -> None:
        self.set_focus(self.detail)

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.campaign_list.filter_text = event.value.strip()
        self._update_titles()


    def help_groups(self) -> list[tuple[str, list[Binding]]]:
        """The bindings the help screen lists, grouped; read from the classes themselves."""
        from appizer_tui.ui.screens.help import help_groups

        mine = [b for b in self.BINDINGS if isinstance(b, Binding)]
        return help_groups(mine, CampaignList.BINDINGS, DetailPane.BINDINGS)

    def format_time_mode(self, mode: str | None = None) -> str:
        """A timestamp mode (the current one by default), as the toast after `t` says it."""
        mode = mode if mode is not None else self.controller.presenter.time_mode
        return {"relative": "relative ages", "local": "local time", "utc": "UTC"}.get(
            mode, fmt.MISSING
        )
