"""Exports: campaigns as CSV or a JSON array, and one campaign's sampled history.

The CLI (`appizer-tui export`, `appizer_tui.plain.export`) fetches each campaign once; the
viewer's `e` key exports what its store holds (`store_campaign_records`, `store_history_records`).
Both produce the same columns, documented in CAMPAIGN_COLUMNS and HISTORY_COLUMNS, and both take
every rate from `state/metrics.py` (the API's value when it sent one, else the docs' formula).

CSV cells are safe to open in a spreadsheet: text that came from the server (ids, statuses) is
made inert with `safe_text`, and when it starts with a character a spreadsheet would read as a
formula (`= + - @`, tab, CR, or their full-width forms) it gets a leading apostrophe. Numbers are
written by us as numbers and left alone, so a negative count stays a number.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from appizer_tui.api.models import Campaign
from appizer_tui.files import atomic_write_bytes
from appizer_tui.safe_text import safe_text
from appizer_tui.state.format import iso_time
from appizer_tui.state.model import Metrics
from appizer_tui.state.store import CampaignStore

FORMATS = ("csv", "json")

CAMPAIGN_COLUMNS = (
    "campaign_id",
    "status",
    "created_at",
    "sent_at",
    "completed_at",
    "total_recipients",
    "sent",
    "delivered",
    "opened",
    "clicked",
    "failed",
    "delivery_rate",
    "open_rate",
    "click_rate",
    "failure_rate",
    "fetched_at",
)
"""The export's columns (CSV header, JSON object keys), in order. Times are ISO 8601 UTC; rates
are fractions 0..1; an empty cell (null in JSON) is a value nobody knows."""

HISTORY_SERIES = (
    "total_recipients",
    "sent",
    "delivered",
    "opened",
    "clicked",
    "failed",
    "progress",
    "delivery_rate",
    "open_rate",
    "click_rate",
    "failure_rate",
    "throughput",
)
"""The store's History series written by `--history`, in order."""

HISTORY_COLUMNS = ("campaign_id", "time", *HISTORY_SERIES)
"""History export columns: one row per sample; `time` is when it was fetched (ISO 8601 UTC)."""

Record = dict[str, Any]

# Full-width forms too: some spreadsheets fold them to their ASCII twins before parsing.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(text: str) -> str:
    """Server text for a CSV cell: inert (safe_text) and never read as a formula."""
    cleaned = safe_text(text)
    return "'" + cleaned if cleaned.startswith(_FORMULA_START) else cleaned


_COUNTERS = frozenset({"total_recipients", "sent", "delivered", "opened", "clicked", "failed"})


def _rate(value: float | None) -> float | None:
    """A finite float, else None (a NaN or infinite value is not a rate anyone can use)."""
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        return None
    return float(value)


def _count(value: float | None) -> int | float | None:
    """A counter from a float series as an int ("1250", not "1250.0")."""
    number = _rate(value)
    if number is None:
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def campaign_record(campaign: Campaign, metrics: Metrics, fetched_at: float | None) -> Record:
    """One campaign as an export row keyed by CAMPAIGN_COLUMNS (server text made inert)."""
    api = campaign.to_api_dict()
    stats = campaign.stats
    return {
        "campaign_id": safe_text(campaign.campaign_id),
        "status": safe_text(campaign.raw_status),
        "created_at": api["created_at"],
        "sent_at": api["sent_at"],
        "completed_at": api["completed_at"],
        "total_recipients": stats.total_recipients,
        "sent": stats.sent,
        "delivered": stats.delivered,
        "opened": stats.opened,
        "clicked": stats.clicked,
        "failed": stats.failed,
        "delivery_rate": _rate(metrics.delivery_rate),
        "open_rate": _rate(metrics.open_rate),
        "click_rate": _rate(metrics.click_rate),
        "failure_rate": _rate(metrics.failure_rate),
        "fetched_at": iso_time(fetched_at) if fetched_at is not None else None,
    }


def history_records(
    campaign_id: str, times: Sequence[float], series: Mapping[str, Sequence[float | None]]
) -> list[Record]:
    """History rows keyed by HISTORY_COLUMNS: one per sample time, oldest first."""
    cid = safe_text(campaign_id)
    rows = []
    for index, moment in enumerate(times):
        row: Record = {"campaign_id": cid, "time": iso_time(moment)}
        for name in HISTORY_SERIES:
            values = series.get(name, ())
            value = values[index] if index < len(values) else None
            row[name] = _count(value) if name in _COUNTERS else _rate(value)
        rows.append(row)
    return rows


def render_csv(columns: Sequence[str], records: Iterable[Record]) -> str:
    """CSV text with a header row; strings neutralised for spreadsheets, numbers as numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        row = []
        for column in columns:
            value = record.get(column)
            row.append(spreadsheet_safe(value) if isinstance(value, str) else value)
        writer.writerow(row)
    return buffer.getvalue()


def render_json(columns: Sequence[str], records: Iterable[Record]) -> str:
    """A JSON array of objects with exactly `columns` as keys, in order."""
    items = [{column: record.get(column) for column in columns} for record in records]
    return json.dumps(items, indent=2, ensure_ascii=True, allow_nan=False) + "\n"


def render(columns: Sequence[str], records: Iterable[Record], fmt: str) -> str:
    """The export text in `fmt` ("csv" or "json")."""
    if fmt == "csv":
        return render_csv(columns, records)
    if fmt == "json":
        return render_json(columns, records)
    raise ValueError(f"unknown export format {fmt!r} (use csv or json)")


def store_campaign_records(store: CampaignStore) -> list[Record]:
    """A row for every campaign in the store that has been fetched, in watch order."""
    records = []
    for campaign_id in store.ids():
        view = store.get(campaign_id)
        if view is None or view.campaign is None:
            continue
        records.append(campaign_record(view.campaign, view.metrics, view.last_success_at))
    return records


def store_history_records(store: CampaignStore, campaign_id: str) -> list[Record]:
    """Every sample the store's History holds for `campaign_id`, oldest first."""
    history = store.history(campaign_id)
    series = {name: history.series(name) for name in HISTORY_SERIES}
    return history_records(campaign_id, history.times(), series)


def export_campaigns(store: CampaignStore, path: Path, fmt: str, *, force: bool = False) -> Path:
    """Write the store's fetched campaigns to `path` atomically; returns the path.

    Raises ExportExistsError (a FileExistsError) when `path` exists and `force` is false, and
    OSError when the file cannot be written. Campaigns never fetched are left out.
    """
    text = render(CAMPAIGN_COLUMNS, store_campaign_records(store), fmt)
    return atomic_write_bytes(Path(path), text.encode("utf-8"), force=force)


def export_history(
    store: CampaignStore, campaign_id: str, path: Path, fmt: str, *, force: bool = False
) -> Path:
    """Write one campaign's sampled history (HISTORY_COLUMNS) to `path` atomically."""
    text = render(HISTORY_COLUMNS, store_history_records(store, campaign_id), fmt)
    return atomic_write_bytes(Path(path), text.encode("utf-8"), force=force)
