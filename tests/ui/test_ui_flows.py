"""Keyboard flows through the Pilot, on the real engine and simulator, checked against truth."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from textual.widgets import Input
from ui_harness import Harness
from ui_screen_text import banner_text, list_rows, text_of

from appizer_tui.present import cadence
from appizer_tui.state import format as fmt
from appizer_tui.state.model import Phase
from appizer_tui.ui.screens.add_campaigns import AddCampaignsScreen
from appizer_tui.ui.screens.confirm import ConfirmScreen
from appizer_tui.ui.screens.help import HelpScreen
from appizer_tui.ui.widgets.app_header import AppHeader
from appizer_tui.ui.widgets.campaign_list import CampaignList
from appizer_tui.ui.widgets.counters import Counters
from appizer_tui.ui.widgets.detail_header import DetailHeader

Factory = Callable[..., Harness]


def _saved(h: Harness) -> list[str] | None:
    path = h.tmp_path / "watchlist.json"
    if not path.exists():
        return None
    campaigns: list[str] = json.loads(path.read_text())["campaigns"]
    return campaigns


def _progress(truth: dict[str, Any]) -> str:
    stats = truth["stats"]
    total = stats["total_recipients"]
    return fmt.format_percent((stats["sent"] + stats["failed"]) / total if total else None)


async def test_list_and_detail_match_the_simulator(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(120, 36)) as pilot:
        await h.advance(pilot, 60)
        rows = list_rows(h.app)
        assert set(rows) == set(h.simulator.campaign_ids())
        for campaign_id, row in rows.items():
            truth = h.truth_at_fetch(campaign_id)
            assert truth["status"] in row, (campaign_id, row)
            assert _progress(truth) in row, (campaign_id, row)
            assert fmt.format_count(truth["stats"]["failed"]) in row
        selected = h.app.screen.query_one(CampaignList).cursor_id
        assert selected is not None
        truth = h.truth_at_fetch(selected)
        header = text_of(h.app.screen.query_one(DetailHeader))
        assert selected in header and truth["status"].upper() in header
        counters = text_of(h.app.screen.query_one(Counters))
        for name in ("total_recipients", "sent", "delivered", "opened", "clicked", "failed"):
            assert fmt.format_count(truth["stats"][name]) in counters, name


async def test_navigation_keys_move_the_cursor_and_the_detail_follows(
    harness_factory: Factory,
) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        campaigns = h.app.screen.query_one(CampaignList)
        ids = campaigns.visible_ids
        assert campaigns.cursor_id == ids[0]
        await pilot.press("j", "down")
        assert campaigns.cursor_id == ids[2]
        await pilot.press("k")
        assert campaigns.cursor_id == ids[1]
        await pilot.press("G")
        assert campaigns.cursor_id == ids[-1]
        await pilot.press("g")
        assert campaigns.cursor_id == ids[0]
        await pilot.press("end")
        assert campaigns.cursor_id == ids[-1]
        await pilot.press("home", "pagedown")
        assert campaigns.cursor_id == ids[-1]  # eight rows fit: a page reaches the end
        await pilot.press("pageup")
        assert campaigns.cursor_id == ids[0]
        await pilot.press("j")
        await pilot.pause()
        assert ids[1] in text_of(h.app.screen.query_one(DetailHeader))
        # Enter moves focus to the detail pane; Esc comes back.
        await pilot.press("enter")
        assert h.app.focused is not None and h.app.focused.id == "detail"
        await pilot.press("escape")
        assert h.app.focused is campaigns


async def test_cursor_stays_on_its_campaign_when_data_arrives(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        campaigns = h.app.screen.query_one(CampaignList)
        await pilot.press("s", "s", "s", "s")  # failure rate: rows move as data comes in
        await pilot.press("j", "j")
        chosen = campaigns.cursor_id
        await h.advance(pilot, 60, step=10)
        assert campaigns.cursor_id == chosen


async def test_filter_by_status_and_id(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        campaigns = h.app.screen.query_one(CampaignList)
        await pilot.press("slash", *"send")
        shown = campaigns.visible_ids
        assert shown and all(h.store.get(i).campaign.raw_status == "sending" for i in shown)  # type: ignore[union-attr]
        await pilot.press("enter")
        assert h.app.focused is campaigns
        assert "filter" in str(h.app.screen.query_one("#list-pane").border_subtitle)
        await pilot.press("slash", *(["backspace"] * 4), *"promo")
        assert campaigns.visible_ids == ("camp_promo_br",)
        await pilot.press("escape")
        assert len(campaigns.visible_ids) == len(h.simulator.campaign_ids())
        await pilot.press("slash")
        h.app.screen.query_one("#filter-input", Input).value = "nomatch"
        await pilot.pause()
        assert campaigns.visible_ids == ()
        assert "no campaign matches" in campaigns.render_line(1).text


async def test_filter_field_is_made_on_the_first_slash(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        campaigns = h.app.screen.query_one(CampaignList)
        assert not h.app.screen.query("#filter-input")
        await pilot.press("escape")
        assert h.app.focused is campaigns and not h.app.screen.query("#filter-input")
        await pilot.press("slash")
        field = h.app.screen.query_one("#filter-input", Input)
        assert h.app.focused is field and field.display
        await pilot.press("escape", "slash")
        assert len(h.app.screen.query("#filter-input")) == 1
        assert h.app.focused is field


async def test_sort_cycles_through_every_order(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 30)
        campaigns = h.app.screen.query_one(CampaignList)
        assert campaigns.order_by == "added"
        assert list(campaigns.visible_ids) == list(h.store.ids())
        await pilot.press("s")
        assert campaigns.order_by == "id"
        assert list(campaigns.visible_ids) == sorted(h.store.ids(), key=str.casefold)
        await pilot.press("s", "s")
        assert campaigns.order_by == "progress"
        progress = [h.store.get(i).metrics.progress for i in campaigns.visible_ids]  # type: ignore[union-attr]
        known = [p for p in progress if p is not None]
        assert known == sorted(known)
        await pilot.press("s")
        assert campaigns.order_by == "failure rate"
        rates = [h.store.get(i).metrics.failure_rate for i in campaigns.visible_ids]  # type: ignore[union-attr]
        known_rates = [r for r in rates if r is not None]
        assert known_rates == sorted(known_rates, reverse=True)
        await pilot.press("s")
        assert campaigns.order_by == "added"


async def test_add_several_ids_with_one_invalid(harness_factory: Factory) -> None:
    h = harness_factory(ids=["camp_launch_eu"], persist=True)
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        await pilot.press("a")
        assert isinstance(h.app.screen, AddCampaignsScreen)
        field = h.app.screen.query_one("#add-input", Input)
        field.value = "camp_flash_sale, camp/bad camp_promo_br"
        await pilot.press(*" camp_launch_eu")
        preview = text_of(h.app.screen.query_one("#add-preview"))
        assert "2 to add" in preview and "camp/bad" in preview and "path separator" in preview
        await pilot.press("enter")
        await pilot.pause()
        assert h.store.ids() == ("camp_launch_eu", "camp_flash_sale", "camp_promo_br")
        # The cursor moves to the first campaign added.
        assert h.app.screen.query_one(CampaignList).cursor_id == "camp_flash_sale"
        messages = " ".join(str(n.message) for n in h.app._notifications)
        assert "refused camp/bad" in messages and "already watched" in messages
        assert "added 2" in messages and "to add" not in messages
        await h.advance(pilot, 10)
        rows = list_rows(h.app)
        assert "camp_promo_br" in rows and "sending" in rows["camp_promo_br"]
        expected = ["camp_launch_eu", "camp_flash_sale", "camp_promo_br"]
        await h.wait_for(pilot, lambda: _saved(h) == expected)


async def test_not_found_campaign_banner_retry_and_remove(harness_factory: Factory) -> None:
    h = harness_factory(ids=["camp_launch_eu", "camp_does_not_exist"], persist=True)
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        await pilot.press("j")
        await pilot.pause()
        # Inside the first-minute grace the engine still retries: not "not found" yet.
        view = h.store.get("camp_does_not_exist")
        assert view is not None and view.phase is Phase.ERROR_BACKOFF
        banner = banner_text(h.app, "#campaign-banner")
        assert "404 NOT VISIBLE YET" in banner and "next retry in" in banner
        assert "retry 404" in list_rows(h.app)["camp_does_not_exist"]
        assert "retry 404" in text_of(h.app.screen.query_one(DetailHeader))
        await h.advance(pilot, 60)  # past the grace: the engine gives up and says so
        assert _view(h, "camp_does_not_exist").phase is Phase.NOT_FOUND
        await pilot.pause()
        banner = banner_text(h.app, "#campaign-banner")
        assert "404 NOT FOUND" in banner and "d remove" in banner and "r retry" in banner
        assert "not found" in list_rows(h.app)["camp_does_not_exist"]
        h.poller.pause()  # so the only request is the retry
        await pilot.pause()
        served = h.simulator.requests_served
        await pilot.press("r")
        await h.advance(pilot, 1, step=1)
        assert h.simulator.requests_served == served + 1
        await pilot.press("d")
        assert isinstance(h.app.screen, ConfirmScreen)
        await pilot.press("n")
        assert "camp_does_not_exist" in h.store.ids()
        await pilot.press("d", "y")
        await pilot.pause()
        assert "camp_does_not_exist" not in h.store.ids()
        assert list(list_rows(h.app)) == ["camp_launch_eu"]
        await h.wait_for(pilot, lambda: _saved(h) == ["camp_launch_eu"])


async def test_pause_stops_requests_and_shows_paused(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        await pilot.press("p")
        await pilot.pause()
        assert h.store.global_state().paused
        assert "PAUSED" in text_of(h.app.screen.query_one(AppHeader))
        served = h.simulator.requests_served
        await h.advance(pilot, 30)
        assert h.simulator.requests_served == served
        # Data goes stale while paused, and says so (and is dimmed).
        assert "STALE" in text_of(h.app.screen.query_one(DetailHeader))
        assert h.app.screen.query_one("#detail").has_class("-stale")
        stale_row = list_rows(h.app)["camp_launch_eu"]
        assert fmt.STALE_MARK in stale_row
        await h.advance(pilot, 60)
        assert fmt.STALE_MARK in list_rows(h.app)["camp_launch_eu"] != stale_row  # the age moves on
        await pilot.press("p")
        await h.advance(pilot, 10)
        assert not h.store.global_state().paused
        assert "PAUSED" not in text_of(h.app.screen.query_one(AppHeader))
        assert h.simulator.requests_served > served
        assert "live" in list_rows(h.app)["camp_launch_eu"]


async def test_stale_rows_show_their_age_without_polls(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        h.poller.pause()  # no polls from here on: only the clock moves
        await pilot.pause()
        before = list_rows(h.app)
        await h.advance(pilot, 3, step=1, draw=False)
        assert list_rows(h.app) == before  # fresh rows show nothing that changes with time
        await h.advance(pilot, 20, step=1, draw=False)  # past 2 intervals without a poll
        now = h.clock.wall()
        live = [v.campaign_id for v in h.store.views() if not v.phase.is_stopped]
        stale = [c for c in live if _view(h, c).is_stale(now)]
        assert stale
        assert all(fmt.STALE_MARK in list_rows(h.app)[c] for c in stale)


async def test_refresh_one_and_all(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 10)
        await pilot.press("p")  # paused: only manual refreshes go out
        await pilot.pause()
        selected = h.app.screen.query_one(CampaignList).cursor_id
        assert selected is not None
        before = h.simulator.requests_for(selected)
        served = h.simulator.requests_served
        await pilot.press("r")
        await h.advance(pilot, 1, step=1)
        assert h.simulator.requests_for(selected) == before + 1
        assert h.simulator.requests_served == served + 1
        await pilot.press("R")
        await pilot.pause()
        told = [str(n.message) for n in h.app._notifications if n.title == "Refresh all"]
        assert told == [f"Polling {len(h.store.ids())} campaigns now, within the budget."]
        await h.advance(pilot, 10, step=1)
        assert h.simulator.requests_served >= served + 1 + len(h.simulator.campaign_ids())


async def test_help_lists_every_key_and_closes(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(100, 40)) as pilot:
        await h.advance(pilot, 5)
        await pilot.press("question_mark")
        assert isinstance(h.app.screen, HelpScreen)
        shown = " ".join(text_of(w) for w in h.app.screen.query(".help-group"))
        for word in ("Add", "Remove", "Refresh", "Pause", "API key", "Copy", "Export", "Filter"):
            assert word in shown, word
        for key in (" a ", " d ", " r ", " R ", " p ", " K ", " y ", " e ", " / ", " s ", " t "):
            assert key in shown, key
        await pilot.press("escape")
        assert not isinstance(h.app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(h.app.screen, HelpScreen)
        await pilot.press("q")  # q closes the sheet, it does not quit
        assert not isinstance(h.app.screen, HelpScreen)
        assert h.app.is_running


async def test_quit_returns_exit_code_zero(harness_factory: Factory) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(80, 24)) as pilot:
        await h.advance(pilot, 5)
        await pilot.press("q")
        await pilot.pause()
    assert h.app.return_value == 0
    assert not h.poller.running


async def test_no_frame_is_built_once_nothing_is_live(harness_factory: Factory) -> None:
    h = harness_factory(ids=["camp_never_existed"])
    async with h.app.run_test(size=(100, 30)) as pilot:
        await h.advance(pilot, 5)
        # After the not-found grace the engine stops polling it: nothing on screen can change.
        await h.advance(pilot, 400, step=20)
        assert h.store.get("camp_never_existed").phase.is_stopped  # type: ignore[union-attr]
        frame = h.app.presenter.frame
        assert frame is not None and "not found" in list_rows(h.app)["camp_never_existed"]
        served = h.simulator.requests_served
        await h.advance(pilot, 120, step=30, draw=False)
        assert h.simulator.requests_served == served
        assert h.app.presenter.frame is frame


async def test_polls_are_drawn_at_the_cadence_not_one_frame_each(
    harness_factory: Factory,
) -> None:
    h = harness_factory()
    async with h.app.run_test(size=(120, 36)) as pilot:
        await h.advance(pilot, 10)
        main = h.app.main_screen
        assert main is not None
        frames: list[int] = []
        main.controller.presenter.subscribe(lambda frame: frames.append(frame.seq))
        served = h.simulator.requests_served
        await h.advance(pilot, 10, step=1, draw=False)  # two rounds of polls
        polls = h.simulator.requests_served - served
        assert polls >= 10 and len(frames) <= math.ceil(10 / cadence.FRAME_SECONDS) + 1 < polls
        h.poller.pause()
        await h.advance(pilot, cadence.FRAME_SECONDS, step=1, draw=False)
        rows = list_rows(h.app)
        sending = [c for c in rows if h.truth_at_fetch(c)["status"] == "sending"]
        assert sending
        for campaign_id in sending:
            assert _progress(h.truth_at_fetch(campaign_id)) in rows[campaign_id], campaign_id
        selected = h.app.screen.query_one(CampaignList).cursor_id
        assert selected is not None
        counters = text_of(h.app.screen.query_one(Counters))
        sent = h.truth_at_fetch(selected)["stats"]["sent"]
        assert fmt.format_count(sent) in counters


def _view(h: Harness, campaign_id: str) -> Any:
    view = h.store.get(campaign_id)
    assert view is not None, campaign_id
    return view
