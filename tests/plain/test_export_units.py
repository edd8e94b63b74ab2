"""Export building blocks without a server: rows, CSV/JSON, atomic and no-clobber writes."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from appizer_tui import files
from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.files import ExportExistsError, atomic_write_bytes, timestamped_export_path
from appizer_tui.state.export import (
    CAMPAIGN_COLUMNS,
    HISTORY_COLUMNS,
    campaign_record,
    export_campaigns,
    export_history,
    render,
    render_csv,
    spreadsheet_safe,
)
from appizer_tui.state.metrics import compute_metrics
from appizer_tui.state.store import CampaignStore

T0 = 1_700_000_000.0


def _campaign(cid: str = "camp_123", status: str = "completed", **stats: int) -> Campaign:
    counts = {
        "total_recipients": 1250,
        "sent": 1245,
        "delivered": 1200,
        "opened": 450,
        "clicked": 120,
        "failed": 5,
    } | stats
    return Campaign(
        campaign_id=cid,
        status=CampaignStatus.parse(status),
        raw_status=status,
        created_at=datetime(2024, 1, 15, 10, 30, tzinfo=UTC),
        sent_at=datetime(2024, 1, 15, 10, 31, tzinfo=UTC),
        completed_at=datetime(2024, 1, 15, 10, 40, tzinfo=UTC),
        stats=Stats(**counts),
        rates=Rates(delivery_rate=0.964, open_rate=None, click_rate=0.1),
    )


def _parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_record_prefers_api_rates_and_derives_the_missing_ones() -> None:
    campaign = _campaign()
    record = campaign_record(campaign, compute_metrics(campaign), T0)
    assert list(record) == list(CAMPAIGN_COLUMNS)
    assert record["delivery_rate"] == 0.964  # the API's, not 1200/1245
    assert record["open_rate"] == pytest.approx(450 / 1200)  # derived: opened / delivered
    assert record["failure_rate"] == pytest.approx(5 / 1250)
    assert record["created_at"] == "2024-01-15T10:30:00Z"
    assert record["fetched_at"] == "2023-11-14T22:13:20.000Z"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\tx", "\\x09x"),  # safe_text escapes the tab, so nothing starts with it any more
        ("camp_1", "camp_1"),
        ("a=b", "a=b"),
    ],
)
def test_spreadsheet_safe(raw: str, expected: str) -> None:
    assert spreadsheet_safe(raw) == expected


def test_csv_round_trip_neutralises_server_text_but_not_our_numbers() -> None:
    hostile = _campaign(cid="=1+2", status="@cmd|' /C calc'!A0", sent=-5)
    text = render_csv(CAMPAIGN_COLUMNS, [campaign_record(hostile, compute_metrics(hostile), T0)])
    (row,) = _parse_csv(text)
    assert row["campaign_id"] == "'=1+2"
    assert row["status"].startswith("'@")
    assert row["sent"] == "-5"  # a number we wrote: a spreadsheet reads it as -5, not a formula
    assert row["open_rate"] == repr(compute_metrics(hostile).open_rate)
    assert text.splitlines()[0] == ",".join(CAMPAIGN_COLUMNS)


def test_control_characters_never_reach_the_file() -> None:
    nasty = _campaign(cid="camp\x1b]52;c;aGk=\x07", status="sending\x9b2J")
    for fmt in ("csv", "json"):
        text = render(CAMPAIGN_COLUMNS, [campaign_record(nasty, compute_metrics(nasty), T0)], fmt)
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text


def test_json_is_an_array_with_exactly_the_columns() -> None:
    campaign = _campaign(status="sending")
    record = campaign_record(campaign, compute_metrics(campaign), None)
    text = render(CAMPAIGN_COLUMNS, [record], "json")
    (item,) = json.loads(text)
    assert list(item) == list(CAMPAIGN_COLUMNS)
    assert item["fetched_at"] is None and item["sent"] == 1245


def test_atomic_write_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    atomic_write_bytes(target, b"first")
    with pytest.raises(ExportExistsError, match="--force"):
        atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"first"
    atomic_write_bytes(target, b"third", force=True)
    assert target.read_bytes() == b"third"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temp file left


def test_atomic_write_without_hard_links_still_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError("hard links not supported")

    monkeypatch.setattr(files.os, "link", no_links)
    target = tmp_path / "out.json"
    atomic_write_bytes(target, b"[]")
    with pytest.raises(ExportExistsError):
        atomic_write_bytes(target, b"[1]")
    assert target.read_bytes() == b"[]"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_failed_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(tmp_path / "x.csv", b"data")
    assert list(tmp_path.iterdir()) == []


def test_new_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = atomic_write_bytes(tmp_path / "x.csv", b"")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_timestamped_path_is_utc_safe_and_free(tmp_path: Path) -> None:
    first = timestamped_export_path(tmp_path, "history ../camp_1", "csv", T0)
    assert first.name == "history_camp_1-20231114T221320Z.csv"
    first.write_text("x")
    second = timestamped_export_path(tmp_path, "history ../camp_1", "csv", T0)
    assert second.name == "history_camp_1-20231114T221320Z-2.csv"
    assert timestamped_export_path(tmp_path, "...", "json", T0).name.startswith("export-")
    with pytest.raises(ValueError):
        timestamped_export_path(tmp_path, "x", "xlsx", T0)


def _store_with_samples() -> CampaignStore:
    store = CampaignStore(interval=5.0, wall=lambda: T0)
    store.add("camp_a")
    store.add("never_fetched")
    for step in range(3):
        campaign = _campaign(
            "camp_a",
            "sending",
            sent=100 * step,
            delivered=90 * step,
            failed=step,
            opened=0,
            clicked=0,
        )
        store.record_success("camp_a", campaign, at=T0 + 5 * step)
    return store


def test_export_campaigns_from_a_store(tmp_path: Path) -> None:
    store = _store_with_samples()
    path = export_campaigns(store, tmp_path / "c.csv", "csv")
    (row,) = _parse_csv(path.read_text())
    view = store.get("camp_a")
    assert view is not None and view.campaign is not None
    assert row["sent"] == "200" and row["status"] == "sending"
    assert row["fetched_at"] == "2023-11-14T22:13:30.000Z"
    assert float(row["failure_rate"]) == view.metrics.failure_rate
    with pytest.raises(FileExistsError):
        export_campaigns(store, path, "csv")


def test_export_history_from_a_store(tmp_path: Path) -> None:
    store = _store_with_samples()
    path = export_history(store, "camp_a", tmp_path / "h.json", "json")
    rows = json.loads(path.read_text())
    assert [list(r) for r in rows] == [list(HISTORY_COLUMNS)] * 3
    assert [r["sent"] for r in rows] == [0, 100, 200]
    assert [r["time"][-10:] for r in rows] == ["13:20.000Z", "13:25.000Z", "13:30.000Z"]
    assert rows[0]["delivery_rate"] is None  # nothing sent yet: 0/0, whatever the API said
    assert rows[1]["delivery_rate"] == 0.964
    assert rows[0]["progress"] == 0.0 and rows[2]["progress"] == pytest.approx(202 / 1250)
    assert rows[0]["throughput"] is None  # one sample has no rate: NaN becomes null
    csv_rows = _parse_csv(export_history(store, "camp_a", tmp_path / "h.csv", "csv").read_text())
    assert [r["sent"] for r in csv_rows] == ["0", "100", "200"]
