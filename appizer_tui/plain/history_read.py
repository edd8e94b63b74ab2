"""Reading the history file for the scriptable commands: `history`, `replay --format jsonl`,
`export --history` and `export --offline`.

None of these needs a key or the network. A missing file is reported, never created (opening
it with sqlite3 would create it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from appizer_tui.history.reader import HistoryReader, RecordedSample, Recording
from appizer_tui.plain.watch_output import JsonlPrinter
from appizer_tui.plain.watch_session import WatchSession
from appizer_tui.polling.replay import ReplayClock, ReplaySource
from appizer_tui.state.export import HISTORY_SERIES, Record, history_records
from appizer_tui.state.history import MIN_CAPACITY, History
from appizer_tui.state.store import CampaignStore


class NoHistoryError(Exception):
    """The history file does not exist (nothing was ever recorded there)."""


def open_reader(path: Path) -> HistoryReader:
    """A reader on `path`; NoHistoryError when there is no such file (HistoryFileError when it
    cannot be read)."""
    if not path.is_file():
        raise NoHistoryError(f"no history file at {path} (nothing has been recorded there)")
    return HistoryReader(path)


def recorded_history_records(samples: Sequence[RecordedSample]) -> list[Record]:
    """Export rows (HISTORY_COLUMNS, as the viewer's `e` writes) for every recorded poll of
    `samples` (one campaign's, oldest first): each run's first poll, and its last when later."""
    if not samples:
        return []
    # One History holding every point, so the derived columns (progress, throughput) are
    # computed by the same code as in the viewer.
    history = History(capacity=max(MIN_CAPACITY, 2 * len(samples)))
    for sample in samples:
        history.append(sample.at, sample.campaign)
        if sample.last_at > sample.at:
            history.append(sample.last_at, sample.campaign)
    series = {name: history.series(name) for name in HISTORY_SERIES}
    return history_records(samples[0].campaign_id, history.times(), series)


async def replay_jsonl(
    recording: Recording,
    out: TextIO,
    *,
    start: float,
    speed: float = 0.0,
    interval: float = 5.0,
) -> None:
    """Play `recording` from `start` and print what `watch --format jsonl` printed live: the same
    WatchSession and JsonlPrinter, listening to a store fed by a ReplaySource, on the replay
    clock (so every line carries its recorded time). Alerts are not replayed: they are decided
    from frames at the viewer's cadence, not recorded."""
    clock = ReplayClock(start, speed=speed)
    store = CampaignStore(interval=interval, wall=clock.wall)
    ids = [track.campaign_id for track in recording.tracks]
    session = WatchSession(store, ids, JsonlPrinter(out), clock)
    unsubscribe = store.subscribe(session.on_event)
    try:
        source = ReplaySource(store, clock, recording)
        await source.run()
    finally:
        unsubscribe()
    if session.failure is not None:
        raise session.failure


def run_replay_jsonl(recording: Recording, out: TextIO, *, start: float, speed: float) -> None:
    """`replay_jsonl` on its own event loop."""
    asyncio.run(replay_jsonl(recording, out, start=start, speed=speed))
