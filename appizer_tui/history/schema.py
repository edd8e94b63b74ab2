"""The history file's tables, how a connection is opened, and the migrations between versions.

One SQLite file in WAL mode (readers never block the writer, and several processes may write:
each batch is one `BEGIN IMMEDIATE` transaction and waits up to `busy_timeout` for the lock).
`synchronous=NORMAL`: a commit survives the process being killed (SIGKILL loses at most the batch
being written); a power cut may lose the last commits but never corrupts the file.

The version is `PRAGMA user_version`. Version 1 was the first, plain layout (one row per poll:
base URL and id as text, the API's JSON body as text, about 400 bytes a sample); version 2 is
the compact one below (see `codec` for a sample's columns). `MIGRATIONS[n]` takes a file from
version n to n + 1 inside one transaction, so a crash mid-migration leaves the old version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import msgspec

from appizer_tui.api.models import decode_campaign
from appizer_tui.history import records
from appizer_tui.history.codec import encode, to_ms

SCHEMA_VERSION = 2

CURRENT_SCHEMA = """
CREATE TABLE bases (
    base INTEGER PRIMARY KEY,
    base_url TEXT NOT NULL UNIQUE
);
CREATE TABLE campaigns (
    ref INTEGER PRIMARY KEY,
    base INTEGER NOT NULL REFERENCES bases (base),
    campaign_id TEXT NOT NULL,
    UNIQUE (base, campaign_id)
);
-- One row per run of identical polls: `t` the first poll (Unix ms), `span` ms to the last one,
-- `v` the campaign's fields (codec.py: status, times, counters, rates not derivable).
CREATE TABLE samples (
    ref INTEGER NOT NULL,
    t INTEGER NOT NULL,
    span INTEGER NOT NULL DEFAULT 0,
    v BLOB NOT NULL,
    PRIMARY KEY (ref, t)
) WITHOUT ROWID;
-- Failed polls and global conditions (ref NULL: auth, 429, offline, and "cleared" when they end).
CREATE TABLE errors (
    base INTEGER NOT NULL REFERENCES bases (base),
    ref INTEGER,
    t INTEGER NOT NULL,
    kind TEXT NOT NULL,
    http_status INTEGER,
    code TEXT,
    title TEXT NOT NULL,
    message TEXT NOT NULL,
    since INTEGER,
    next_retry_at INTEGER,
    attempts INTEGER NOT NULL
);
CREATE INDEX errors_by_time ON errors (base, t);
"""


class HistoryFileError(Exception):
    """The file cannot be used as a history file (corrupt, read-only, locked, or too new)."""


def connect(path: Path | str, *, busy_timeout: float = 5.0) -> sqlite3.Connection:
    """An open, migrated connection in autocommit mode (callers run their own transactions).

    Raises HistoryFileError when the file is not a usable history file."""
    try:
        connection = sqlite3.connect(
            path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise HistoryFileError(f"{path}: {exc}") from exc
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        migrate(connection)
    except (sqlite3.Error, HistoryFileError) as exc:
        connection.close()
        raise HistoryFileError(f"{path}: {exc}") from exc
    return connection


def migrate(connection: sqlite3.Connection) -> None:
    """Bring the file to SCHEMA_VERSION (create it when empty), in one transaction."""
    if _version(connection) == SCHEMA_VERSION:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = _version(connection)  # another process may have migrated meanwhile
        if version > SCHEMA_VERSION:
            raise HistoryFileError(f"written by a newer appizer-tui (schema {version})")
        if version == 0:
            if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise HistoryFileError("an SQLite file, but not an appizer-tui history")
            _create_current(connection)
        else:
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](connection)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _create_current(connection: sqlite3.Connection) -> None:
    # executescript() would COMMIT first; run the statements one by one inside our transaction.
    for statement in CURRENT_SCHEMA.split(";"):
        if statement.strip():
            connection.execute(statement)


def _v1_to_v2(connection: sqlite3.Connection) -> None:
    """Version 1 kept `samples(base_url, campaign_id, fetched_at REAL, body TEXT)` and
    `errors(base_url, campaign_id, at REAL, kind, http_status, code, message)`."""
    connection.execute("ALTER TABLE samples RENAME TO samples_v1")
    connection.execute("ALTER TABLE errors RENAME TO errors_v1")
    _create_current(connection)
    rows = connection.execute(
        "SELECT base_url, campaign_id, fetched_at, body FROM samples_v1"
        " ORDER BY base_url, campaign_id, fetched_at"
    )
    for base_url, campaign_id, fetched_at, body in rows.fetchall():
        try:
            campaign = decode_campaign(body.encode() if isinstance(body, str) else body)
        except (msgspec.DecodeError, ValueError):
            continue  # a body v1 could not have decoded either
        ref = records.campaign_ref(connection, base_url, campaign_id)
        last = records.last_sample(connection, ref)
        records.append_sample(connection, ref, to_ms(fetched_at), encode(campaign), last)
    errors = connection.execute(
        "SELECT base_url, campaign_id, at, kind, http_status, code, message FROM errors_v1"
    )
    for base_url, campaign_id, at, kind, status, code, message in errors.fetchall():
        base = records.base_key(connection, base_url)
        ref = None
        if campaign_id is not None:
            ref = records.campaign_ref(connection, base_url, campaign_id)
        connection.execute(
            "INSERT INTO errors (base, ref, t, kind, http_status, code, title, message, since,"
            " next_retry_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 1)",
            (base, ref, to_ms(at), kind, status, code, kind, message or ""),
        )
    connection.execute("DROP TABLE samples_v1")
    connection.execute("DROP TABLE errors_v1")


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1_to_v2}
"""MIGRATIONS[n] takes a version-n file to n + 1 (run inside the caller's transaction)."""
