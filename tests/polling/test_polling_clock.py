"""FakeClock: virtual time, sleepers woken in order, the loop settled between wakes."""

from __future__ import annotations

import asyncio
import time

import pytest
from polling_support import sim_client

from appizer_tui.polling.clock import Clock, FakeClock, SystemClock
from appizer_tui.sim.app import Simulator
from appizer_tui.sim.scenarios import demo_scenario


async def test_time_moves_only_when_advanced(clock: FakeClock) -> None:
    start_mono, start_wall = clock.monotonic(), clock.wall()
    assert start_wall == 1_700_000_000.0
    await asyncio.sleep(0)
    assert clock.monotonic() == start_mono
    await clock.advance(12.5)
    assert clock.monotonic() == start_mono + 12.5
    assert clock.wall() == start_wall + 12.5


async def test_sleepers_wake_in_deadline_order_at_their_deadline(clock: FakeClock) -> None:
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.monotonic() - 1000.0))

    tasks = [
        asyncio.create_task(sleeper(name, s))
        for name, s in (("c", 3), ("a", 1), ("b", 2), ("d", 3))
    ]
    await clock.advance(10)
    assert woke == [("a", 1.0), ("b", 2.0), ("c", 3.0), ("d", 3.0)]
    await asyncio.gather(*tasks)


async def test_chains_of_work_complete_between_wakes(clock: FakeClock) -> None:
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            await clock.sleep(1.0)
            await asyncio.sleep(0)  # some work taking several loop iterations
            await asyncio.sleep(0)
            ticks.append(clock.monotonic())

    task = asyncio.create_task(ticker())
    await clock.advance(3600)  # an hour of virtual time
    assert len(ticks) == 3600
    task.cancel()


async def test_cancelled_sleepers_are_skipped(clock: FakeClock) -> None:
    task = asyncio.create_task(clock.sleep(5))
    await clock.settle()
    assert clock.pending_sleepers == 1
    task.cancel()
    await clock.settle()
    assert clock.pending_sleepers == 0
    assert clock.next_deadline() is None
    await clock.advance(10)


async def test_zero_sleep_returns_without_time_passing(clock: FakeClock) -> None:
    before = clock.monotonic()
    await clock.sleep(0)
    await clock.sleep(-3)
    assert clock.monotonic() == before


async def test_advance_refuses_to_go_backwards(clock: FakeClock) -> None:
    with pytest.raises(ValueError):
        await clock.advance(-1)


async def test_run_until_stops_at_the_first_moment_the_condition_holds(clock: FakeClock) -> None:
    done: list[float] = []

    async def later() -> None:
        await clock.sleep(42)
        done.append(clock.monotonic())

    asyncio.create_task(later())
    assert await clock.run_until(lambda: bool(done), 100) is True
    assert clock.monotonic() == 1042.0
    with pytest.raises(TimeoutError):
        await clock.run_until(lambda: False, 10)
    assert clock.monotonic() == 1052.0


async def test_in_process_http_requests_complete_within_one_virtual_instant(
    clock: FakeClock,
) -> None:
    simulator = Simulator(demo_scenario(), clock=clock.wall)
    client = sim_client(simulator, clock)
    seen: list[float] = []

    async def poll() -> None:
        while True:
            await client.get_campaign("camp_launch_eu")
            seen.append(clock.monotonic())
            await clock.sleep(5)

    task = asyncio.create_task(poll())
    await clock.advance(60)
    task.cancel()
    await client.aclose()
    assert seen == [1000.0 + 5 * i for i in range(13)]


async def test_system_clock_is_the_real_one() -> None:
    clock: Clock = SystemClock()
    assert isinstance(clock, Clock)
    assert abs(clock.wall() - time.time()) < 1
    first = clock.monotonic()
    await clock.sleep(0)
    await clock.sleep(-1)
    assert clock.monotonic() >= first
    assert isinstance(FakeClock(), Clock)
