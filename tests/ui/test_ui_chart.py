"""The chart while the cursor moves: the previous campaign's lines are blanked, not hidden.

Hiding or showing a widget re-lays out the whole screen (tens of ms with 1,000 campaigns); a
blank render repaints the chart alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from ui_harness import Harness

from appizer_tui.ui.widgets import chart as chart_module
from appizer_tui.ui.widgets.chart import ChartPanel

Factory = Callable[..., Harness]


async def test_another_campaign_blanks_the_chart_without_a_layout(
    harness_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cursor never "rests" on its own during the test: the replot is called explicitly.
    monkeypatch.setattr(chart_module, "CHART_SETTLE_SECONDS", 3600.0)
    h = harness_factory()
    async with h.app.run_test(size=(120, 36)) as pilot:
        await h.advance(pilot, 30)
        chart = await loaded_chart(h, pilot)
        plot: Any = chart.query_one("#chart-plot")
        chart.maybe_replot(force=True)
        await pilot.pause()
        drawn = chart.replots
        assert drawn >= 1 and not plot.blank

        layouts: list[bool] = []
        refresh = plot.refresh

        def spy(*regions: Any, **kwargs: Any) -> Any:
            layouts.append(bool(kwargs.get("layout")))
            return refresh(*regions, **kwargs)

        plot.refresh = spy
        await pilot.press("down", "down")
        assert plot.blank  # never the previous campaign's lines under this one's name
        assert chart.replots == drawn  # nothing drawn while the cursor moves
        chart.maybe_replot(force=True)  # what the settle timer does once the cursor rests
        await pilot.pause()
        assert not plot.blank and chart.replots == drawn + 1
        assert layouts and not any(layouts)


async def loaded_chart(h: Harness, pilot: Any) -> ChartPanel:
    """The chart once textual-plotext is imported (a worker does it after the first frame)."""
    chart = h.app.screen.query_one(ChartPanel)
    for worker in list(h.app.workers):
        if worker.name == "plotext-import":
            await worker.wait()
    await pilot.pause()
    return chart


async def test_chart_reads_counts_from_zero_one_time_unit_and_a_legend_outside(
    harness_factory: Factory,
) -> None:
    h = harness_factory(ids=["camp_launch_eu"])
    async with h.app.run_test(size=(200, 60)) as pilot:
        await h.advance(pilot, 150)
        chart = await loaded_chart(h, pilot)
        chart.maybe_replot(force=True)
        await pilot.pause()
        plot: Any = chart.query_one("#chart-plot")
        drawn = plot.render().plain
        legend = str(chart.query_one("#chart-legend").render())
        for name in ("delivered", "opened", "clicked", "failed"):
            assert name in legend and name not in drawn  # the legend is outside the plot
        assert "--" not in drawn.replace("\u2500", "")
        labels = re.findall(r"-\d+(?:\.\d)?([smh])\b", drawn)
        assert labels and len(set(labels)) == 1, labels  # one time unit on the axis
        counts = re.findall(
            r"^\s*([\d,]+)\s*[\u2502\u2524\u251c\u2510\u2518\u250c\u2514]", drawn, re.M
        )
        assert "0" in counts and any("," in c for c in counts), counts
        delivered = h.truth_at_fetch("camp_launch_eu")["stats"]["delivered"]
        assert delivered > 1_000  # so the top axis needs a thousands separator


def test_each_series_has_its_own_colour() -> None:
    assert len(set(chart_module.SERIES_COLORS.values())) == 4


async def test_a_negative_count_from_a_broken_server_is_drawn_at_zero(
    harness_factory: Factory,
) -> None:
    """plotext draws a line to a point outside the axis cell by cell: a count of minus a
    billion under an axis from 0 once took gigabytes and minutes. Points stay on the axis."""
    from appizer_tui.api.models import Campaign, CampaignStatus, Stats
    from appizer_tui.state.history import History

    history = History(capacity=10)
    for step, delivered in enumerate((100, -1_000_000_000, 300)):
        stats = Stats(total_recipients=1_000, sent=400, delivered=delivered, failed=4)
        campaign = Campaign(
            campaign_id="c", status=CampaignStatus.SENDING, raw_status="sending", stats=stats
        )
        history.append(1_700_000_000.0 + 5 * step, campaign)
    h = harness_factory(ids=["camp_launch_eu"])
    async with h.app.run_test(size=(200, 60)) as pilot:
        await h.advance(pilot, 10)
        chart = await loaded_chart(h, pilot)
        chart.show("c", history, 1_700_000_010.0, force=True)
        chart.maybe_replot(force=True)
        await pilot.pause()
        drawn = chart.query_one("#chart-plot").render().plain  # type: ignore[attr-defined]
        counts = re.findall(r"^\s*([\d,]+)\s*[\u2502\u2524\u251c]", drawn, re.M)
        assert counts and counts[0] != "0" and "0" in counts and "-" not in "".join(counts)
