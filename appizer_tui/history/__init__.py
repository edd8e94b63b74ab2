"""The durable record of polls: every watched campaign's samples and errors in one SQLite file.

- `HistoryWriter` (writer.py): a thread that appends in batches; degrades to "not recorded"
  with one warning when the file cannot be used, and never affects polling.
- `Recorder` (recorder.py): the CampaignStore listener that feeds the writer.
- `HistoryReader` (reader.py): campaigns, samples, errors, a whole `Recording`; prune, forget.
- `appizer_tui.polling.replay`: `ReplayClock`, `ReplaySource` play a Recording back into a
  CampaignStore (beside the other clocks, since a replay stands in for the engine).
- schema.py (tables, versions, migrations), codec.py (a Campaign as a compact row),
  records.py (the SQL of each write).

Not to be confused with `appizer_tui.state.history.History`, the bounded in-memory series of
one campaign that the viewer draws from. Stdlib sqlite3 only: no Textual, no click.
"""
