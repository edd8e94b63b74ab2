"""Replay: the replay clock's speed, pause and seek on a fake clock, and a recorded run played
back into a fresh store shows what the live store showed, poll for poll; seeking rebuilds it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from history_support import Run, expected_runs, record_run
from polling_support import BASE_URL

from appizer_tui.api.models import Campaign
from appizer_tui.history.reader import HistoryReader, Recording
from appizer_tui.polling.clock import FakeClock
from appizer_tui.polling.replay import ReplayClock, ReplaySource
from appizer_tui.sim.chaos import Chaos
from appizer_tui.state.events import CampaignErrored, CampaignUpdated, StoreEvent
from appizer_tui.state.store import CampaignStore


async def test_the_replay_clock_plays_at_its_speed_pauses_and_seeks() -> None:
    base = FakeClock()
    clock = ReplayClock(1000.0, speed=2.0, base=base)
    await base.advance(10)
    assert clock.wall() == 1020.0
    clock.pause()
    await base.advance(10)
    assert clock.wall() == 1020.0 and clock.paused
    clock.resume()
    clock.set_speed(10)
    await base.advance(1)
    assert clock.wall() == 1030.0
    clock.seek(500.0)
    assert clock.wall() == 500.0 and clock.monotonic() == base.monotonic()

    reached = asyncio.ensure_future(clock.wait_until(600.0))
    await base.advance(9.9)
    assert not reached.done()
    await base.advance(0.1)
    assert reached.done() and reached.result() is True

    interrupted = asyncio.ensure_future(clock.wait_until(10_000.0))
    await base.settle()
    clock.seek(700.0)
    await base.settle()
    assert interrupted.done() and interrupted.result() is False


async def recorded(tmp_path: Path, seconds: float) -> tuple[Run, Recording]:
    path = tmp_path / "history.sqlite3"
    run = await record_run(path, seconds, chaos=Chaos(server_error=0.1))
    with HistoryReader(path) as reader:
        return run, reader.load_recording(BASE_URL)


def live_points(run: Run, campaign_id: str) -> list[tuple[float, Campaign]]:
    """The polls a replay re-enacts: each run's first poll, and its last when later."""
    points: list[tuple[float, Campaign]] = []
    for first, last, fetched in expected_runs(run.polls[campaign_id]):
        points.append((round(first, 3), fetched))
        if last > first:
            points.append((round(last, 3), fetched))
    return points


async def test_a_replay_shows_what_the_live_store_showed(tmp_path: Path) -> None:
    run, recording = await recorded(tmp_path, 300)
    assert recording.start is not None
    base = FakeClock()
    clock = ReplayClock(recording.start - 1, speed=1.0, base=base)
    store = CampaignStore(wall=clock.wall)
    seen: dict[str, list[tuple[float, Campaign]]] = {}
    errors: list[tuple[str, str, str]] = []

    def listen(event: StoreEvent) -> None:
        if isinstance(event, CampaignUpdated):
            view = store.get(event.campaign_id)
            assert view is not None and view.campaign is not None and view.last_success_at
            # The replay happens at the recorded time: the clock shows it.
            assert clock.wall() == view.last_success_at
            seen.setdefault(event.campaign_id, []).append(
                (round(view.last_success_at, 3), view.campaign)
            )
        elif isinstance(event, CampaignErrored):
            errors.append((event.campaign_id, event.error.kind, event.error.message))

    source = ReplaySource(store, clock, recording)
    store.subscribe(listen)
    task = asyncio.ensure_future(source.run())
    await base.advance(310)
    assert task.done() and source.finished
    assert set(seen) == set(run.polls)
    for campaign_id in run.polls:
        assert seen[campaign_id] == live_points(run, campaign_id)
    assert errors == [(cid, e.kind, e.message) for cid, e in run.errors]


async def test_seeking_rebuilds_the_state_at_that_time_either_way(tmp_path: Path) -> None:
    run, recording = await recorded(tmp_path, 600)
    assert recording.start is not None
    clock = ReplayClock(recording.start, paused=True, base=FakeClock())
    store = CampaignStore(wall=clock.wall)
    source = ReplaySource(store, clock, recording)
    for offset in (400.0, 120.0, 599.0, 0.0, 300.0):
        at = recording.start + offset
        source.seek(at)
        assert clock.wall() == at
        for campaign_id in run.polls:
            points = [p for p in live_points(run, campaign_id) if p[0] <= round(at, 3)]
            view = store.get(campaign_id)
            assert view is not None
            if not points:
                assert view.campaign is None
                continue
            assert (round(view.last_success_at or 0, 3), view.campaign) == points[-1]
            if len(points) > 1:
                assert view.previous == points[-2][1]
            history = store.history(campaign_id)
            times = [round(t, 3) for t in history.times()]
            assert times == [p[0] for p in points][-len(times) :]
            assert history.series("sent")[-1] == points[-1][1].stats.sent
