"""The replay viewer's keys, with Pilot: a real history file written by the real writer, read
back by the reader, played through ReplaySource on a ReplayClock whose own time stands still
(a FakeClock underneath), so only the keys move the replay. Asserts what the header and the
list show."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ui_screen_text import list_rows, text_of

from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.history.reader import HistoryReader
from appizer_tui.history.writer import HistoryWriter
from appizer_tui.polling.clock import FakeClock
from appizer_tui.polling.replay import ReplayClock
from appizer_tui.replay_viewer import ReplayEngine
from appizer_tui.state.format import format_clock_time
from appizer_tui.state.store import CampaignStore
from appizer_tui.ui.options import ViewerOptions
from appizer_tui.ui.replay_app import ReplayApp
from appizer_tui.ui.widgets.app_header import AppHeader

BASE_URL = "https://api.appizer.test/v1"


START = 1_700_000_000.0
TOTAL = 100_000
STEP = 5.0
POLLS = 360
"""Thirty minutes of polls every 5 s."""


def _sent(at: float) -> int:
    return int((at - START) * 50)


def _progress(at: float) -> str:
    """The PROG cell for the poll at or before `at`, as the list shows it."""
    polled = START + STEP * min(POLLS - 1, int((at - START) // STEP))
    sent = _sent(polled)
    return f"{100 * (sent + sent // 100) / TOTAL:.1f}%"


def _campaign(sent: int) -> Campaign:
    return Campaign(
        campaign_id="camp_a",
        status=CampaignStatus.SENDING,
        raw_status="sending",
        stats=Stats(
            total_recipients=TOTAL,
            sent=sent,
            delivered=sent,
            opened=0,
            clicked=0,
            failed=sent // 100,
        ),
        rates=Rates(delivery_rate=1.0, open_rate=0.0, click_rate=0.0),
    )


@pytest.fixture
def replay(tmp_path: Path) -> Callable[[], ReplayApp]:
    path = tmp_path / "history.sqlite3"
    writer = HistoryWriter(path, batch_seconds=0.01).start()
    for i in range(POLLS):
        writer.record_sample(
            BASE_URL, "camp_a", START + STEP * i, _campaign(_sent(START + STEP * i))
        )
    writer.close()
    assert writer.warning is None

    def make() -> ReplayApp:
        with HistoryReader(path) as reader:
            recording = reader.load_recording(BASE_URL)
        clock = ReplayClock(START, base=FakeClock(start_wall=START))
        store = CampaignStore(wall=clock.wall)
        engine = ReplayEngine(store, clock, recording)
        options = ViewerOptions(
            base_url=BASE_URL,
            demo=False,
            key_masked=None,
            alert_config=AlertConfig(),
            export_dir=tmp_path,
            watchlist_path=None,
        )
        return ReplayApp(store=store, engine=engine, clock=clock, options=options)

    return make


async def _until(pilot: Any, shown: Callable[[], bool]) -> None:
    for _ in range(50):
        await pilot.pause()
        if shown():
            return
    raise AssertionError("the screen never showed it")


def _header(app: ReplayApp) -> str:
    return text_of(app.screen.query_one(AppHeader))


async def test_keys_seek_pause_and_change_speed(replay: Callable[[], ReplayApp]) -> None:
    app = replay()
    async with app.run_test(size=(120, 30)) as pilot:

        def at(position: float, speed: str = "1x") -> Callable[[], bool]:
            label = f"REPLAY  {format_clock_time(position)} \u00b7 {speed}"
            return lambda: (
                label in _header(app) and _progress(position) in list_rows(app).get("camp_a", "")
            )

        await _until(pilot, at(START))
        await pilot.press("right")
        await _until(pilot, at(START + 60))
        await pilot.press("shift+right")
        await _until(pilot, at(START + 660))
        await pilot.press("left")
        await _until(pilot, at(START + 600))

        await pilot.press("space")
        await _until(pilot, lambda: "PAUSED" in _header(app))
        await pilot.press("space")
        await _until(pilot, lambda: "PAUSED" not in _header(app))

        await pilot.press("greater_than_sign")
        await _until(pilot, at(START + 600, "2x"))
        await pilot.press("less_than_sign", "less_than_sign")
        await _until(pilot, at(START + 600, "0.5x"))

        end = START + STEP * (POLLS - 1)
        await pilot.press("end")
        await _until(pilot, at(end, "0.5x"))
        await pilot.press("home")
        await _until(pilot, at(START, "0.5x"))
        await pilot.press("shift+left")  # never before the start
        await _until(pilot, at(START, "0.5x"))
