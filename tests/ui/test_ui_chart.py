"""The chart while the cursor moves: the previous campaign's lines are blanked, not hidden.

Hiding or showing a widget re-lays out the whole screen (tens of ms with 1,000 campaigns); a
blank render repaints the chart alone.
"""

from __future__ import annotations

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
        chart = h.app.screen.query_one(ChartPanel)
        for worker in list(h.app.workers):
            if worker.name == "plotext-import":
                await worker.wait()
        await pilot.pause()
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
