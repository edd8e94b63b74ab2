"""The six counters with their change since the previous poll (briefly highlighted), and the
funnel sent -> delivered -> opened -> clicked drawn as bars beside them.

One table instead of two: the funnel's steps are the same numbers, and at 80x24 the lines saved
are what lets the whole detail pane fit. The table is three side-by-side columns (values, deltas,
funnel) because Textual repaints a widget's whole line: ending a highlight then rewrites only
the narrow delta column, not six full lines.

The value and delta columns are as wide as their widest text, and a change of width re-lays out
the whole screen (~15-30 ms with 1,000 campaigns). While the cursor moves between campaigns the
columns therefore only grow at once; they shrink to fit the shown campaign once the cursor has
rested for COUNTER_SETTLE_SECONDS.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.timer import Timer

from appizer_tui.present.cadence import COUNTER_SETTLE_SECONDS, FLASH_SECONDS, FRAME_SECONDS
from appizer_tui.state import format as fmt
from appizer_tui.state import metrics
from appizer_tui.state.store import CampaignView
from appizer_tui.ui.widgets.section import Section

_ROWS = (
    ("total_recipients", "recipients"),
    ("sent", "sent"),
    ("delivered", "delivered"),
    ("opened", "opened"),
    ("clicked", "clicked"),
    ("failed", "failed"),
)
_FUNNEL_STYLES = {
    "sent": "$text-accent",
    "delivered": "$text-success",
    "opened": "$text-primary",
    "clicked": "$text-secondary",
}


@dataclass(frozen=True, slots=True)
class CounterRow:
    """One counter: label, value and delta texts; its funnel share of sent (None: not a step)."""

    label: str
    value: str
    delta: str
    share: float | None
    step: bool
    bad: bool


@dataclass(frozen=True, slots=True)
class CountersProps:
    """All six rows."""

    rows: tuple[CounterRow, ...]


def counters_props(view: CampaignView) -> CountersProps | None:
    """The counters of `view` with deltas against its previous fetch, None before any data."""
    campaign = view.campaign
    if campaign is None:
        return None
    stats = campaign.stats
    previous = view.previous.stats if view.previous is not None else None
    rows = []
    for field, label in _ROWS:
        value = int(getattr(stats, field))
        delta = value - int(getattr(previous, field)) if previous is not None else 0
        step = label in _FUNNEL_STYLES
        rows.append(
            CounterRow(
                label=label,
                value=fmt.format_count(value),
                delta=fmt.format_delta(delta),
                share=metrics.ratio(value, stats.sent) if step else None,
                step=step,
                bad=field == "failed",
            )
        )
    return CountersProps(tuple(rows))


@dataclass(frozen=True, slots=True)
class _Values:
    rows: tuple[tuple[str, str], ...]
    width: int


@dataclass(frozen=True, slots=True)
class _Deltas:
    rows: tuple[tuple[str, bool], ...]
    flash: bool
    width: int


class CounterValues(Section[_Values]):
    """Labels and values, right-aligned in `props.width` cells."""

    DEFAULT_CSS = """
    CounterValues {
        width: auto;
        height: 6;
    }
    """

    def render_props(self, props: _Values, width: int) -> Content:
        return Content("\n").join(
            Content.assemble((label.ljust(11), "$text-muted"), value.rjust(props.width))
            for label, value in props.rows
        )


class CounterDeltas(Section[_Deltas]):
    """Changes since the previous poll; bold while highlighted."""

    DEFAULT_CSS = """
    CounterDeltas {
        width: auto;
        min-width: 5;
        height: 6;
        padding-left: 1;
    }
    """

    def render_props(self, props: _Deltas, width: int) -> Content:
        lines = []
        for delta, bad in props.rows:
            if bad:
                style = "bold $text-warning" if props.flash else "$text-warning"
            else:
                style = "bold $text-success" if props.flash else "$text-muted"
            lines.append(Content.styled(delta.rjust(props.width), style if delta else ""))
        return Content("\n").join(lines)


class CounterFunnel(Section[tuple[tuple[str, float | None], ...]]):
    """The funnel: each step's share of what was sent, as a bar and a percentage."""

    DEFAULT_CSS = """
    CounterFunnel {
        width: 1fr;
        height: 6;
        padding-left: 2;
    }
    """

    def render_props(self, props: tuple[tuple[str, float | None], ...], width: int) -> Content:
        bar_width = width - 6
        lines = [Content("")]  # the recipients row has no funnel step
        for label, share in props:
            if bar_width < 3:
                lines.append(Content(""))
                continue
            shown = min(max(share, 0.0), 1.0) if share is not None else 0.0
            lines.append(
                Content.assemble(
                    (fmt.bar(shown, bar_width), _FUNNEL_STYLES[label]),
                    (fmt.format_percent(share, digits=0).rjust(6), "$text-muted"),
                )
            )
        return Content("\n").join(lines)


def _fit(props: CountersProps) -> tuple[int, int]:
    """The widths the value and delta columns need for `props`."""
    return max(len(row.value) for row in props.rows), max(len(row.delta) for row in props.rows)


class Counters(Horizontal):
    """recipients, sent, delivered, opened, clicked, failed; deltas; funnel bars."""

    DEFAULT_CSS = """
    Counters {
        height: 6;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.props: CountersProps | None = None
        self.widths = (0, 0)
        """The value and delta columns' widths: at least what the shown campaign needs."""
        self._flash_timer: Timer | None = None
        self._flash_until = 0.0
        """Frame time (the injected clock) at which the highlight ends."""
        self._settle_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield CounterValues()
        yield CounterDeltas()
        yield CounterFunnel()

    def show(self, props: CountersProps | None, now: float, *, flash: bool = True) -> None:
        """Show `props` at frame time `now`; deltas are highlighted for a moment when they
        changed (not when another campaign was selected: nothing changed in front of the user
        then)."""
        old, self.props = self.props, props
        if props is None:
            return
        changed = old is not None and old.rows != props.rows
        flash = flash and changed and any(row.delta for row in props.rows)
        fit = _fit(props)
        widths = (max(fit[0], self.widths[0]), max(fit[1], self.widths[1]))
        if widths != fit:
            # Narrower numbers keep the width while the cursor moves (each key would re-lay
            # out the screen, and the selected campaign is polled at once); fit on a rest.
            if self._settle_timer is not None:
                self._settle_timer.stop()
            self._settle_timer = self.set_timer(COUNTER_SETTLE_SECONDS, self._rested)
        self._show_columns(widths, flash)
        self.query_one(CounterFunnel).props = tuple(
            (row.label, row.share) for row in props.rows if row.step
        )
        if flash:
            # The highlight ends with the first frame past FLASH_SECONDS, drawn with what that
            # frame changes anyway; the timer only ends it when no frame comes any more.
            self._flash_until = now + FLASH_SECONDS
            if self._flash_timer is not None:
                self._flash_timer.stop()
            self._flash_timer = self.set_timer(FLASH_SECONDS + FRAME_SECONDS, self._end_flash)

    def tick(self, now: float) -> None:
        """A frame at `now` with the same counters: end the highlight once it is due."""
        if self._flash_timer is not None and now >= self._flash_until:
            self._flash_timer.stop()
            self._end_flash()

    def _show_columns(self, widths: tuple[int, int], flash: bool) -> None:
        if self.props is None:
            return
        values = self.query_one(CounterValues)
        deltas = self.query_one(CounterDeltas)
        if widths[0] != self.widths[0]:
            values.refresh(layout=True)  # the columns move
        if widths[1] != self.widths[1]:
            deltas.refresh(layout=True)
        self.widths = widths
        rows = self.props.rows
        values.props = _Values(tuple((row.label, row.value) for row in rows), widths[0])
        deltas.props = _Deltas(tuple((row.delta, row.bad) for row in rows), flash, widths[1])

    def _rested(self) -> None:
        self._settle_timer = None
        self.settle()

    def settle(self) -> None:
        """Fit the columns to the campaign shown (the cursor has rested on it)."""
        if self._settle_timer is not None:
            self._settle_timer.stop()
            self._settle_timer = None
        if self.props is not None:
            deltas = self.query_one(CounterDeltas).props
            self._show_columns(_fit(self.props), deltas is not None and deltas.flash)

    def _end_flash(self) -> None:
        self._flash_timer = None
        self._show_columns(self.widths, False)

    @property
    def flashing(self) -> bool:
        """True while the deltas are highlighted."""
        deltas = self.query_one(CounterDeltas).props
        return deltas is not None and deltas.flash

    @property
    def text(self) -> str:
        """The table as plain text, one counter a line (for tests and copy)."""
        parts = [w.render().plain.split("\n") for w in self.query(Section)]
        return "\n".join(" ".join(p[i] for p in parts if i < len(p)) for i in range(6))
