"""The six counters with their change since the previous poll (briefly highlighted), and the
funnel sent -> delivered -> opened -> clicked drawn as bars beside them.

One table instead of two: the funnel's steps are the same numbers, and at 80x24 the lines saved
are what lets the whole detail pane fit without scrolling.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.timer import Timer

from appizer_tui.state import format as fmt
from appizer_tui.state import metrics
from appizer_tui.state.store import CampaignView
from appizer_tui.ui.widgets.section import Section

FLASH_SECONDS = 2.0
"""How long changed deltas stay highlighted."""

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


class Counters(Section[CountersProps]):
    """Counters, deltas and the funnel; deltas are bold for a moment after they change."""

    DEFAULT_CSS = """
    Counters {
        height: 6;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._flash = False
        self._flash_timer: Timer | None = None

    def watch_props(self, old: CountersProps | None, new: CountersProps | None) -> None:
        if old is None or new is None or old.rows == new.rows:
            return
        if not any(row.delta for row in new.rows):
            return
        self._flash = True
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._flash_timer = self.set_timer(FLASH_SECONDS, self._end_flash)

    def _end_flash(self) -> None:
        self._flash = False
        self._flash_timer = None
        self.refresh()

    def show_without_flash(self, props: CountersProps | None) -> None:
        """Another campaign was selected: show it without a highlight (nothing just changed)."""
        self.set_reactive(Section.props, props)  # type: ignore[misc]
        self._flash = False
        self.refresh()

    def render_props(self, props: CountersProps, width: int) -> Content:
        value_width = max(len(row.value) for row in props.rows)
        delta_width = max(4, max(len(row.delta) for row in props.rows))
        bar_width = width - 11 - value_width - 1 - delta_width - 2 - 6
        lines = []
        for row in props.rows:
            if not row.delta:
                delta_style = ""
            elif row.bad:
                delta_style = "bold $text-warning" if self._flash else "$text-warning"
            else:
                delta_style = "bold $text-success" if self._flash else "$text-muted"
            parts: list[str | tuple[str, str]] = [
                (row.label.ljust(11), "$text-muted"),
                (row.value.rjust(value_width), "bold" if self._flash and row.delta else ""),
                " ",
                (row.delta.rjust(delta_width), delta_style),
            ]
            if row.step and bar_width >= 3:
                share = row.share
                shown = min(max(share, 0.0), 1.0) if share is not None else 0.0
                parts += [
                    "  ",
                    (fmt.bar(shown, bar_width), _FUNNEL_STYLES[row.label]),
                    (fmt.format_percent(share, digits=0).rjust(6), "$text-muted"),
                ]
            lines.append(Content.assemble(*parts).truncate(width, ellipsis=True))
        return Content("\n").join(lines)
