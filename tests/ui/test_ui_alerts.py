"""`A`: the alerts list, every transition since the viewer started, from the alert engine."""

from __future__ import annotations

from collections.abc import Callable

from ui_harness import Harness
from ui_screen_text import text_of

from appizer_tui.ui.screens.alerts import AlertsScreen

Factory = Callable[..., Harness]


async def test_a_lists_every_alert_with_its_state_and_esc_closes(harness_factory: Factory) -> None:
    h = harness_factory(ids=["camp_promo_br", "camp_launch_eu"])
    h.poller.pause()  # nothing polled yet: camp_promo_br fails 12 % of its sends from the start
    async with h.app.run_test(size=(120, 36)) as pilot:
        await pilot.press("A")
        assert isinstance(h.app.screen, AlertsScreen)
        assert "No alert yet." in text_of(h.app.screen.query_one("#alerts-list"))
        await pilot.press("escape")
        h.poller.resume()
        await h.advance(pilot, 160, step=10)  # camp_promo_br's failure rate is over 5 %
        await pilot.press("A")
        assert isinstance(h.app.screen, AlertsScreen)
        listed = text_of(h.app.screen.query_one("#alerts-list"))
        assert "FIRING" in listed and "failure_rate" in listed
        assert "camp_promo_br: failure rate" in listed and "camp_launch_eu" not in listed
        assert "1 firing now" in text_of(h.app.screen.query_one(".dialog-title"))
        await pilot.press("escape")
        assert not isinstance(h.app.screen, AlertsScreen)
