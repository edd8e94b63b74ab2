"""What the screen says, as drawn: no sentence clipped, run together or contradicting another."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from ui_harness import Harness
from ui_screen_text import drawn_text

from appizer_tui.sim.ratelimit import RateLimit
from appizer_tui.sim.scenarios import generated_scenario
from appizer_tui.ui.widgets.status_line import StatusLine

Factory = Callable[..., Harness]


@pytest.mark.parametrize("width", [80, 120, 200])
async def test_the_interval_really_got_is_always_drawn(
    harness_factory: Factory, width: int
) -> None:
    # 10 campaigns every 5 s on a 1,000/hour key: 7,200/h, so polling stretches.
    h = harness_factory(scenario=generated_scenario(10), rate_limit=RateLimit(1000, 3600.0))
    async with h.app.run_test(size=(width, 30)) as pilot:
        await h.advance(pilot, 20)
        line = drawn_text(h.app.screen.query_one(StatusLine))
        assert "\n" not in line
        interval = re.search(r"polling every (\d+) s", line)
        assert interval is not None, line
        # 10 campaigns in 1,000 an hour: one poll each every 36 s at best.
        assert int(interval.group(1)) >= 36
        assert "7,200/h > 1,000/h budget" in line, line
        if width >= 200:
            assert "10 campaigns x 5 s = 7,200/h > 1,000/h budget: polling every" in line


async def test_a_long_id_never_runs_into_the_freshness(harness_factory: Factory) -> None:
    from appizer_tui.ui.widgets.detail_header import HeaderFreshness

    h = harness_factory(ids=["camp_launch_eu"])
    async with h.app.run_test(size=(80, 24)) as pilot:
        await h.advance(pilot, 10)
        fresh = drawn_text(h.app.screen.query_one(HeaderFreshness))
        assert "live" in fresh and fresh.startswith(" "), fresh


async def test_totals_line_sums_the_campaigns_the_filter_shows(harness_factory: Factory) -> None:
    from textual.widgets import Input

    from appizer_tui.ui.widgets.totals import TotalsLine

    h = harness_factory(ids=["camp_launch_eu", "camp_flash_sale", "camp_promo_br"])
    async with h.app.run_test(size=(200, 40)) as pilot:
        await h.advance(pilot, 10)
        totals = h.app.screen.query_one(TotalsLine)
        truths = [h.truth_at_fetch("camp_launch_eu")["stats"]]
        await pilot.press("slash")
        h.app.screen.query_one("#filter-input", Input).value = "a"
        await pilot.pause()
        line = drawn_text(totals)
        assert line.startswith("\u03a3 3 campaigns"), line
        h.app.screen.query_one("#filter-input", Input).value = "_e"
        await pilot.pause()
        line = drawn_text(totals)
        # "_e" matches camp_launch_eu only (camp_flash_sale and camp_promo_br have no "_e").
        sent = truths[0]["sent"]
        assert line.startswith("\u03a3 1 campaign "), line
        assert f"sent {sent:,}" in line, line
        # The rates over the sums have their own line: none is cut off.
        assert all(f"{rate} " in line for rate in ("delivery", "open", "click", "failure")), line


async def test_toasts_leave_the_status_line_and_sort_label_visible(
    harness_factory: Factory,
) -> None:
    from textual.widgets._toast import Toast

    h = harness_factory()
    async with h.app.run_test(size=(100, 30), notifications=True) as pilot:
        await h.advance(pilot, 10)
        await pilot.press("t")
        await pilot.pause()
        await pilot.pause()
        toasts = list(h.app.screen.query(Toast))
        assert toasts
        status = h.app.screen.query_one(StatusLine).region
        pane = h.app.screen.query_one("#list-pane").region
        sort_label_row = pane.bottom - 1
        for toast in toasts:
            assert toast.region.bottom <= sort_label_row, (toast.region, pane)
            assert not toast.region.overlaps(status)


async def test_help_and_key_prompt_never_run_words_together(harness_factory: Factory) -> None:
    from ui_screen_text import text_of

    h = harness_factory()
    async with h.app.run_test(size=(120, 36)) as pilot:
        await h.advance(pilot, 5)
        await pilot.press("K")
        await pilot.pause()
        helps = [text_of(w) for w in h.app.screen.query(".dialog-help")]
        current = next(t for t in helps if "Current key" in t)
        first, _, rest = current.partition("\n")
        assert first.endswith(".") and rest.startswith("The new key"), current
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        shown = " ".join(text_of(w) for w in h.app.screen.query(".help-group"))
        assert "\u2298 cancelled" in shown and "cancelled cancelled" not in shown


@pytest.mark.parametrize("size", [(200, 60), (120, 36)])
async def test_totals_show_every_sum_of_a_whole_launch(
    harness_factory: Factory, size: tuple[int, int]
) -> None:
    from appizer_tui.ui.widgets.totals import TotalsLine

    h = harness_factory()  # the eight demo campaigns: five- and six-digit sums
    async with h.app.run_test(size=size) as pilot:
        await h.advance(pilot, 60)
        drawn = drawn_text(h.app.screen.query_one(TotalsLine))
        sums = dict.fromkeys(("total_recipients", "sent", "delivered", "opened", "clicked"), 0)
        sums["failed"] = 0
        for campaign_id in h.store.ids():
            stats = h.truth_at_fetch(campaign_id)["stats"]
            for name in sums:
                sums[name] += stats[name]
        labels = ("recipients", "sent", "delivered", "opened", "clicked", "failed")
        for label, total in zip(labels, sums.values(), strict=True):
            # Never cut, never split over two lines (a wrapped label would miss its value).
            assert f"{label} {total:,}" in drawn, (label, total, drawn)
        rates = ("delivery", "open", "click", "failure")
        assert all(f"{rate} " in drawn for rate in rates), drawn
