"""The counters table while the cursor moves: no screen re-layout per key, no clipped number.

A change of a column's width re-lays out the whole screen (tens of ms with 1,000 campaigns), so
moving between campaigns must not ask for one unless a wider number has to fit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ui_harness import Harness

from appizer_tui.ui.widgets import counters
from appizer_tui.ui.widgets.campaign_list import CampaignList
from appizer_tui.ui.widgets.counters import CounterDeltas, Counters, CounterValues

Factory = Callable[..., Harness]


def _spy_layouts(widget: Any, calls: list[str]) -> None:
    """Record each layout refresh `widget` asks for."""
    refresh = widget.refresh

    def spy(*regions: Any, **kwargs: Any) -> Any:
        if kwargs.get("layout"):
            calls.append(type(widget).__name__)
        return refresh(*regions, **kwargs)

    widget.refresh = spy


def _needed(table: Counters) -> tuple[int, int]:
    """The widths the shown campaign's values and deltas need."""
    assert table.props is not None
    rows = table.props.rows
    return max(len(r.value) for r in rows), max(len(r.delta) for r in rows)


async def test_moving_the_cursor_re_lays_out_only_for_a_wider_number(
    harness_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cursor never "rests" on its own during the test: settle() is called explicitly.
    monkeypatch.setattr(counters, "COUNTER_SETTLE_SECONDS", 3600.0)
    h = harness_factory()
    async with h.app.run_test(size=(120, 36)) as pilot:
        await h.advance(pilot, 30)
        campaigns = h.app.screen.query_one(CampaignList)
        table = h.app.screen.query_one(Counters)
        ids = campaigns.visible_ids
        campaigns.select("camp_reengage_q3")  # 800 recipients: narrow numbers
        await pilot.pause()
        table.settle()
        assert table.widths == _needed(table)
        narrow = table.widths

        layouts: list[str] = []
        for column in (table.query_one(CounterValues), table.query_one(CounterDeltas)):
            _spy_layouts(column, layouts)
        await pilot.press("home")  # camp_launch_eu, 48,000 recipients: the columns must grow
        assert campaigns.cursor_id == ids[0]
        assert "CounterValues" in layouts
        assert table.widths[0] == _needed(table)[0] > narrow[0]

        layouts.clear()
        needed = set()
        keys = ["down"] * (len(ids) - 1) + ["up"] * (len(ids) - 1 - 3)
        for key in keys:  # down to the end, then back up to camp_reengage_q3
            await pilot.press(key)
            wanted = _needed(table)
            needed.add(wanted)
            assert table.widths[0] >= wanted[0] and table.widths[1] >= wanted[1]
            # Every figure whole, right-aligned in its column.
            assert table.props is not None
            text = table.text
            for row in table.props.rows:
                assert f"{row.label.ljust(11)}{row.value.rjust(table.widths[0])}" in text
        assert campaigns.cursor_id == "camp_reengage_q3"
        assert len(needed) > 1, "the campaigns should need different widths"
        assert layouts == []

        # At rest the columns fit the campaign shown again.
        table.settle()
        assert table.widths == _needed(table) == narrow
        assert "CounterValues" in layouts
