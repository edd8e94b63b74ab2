"""Small windows: below a usable size one sentence says so, instead of a broken layout."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static
from ui_harness import Harness
from ui_screen_text import drawn_text

from appizer_tui.ui.widgets.campaign_list import CampaignList

Factory = Callable[..., Harness]


async def test_below_40x12_the_screen_asks_for_a_larger_window(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(80, 24)) as pilot:
        await h.advance(pilot, 5)
        for size, too_small in [
            ((39, 24), True),
            ((80, 11), True),
            ((20, 10), True),
            ((40, 12), False),
            ((80, 24), False),
            ((200, 60), False),
        ]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            note = h.app.screen.query_one("#too-small", Static)
            campaigns = h.app.screen.query_one(CampaignList)
            if too_small:
                words = " ".join(drawn_text(note).split())
                assert "enlarge the window to at least 40x12" in words, size
                assert campaigns.region.area == 0, size
            else:
                assert note.region.area == 0 and campaigns.region.area > 0, size


async def test_under_80_columns_the_palette_key_leaves_the_footer(
    harness_factory: Factory,
) -> None:
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    h = harness_factory()
    async with h.app.run_test(size=(70, 24)) as pilot:
        await h.advance(pilot, 5)
        for width, shown in [(70, False), (100, True), (79, False)]:
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            await pilot.pause()
            footer = h.app.screen.query_one(Footer)
            line = " ".join(str(key.render()) for key in footer.query(FooterKey))
            assert ("palette" in line) is shown, (width, line)
