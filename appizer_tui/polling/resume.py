"""Resume: a viewer starting again shows each watched campaign's recorded figures and series
before its first poll answers, so a restart mid-launch is a pause in the curve, not a new one.

`read_for_resume` (blocking: run it in a thread) loads the watched campaigns' recording and
decodes it; `seed_store` (on the store's thread) loads each campaign's in-memory history with its
newest recorded points and shows its last recorded sample marked as recorded
(`CampaignStore.seed_recorded`). A campaign a poll has already answered for is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from appizer_tui.history.reader import HistoryReader, Recording
from appizer_tui.history.schema import HistoryFileError
from appizer_tui.polling.replay import load_track, track_points
from appizer_tui.state.store import CampaignStore


def read_for_resume(path: Path, base_url: str, campaign_ids: Sequence[str]) -> Recording | None:
    """The recording of `campaign_ids` for `base_url`, decoded; None when there is no usable file
    (the writer reports an unusable one)."""
    if not campaign_ids or not path.is_file():
        return None
    try:
        with HistoryReader(path) as reader:
            recording = reader.load_recording(base_url, campaign_ids)
    except HistoryFileError:
        return None
    recording.prepare()
    return recording


def seed_store(store: CampaignStore, recording: Recording) -> list[str]:
    """Show each recorded campaign's last figures and series in `store`; the ids seeded."""
    seeded: list[str] = []
    for track in recording.tracks:
        view = store.get(track.campaign_id)
        if not len(track) or view is None or view.polls > 0 or view.campaign is not None:
            continue
        history = store.history(track.campaign_id)
        last_run = len(track) - 1
        first_run = max(0, last_run - history.capacity - 1)
        times, runs = track_points(track, first_run, last_run, track.ends[last_run])
        load_track(history, track, times, runs)
        if store.seed_recorded(track.campaign_id, track.campaign(last_run), at=times[-1]):
            seeded.append(track.campaign_id)
    return seeded
