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

from appizer_tui.present.banners import campaign_lines
from appizer_tui.present.frame import DetailProps
from appizer_tui.state.model import Phase
from appizer_tui.ui.widgets.banners import Banner
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

    def show(self, props: DetailProps | None, old: DetailProps | None) -> None:
        """Show `props` (None: nothing selected); `old` is what was shown before. Only the parts
        that change with time are rebuilt when the campaign's view is the same as before."""
        if props is None:
            self.chart.clear()
            return
        view, now = props.view, props.now
        new_selection = old is None or old.view.campaign_id != view.campaign_id
        self.pane.set_class(view.is_stale(now), "-stale")  # old data is dimmed, never current
        self.header.show(header_props(view, now, props.time_mode))
        self.banner.props = campaign_lines(view, now, props.retry)
        self.times.props = times_props(view, now, props.time_mode)
        self.chart.now = now
        if not new_selection and old is not None and old.view is view and old.alert == props.alert:
            self.counters.tick(now)
            self.chart.maybe_replot()
            return
        self.counters.show(counters_props(view), now, flash=not new_selection)
        if new_selection:
            self.pane.scroll_home(animate=False)
        self.progress.props = progress_props(view)
        if new_selection or old is None or props.history_version != old.history_version:
            # Series are recomputed only when a sample was added, not on schedule-only changes.
            self.rates.props = rates_props(view, props.history, props.alert)
        final = view.phase is Phase.DONE
        self.chart.show(view.campaign_id, props.history, now, force=new_selection or final)
