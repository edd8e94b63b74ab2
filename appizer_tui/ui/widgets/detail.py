"""The detail pane for the selected campaign: header, banner, times, progress, counters, funnel,
rates and chart.

The screen hands it the store's frozen view and history ("attributes down"); the pane derives one
small frozen value per part and assigns it, so only parts whose text changed are redrawn.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from appizer_tui.state.store import CampaignView, History, Phase
from appizer_tui.ui.widgets.banners import Banner, campaign_lines
from appizer_tui.ui.widgets.chart import ChartPanel
from appizer_tui.ui.widgets.counters import Counters, counters_props
from appizer_tui.ui.widgets.detail_header import DetailHeader, header_props
from appizer_tui.ui.widgets.progress import ProgressPanel, progress_props
from appizer_tui.ui.widgets.rates import RateSparklines, rates_props
from appizer_tui.ui.widgets.timestamps import Timestamps, times_props


class DetailPane(VerticalScroll, can_focus=True):
    """Everything about one campaign. Focusable so PageUp/PageDown scroll it on small screens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="detail.up"),
    ]

    def __init__(self, *, alert_threshold: float, id: str | None = None) -> None:
        super().__init__(id=id)
        self.alert_threshold = alert_threshold
        self.time_mode = "relative"
        self._view: CampaignView | None = None
        self._history: History | None = None
        self._history_version = -1
        self._now = 0.0

    def compose(self) -> ComposeResult:
        yield Static(Content("No campaign selected."), id="detail-empty", classes="detail-note")
        yield DetailHeader(id="detail-header")
        yield Banner(id="campaign-banner")
        with Container(id="detail-body"):
            with Vertical(classes="detail-col", id="detail-col-a"):
                yield ProgressPanel(id="progress", classes="detail-part")
                yield Counters(id="counters", classes="detail-part")
            with Vertical(classes="detail-col", id="detail-col-b"):
                yield RateSparklines(id="rates", classes="detail-part")
                yield Timestamps(id="times", classes="detail-part")
        yield ChartPanel(id="chart")

    @property
    def campaign_id(self) -> str | None:
        """The campaign shown, if any."""
        return self._view.campaign_id if self._view is not None else None

    def show(self, view: CampaignView | None, history: History | None, now: float) -> None:
        """Show `view` (None: nothing selected). Cheap when little changed."""
        new_selection = (view is None) != (self._view is None) or (
            view is not None
            and self._view is not None
            and view.campaign_id != self._view.campaign_id
        )
        self._view, self._history, self._now = view, history, now
        self.set_class(view is None, "-empty")
        self.set_class(view is not None and view.campaign is None, "-no-data")
        chart = self.query_one(ChartPanel)
        if view is None or history is None:
            chart.clear()
            return
        self._show_timed(view, now)
        counters = self.query_one(Counters)
        props = counters_props(view)
        counters.show(props, flash=not new_selection)
        if new_selection:
            self.scroll_home(animate=False)
        self.query_one(ProgressPanel).props = progress_props(view)
        if new_selection or history.version != self._history_version:
            # Series are recomputed only when a sample was added, not on schedule-only changes.
            self._history_version = history.version
            self.query_one(RateSparklines).props = rates_props(view, history, self.alert_threshold)
        final = view.phase is Phase.DONE
        chart.show(view.campaign_id, history, now, force=new_selection or final)

    def _show_timed(self, view: CampaignView, now: float) -> None:
        # Old data is dimmed, never shown as current (the header says STALE in words).
        self.set_class(view.is_stale(now), "-stale")
        self.query_one(DetailHeader).show(header_props(view, now))
        self.query_one("#campaign-banner", Banner).props = campaign_lines(view, now)
        self.query_one(Timestamps).props = times_props(view, now, self.time_mode)

    def tick(self, now: float) -> None:
        """Time passed: refresh ages and countdowns (only texts that changed are redrawn)."""
        self._now = now
        if self._view is not None:
            self._show_timed(self._view, now)
            chart = self.query_one(ChartPanel)
            chart.now = now
            chart.maybe_replot()

    def set_time_mode(self, mode: str) -> None:
        """Show timestamps as "relative", "local" or "utc"."""
        self.time_mode = mode
        if self._view is not None:
            self.query_one(Timestamps).props = times_props(self._view, self._now, mode)
