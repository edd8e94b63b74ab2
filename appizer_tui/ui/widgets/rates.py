"""Delivery, open, click and failure rate, each with a one-line sparkline of its history.

Why not Textual's Sparkline: it writes one style run per cell (measured ~7 KB per update at
48x4); a single-style line of block characters says the same in ~0.2 KB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.content import Content

from appizer_tui.state import format as fmt
from appizer_tui.state.store import CampaignView, History
from appizer_tui.ui.widgets.section import Section

SPARK_POINTS = 120
"""Samples of history a sparkline draws from (the most recent ones)."""

_RATES = (
    ("delivery", "delivery_rate"),
    ("open", "open_rate"),
    ("click", "click_rate"),
    ("failure", "failure_rate"),
)


@dataclass(frozen=True, slots=True)
class RateRow:
    """One rate: label, current value text, recent history and whether it is alarming."""

    label: str
    value: str
    history: tuple[float, ...]
    alarm: bool


@dataclass(frozen=True, slots=True)
class RatesProps:
    """All four rows."""

    rows: tuple[RateRow, ...]


def rates_props(view: CampaignView, history: History, alarm: bool) -> RatesProps | None:
    """The rates of `view` with the tail of each series, None before any data; `alarm` (the
    failure-rate rule fires) turns the failure rate red."""
    if view.campaign is None:
        return None
    m = view.metrics
    current = {
        "delivery_rate": m.delivery_rate,
        "open_rate": m.open_rate,
        "click_rate": m.click_rate,
        "failure_rate": m.failure_rate,
    }
    rows = []
    for label, series in _RATES:
        # NaN never equals itself: drop gaps so equal histories compare equal (no redraw).
        values = tuple(v for v in history.series(series)[-SPARK_POINTS:] if math.isfinite(v))
        value = current[series]
        red = alarm and series == "failure_rate"
        rows.append(RateRow(label, fmt.format_percent(value), values, red))
    return RatesProps(tuple(rows))


class RateSparklines(Section[RatesProps]):
    """Four lines: "delivery  96.4%  (sparkline)"; the failure rate turns red while its rule
    fires."""

    DEFAULT_CSS = """
    RateSparklines {
        height: 4;
    }
    """

    def render_props(self, props: RatesProps, width: int) -> Content:
        spark_width = max(0, width - 10 - 7 - 2)
        lines = []
        for row in props.rows:
            value_style = "bold $text-error" if row.alarm else "bold"
            spark_style = "$text-error" if row.alarm else "$text-accent"
            # Rates move in a narrow band; scale to the data so a 96%->97% drift is visible.
            spark = fmt.sparkline(row.history, spark_width)
            line = Content.assemble(
                (row.label.ljust(10), "$text-muted"),
                (row.value.rjust(7), value_style),
                "  ",
                (spark, spark_style),
                (" !" if row.alarm else "", "bold $text-error"),
            )
            lines.append(line.truncate(width, ellipsis=True))
        return Content("\n").join(lines)
