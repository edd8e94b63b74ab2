"""The recorder on a real Poller (the simulator in-process, a fake clock, real SQLite files):
every poll and error is recorded as the store saw it, no key reaches the file, and a read-only,
corrupt or locked file turns recording off with one warning while polling goes on."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from history_support import KEY, campaign, expected_runs, record_run
from polling_support import BASE_URL

from appizer_tui.api.secret import ApiKey, mask_key
from appizer_tui.history.reader import HistoryReader
from appizer_tui.history.recorder import Recorder, key_redactor
from appizer_tui.history.writer import HistoryWriter
from appizer_tui.sim.chaos import Chaos
from appizer_tui.state.model import ErrorInfo
from appizer_tui.state.store import CampaignStore


def folder_bytes(folder: Path) -> bytes:
    """Every file of the folder (the database, its -wal and -shm), concatenated."""
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


def set_mode(path: Path, mode: int) -> None:
    path.chmod(mode)


async def test_every_poll_and_error_is_recorded_as_the_store_saw_it(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    run = await record_run(path, 240, chaos=Chaos(server_error=0.1))
    assert run.warnings == [] and run.errors, "chaos should have caused errors"
    with HistoryReader(path) as reader:
        for campaign_id, polls in run.polls.items():
            got = [(s.at, s.last_at, s.campaign) for s in reader.samples(BASE_URL, campaign_id)]
            expected = [(round(a, 3), round(b, 3), c) for a, b, c in expected_runs(polls)]
            assert [(round(a, 3), round(b, 3), c) for a, b, c in got] == expected
        recorded = [
            (e.campaign_id, e.error.kind, e.error.http_status) for e in reader.errors(BASE_URL)
        ]
    assert recorded == [(cid, e.kind, e.http_status) for cid, e in run.errors]


async def test_no_key_reaches_the_file(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    await record_run(path, 60)
    # A server that echoes the key in an error message: the redactor blanks it before queueing.
    store = CampaignStore()
    store.add("camp_echo")
    writer = HistoryWriter(path, batch_seconds=0.01).start()
    Recorder(store, writer, BASE_URL, redact=key_redactor(lambda: ApiKey(KEY))).attach()
    store.record_error(
        "camp_echo",
        ErrorInfo(
            kind="auth", title="Unauthorized", message=f"key {KEY} ({mask_key(KEY)}) revoked"
        ),
    )
    assert writer.flush(30)
    writer.close()
    data = folder_bytes(tmp_path)
    assert b"[redacted]" in data
    for secret in (KEY, mask_key(KEY), KEY[len("sk_live_") :], KEY[-12:]):
        assert secret.encode() not in data, secret


async def test_a_corrupt_file_degrades_with_one_warning_and_polling_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not an SQLite database, just some bytes" * 100)
    before = path.read_bytes()
    run = await record_run(path, 120)
    assert len(run.warnings) == 1 and str(path) in run.warnings[0]
    assert run.store_polls >= 6 * 20  # every campaign kept being polled
    assert path.read_bytes() == before  # the user's file is left as it was


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
async def test_a_read_only_file_degrades_with_one_warning_and_polling_goes_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    await record_run(path, 30)
    set_mode(path, stat.S_IRUSR)
    set_mode(tmp_path, stat.S_IRUSR | stat.S_IXUSR)  # nor can the -wal and -shm files be made
    try:
        run = await record_run(path, 120)
    finally:
        set_mode(tmp_path, stat.S_IRWXU)
    assert len(run.warnings) == 1
    assert run.store_polls >= 6 * 20


async def test_a_file_locked_for_too_long_degrades_with_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    await record_run(path, 10)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    warnings: list[str] = []
    writer = HistoryWriter(
        path, on_warning=warnings.append, busy_timeout=0.05, lock_patience=0.3, batch_seconds=0.01
    ).start()
    store = CampaignStore()
    store.add("camp_1")
    Recorder(store, writer, BASE_URL).attach()
    for at in range(20):
        store.record_success("camp_1", campaign("camp_1", at), at=float(at))
    writer.flush(10)
    writer.close()
    holder.execute("ROLLBACK")
    holder.close()
    assert len(warnings) == 1 and "locked" in warnings[0]
    assert len(store.history("camp_1")) == 20  # the in-memory history is untouched
