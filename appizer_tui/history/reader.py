"""HistoryReader: what is recorded for a base URL, as API Campaigns with the times they were
fetched; a whole recording loaded at once for replay; and housekeeping (prune, forget).

Samples come back as runs: `at` the first poll that returned these values, `last_at` the last
(equal when it was polled once). Reading never blocks the writers (WAL).
"""

from __future__ import annotations

import operator
import sqlite3
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from appizer_tui.api.models import Campaign
from appizer_tui.history import records
from appizer_tui.history.codec import api_rate_columns, decode, decode_many, from_ms, to_ms
from appizer_tui.history.schema import connect
from appizer_tui.state.model import ErrorInfo

_T = TypeVar("_T")
_VALUES = "s.v"
_FROM = (
    " FROM samples s JOIN campaigns c ON c.ref = s.ref JOIN bases b ON b.base = c.base"
    " WHERE b.base_url = ?"
)


class RecordedSample(msgspec.Struct, frozen=True):
    """One run of identical polls of a campaign."""

    campaign_id: str
    at: float
    """Wall time of the first poll that returned these values."""
    last_at: float
    """Wall time of the last poll that returned them (== at for a single poll)."""
    campaign: Campaign
    """The API's fields as fetched."""


class RecordedError(msgspec.Struct, frozen=True):
    """A failed poll, or a global condition (campaign_id None; kind "cleared" when one ended)."""

    campaign_id: str | None
    at: float
    error: ErrorInfo


class RecordedCampaign(msgspec.Struct, frozen=True):
    """What `history` lists for one campaign."""

    campaign_id: str
    first_at: float
    last_at: float
    samples: int
    """Stored rows (runs of identical polls count once)."""


class CampaignTrack:
    """One campaign's recorded runs, for replay: bisect on `starts`; values decoded on demand."""

    def __init__(self, campaign_id: str) -> None:
        self.campaign_id = campaign_id
        self.starts = array("q")
        """Wall time of each run's first poll in Unix ms, ascending."""
        self.ends = array("q")
        """Wall time of each run's last poll in Unix ms."""
        self.values: list[bytes] = []
        """Each run's encoded fields (see `codec`)."""
        self._columns: list[tuple[Any, ...]] | None = None
        self._rates: list[list[float]] | None = None

    def __len__(self) -> int:
        return len(self.values)

    def campaign(self, index: int) -> Campaign:
        """The Campaign of run `index`."""
        return decode(self.campaign_id, self.values[index])

    def columns(self) -> list[tuple[Any, ...]]:
        """Every run's values as columns (codec.SAMPLE_VALUE_COLUMNS order), decoded once."""
        if self._columns is None:
            self._columns = list(zip(*decode_many(self.values), strict=True))
        return self._columns

    def api_rates(self) -> list[list[float]]:
        """Every run's delivery, open and click rate as the API sent them (NaN for none)."""
        if self._rates is None:
            self._rates = api_rate_columns(self.columns())
        return self._rates


class Recording(msgspec.Struct):
    """Everything recorded for some campaigns of one base URL, loaded for replay."""

    base_url: str
    tracks: list[CampaignTrack]
    errors: list[RecordedError]

    def prepare(self) -> None:
        """Decode every track's values now (a seek does it on first need otherwise). Safe to
        run in a worker thread after the first frame: nothing else changes the tracks."""
        for track in self.tracks:
            track.api_rates()

    @property
    def start(self) -> float | None:
        """Wall time of the earliest sample or error (None when empty)."""
        times = [from_ms(t.starts[0]) for t in self.tracks if len(t)]
        times += [e.at for e in self.errors[:1]]
        return min(times) if times else None

    @property
    def end(self) -> float | None:
        """Wall time of the latest sample or error (None when empty)."""
        times = [from_ms(max(t.ends)) for t in self.tracks if len(t)]
        times += [e.at for e in self.errors[-1:]]
        return max(times) if times else None


class HistoryReader:
    """Reads (and tidies) the history file at `path`. Raises HistoryFileError when unusable."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._connection = connect(self.path)

    def close(self) -> None:
        """Close the file."""
        self._connection.close()

    def __enter__(self) -> HistoryReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def file_size(self) -> int:
        """Bytes on disk: the file and its write-ahead log."""
        wal = self.path.with_name(self.path.name + "-wal")
        return sum(p.stat().st_size for p in (self.path, wal) if p.exists())

    def campaigns(self, base_url: str) -> list[RecordedCampaign]:
        """Every campaign with samples for `base_url`, by first sample time."""
        rows = self._connection.execute(
            "SELECT c.campaign_id, min(s.t), max(s.t + s.span), count(*)"
            + _FROM
            + " GROUP BY s.ref ORDER BY min(s.t), c.campaign_id",
            (base_url,),
        ).fetchall()
        return [RecordedCampaign(cid, from_ms(a), from_ms(b), n) for cid, a, b, n in rows]

    def samples(
        self,
        base_url: str,
        campaign_id: str,
        *,
        since: float | None = None,
        until: float | None = None,
    ) -> list[RecordedSample]:
        """One campaign's runs overlapping [since, until], oldest first."""
        return self.merged_samples(base_url, [campaign_id], since=since, until=until)

    def last_sample(self, base_url: str, campaign_id: str) -> RecordedSample | None:
        """The latest recorded sample (what `export --offline` shows), or None."""
        row = self._connection.execute(
            f"SELECT c.campaign_id, s.t, s.span, {_VALUES}"
            + _FROM
            + " AND c.campaign_id = ? ORDER BY s.t DESC LIMIT 1",
            (base_url, campaign_id),
        ).fetchone()
        return None if row is None else _sample(row)

    def merged_samples(
        self,
        base_url: str,
        campaign_ids: Sequence[str] | None = None,
        *,
        since: float | None = None,
        until: float | None = None,
    ) -> list[RecordedSample]:
        """The runs of several campaigns (all when None) in time order (ties by id)."""
        where, params = _filters(base_url, campaign_ids, since, until)
        rows = self._connection.execute(
            f"SELECT c.campaign_id, s.t, s.span, {_VALUES}"
            + _FROM
            + where
            + " ORDER BY s.t, c.campaign_id",
            params,
        )
        return [_sample(row) for row in rows]

    def errors(
        self,
        base_url: str,
        campaign_ids: Sequence[str] | None = None,
        *,
        since: float | None = None,
        until: float | None = None,
    ) -> list[RecordedError]:
        """Errors of these campaigns (all when None) and global ones, in time order."""
        sql = (
            "SELECT c.campaign_id, e.t, e.kind, e.title, e.message, e.code, e.http_status,"
            " e.since, e.next_retry_at, e.attempts FROM errors e JOIN bases b ON b.base = e.base"
            " LEFT JOIN campaigns c ON c.ref = e.ref WHERE b.base_url = ?"
        )
        params: list[Any] = [base_url]
        if campaign_ids is not None:
            marks = ", ".join("?" * len(campaign_ids))
            sql += f" AND (e.ref IS NULL OR c.campaign_id IN ({marks}))"
            params.extend(campaign_ids)
        if since is not None:
            sql += " AND e.t >= ?"
            params.append(to_ms(since))
        if until is not None:
            sql += " AND e.t <= ?"
            params.append(to_ms(until))
        rows = self._connection.execute(sql + " ORDER BY e.t", params).fetchall()
        return [_error(row) for row in rows]

    def load_recording(
        self,
        base_url: str,
        campaign_ids: Sequence[str] | None = None,
        *,
        until: float | None = None,
    ) -> Recording:
        """Every run up to `until` of these campaigns (all when None), as columns per campaign,
        with their errors: what a replay plays. Tracks keep `campaign_ids`' order (else by id)."""
        if campaign_ids is None:
            wanted = [
                row[0]
                for row in self._connection.execute(
                    "SELECT c.campaign_id FROM campaigns c JOIN bases b ON b.base = c.base"
                    " WHERE b.base_url = ? ORDER BY c.campaign_id",
                    (base_url,),
                )
            ]
        else:
            wanted = list(dict.fromkeys(campaign_ids))
        until_ms = to_ms(until) if until is not None else 2**62
        ordered = [self._track(base_url, cid, until_ms) for cid in wanted]
        errors = self.errors(base_url, campaign_ids, until=until)
        return Recording(base_url, ordered, errors)

    def _track(self, base_url: str, campaign_id: str, until_ms: int) -> CampaignTrack:
        track = CampaignTrack(campaign_id)
        rows = self._connection.execute(
            "SELECT s.t, s.span, s.v" + _FROM + " AND c.campaign_id = ? AND s.t <= ? ORDER BY s.t",
            (base_url, campaign_id, until_ms),
        ).fetchall()
        if rows:
            starts, spans, values = zip(*rows, strict=True)
            track.starts = array("q", starts)
            track.ends = array("q", map(operator.add, starts, spans))
            track.values = list(values)
        return track

    def prune(self, retention_days: float, now: float) -> int:
        """Delete what is older than `retention_days` before wall time `now`; samples deleted."""
        return self._write(lambda: records.prune(self._connection, now - retention_days * 86_400))

    def forget(self, base_url: str, campaign_id: str) -> bool:
        """Delete everything recorded about one campaign; False when nothing was."""
        return self._write(lambda: records.forget(self._connection, base_url, campaign_id))

    def _write(self, work: Callable[[], _T]) -> _T:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            result = work()
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")
        return result


def _filters(
    base_url: str, campaign_ids: Sequence[str] | None, since: float | None, until: float | None
) -> tuple[str, list[Any]]:
    where = ""
    params: list[Any] = [base_url]
    if campaign_ids is not None:
        where += f" AND c.campaign_id IN ({', '.join('?' * len(campaign_ids))})"
        params.extend(campaign_ids)
    if since is not None:
        where += " AND s.t + s.span >= ?"
        params.append(to_ms(since))
    if until is not None:
        where += " AND s.t <= ?"
        params.append(to_ms(until))
    return where, params


def _sample(row: sqlite3.Row | tuple[Any, ...]) -> RecordedSample:
    at, last_at = from_ms(row[1]), from_ms(row[1] + row[2])
    return RecordedSample(row[0], at, last_at, decode(row[0], row[3]))


def _error(row: tuple[Any, ...]) -> RecordedError:
    campaign_id, t, kind, title, message, code, status, since, next_retry, attempts = row
    error = ErrorInfo(
        kind=kind,
        title=title,
        message=message,
        code=code,
        http_status=status,
        since=0.0 if since is None else from_ms(since),
        next_retry_at=None if next_retry is None else from_ms(next_retry),
        attempts=attempts,
    )
    return RecordedError(campaign_id, from_ms(t), error)
