"""Launch totals: one line summing the campaigns the list shows (after the filter).

A launch is often several campaigns (per locale, per platform). The counts are summed over the
rows, and the four rates are computed over the sums by the one rate functions of
`state/metrics.py` (never averaged over campaigns, which would weigh a 100-recipient test send
like a 100,000-recipient launch).
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from appizer_tui.present.rows import RowProps
from appizer_tui.state import format as fmt
from appizer_tui.state import metrics


class TotalsProps(msgspec.Struct, frozen=True):
    """The summed counts and the rates over the sums, as texts (label, value) in display
    order; `campaigns` counts the rows summed, `with_data` those that had figures."""

    campaigns: int
    with_data: int
    parts: tuple[tuple[str, str], ...]


def totals_props(rows: Iterable[RowProps]) -> TotalsProps:
    """The totals of `rows` (the list's visible rows, in any order)."""
    campaigns = with_data = 0
    sums = [0] * 6
    for row in rows:
        campaigns += 1
        if row.counts is None:
            continue
        with_data += 1
        for index, value in enumerate(row.counts):
            sums[index] += value
    recipients, sent, delivered, opened, clicked, failed = sums
    parts = (
        ("recipients", fmt.format_count(recipients)),
        ("sent", fmt.format_count(sent)),
        ("delivered", fmt.format_count(delivered)),
        ("opened", fmt.format_count(opened)),
        ("clicked", fmt.format_count(clicked)),
        ("failed", fmt.format_count(failed)),
        ("delivery", fmt.format_percent(metrics.delivery_rate(None, delivered, sent))),
        ("open", fmt.format_percent(metrics.open_rate(None, opened, delivered))),
        ("click", fmt.format_percent(metrics.click_rate(None, clicked, delivered))),
        ("failure", fmt.format_percent(metrics.failure_rate(failed, sent))),
    )
    return TotalsProps(campaigns, with_data, parts)
