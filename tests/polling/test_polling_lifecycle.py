"""Cadence follows the lifecycle: interval while pending/sending/unknown, an engagement tail after
completion, one confirming fetch for failed and cancelled, then nothing."""

from __future__ import annotations

from polling_support import Engine, FakeApi

from appizer_tui.api.models import CampaignStatus
from appizer_tui.polling.clock import FakeClock
from appizer_tui.state.events import CampaignFinished
from appizer_tui.state.model import Phase


def gaps(times: list[float]) -> list[float]:
    return [round(b - a, 6) for a, b in zip(times, times[1:], strict=False)]


async def test_terminal_stop_rule(clock: FakeClock, api: FakeApi) -> None:
    now = clock.wall()
    api.add("old_done", send_start=now - 5000)  # completed long ago: one fetch confirms it
    api.add("failed", status_override="failed")
    api.add("cancelled", status_override="cancelled")
    api.add("odd", status_override="paused")  # a status this version does not know
    api.add("pending", send_start=now + 10_000)
    options = {"interval": 5.0, "tail_interval": 60.0, "tail_duration": 1800.0}
    async with Engine(api.client(), clock, **options) as engine:
        engine.poller.add("old_done", "failed", "cancelled", "odd", "pending")
        await clock.advance(600)
        assert len(api.requests_for("old_done")) == 1
        assert engine.phase("old_done") is Phase.DONE
        for name in ("failed", "cancelled"):
            times = api.requests_for(name)
            assert len(times) == 2, name  # the first sighting and one confirming fetch
            assert gaps(times) == [5.0]
            assert engine.phase(name) is Phase.DONE
        odd = engine.view("odd")
        assert odd.campaign is not None and odd.campaign.status is CampaignStatus.UNKNOWN
        assert odd.phase is Phase.ACTIVE and set(gaps(api.requests_for("odd"))) == {5.0}
        assert set(gaps(api.requests_for("pending"))) == {5.0}
        finished = {e.campaign_id for e in engine.events if isinstance(e, CampaignFinished)}
        assert finished == {"old_done", "failed", "cancelled"}
        assert engine.store.global_state().budget.active == 2


async def test_completed_campaign_tails_slowly_then_stops_when_engagement_settles(
    clock: FakeClock, api: FakeApi
) -> None:
    now = clock.wall()
    # Completes 100 s in; opens and clicks rise for 300 s after that, then stay put.
    api.add("settles", send_start=now - 900, total=10_000, per_second=10.0)
    options = {"interval": 5.0, "tail_interval": 60.0, "tail_duration": 1800.0}
    async with Engine(api.client(), clock, **options) as engine:
        engine.poller.add("settles")
        await clock.advance(99)
        assert engine.phase("settles") is Phase.ACTIVE
        await clock.advance(11)
        assert engine.phase("settles") is Phase.TAIL
        await clock.advance(3000)
        assert engine.phase("settles") is Phase.DONE
        times = api.requests_for("settles")
        tail = [t for t in times if t >= now + 100]
        assert set(gaps(tail)) == {60.0}
        # Stopped early: 5 unchanged polls after engagement settled, well before the 30 minutes.
        assert tail[-1] - (now + 100) < 800
        count = len(times)
        await clock.advance(3600)
        assert len(api.requests_for("settles")) == count  # quiet once done


async def test_engagement_tail_ends_after_its_duration(clock: FakeClock, api: FakeApi) -> None:
    now = clock.wall()
    api.add("rising", send_start=now - 100, total=1000, engagement_seconds=100_000)
    options = {"interval": 5.0, "tail_interval": 60.0, "tail_duration": 600.0}
    async with Engine(api.client(), clock, **options) as engine:
        engine.poller.add("rising")
        await clock.advance(3000)
        assert engine.phase("rising") is Phase.DONE
        last = api.requests_for("rising")[-1]
        assert now - 0 <= last <= now + 600 + 60  # completed at `now`, tail of 600 s


async def test_manual_refresh_fetches_a_done_campaign_once(clock: FakeClock, api: FakeApi) -> None:
    api.add("failed", status_override="failed")
    async with Engine(api.client(), clock) as engine:
        engine.poller.add("failed")
        await clock.advance(60)
        assert engine.phase("failed") is Phase.DONE
        assert len(api.requests_for("failed")) == 2
        engine.poller.refresh("failed")
        await clock.advance(0)
        assert len(api.requests_for("failed")) == 3
        await clock.advance(600)
        assert len(api.requests_for("failed")) == 3
        assert engine.phase("failed") is Phase.DONE


async def test_views_carry_schedule_and_expected_interval(clock: FakeClock, api: FakeApi) -> None:
    api.add("c", total=10**9)
    async with Engine(api.client(), clock, interval=7.0) as engine:
        engine.poller.add("c")
        await clock.advance(1)
        view = engine.view("c")
        assert view.polls == 1 and view.phase is Phase.ACTIVE
        assert view.expected_interval == 7.0
        assert view.next_poll_at == view.last_success_at + 7.0  # type: ignore[operator]
        assert not view.is_stale(clock.wall())
