"""The alert rules as the viewer and `watch` run them: one AlertEngine inside the presenter, its
transitions in the frames (rows, toasts, bell) and in watch's lines, from the same store."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

from appizer_tui.alerts.alert import Alert
from appizer_tui.alerts.channels import AlertChannels
from appizer_tui.alerts.rules import AlertConfig, AlertEngine
from appizer_tui.api.models import Campaign, CampaignStatus, Stats
from appizer_tui.plain.watch import alert_presenter
from appizer_tui.plain.watch_output import JsonlPrinter
from appizer_tui.plain.watch_session import WatchSession
from appizer_tui.polling.clock import FakeClock
from appizer_tui.present.frame import Frame
from appizer_tui.present.presenter import Presenter
from appizer_tui.state.store import CampaignStore

CONFIG = AlertConfig(failure_rate=0.05, min_attempts=100, stall_after=30.0)
POLL = 5.0


def campaign(cid: str, sent: int, failed: int = 0, status: str = "sending") -> Campaign:
    """A campaign of 1,000 recipients as the API would send it."""
    return Campaign(
        campaign_id=cid,
        status=CampaignStatus(status),
        raw_status=status,
        stats=Stats(total_recipients=1000, sent=sent, delivered=sent, failed=failed),
    )


# (seconds of polls, hot's figures, calm's figures): hot's failures pass the threshold, calm
# stops moving for longer than stall_after and then moves again, hot completes. (With 600 of
# 1,000 failed, the rate is far above the threshold by either formula, failed / total or
# failed / (sent + failed).)
SEQUENCE: list[tuple[int, tuple[int, int, str], tuple[int, int, str]]] = [
    (10, (100, 0, "sending"), (100, 0, "sending")),
    (10, (300, 200, "sending"), (150, 0, "sending")),
    (40, (330, 300, "sending"), (150, 0, "sending")),
    (10, (390, 600, "completed"), (400, 0, "sending")),
]


async def play(store: CampaignStore, clock: FakeClock) -> None:
    """What the engine would write: both campaigns polled every POLL seconds."""
    for seconds, (sent, failed, status), calm in SEQUENCE:
        for step in range(int(seconds / POLL)):
            hot = campaign("hot", sent + step, failed, status)  # hot always moves: no stall
            store.record_success("hot", hot, at=clock.wall())
            store.record_success("calm", campaign("calm", *calm), at=clock.wall())
            await clock.advance(POLL)


async def test_the_same_store_gives_the_same_alerts_in_the_viewer_and_in_watch() -> None:
    clock = FakeClock()
    store = CampaignStore(interval=POLL, wall=clock.wall)
    store.add("hot")
    store.add("calm")
    viewer = Presenter(store, clock, alerts=AlertEngine(CONFIG))
    frames: list[Frame] = []
    viewer.subscribe(frames.append)
    out = io.StringIO()
    session = WatchSession(store, ["hot", "calm"], JsonlPrinter(out), clock)
    watch = alert_presenter(session, CONFIG, None)
    tasks = [asyncio.create_task(p.run()) for p in (viewer, watch)]
    await clock.advance(0)
    try:
        await play(store, clock)
        await clock.advance(POLL)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    in_frames = [alert.to_dict() for frame in frames for alert in frame.alerts]
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    in_watch: list[dict[str, Any]] = [
        {k: v for k, v in line.items() if k != "event"} for line in lines
    ]
    assert [line["event"] for line in lines] == ["alert"] * len(lines)
    assert in_watch == in_frames
    # The rules' expectations, in order.
    assert [(a["campaign_id"], a["rule"], a["state"]) for a in in_frames] == [
        ("hot", "failure_rate", "firing"),
        ("calm", "stalled", "firing"),
        ("hot", "finished", "firing"),
        ("calm", "stalled", "resolved"),
    ]
    stall = in_frames[1]
    assert stall["threshold"] == 30.0 and 30.0 <= stall["value"] <= 30.0 + POLL


def firing_frame(frames: list[Frame], rule: str) -> Frame:
    return next(f for f in frames if any(a.rule == rule and a.firing for a in f.alerts))


async def test_frames_turn_rows_red_toast_and_ring_for_alarms_only() -> None:
    clock = FakeClock()
    store = CampaignStore(interval=POLL, wall=clock.wall)
    store.add("hot")
    store.add("calm")
    presenter = Presenter(store, clock, alerts=AlertEngine(CONFIG))
    frames: list[Frame] = []
    presenter.subscribe(frames.append)
    presenter.select("hot")
    task = asyncio.create_task(presenter.run())
    await clock.advance(0)
    try:
        await play(store, clock)
        await clock.advance(POLL)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    hot = firing_frame(frames, "failure_rate")
    assert hot.rows["hot"].alert and hot.detail is not None and hot.detail.alert
    assert hot.bell and [t.title for t in hot.toasts] == ["Failure alert"]
    stalled = firing_frame(frames, "stalled")
    assert stalled.rows["calm"].alert and stalled.bell
    assert stalled.detail is not None and stalled.detail.view.campaign_id == "hot"
    assert [t.title for t in stalled.toasts] == ["Stall alert"]
    finished = firing_frame(frames, "finished")
    assert not finished.bell  # a notice: a toast, no bell
    assert [(t.title, t.text) for t in finished.toasts] == [
        ("Campaign finished", "hot completed"),
        ("Alert resolved", "calm: sending again (400 processed)"),
    ]
    assert not frames[-1].rows["calm"].alert  # the stall resolved: the row is no longer red
    assert frames[-1].rows["hot"].alert  # still failing


async def test_a_timed_api_alert_fires_while_nothing_else_changes() -> None:
    """A rate limit that lasts a minute: no poll runs, no store event comes, yet the alert
    fires at the minute (the presenter wakes at `next_check_at()`)."""
    from msgspec.structs import replace

    clock = FakeClock()
    store = CampaignStore(interval=POLL, wall=clock.wall)
    presenter = Presenter(store, clock, alerts=AlertEngine(CONFIG))
    alerts: list[tuple[float, Alert]] = []
    presenter.subscribe(lambda f: alerts.extend((f.now, a) for a in f.alerts))
    task = asyncio.create_task(presenter.run())
    await clock.advance(0)
    try:
        start = clock.wall()
        limited = replace(store.global_state(), rate_limited_until=start + 3600)
        store.set_global(limited)
        await clock.advance(59)
        assert alerts == []
        await clock.advance(2)
        assert [(a.rule, a.state) for _, a in alerts] == [("api", "firing")]
        assert start + 60 <= alerts[0][0] <= start + 61
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_failing_hook_is_said_in_the_status_line() -> None:
    clock = FakeClock()
    store = CampaignStore(interval=POLL, wall=clock.wall)
    store.add("hot")
    channels = AlertChannels.configured("off", "false", None)
    presenter = Presenter(store, clock, alerts=AlertEngine(CONFIG), channels=channels)
    frames: list[Frame] = []
    presenter.subscribe(frames.append)
    task = asyncio.create_task(presenter.run())
    await clock.advance(0)
    try:
        store.record_success("hot", campaign("hot", 400, 600), at=clock.wall())
        await clock.advance(POLL)
        assert [a.rule for f in frames for a in f.alerts] == ["failure_rate"]
        assert channels.hooks is not None and await channels.hooks.drain(20)
        presenter.wake()
        await clock.advance(0)
        assert frames[-1].status.problem == "on-alert hook: exit status 1"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await channels.aclose(grace=20)
