"""Delivered, opened, clicked and failed over time: a plotext chart, loaded and drawn lazily.

A replot costs ~50 ms and ~13 KB of terminal output, so the chart is drawn only while it is on
screen, only when the campaign's history has new samples, and at most every CHART_MIN_INTERVAL
seconds for the same campaign (selecting another campaign draws at once). textual-plotext is
imported in a thread the first time a chart is needed, so it never delays the first frame.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.content import Content
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from appizer_tui.present.cadence import CHART_MIN_INTERVAL, CHART_SETTLE_SECONDS
from appizer_tui.state.history import History

MAX_POINTS = 200
"""Samples drawn per series; longer histories are thinned by stepping."""

SERIES_COLORS: dict[str, tuple[int, int, int]] = {
    "delivered": (40, 180, 90),
    "opened": (50, 140, 255),
    "clicked": (240, 170, 0),
    "failed": (235, 50, 50),
}
"""One distinct hue per series (green, blue, amber, red: they stay apart when a 16-colour
terminal rounds them to its own green, blue, yellow and red)."""

_SERIES = tuple(SERIES_COLORS.items())

PANELS: tuple[tuple[str, ...], ...] = (("delivered",), ("opened", "clicked", "failed"))
"""Two small charts, one above the other, each with its own count axis from 0: delivered is
often a hundred times the clicks, and on one axis opened, clicked and failed would lie flat on
the floor. Both share the time axis."""


@dataclass(frozen=True, slots=True)
class ChartData:
    """The points to draw: x in minutes before now, one y tuple per series."""

    campaign_id: str
    version: int
    x: tuple[float, ...]
    ys: tuple[tuple[float, ...], ...]


def chart_data(campaign_id: str, history: History, now: float) -> ChartData:
    """The chart's points for `history`, thinned to MAX_POINTS."""
    times = history.times()
    step = max(1, math.ceil(len(times) / MAX_POINTS))
    picks = range(len(times) - 1, -1, -step)[::-1]
    x = tuple((times[i] - now) / 60.0 for i in picks)
    ys = []
    for name, _ in _SERIES:
        series = history.series(name)
        ys.append(tuple(series[i] for i in picks))
    return ChartData(campaign_id, history.version, x, tuple(ys))


class ChartPanel(Widget):
    """Holds the plot once textual-plotext is loaded; a static note until then."""

    DEFAULT_CSS = """
    ChartPanel {
        height: 1fr;
        min-height: 6;
        & > Static { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._plot: Any = None
        self._loading = False
        self._pending: tuple[str, History] | None = None
        self._drawn: tuple[str, int] | None = None
        self._drawn_at = -math.inf
        self.now = 0.0
        self._settle_timer: Timer | None = None
        self.replots = 0
        """How many times the chart was drawn (tests and benchmarks read it)."""

    @property
    def settled(self) -> bool:
        """True once the plot is loaded and shows the latest data, or says why it cannot."""
        if self._plot is None or self._pending is None:
            return False
        campaign_id, history = self._pending
        return not self._plot.display or self._drawn == (campaign_id, history.version)

    def compose(self) -> Any:
        yield Static(legend(), id="chart-legend")
        yield Static(Content("chart: waiting for data"), id="chart-note")

    def show(self, campaign_id: str, history: History, now: float, *, force: bool = False) -> None:
        """Draw `history` when visible and due; otherwise remember it for later. Another
        campaign than the one drawn is drawn once the cursor has rested (CHART_SETTLE_SECONDS)."""
        self._pending = (campaign_id, history)
        self.now = now
        if self._plot is not None and self._drawn is not None and self._drawn[0] != campaign_id:
            # Never show the previous campaign's lines under this one's name.
            self._plot.blank = True
            if self._settle_timer is not None:
                self._settle_timer.stop()
            self._settle_timer = self.set_timer(
                CHART_SETTLE_SECONDS, partial(self.maybe_replot, force=True)
            )
            return
        self.maybe_replot(force=force)

    def clear(self) -> None:
        """No campaign selected."""
        self._pending = None

    def maybe_replot(self, *, force: bool = False) -> None:
        """Replot if there is something new, the chart is on screen and the throttle allows."""
        if self._pending is None or not self.is_mounted:
            return
        if force and self._settle_timer is not None:
            self._settle_timer.stop()
            self._settle_timer = None
        elif self._settle_timer is not None:
            return  # the cursor is still moving: the settle timer draws
        if not self.display or self.size.height < 4 or not self.screen.is_active:
            return
        campaign_id, history = self._pending
        enough = len(history) >= 2
        if self._plot is None:
            # Load the plotting library only once there is something to draw: never while
            # the first figures are still arriving.
            if enough:
                self._load()
            else:
                self.query_one("#chart-note", Static).update(
                    Content("chart: waiting for a second sample")
                )
            return
        self._plot.display = enough
        self.query_one("#chart-note", Static).display = not enough
        if not enough:
            return
        key = (campaign_id, history.version)
        if key == self._drawn:
            self._plot.blank = False
            return
        same_campaign = self._drawn is not None and self._drawn[0] == campaign_id
        if same_campaign and not force and self.now - self._drawn_at < CHART_MIN_INTERVAL:
            return
        self._draw(chart_data(campaign_id, history, self.now))
        self._drawn = key
        self._drawn_at = self.now

    def on_resize(self) -> None:
        self.maybe_replot(force=True)

    def on_show(self) -> None:
        self.maybe_replot(force=True)

    def _load(self) -> None:
        if self._loading:
            return
        self._loading = True
        self.run_worker(_import_plotext, thread=True, name="plotext-import", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "plotext-import":
            return
        if not self.is_attached:
            return  # the viewer is closing: nothing to draw into
        if event.state is WorkerState.SUCCESS:
            plot_class: Any = event.worker.result
            self._plot = plot_class(id="chart-plot")
            self.query_one("#chart-note", Static).update(
                Content("chart: waiting for a second sample")
            )
            self.mount(self._plot)
            self.call_after_refresh(self.maybe_replot, force=True)
        elif event.state is WorkerState.ERROR:
            self.query_one("#chart-note", Static).update(Content("chart unavailable"))

    def _draw(self, data: ChartData) -> None:
        plt = self._plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.subplots(len(PANELS), 1)
        series = dict(zip((name for name, _ in _SERIES), data.ys, strict=True))
        ticks, labels = time_ticks(data.x)
        for row, names in enumerate(PANELS, start=1):
            panel = plt.subplot(row, 1)
            lines = {
                name: [
                    (x, y) for x, y in zip(data.x, series[name], strict=True) if math.isfinite(y)
                ]
                for name in names
            }
            top = max((y for points in lines.values() for _, y in points), default=0.0)
            count_at, count_text = count_ticks(top)
            for name, points in lines.items():
                if points:
                    xs, values = zip(*points, strict=True)
                    # Inside the axis's range: plotext draws a line to a point far outside it
                    # cell by cell (a negative count from a broken server once took gigabytes).
                    shown = [min(max(v, 0.0), count_at[-1]) for v in values]
                    # No label: the legend is a line above the plot, never over the lines.
                    panel.plot(list(xs), shown, color=SERIES_COLORS[name], marker="braille")
            panel.ylim(0, count_at[-1])
            panel.yticks(count_at, count_text)
            panel.xticks(ticks, labels if row == len(PANELS) else [""] * len(ticks))
        self._plot.blank = False
        self._plot.refresh()
        self.replots += 1


def legend() -> Content:
    """The series' names in their colours, drawn above the plot (outside its area)."""
    parts: list[str | tuple[str, str]] = []
    for name, (red, green, blue) in _SERIES:
        parts.extend([("━━ ", f"rgb({red},{green},{blue})"), name, "   "])
    return Content.assemble(*parts)


def count_ticks(top: float, count: int = 3) -> tuple[list[float], list[str]]:
    """Ticks from 0 up to a round number at or above `top`, labelled as whole counts with
    thousands separators ("0", "2,500", "5,000")."""
    if not math.isfinite(top) or top < 1:
        top = 1.0
    raw = top / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(1, round(step))
    ticks = [float(step * i) for i in range(count)]
    return ticks, [f"{int(t):,}" for t in ticks]


_UNITS = ((180.0, 1.0, "s"), (3 * 3600.0, 60.0, "m"), (math.inf, 3600.0, "h"))
"""(longest span, seconds per unit, suffix): the axis speaks in one unit, chosen by its span."""


def time_ticks(x: tuple[float, ...], count: int = 5) -> tuple[list[float], list[str]]:
    """Evenly spaced ticks over x (minutes before now), all in one unit chosen by the span:
    "-2m -1m -30s" never mixes; the last tick reads "now" when it is now, and a sample a
    clock skew put after now reads "now" too, never "--1s"."""
    if not x:
        return [], []
    low, high = min(x), max(x)
    span = max(-low * 60, (high - low) * 60)
    seconds_per, suffix = next((per, sfx) for limit, per, sfx in _UNITS if span < limit)
    if high - low <= 0:
        return [low], [_ago(low, seconds_per, suffix)]
    step = (high - low) / (count - 1)
    ticks = [low + step * i for i in range(count)]
    return ticks, [_ago(t, seconds_per, suffix) for t in ticks]


def _ago(minutes: float, seconds_per: float, suffix: str) -> str:
    amount = max(0.0, -minutes * 60) / seconds_per
    if amount < 0.05 or (suffix == "s" and amount < 0.5):
        return "now"
    digits = 0 if suffix == "s" or amount >= 10 else 1
    return f"-{amount:.{digits}f}{suffix}"


def _import_plotext() -> type[Any]:
    """Runs in a thread: the import takes ~0.15 s on top of Textual's."""
    module = importlib.import_module("appizer_tui.ui.widgets.plot")
    plot_class: type[Any] = module.Plot
    return plot_class
