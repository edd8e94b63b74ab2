"""The SQL of one write: find or create a base URL's and a campaign's small keys, append a sample
(or extend the previous one when nothing changed), append an error, prune, forget.

Callers hold the transaction; these functions only run statements on the connection they get.
"""

from __future__ import annotations

import sqlite3

from appizer_tui.history.codec import to_ms
from appizer_tui.state.model import ErrorInfo

_INSERT_SAMPLE = "INSERT OR IGNORE INTO samples (ref, t, span, v) VALUES (?, ?, 0, ?)"
_LAST_SAMPLE = "SELECT t, span, v FROM samples WHERE ref = ? ORDER BY t DESC LIMIT 1"


def base_key(connection: sqlite3.Connection, base_url: str, *, create: bool = True) -> int | None:
    """The small key of a base URL (created when missing and `create`)."""
    found = connection.execute("SELECT base FROM bases WHERE base_url = ?", (base_url,)).fetchone()
    if found is not None:
        return int(found[0])
    if not create:
        return None
    cursor = connection.execute("INSERT INTO bases (base_url) VALUES (?)", (base_url,))
    return int(cursor.lastrowid or 0)


def campaign_ref(
    connection: sqlite3.Connection, base_url: str, campaign_id: str, *, create: bool = True
) -> int | None:
    """The small key of (base URL, campaign id) that samples and errors refer to."""
    base = base_key(connection, base_url, create=create)
    if base is None:
        return None
    found = connection.execute(
        "SELECT ref FROM campaigns WHERE base = ? AND campaign_id = ?", (base, campaign_id)
    ).fetchone()
    if found is not None:
        return int(found[0])
    if not create:
        return None
    cursor = connection.execute(
        "INSERT INTO campaigns (base, campaign_id) VALUES (?, ?)", (base, campaign_id)
    )
    return int(cursor.lastrowid or 0)


Last = tuple[int, int, bytes]
"""A campaign's newest row: (t, span, values)."""


def last_sample(connection: sqlite3.Connection, ref: int | None) -> Last | None:
    """The campaign's newest row as the file has it."""
    found = connection.execute(_LAST_SAMPLE, (ref,)).fetchone()
    return None if found is None else (found[0], found[1], found[2])


def append_sample(
    connection: sqlite3.Connection, ref: int | None, t_ms: int, value: bytes, last: Last | None
) -> Last:
    """Record a poll: `last`'s span grows when its values are the same, else a new row.

    `last` must be the campaign's newest row in the file (`last_sample`, or what this
    connection wrote when nobody else has written since). Returns the new newest row. A second
    poll in the same millisecond is kept once."""
    if last is not None and last[2] == value and t_ms >= last[0] + last[1]:
        span = t_ms - last[0]
        connection.execute(
            "UPDATE samples SET span = ? WHERE ref = ? AND t = ?", (span, ref, last[0])
        )
        return (last[0], span, value)
    connection.execute(_INSERT_SAMPLE, (ref, t_ms, value))
    if last is not None and t_ms < last[0]:
        return last  # an older poll (another process was late): the newest row is unchanged
    return (t_ms, 0, value)


def append_error(
    connection: sqlite3.Connection,
    base_url: str,
    campaign_id: str | None,
    at: float,
    error: ErrorInfo,
) -> None:
    """Record a failed poll (or a global condition when `campaign_id` is None)."""
    base = base_key(connection, base_url)
    ref = None if campaign_id is None else campaign_ref(connection, base_url, campaign_id)
    connection.execute(
        "INSERT INTO errors (base, ref, t, kind, http_status, code, title, message, since,"
        " next_retry_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            base,
            ref,
            to_ms(at),
            error.kind,
            error.http_status,
            error.code,
            error.title,
            error.message,
            to_ms(error.since) if error.since else None,
            None if error.next_retry_at is None else to_ms(error.next_retry_at),
            error.attempts,
        ),
    )


def prune(connection: sqlite3.Connection, before: float) -> int:
    """Delete samples and errors older than wall time `before`, and campaigns left empty.
    Returns the samples deleted."""
    cutoff = to_ms(before)
    deleted = connection.execute("DELETE FROM samples WHERE t + span < ?", (cutoff,)).rowcount
    connection.execute("DELETE FROM errors WHERE t < ?", (cutoff,))
    connection.execute(
        "DELETE FROM campaigns WHERE ref NOT IN (SELECT DISTINCT ref FROM samples)"
        " AND ref NOT IN (SELECT ref FROM errors WHERE ref IS NOT NULL)"
    )
    return int(deleted)


def forget(connection: sqlite3.Connection, base_url: str, campaign_id: str) -> bool:
    """Delete everything recorded about one campaign; False when nothing was."""
    ref = campaign_ref(connection, base_url, campaign_id, create=False)
    if ref is None:
        return False
    connection.execute("DELETE FROM samples WHERE ref = ?", (ref,))
    connection.execute("DELETE FROM errors WHERE ref = ?", (ref,))
    connection.execute("DELETE FROM campaigns WHERE ref = ?", (ref,))
    return True
