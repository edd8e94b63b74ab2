"""What goes into the history file comes back out: hypothesis over poll sequences, the compact
codec's edge cases, runs of unchanged polls, an old-schema file, pruning and forgetting."""

from __future__ import annotations

import math
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from history_support import BASE_URL, campaign, expected_runs, write_all
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.history.codec import decode, encode
from appizer_tui.history.reader import HistoryReader
from appizer_tui.history.schema import SCHEMA_VERSION, HistoryFileError

counters = st.integers(min_value=-(2**63), max_value=2**63 - 1)
small = st.integers(min_value=0, max_value=5)
rate = st.none() | st.floats(allow_nan=False) | st.sampled_from([0.0, 0.5, 0.964, 0.1])
moment = st.none() | st.datetimes(
    min_value=datetime(1, 1, 2),  # noqa: DTZ001 - hypothesis adds the zone
    max_value=datetime(9999, 12, 30),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))]),
)


@st.composite
def campaigns(draw: st.DrawFn, campaign_id: str) -> Campaign:
    raw = draw(
        st.sampled_from(["pending", "sending", "completed", "failed", "cancelled"])
        | st.text(max_size=12)
    )
    return Campaign(
        campaign_id=campaign_id,
        status=CampaignStatus.parse(raw),
        raw_status=raw,
        created_at=draw(moment),
        sent_at=draw(moment),
        completed_at=draw(moment),
        stats=Stats(
            **{
                name: draw(counters | small)
                for name in ("total_recipients", "sent", "delivered", "opened", "clicked", "failed")
            }
        ),  # fmt: skip
        rates=Rates(delivery_rate=draw(rate), open_rate=draw(rate), click_rate=draw(rate)),
    )


@st.composite
def poll_sequences(draw: st.DrawFn) -> dict[str, list[tuple[float, Campaign]]]:
    """Per campaign: polls at increasing whole-millisecond times, often repeating the last one."""
    result: dict[str, list[tuple[float, Campaign]]] = {}
    for campaign_id in draw(
        st.lists(st.sampled_from(["c1", "c2", "[/x] c3"]), unique=True, min_size=1)
    ):
        at = 1_700_000_000_000 + draw(st.integers(0, 10**6))
        polls: list[tuple[float, Campaign]] = []
        for _ in range(draw(st.integers(1, 8))):
            at += draw(st.integers(1, 10_000))
            repeat = polls and draw(st.booleans())
            polls.append((at / 1000, polls[-1][1] if repeat else draw(campaigns(campaign_id))))
        result[campaign_id] = polls
    return result


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(poll_sequences())
def test_the_same_samples_come_back_as_went_in(
    sequences: dict[str, list[tuple[float, Campaign]]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.sqlite3"
        interleaved = sorted(
            ((at, cid, c) for cid, polls in sequences.items() for at, c in polls),
            key=lambda poll: poll[0],
        )
        write_all(path, [(cid, at, c) for at, cid, c in interleaved])
        with HistoryReader(path) as reader:
            for campaign_id, polls in sequences.items():
                got = [(s.at, s.last_at, s.campaign) for s in reader.samples(BASE_URL, campaign_id)]
                assert got == expected_runs(polls)
                last = reader.last_sample(BASE_URL, campaign_id)
                assert last is not None and last.campaign == polls[-1][1]
            assert {c.campaign_id for c in reader.campaigns(BASE_URL)} == set(sequences)
            assert reader.campaigns("https://another.account/v1") == []


def test_codec_keeps_unknown_statuses_odd_times_and_rates_that_are_not_the_formula() -> None:
    odd = Campaign(
        campaign_id="c",
        status=CampaignStatus.UNKNOWN,
        raw_status="paused_by_ops",
        created_at=datetime(2024, 1, 15, 10, 30, 0, 250_000, tzinfo=UTC),
        sent_at=datetime(2024, 1, 15, 16, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        stats=Stats(total_recipients=10, sent=4, delivered=3, opened=1, clicked=0, failed=0),
        rates=Rates(delivery_rate=0.75, open_rate=math.nan, click_rate=None),
    )
    back = decode("c", encode(odd))
    assert back.raw_status == "paused_by_ops" and back.status is CampaignStatus.UNKNOWN
    assert back.created_at == odd.created_at and back.sent_at == odd.sent_at
    assert back.rates.delivery_rate == 0.75 and back.rates.click_rate is None
    assert back.rates.open_rate is not None and math.isnan(back.rates.open_rate)
    # The documented formula is not stored, yet comes back; a different number is kept.
    assert len(encode(campaign(sent=9000))) < len(
        encode(campaign(sent=9000, rates=Rates(delivery_rate=0.5, open_rate=0.5, click_rate=0.5)))
    )
    assert decode("camp_1", encode(campaign(sent=9000))) == campaign(sent=9000)


def test_unchanged_polls_extend_one_row(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    same, changed = campaign(sent=100), campaign(sent=200)
    write_all(path, [("camp_1", 10.0, same), ("camp_1", 15.0, same), ("camp_1", 20.0, same),
                     ("camp_1", 25.0, changed)])  # fmt: skip
    with HistoryReader(path) as reader:
        runs = [(s.at, s.last_at, s.campaign) for s in reader.samples(BASE_URL, "camp_1")]
        assert runs == [(10.0, 20.0, same), (25.0, 25.0, changed)]
        assert [s.campaign for s in reader.samples(BASE_URL, "camp_1", since=21)] == [changed]
        assert [s.campaign for s in reader.samples(BASE_URL, "camp_1", until=12)] == [same]
        # Keyed by base URL: the same id on another account is another campaign.
        assert reader.samples("https://other.example/v1", "camp_1") == []


def build_v1(path: Path) -> None:
    """A version-1 file as that version wrote it: one row per poll, the API's JSON as text."""
    connection = sqlite3.connect(path)
    connection.executescript(
        """
        CREATE TABLE samples (base_url TEXT, campaign_id TEXT, fetched_at REAL, body TEXT);
        CREATE TABLE errors (base_url TEXT, campaign_id TEXT, at REAL, kind TEXT,
                             http_status INTEGER, code TEXT, message TEXT);
        PRAGMA user_version = 1;
        """
    )
    body = (
        '{"success": true, "campaign_id": "camp_old", "status": "sending",'
        ' "created_at": "2024-01-15T10:30:00Z", "sent_at": "2024-01-15T10:35:00Z",'
        ' "stats": {"total_recipients": 1000, "sent": %d, "delivered": %d, "opened": 0,'
        ' "clicked": 0, "failed": 0}, "rates": {"delivery_rate": 0.5}}'
    )
    rows = [(BASE_URL, "camp_old", 100.0 + 5 * i, body % (i * 10, i * 5)) for i in range(1, 4)]
    rows.append((BASE_URL, "camp_old", 120.0, body % (30, 15)))  # unchanged: becomes a run
    connection.executemany("INSERT INTO samples VALUES (?, ?, ?, ?)", rows)
    connection.execute(
        "INSERT INTO errors VALUES (?, 'camp_old', 130.0, 'server', 503, 'UNAVAILABLE', 'down')",
        (BASE_URL,),
    )
    connection.commit()
    connection.close()


def test_an_old_schema_file_migrates(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    build_v1(path)
    with HistoryReader(path) as reader:
        samples = reader.samples(BASE_URL, "camp_old")
        assert [(s.at, s.last_at, s.campaign.stats.sent) for s in samples] == [
            (105.0, 105.0, 10), (110.0, 110.0, 20), (115.0, 120.0, 30)
        ]  # fmt: skip
        assert samples[0].campaign.rates.delivery_rate == 0.5
        assert samples[0].campaign.sent_at == datetime(2024, 1, 15, 10, 35, tzinfo=UTC)
        [error] = reader.errors(BASE_URL)
        assert (error.campaign_id, error.at, error.error.kind, error.error.http_status) == (
            "camp_old", 130.0, "server", 503
        )  # fmt: skip
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_a_file_from_a_newer_version_or_another_program_is_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    connection = sqlite3.connect(newer)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    other = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()
    for path in (newer, other):
        with pytest.raises(HistoryFileError):
            HistoryReader(path)


def test_prune_drops_what_is_older_than_the_retention_and_forget_drops_one_campaign(
    tmp_path: Path,
) -> None:
    path = tmp_path / "h.sqlite3"
    day = 86_400.0
    now = 1_700_000_000.0
    write_all(path, [
        ("old", now - 40 * day, campaign("old", 1)),
        ("mixed", now - 31 * day, campaign("mixed", 1)),
        ("mixed", now - 1 * day, campaign("mixed", 2)),
        ("keep", now - 2 * day, campaign("keep", 1)),
    ])  # fmt: skip
    with HistoryReader(path) as reader:
        assert reader.prune(30, now) == 2
        assert [c.campaign_id for c in reader.campaigns(BASE_URL)] == ["keep", "mixed"]
        assert [s.campaign.stats.sent for s in reader.samples(BASE_URL, "mixed")] == [2]
        assert reader.forget(BASE_URL, "keep") is True
        assert reader.forget(BASE_URL, "keep") is False
        assert [c.campaign_id for c in reader.campaigns(BASE_URL)] == ["mixed"]
        assert reader.file_size() > 0
