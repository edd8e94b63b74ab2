"""Global banners (401 with the key prompt, 429 countdown, OFFLINE), the budget line, alerts."""

from __future__ import annotations

import re
from collections.abc import Callable

from textual.widgets import Input
from ui_harness import BASE_URL, Harness, SimTransport
from ui_screen_text import banner_text, list_rows, text_of

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.secret import ApiKey
from appizer_tui.sim.app import DEMO_API_KEY
from appizer_tui.sim.ratelimit import RateLimit
from appizer_tui.ui.screens.api_key import ApiKeyScreen
from appizer_tui.ui.widgets.app_header import AppHeader
from appizer_tui.ui.widgets.campaign_list import CampaignList
from appizer_tui.ui.widgets.status_line import StatusLine

Factory = Callable[..., Harness]
WRONG_KEY = "sk_test_not_the_right_key_0001"


async def test_401_banner_and_key_prompt_resume_polling(harness_factory: Factory) -> None:
    h = harness_factory(api_key=WRONG_KEY)
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        banner = banner_text(h.app, "#global-banner")
        assert "401" in banner and "k enter an API key" in banner
        assert "polling paused" in banner
        # The server's own words are shown (as text).
        assert h.store.global_state().auth_error is not None
        assert h.store.global_state().auth_error.message[:20] in banner  # type: ignore[union-attr]
        assert WRONG_KEY not in banner
        await pilot.press("k")  # the list would take k as "up"; the 401 banner takes it
        assert isinstance(h.app.screen, ApiKeyScreen)
        field = h.app.screen.query_one("#key-input", Input)
        assert field.password
        await pilot.press("x", " ", "y", "enter")
        assert isinstance(h.app.screen, ApiKeyScreen)  # a key with a space is refused
        assert "spaces" in text_of(h.app.screen.query_one("#key-error"))
        field.value = DEMO_API_KEY
        await pilot.press("enter")
        assert not isinstance(h.app.screen, ApiKeyScreen)
        assert field.value == ""  # the key does not linger in the widget
        await h.advance(pilot, 10)
        assert banner_text(h.app, "#global-banner") == ""
        header = text_of(h.app.screen.query_one(AppHeader))
        assert "sk_test_" in header and DEMO_API_KEY not in header
        rows = list_rows(h.app)
        assert "sending" in rows["camp_launch_eu"]


async def test_k_is_up_in_the_list_without_a_401(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        campaigns = h.app.screen.query_one(CampaignList)
        await pilot.press("j", "j", "k")
        assert campaigns.cursor_id == campaigns.visible_ids[1]
        await pilot.press("K")
        assert isinstance(h.app.screen, ApiKeyScreen)
        await pilot.press("escape")
        assert not isinstance(h.app.screen, ApiKeyScreen)


async def test_429_banner_counts_down(harness_factory: Factory) -> None:
    h = harness_factory(rate_limit=RateLimit(10, 60.0))
    # Another client on the same key spends the window first, as a second tool would.
    other = AppizerClient(
        ApiKey(DEMO_API_KEY),
        BASE_URL,
        transport=SimTransport(h.simulator.app),
        wall_clock=h.clock.wall,
    )
    for _ in range(10):
        await other.get_campaign("camp_launch_eu")
    await other.aclose()
    async with h.app.run_test(size=(120, 36)) as pilot:
        await h.advance(pilot, 3, step=1)
        banner = banner_text(h.app, "#global-banner")
        assert "429 RATE LIMITED" in banner, banner
        first = int(re.search(r"resuming in (\d+) s", banner).group(1))  # type: ignore[union-attr]
        await h.advance(pilot, 5, step=1)
        banner = banner_text(h.app, "#global-banner")
        later = int(re.search(r"resuming in (\d+) s", banner).group(1))  # type: ignore[union-attr]
        assert later < first
        assert "the server allows 10 a minute" in banner
        status = text_of(h.app.screen.query_one(StatusLine))
        assert "429s: " in status and "429s: 0" not in status


async def test_offline_banner_dims_the_last_good_data(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        before = list_rows(h.app)["camp_launch_eu"]
        h.simulator.set_down(True)
        await h.advance(pilot, 40)
        banner = banner_text(h.app, "#global-banner")
        assert "OFFLINE" in banner and "retrying" in banner
        assert h.app.screen.has_class("-offline")
        assert h.app.screen.query_one(CampaignList).dimmed
        # The last good figures stay on screen.
        assert before.split()[0] in list_rows(h.app)["camp_launch_eu"]
        h.simulator.set_down(False)
        await h.advance(pilot, 40)
        assert banner_text(h.app, "#global-banner") == ""
        assert not h.app.screen.has_class("-offline")


async def test_budget_line_explains_a_stretched_interval(harness_factory: Factory) -> None:
    h = harness_factory()
    h.poller.set_max_rpm(20)
    async with h.app.run_test(size=(200, 40)) as pilot:
        await h.advance(pilot, 20)
        status = text_of(h.app.screen.query_one(StatusLine))
        found = re.search(
            r"(\d+) campaigns x 5 s(?: \+ (\d+) x 1 min)? = ([\d,]+)/h > [\d,]+/h budget: "
            r"polling every",
            status,
        )
        assert found is not None, status
        sending, tail, total = found.groups()
        # The sentence adds up: 720 an hour per campaign at 5 s, 60 per one in its tail.
        assert int(sending) * 720 + int(tail or 0) * 60 == int(total.replace(",", ""))
        assert "req/min" in status


async def test_failure_alert_highlights_rings_and_toasts_once(
    harness_factory: Factory, monkeypatch: object
) -> None:
    h = harness_factory(ids=["camp_promo_br", "camp_launch_eu"])
    bells: list[int] = []
    h.app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 160, step=10)
        row = list_rows(h.app)["camp_promo_br"]
        assert row.lstrip().startswith("!") or row[0] == "!"
        alerts = [n for n in h.app._notifications if n.title == "Failure alert"]
        assert len(alerts) == 1 and "camp_promo_br" in alerts[0].message
        assert bells == [1]
        await h.advance(pilot, 30)
        assert len([n for n in h.app._notifications if n.title == "Failure alert"]) == 1


async def test_finished_campaign_raises_a_toast(harness_factory: Factory) -> None:
    h = harness_factory(ids=["camp_reengage_q3", "camp_weekly_digest"])
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 120, step=10)
        finished = [n for n in h.app._notifications if n.title == "Campaign finished"]
        # camp_weekly_digest was already complete when first fetched: no toast for it.
        assert [n.message for n in finished] == ["camp_reengage_q3 completed"]
