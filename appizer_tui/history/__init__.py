"""The durable record of polls: every watched campaign's samples and errors in one SQLite file.

- `HistoryWriter` (writer.py): a thread that appends in batches; degrades to "not recorded"
  with one warning when the file cannot be used, and never affects polling.
- `Recorder` (recorder.py): the CampaignStore listener that feeds the writer.
- `HistoryReader` (reader.py): campaigns, samples, errors, a whole `Recording`; prune, forget.
- `ReplayClock`, `ReplaySource` (replay.py): play a Recording back into a CampaignStore.
- schema.py (tables, versions, migrations), codec.py (a Campaign as a compact row),
  records.py (the SQL of each write).

Not to be confused with `appizer_tui.state.history.History`, the bounded in-memory series of
one campaign that the viewer draws from. Stdlib sqlite3 only: no Textual, no click.
"""

from __future__ import annotations

from appizer_tui.history.reader import (
    CampaignTrack,
    HistoryReader,
    RecordedCampaign,
    RecordedError,
    RecordedSample,
    Recording,
)
from appizer_tui.history.recorder import CLEARED, Recorder, key_redactor
from appizer_tui.history.replay import ReplayClock, ReplaySource
from appizer_tui.history.schema import SCHEMA_VERSION, HistoryFileError
from appizer_tui.history.writer import DEFAULT_RETENTION_DAYS, HistoryWriter

__all__ = [
    "CLEARED",
    "DEFAULT_RETENTION_DAYS",
    "SCHEMA_VERSION",
    "CampaignTrack",
    "HistoryFileError",
    "HistoryReader",
    "HistoryWriter",
    "RecordedCampaign",
    "RecordedError",
    "RecordedSample",
    "Recording",
    "Recorder",
    "ReplayClock",
    "ReplaySource",
    "key_redactor",
]
