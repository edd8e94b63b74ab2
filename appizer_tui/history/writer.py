"""HistoryWriter: records polls to the history file from a thread of its own, in batches.

The event loop only puts small tuples on a queue (`record_sample`, `record_error`: never block,
never raise). The thread opens the file, then loops: wait for an item, gather what arrives within
`batch_seconds`, write it all in one `BEGIN IMMEDIATE` transaction. When another process holds
the lock, SQLite waits `busy_timeout`; past that the same batch is retried (nothing is dropped)
until `lock_patience` has passed, and only then does the writer give up.

Any failure to open or write the file (read-only, corrupt, a newer schema, locked for too long,
disk full) turns recording off for the rest of the session with ONE warning, given to
`on_warning` and kept in `warning` for the front ends to show. Polling is never affected: the
in-memory history in the store goes on as before.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from appizer_tui.api.models import Campaign
from appizer_tui.history import records
from appizer_tui.history.codec import encode, to_ms
from appizer_tui.history.schema import HistoryFileError, connect
from appizer_tui.state.model import ErrorInfo

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30.0
MAX_QUEUED = 50_000
"""Items waiting at most (about 5 minutes of 1,000 campaigns at 5 s); beyond, polls are dropped."""


class _Sample(NamedTuple):
    base_url: str
    campaign_id: str
    at: float
    campaign: Campaign


class _Error(NamedTuple):
    base_url: str
    campaign_id: str | None
    at: float
    error: ErrorInfo


_Item = _Sample | _Error | None
"""What the queue carries; None tells the thread to stop."""


class HistoryWriter:
    """Appends samples and errors to the history file at `path` from a background thread."""

    def __init__(
        self,
        path: Path | str,
        *,
        on_warning: Callable[[str], None] | None = None,
        batch_seconds: float = 0.5,
        busy_timeout: float = 2.0,
        lock_patience: float = 60.0,
        retention_days: float | None = DEFAULT_RETENTION_DAYS,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.batch_seconds = batch_seconds
        self.busy_timeout = busy_timeout
        self.lock_patience = lock_patience
        """Seconds a batch keeps being retried against another process's lock."""
        self.retention_days = retention_days
        """Samples older than this are pruned once, in the thread, after opening (None: never)."""
        self.warning: str | None = None
        """Why recording stopped, once it has; None while it works."""
        self.batches = 0
        """Transactions committed."""
        self.dropped = 0
        """Items not recorded because the queue was full or recording had stopped."""
        self._on_warning = on_warning
        self._wall = wall
        self._queue: queue.Queue[_Item] = queue.Queue(MAX_QUEUED)
        self._thread: threading.Thread | None = None
        self._idle = threading.Condition()
        self._put = 0
        self._done = 0
        self._refs: dict[tuple[str, str], int | None] = {}
        """Campaign keys, and each campaign's newest row, as this writer last wrote them: valid
        while no other connection has written (`PRAGMA data_version` unchanged)."""
        self._last: dict[int | None, records.Last | None] = {}
        self._data_version: int | None = None

    # -- the event loop's side -----------------------------------------------------------------

    def start(self) -> HistoryWriter:
        """Start the thread (it opens the file there, so a slow disk never delays start-up)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
            self._thread.start()
        return self

    def record_sample(self, base_url: str, campaign_id: str, at: float, campaign: Campaign) -> None:
        """Queue one successful poll fetched at wall time `at`."""
        self._offer(_Sample(base_url, campaign_id, at, campaign))

    def record_error(
        self, base_url: str, campaign_id: str | None, at: float, error: ErrorInfo
    ) -> None:
        """Queue one failed poll (campaign_id None: a condition of every campaign)."""
        self._offer(_Error(base_url, campaign_id, at, error))

    def _offer(self, item: _Item) -> None:
        if self.warning is not None:
            self.dropped += 1
            return
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.dropped += 1
            return
        with self._idle:
            self._put += 1

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is written (or recording stopped). True if so."""
        deadline = time.monotonic() + timeout
        with self._idle:
            target = self._put
            while self._done < target and self.warning is None:
                left = deadline - time.monotonic()
                if left <= 0 or not self._idle.wait(left):
                    return False
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, then stop the thread."""
        if self._thread is None:
            return
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)
        self._thread.join(timeout)
        self._thread = None

    # -- the thread's side ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            connection = connect(self.path, busy_timeout=self.busy_timeout)
        except HistoryFileError as exc:
            self._give_up(f"history is not recorded this session: {exc}")
            return
        try:
            self._prune(connection)
            while self._write_batch(connection):
                pass
        finally:
            connection.close()

    def _prune(self, connection: sqlite3.Connection) -> None:
        if self.retention_days is None:
            return
        cutoff = self._wall() - self.retention_days * 86_400
        self._transaction(connection, lambda: records.prune(connection, cutoff))

    def _write_batch(self, connection: sqlite3.Connection) -> bool:
        """Gather one batch and write it; False when told to stop or when recording stopped."""
        batch = [self._queue.get()]
        deadline = time.monotonic() + self.batch_seconds
        while batch[-1] is not None:
            left = deadline - time.monotonic()
            try:
                item = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            batch.append(item)
        stop = batch[-1] is None
        items = [item for item in batch if item is not None]
        if items and not self._transaction(connection, lambda: self._write(connection, items)):
            return False
        with self._idle:
            self._done += len(items)
            self._idle.notify_all()
        return not stop

    def _write(self, connection: sqlite3.Connection, items: list[_Sample | _Error]) -> None:
        """Every item of a batch (inside the caller's transaction, which holds the write lock)."""
        version = connection.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version:  # another process wrote: what we remember may be stale
            self._refs.clear()
            self._last.clear()
            self._data_version = version
        try:
            for item in items:
                if isinstance(item, _Sample):
                    self._write_sample(connection, item)
                else:
                    records.append_error(
                        connection, item.base_url, item.campaign_id, item.at, item.error
                    )
        except BaseException:
            self._refs.clear()  # rolled back: forget what this batch wrote
            self._last.clear()
            raise

    def _write_sample(self, connection: sqlite3.Connection, item: _Sample) -> None:
        key = (item.base_url, item.campaign_id)
        if key not in self._refs:
            self._refs[key] = records.campaign_ref(connection, *key)
        ref = self._refs[key]
        last = self._last[ref] if ref in self._last else records.last_sample(connection, ref)
        value = encode(item.campaign)
        self._last[ref] = records.append_sample(connection, ref, to_ms(item.at), value, last)

    def _transaction(self, connection: sqlite3.Connection, work: Callable[[], object]) -> bool:
        """Run `work` in one transaction, retrying while another process holds the lock."""
        give_up_at = time.monotonic() + self.lock_patience
        while True:
            try:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    work()
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as exc:
                if _is_busy(exc) and time.monotonic() < give_up_at:
                    continue  # busy_timeout already waited; the same batch is tried again
                self._give_up(f"history recording stopped: {self.path}: {exc}")
                return False
            except sqlite3.Error as exc:
                self._give_up(f"history recording stopped: {self.path}: {exc}")
                return False
            self.batches += 1
            return True

    def _give_up(self, message: str) -> None:
        """Stop recording with one warning; drain the queue so nobody waits on it."""
        if self.warning is not None:
            return
        log.warning("%s", message)
        with self._idle:
            self.warning = message
            self._idle.notify_all()
        if self._on_warning is not None:
            try:
                self._on_warning(message)
            except Exception:
                log.exception("history warning callback failed")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)
