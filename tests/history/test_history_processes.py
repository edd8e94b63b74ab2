"""Several processes on one history file: two writers at once lose nothing; a writer killed with
SIGKILL mid-batch leaves a file that passes integrity_check and replays to its end."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from history_support import BASE_URL, campaign

from appizer_tui.history.reader import HistoryReader
from appizer_tui.polling.clock import FakeClock
from appizer_tui.polling.replay import ReplayClock, ReplaySource
from appizer_tui.state.store import CampaignStore

CHILD = Path(__file__).with_name("writer_child.py")


def start_writer(path: Path, prefix: str, count: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(path), prefix, str(count), *extra],
        stdout=subprocess.PIPE,
        text=True,
    )


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def test_two_writer_processes_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    count = 600
    writers = [start_writer(path, prefix, count) for prefix in ("a", "b")]
    outputs = [w.communicate(timeout=120)[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outputs
    assert all(out.strip().endswith("done 0") for out in outputs), outputs
    with HistoryReader(path) as reader:
        for prefix in ("a", "b"):
            samples = reader.samples(BASE_URL, f"{prefix}_own")
            assert [s.campaign for s in samples] == [
                campaign(f"{prefix}_own", step) for step in range(1, count + 1)
            ]
        shared = reader.samples(BASE_URL, "shared")
        # Both processes' polls, interleaved in time order, none merged or lost.
        expected = sorted(
            (1_700_000_000.0 + step * 5 + offset, campaign("shared", step * 2 + parity))
            for step in range(1, count + 1)
            for offset, parity in ((0.001, 1), (0.002, 2))
        )
        assert [(round(s.at, 3), s.campaign) for s in shared] == [
            (round(at, 3), c) for at, c in expected
        ]
    assert integrity(path) == "ok"


async def test_a_writer_killed_mid_batch_leaves_a_clean_file_that_replays(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    writer = start_writer(path, "a", 0, "--endless")
    assert writer.stdout is not None
    committed = 0
    for line in writer.stdout:
        if line.startswith("batch"):
            committed = int(line.split()[1])
            if committed >= 1000:
                break
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    assert integrity(path) == "ok"
    with HistoryReader(path) as reader:
        samples = reader.samples(BASE_URL, "a_own")
        # Everything flushed before the kill is there, in order; at most the batch in flight lost.
        assert len(samples) >= committed
        assert [s.campaign for s in samples] == [
            campaign("a_own", step) for step in range(1, len(samples) + 1)
        ]
        recording = reader.load_recording(BASE_URL, ["a_own"])
    assert recording.start is not None
    store = CampaignStore()
    clock = ReplayClock(recording.start, speed=0, base=FakeClock())
    source = ReplaySource(store, clock, recording)
    await source.run()
    view = store.get("a_own")
    assert view is not None and view.campaign == samples[-1].campaign
