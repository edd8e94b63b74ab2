"""The presenter on a real store and a fake clock: which frames come when, and what they say."""

from __future__ import annotations

from msgspec.structs import replace
from present_helpers import Rig, campaign

from appizer_tui.api.models import CampaignStatus
from appizer_tui.present import cadence
from appizer_tui.state import format as fmt
from appizer_tui.state.model import ErrorInfo, GlobalState, Phase

AUTH = ErrorInfo("auth", "Unauthorized", "Invalid API key", code="INVALID_API_KEY", http_status=401)


async def test_the_first_frame_lists_every_campaign_at_once(rig: Rig) -> None:
    rig.store.add("a")
    rig.store.add("b")
    await rig.settle()
    assert rig.frame.ids == ("a", "b")
    assert [row.cell("status") for row in rig.frame.rows.values()] == ["\u2026 waiting"] * 2
    assert rig.frame.header.campaigns == 2


async def test_polls_wait_for_the_cadence_and_land_together(rig: Rig) -> None:
    for name in ("a", "b", "c"):
        rig.store.add(name)
    rig.presenter.select("a")
    await rig.settle()
    rig.poll("a", campaign("a"))  # the selected campaign's first data: at once
    await rig.settle()
    assert rig.frame.rows["a"].cell("progress") == "10.0%"
    seq = rig.frame.seq
    rig.poll("b", campaign("b", sent=200))
    rig.poll("c", campaign("c", sent=300))
    await rig.settle()
    assert rig.frame.seq == seq  # not urgent: waits
    await rig.clock.advance(cadence.FRAME_SECONDS)
    assert rig.frame.changed_rows == {"b", "c"}
    assert rig.frame.rows["b"].cell("progress") == "20.0%"
    assert rig.frame.rows["a"] is rig.frames[-2].rows["a"]  # unchanged rows are kept


async def test_a_frame_at_most_every_cadence_while_polls_stream_in(rig: Rig) -> None:
    ids = [f"c{i}" for i in range(50)]
    for name in ids:
        rig.store.add(name)
    await rig.settle()
    first = rig.frame.seq
    for step in range(100):  # 50 campaigns at 5 s: one poll every 0.1 s, for 10 s
        rig.poll(ids[step % 50], campaign(ids[step % 50], sent=step))
        await rig.clock.advance(0.1)
    frames = rig.frame.seq - first
    assert 10 / cadence.FRAME_SECONDS - 1 <= frames <= 10 / cadence.FRAME_SECONDS + 1


async def test_selection_moves_the_detail_at_once(rig: Rig) -> None:
    rig.store.add("a")
    rig.store.add("b")
    rig.poll("a", campaign("a"))
    rig.poll("b", campaign("b", sent=500))
    await rig.settle()
    rig.presenter.select("b")
    await rig.settle()
    detail = rig.frame.detail
    assert detail is not None and detail.view.campaign_id == "b"
    assert detail.view.campaign is not None and detail.view.campaign.stats.sent == 500


async def test_failure_rate_exactly_at_the_threshold_alerts_everywhere_once(rig: Rig) -> None:
    rig.store.add("a")
    rig.presenter.select("a")
    rig.poll("a", campaign("a", sent=951, failed=49))  # 4.9 % of attempts
    await rig.clock.advance(cadence.FRAME_SECONDS)
    assert not rig.frame.rows["a"].alert and not rig.frame.bell
    rig.poll("a", campaign("a", sent=950, failed=50))  # exactly 5 %: at or above
    await rig.clock.advance(cadence.FRAME_SECONDS)
    frame = rig.frame
    assert frame.rows["a"].alert and frame.rows["a"].cell("flag") == "!"
    assert frame.detail is not None and frame.detail.alert
    assert [a.state for a in frame.alerts] == ["firing"] and frame.bell
    assert [t.title for t in frame.toasts] == ["Failure alert"]
    assert "5.0%" in frame.toasts[0].text
    rig.poll("a", campaign("a", failed=80))
    await rig.clock.advance(cadence.FRAME_SECONDS)
    assert rig.frame.rows["a"].alert and not rig.frame.toasts and not rig.frame.bell


async def test_a_finish_seen_live_raises_a_toast_one_fetched_finished_does_not(rig: Rig) -> None:
    rig.store.add("live")
    rig.store.add("old")
    rig.poll("live", campaign("live"))
    await rig.clock.advance(cadence.FRAME_SECONDS)
    rig.poll("live", campaign("live", CampaignStatus.COMPLETED, sent=1000))
    rig.poll("old", campaign("old", CampaignStatus.COMPLETED, sent=1000))
    await rig.clock.advance(cadence.FRAME_SECONDS)
    toasts = [t for f in rig.frames for t in f.toasts]
    assert [(t.title, t.text) for t in toasts] == [("Campaign finished", "live completed")]


async def test_global_trouble_is_urgent_budget_figures_are_not(rig: Rig) -> None:
    rig.store.add("a")
    await rig.settle()
    seq = rig.frame.seq
    state = rig.store.global_state()
    rig.store.set_budget(replace(state.budget, requests_last_minute=42))
    await rig.settle()
    assert rig.frame.seq == seq
    rig.store.set_global(replace(rig.store.global_state(), auth_error=AUTH))
    await rig.settle()
    assert rig.frame.seq == seq + 1 and rig.frame.auth_error
    assert [b.title for b in rig.frame.banners] == ["401 Unauthorized"]


async def test_the_budget_figures_are_redrawn_every_few_seconds(rig: Rig) -> None:
    rig.store.add("a")
    await rig.settle()
    budget = rig.store.global_state().budget
    for count in range(1, 12):
        rig.store.set_budget(replace(budget, requests_last_minute=count))
        await rig.clock.advance(1)
    shown = {f.status.used for f in rig.frames}
    assert 2 <= len(shown) <= 11 / cadence.STATUS_SECONDS + 2


async def test_a_countdown_ticks_every_second(rig: Rig) -> None:
    rig.store.add("a")
    now = rig.clock.wall()
    rig.store.set_global(GlobalState(rate_limited_until=now + 10))
    await rig.settle()
    assert rig.frame.counting and "in 10 s" in rig.frame.banners[0].text
    seq = rig.frame.seq
    await rig.clock.advance(3)
    assert rig.frame.seq - seq == 3 / cadence.COUNTDOWN_SECONDS
    assert "in 7 s" in rig.frame.banners[0].text


async def test_stale_rows_change_with_time_alone(rig: Rig) -> None:
    rig.store.add("a")
    rig.poll("a", campaign("a"))
    await rig.clock.advance(cadence.FRAME_SECONDS)
    assert rig.frame.rows["a"].cell("age") == "live"
    await rig.clock.advance(12)  # past two intervals without a poll
    assert rig.frame.rows["a"].stale and rig.frame.rows["a"].cell("age").startswith(fmt.STALE_MARK)


async def test_no_frame_and_no_wake_up_once_nothing_is_live(rig: Rig) -> None:
    rig.store.add("a")
    rig.poll("a", campaign("a", CampaignStatus.COMPLETED, sent=1000))
    rig.store.update_schedule("a", phase=Phase.DONE)
    await rig.clock.advance(cadence.FRAME_SECONDS * 2)
    seq = rig.frame.seq
    assert rig.frame.rows["a"].cell("age") == "final"
    await rig.clock.advance(600)
    assert rig.frame.seq == seq and rig.clock.pending_sleepers == 0


async def test_an_engine_failure_is_a_banner_and_one_bell(rig: Rig) -> None:
    rig.store.add("a")
    await rig.settle()
    rig.presenter.engine_failed("RuntimeError: boom")
    await rig.settle()
    assert rig.frame.bell and rig.frame.banners[0].title == "ENGINE STOPPED"
    rig.store.set_global(GlobalState(paused=True))
    await rig.settle()
    assert not rig.frame.bell and rig.frame.banners[0].title == "ENGINE STOPPED"
    assert rig.frame.header.paused


async def test_a_removed_campaign_leaves_the_frame(rig: Rig) -> None:
    rig.store.add("a")
    rig.store.add("b")
    await rig.settle()
    rig.store.remove("a")
    await rig.settle()
    assert rig.frame.ids == ("b",) and "a" not in rig.frame.rows
