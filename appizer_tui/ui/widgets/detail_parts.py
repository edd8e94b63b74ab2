"""The detail pane's parts (header, banner, times, progress, counters, rates, chart) and how a
campaign's view maps onto them.

Imported by `DetailPane.build()` once the screen's first frame is out: these modules and widgets
cost about as much as the rest of the screen, and the first figures belong in the list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Container, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from appizer_tui.state.store import CampaignView, History, Phase
from appizer_tui.ui.widgets.banners import Banner, campaign_lines
from appizer_tui.ui.widgets.chart import ChartPanel
from appizer_tui.ui.widgets.counters import Counters, counters_props
from appizer_tui.ui.widgets.detail_header import DetailHeader, header_props
from appizer_tui.ui.widgets.progress import ProgressPanel, progress_props
from appizer_tui.ui.widgets.rates import RateSparklines, rates_props
from appizer_tui.ui.widgets.timestamps import Timestamps, times_props

if TYPE_CHECKING:
    from appizer_tui.ui.widgets.detail import DetailPane


class DetailParts:
    """The pane's parts, made here and kept by reference (never looked up in the DOM, where
    nested parts can still be on their way while the pane is already showing)."""

    def __init__(self, pane: DetailPane) -> None:
        self.pane = pane
        self.header = DetailHeader(id="detail-header")
        self.banner = Banner(id="campaign-banner")
        self.times = Timestamps(id="times", classes="detail-part")
        self.progress = ProgressPanel(id="progress", classes="detail-part")
        self.counters = Counters(id="counters", classes="detail-part")
        self.rates = RateSparklines(id="rates", classes="detail-part")
        self.chart = ChartPanel(id="chart")
        self._history_version = -1

    def widgets(self) -> list[Widget]:
        """The pane's children, in order, to mount once."""
        return [
            Static(Content("No campaign selected."), id="detail-empty", classes="detail-note"),
            self.header,
            self.banner,
            Container(
                Vertical(self.progress, self.counters, classes="detail-col", id="detail-col-a"),
                Vertical(self.rates, self.times, classes="detail-col", id="detail-col-b"),
                id="detail-body",
            ),
            self.chart,
        ]

    def show(
        self,
        view: CampaignView | None,
        history: History | None,
        now: float,
        *,
        new_selection: bool,
    ) -> None:
        """Show `view` (None: nothing selected). Cheap when little changed."""
        if view is None or history is None:
            self.chart.clear()
            return
        self.show_timed(view, now)
        self.counters.show(counters_props(view), flash=not new_selection)
        if new_selection:
            self.pane.scroll_home(animate=False)
        self.progress.props = progress_props(view)
        if new_selection or history.version != self._history_version:
            # Series are recomputed only when a sample was added, not on schedule-only changes.
            self._history_version = history.version
            self.rates.props = rates_props(view, history, self.pane.alert_threshold)
        final = view.phase is Phase.DONE
        self.chart.show(view.campaign_id, history, now, force=new_selection or final)

    def show_timed(self, view: CampaignView, now: float) -> None:
        """The parts that change with time alone: ages, countdowns, staleness."""
        # Old data is dimmed, never shown as current (the header says STALE in words).
        self.pane.set_class(view.is_stale(now), "-stale")
        self.header.show(header_props(view, now, self.pane.time_mode))
        self.banner.props = campaign_lines(view, now)
        self.times.props = times_props(view, now, self.pane.time_mode)

    def tick(self, view: CampaignView, now: float) -> None:
        """Time passed: refresh ages and countdowns, and the chart when it is due."""
        self.show_timed(view, now)
        self.chart.now = now
        self.chart.maybe_replot()

    def set_time_mode(self, view: CampaignView, now: float, mode: str) -> None:
        """Timestamps (and the header's update time) as "relative", "local" or "utc"."""
        self.times.props = times_props(view, now, mode)
        self.header.show(header_props(view, now, mode))
