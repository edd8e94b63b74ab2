"""A viewer hung up mid-launch and started again shows the campaign's last recorded figures and
its earlier curve at once, before any new poll answers (the API is down for the restart), marked
as recorded; once the API answers again, the engine carries on. Real pty, real simulator, real
SQLite history file."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from pty_support import PtyProcess, clean_env, command
from term_screen import TermScreen

from appizer_tui.history.reader import HistoryReader
from appizer_tui.sim.app import DEMO_API_KEY, Simulator
from appizer_tui.sim.scenarios import CampaignSpec, Scenario
from appizer_tui.sim.server import RunningServer, start_server

CAMPAIGN = "camp_resumed"
SIZE = (120, 36)


@pytest.fixture
def server() -> Iterator[RunningServer]:
    spec = CampaignSpec(CAMPAIGN, 900_000, start_after=-30, send_duration=3600, created_ago=120)
    running = start_server(Simulator(Scenario(campaigns=(spec,))))
    yield running
    running.stop()


def _viewer(server: RunningServer, tmp_path: Path, history: Path) -> PtyProcess:
    env = clean_env(tmp_path, APPIZER_API_KEY=DEMO_API_KEY)
    argv = command(
        "--base-url", server.base_url, "--interval", "1", "--history-file", str(history), CAMPAIGN
    )
    return PtyProcess(argv, env=env, cwd=tmp_path, size=SIZE)


def _recorded(history: Path, base_url: str) -> int:
    if not history.exists():
        return 0
    with HistoryReader(history) as reader:
        return len(reader.samples(base_url, CAMPAIGN))


def _lines(output: bytes) -> list[str]:
    screen = TermScreen(*SIZE)
    screen.feed(output.decode("utf-8", "replace"))
    return [" ".join(line.split()) for line in screen.lines()]


def _shows_the_recording(lines: list[str], sent: str) -> bool:
    """The row says "rec<age>", the detail shows the recorded `sent` figure, and the delivery
    sparkline has several points (the recorded series, not one sample)."""
    row = any(CAMPAIGN in line and re.search(r"rec\d+s", line) for line in lines)
    figure = any(f"sent {sent}" in line for line in lines)
    curve = any(
        "delivery" in line and len(re.findall("[\u2581-\u2588]", line)) >= 3 for line in lines
    )
    return row and figure and curve


def test_a_restarted_viewer_shows_the_recorded_figures_and_curve_first(
    server: RunningServer, tmp_path: Path
) -> None:
    history = tmp_path / "history.sqlite3"
    with _viewer(server, tmp_path, history) as first:
        first.wait_for(lambda _: _recorded(history, server.base_url) >= 4)
        first.signal(signal.SIGHUP)
        assert first.wait() == 128 + signal.SIGHUP
    with HistoryReader(history) as reader:
        last = reader.last_sample(server.base_url, CAMPAIGN)
    assert last is not None
    sent = f"{last.campaign.stats.sent:,}"

    server.simulator.set_down(True)
    with _viewer(server, tmp_path, history) as second:
        # No poll can have answered: the API has been down since before the restart.
        second.wait_for(lambda output: _shows_the_recording(_lines(output), sent))

        server.simulator.set_down(False)
        mark = len(second.output)
        second.wait_for(re.compile(rb"(?<![a-z])live(?![a-z])"), since=mark)
        second.send("q")
        assert second.wait() == 0
    assert _recorded(history, server.base_url) > 4
