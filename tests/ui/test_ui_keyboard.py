"""Keys typed fast: every key after `/`, `a` or `K` goes into the field that key opens, in order,
however fast they arrive (over SSH a whole word often comes in one read)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input
from ui_harness import Harness
from ui_keys import burst, typed

from appizer_tui.sim.app import DEMO_API_KEY
from appizer_tui.ui.screens.add_campaigns import AddCampaignsScreen
from appizer_tui.ui.screens.api_key import ApiKeyScreen
from appizer_tui.ui.widgets.campaign_list import CampaignList

Factory = Callable[..., Harness]


async def test_slash_then_a_word_in_one_burst_filters_by_that_word(
    harness_factory: Factory,
) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        await burst(pilot, *typed("/promo"))
        campaigns = h.app.screen.query_one(CampaignList)
        assert h.app.screen.query_one("#filter-input", Input).value == "promo"
        assert campaigns.filter_text == "promo"
        assert campaigns.visible_ids == ("camp_promo_br",)
        assert not h.store.global_state().paused  # the `p` was text, not "pause"


async def test_slash_burst_never_runs_a_command(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        await burst(pilot, *typed("/fla"))  # the `a` would open the Add dialog
        assert not isinstance(h.app.screen, AddCampaignsScreen)
        assert h.app.screen.query_one("#filter-input", Input).value == "fla"
        # Enter ends the filter; keys after it are commands again, in the same burst.
        await burst(pilot, "backspace", "backspace", "backspace", *typed("eu"), "enter", "p")
        assert h.app.screen.query_one(CampaignList).filter_text == "eu"
        assert h.store.global_state().paused


async def test_a_then_ids_and_enter_in_one_burst_adds_them(harness_factory: Factory) -> None:
    h = harness_factory(ids=["camp_launch_eu"])
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        await burst(pilot, "a", *typed("camp_promo_br camp_flash_us"), "enter")
        assert not isinstance(h.app.screen, AddCampaignsScreen)
        assert set(h.store.ids()) == {"camp_launch_eu", "camp_promo_br", "camp_flash_us"}
        assert not h.store.global_state().paused


async def test_a_burst_goes_into_the_field_in_order(harness_factory: Factory) -> None:
    h = harness_factory(ids=[])
    async with h.app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await burst(pilot, "a", *typed("qpdrk/"))
        assert isinstance(h.app.screen, AddCampaignsScreen)
        assert h.app.screen.query_one("#add-input", Input).value == "qpdrk/"


async def test_capital_k_then_the_key_and_enter_in_one_burst_sets_it(
    harness_factory: Factory,
) -> None:
    h = harness_factory(api_key="sk_test_not_the_right_key_0001")
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        assert h.store.global_state().auth_error is not None
        await burst(pilot, "K", *typed(DEMO_API_KEY), "enter")
        assert not isinstance(h.app.screen, ApiKeyScreen)
        await h.advance(pilot, 10)
        assert h.store.global_state().auth_error is None
        assert not h.store.global_state().paused


async def test_small_k_on_the_401_banner_then_the_key_in_one_burst(
    harness_factory: Factory,
) -> None:
    h = harness_factory(api_key="sk_test_not_the_right_key_0001")
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        await burst(pilot, "k", *typed("sk_partial"))
        assert isinstance(h.app.screen, ApiKeyScreen)
        assert h.app.screen.query_one("#key-input", Input).value == "sk_partial"
