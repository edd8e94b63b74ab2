"""Changing the engine while it runs: add, remove, pause, resume, refresh, focus, interval."""

from __future__ import annotations

import pytest
from polling_support import Engine, FakeApi, assert_spread

from appizer_tui.polling.clock import FakeClock
from appizer_tui.state.events import CampaignRemoved
from appizer_tui.state.model import Phase


async def test_first_polls_are_spread_over_the_first_interval(
    clock: FakeClock, api: FakeApi
) -> None:
    names = [f"c{i}" for i in range(10)]
    for name in names:
        api.add(name, total=10**9)
    engine = Engine(api.client(), clock, interval=5.0)
    engine.poller.add(*names)
    engine.poller.set_focus("c7")
    async with engine:
        await clock.advance(4.99)
    times = [t - 1_700_000_000.0 for t, _ in api.requests]
    assert [c for _, c in api.requests][0] == "c7"  # the focused one first
    assert len(times) == 10 and times[0] == pytest.approx(0.0)
    assert_spread(times, 5.0)


async def test_add_and_remove_while_running(clock: FakeClock, api: FakeApi) -> None:
    for name in ("a", "b", "c"):
        api.add(name, total=10**9)
    async with Engine(api.client(), clock) as engine:
        engine.poller.add("a", "b")
        await clock.advance(30)
        engine.poller.add("c", "a")  # "a" is already watched: ignored
        assert engine.store.ids() == ("a", "b", "c")
        await clock.advance(0.5)
        assert len(api.requests_for("c")) == 1  # a lone addition is polled at once
        engine.poller.remove("b")
        removed_at = clock.wall()
        await clock.advance(60)
        assert engine.store.get("b") is None and "b" not in engine.poller.ids()
        assert all(t <= removed_at for t in api.requests_for("b"))
        assert len(api.requests_for("c")) >= 12
        gone = engine.events.index(CampaignRemoved("b"))
        assert all(getattr(e, "campaign_id", None) != "b" for e in engine.events[gone + 1 :])
        engine.poller.remove("nope")  # unknown ids are ignored


async def test_pause_stops_polling_resume_spreads_and_refresh_goes_through(
    clock: FakeClock, api: FakeApi
) -> None:
    names = [f"c{i}" for i in range(5)]
    for name in names:
        api.add(name, total=10**9)
    async with Engine(api.client(), clock) as engine:
        engine.poller.add(*names)
        await clock.advance(10)
        engine.poller.pause()
        assert engine.store.global_state().paused and engine.poller.paused
        served = len(api.requests)
        await clock.advance(120)
        assert len(api.requests) == served
        engine.poller.refresh("c2")  # a manual refresh is not held by the pause
        await clock.advance(0)
        assert len(api.requests) == served + 1
        engine.poller.resume()
        resumed = clock.wall()
        assert not engine.store.global_state().paused
        await clock.advance(4.99)
        after = [t - resumed for t, _ in api.requests[served + 1 :]]
        assert len(after) == 5
        # Spread over the interval (the first one paced a slot after the manual refresh).
        assert after == pytest.approx([0, 1, 2, 3, 4], abs=60 / 500)
        engine.poller.resume()  # resuming twice is harmless


async def test_refresh_one_and_all(clock: FakeClock, api: FakeApi) -> None:
    names = [f"c{i}" for i in range(4)]
    for name in names:
        api.add(name, total=10**9)
    async with Engine(api.client(), clock, interval=60.0) as engine:
        engine.poller.add(*names)
        await clock.advance(70)
        served = len(api.requests)
        engine.poller.refresh("c1")
        await clock.advance(0)
        assert [c for _, c in api.requests[served:]] == ["c1"]
        engine.poller.refresh()
        await clock.advance(1)
        assert sorted(c for _, c in api.requests[served + 1 :]) == names
        engine.poller.refresh("unknown")  # ignored


async def test_set_interval_changes_the_cadence(clock: FakeClock, api: FakeApi) -> None:
    api.add("c", total=10**9)
    async with Engine(api.client(), clock, interval=5.0) as engine:
        engine.poller.add("c")
        await clock.advance(20)
        engine.poller.set_interval(10.0)
        assert engine.poller.interval == 10.0 and engine.store.interval == 10.0
        start = clock.wall()
        await clock.advance(100)
        times = [t for t in api.requests_for("c") if t > start]
        assert {round(b - a, 6) for a, b in zip(times, times[1:], strict=False)} == {10.0}
        for bad in (0.5, 301, -1):
            with pytest.raises(ValueError):
                engine.poller.set_interval(bad)


async def test_focused_campaign_keeps_its_interval_under_a_stretched_budget(
    clock: FakeClock, api: FakeApi
) -> None:
    names = [f"c{i:02d}" for i in range(30)]
    for name in names:
        api.add(name, total=10**9)
    # 60 requests a minute for 30 campaigns at 5 s: everyone would get 30 s...
    async with Engine(api.client(), clock, interval=5.0, max_rpm=60) as engine:
        engine.poller.add(*names)
        engine.poller.set_focus("c17")
        assert engine.poller.focus == "c17"
        await clock.advance(600)
        budget = engine.store.global_state().budget
        assert budget.achieved_interval == pytest.approx(30.0)
        assert budget.projected_per_hour == pytest.approx(30 * 720)
        assert budget.budget_per_hour == pytest.approx(3600)
        focused = api.requests_for("c17")
        late = [round(b - a, 3) for a, b in zip(focused[10:], focused[11:], strict=False)]
        assert max(late) <= 6.0  # ...but the one on screen is served first
        other = api.requests_for("c03")
        assert len(other) < len(focused) / 4
    engine.poller.set_focus("not watched")
    assert engine.poller.focus is None


async def test_campaigns_added_before_run_are_polled_when_it_starts(
    clock: FakeClock, api: FakeApi
) -> None:
    api.add("c", total=10**9)
    engine = Engine(api.client(), clock)
    engine.poller.add("c")
    assert engine.store.ids() == ("c",)
    assert engine.phase("c") is Phase.WAITING
    async with engine:
        await clock.advance(1)
        assert engine.phase("c") is Phase.ACTIVE
        assert engine.poller.running
        with pytest.raises(RuntimeError):
            await engine.poller.run()


async def test_stop_before_run_makes_run_return_at_once(clock: FakeClock, api: FakeApi) -> None:
    api.add("c", total=10**9)
    engine = Engine(api.client(), clock)
    engine.poller.add("c")
    await engine.poller.stop()
    await engine.poller.run()
    assert api.requests == [] and not engine.poller.running
    await engine.client.aclose()


async def test_max_rpm_and_share_can_change_while_running(clock: FakeClock, api: FakeApi) -> None:
    names = [f"c{i:02d}" for i in range(50)]
    for name in names:
        api.add(name, total=10**9)
    async with Engine(api.client(), clock, interval=5.0) as engine:
        engine.poller.add(*names)
        await clock.advance(120)
        engine.poller.set_max_rpm(120, budget_share=0.5)
        assert engine.store.global_state().budget.budget_rpm == 60.0
        # The last minute at the old rate must first leave the sliding minute.
        await clock.advance(60)
        start = len(api.requests)
        await clock.advance(540)
        assert 538 <= len(api.requests) - start <= 541
        with pytest.raises(ValueError):
            engine.poller.set_max_rpm(0)
        with pytest.raises(ValueError):
            engine.poller.set_max_rpm(None, budget_share=2)


async def test_requests_last_minute_falls_to_zero_once_everything_stopped(
    clock: FakeClock, api: FakeApi
) -> None:
    api.add("f", status_override="failed")
    async with Engine(api.client(), clock) as engine:
        engine.poller.add("f")
        await clock.advance(10)
        assert engine.phase("f") is Phase.DONE
        assert engine.store.global_state().budget.requests_last_minute == 2
        await clock.advance(70)
        budget = engine.store.global_state().budget
        assert budget.requests_last_minute == 0 and budget.active == 0
        assert budget.achieved_interval is None and budget.projected_per_hour == 0
