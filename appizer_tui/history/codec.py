"""A fetched Campaign as the compact value of one `samples` row, and back.

The value is a MessagePack array (msgspec) of the 15 values below, in one BLOB column: SQLite
hands a whole column to Python far faster than 15 (loading a 72,000-sample launch is mostly
that), a run of identical polls is found by comparing bytes, and a recording decodes in one
msgspec call. It keeps every field the API sent, so `decode(encode(c)) == c`:

- status: a small integer (the index in `STATUS_CODES`); the server's own word is stored only
  when it is not the documented one (UNKNOWN, or an unusual spelling), as `raw_status`.
- created_at / sent_at / completed_at: whole UTC seconds as an integer (4 bytes), the ISO text
  only for a time with a fraction or out of range.
- counters: integers (MessagePack keeps small ones in 1 to 5 bytes).
- rates: not stored when derivable. `rate_forms` packs two bits per rate: 0 the API sent none,
  1 it sent exactly the documented formula (delivered / sent, opened / delivered,
  clicked / delivered, rounded to 3 decimals, 0.0 for a zero denominator; the simulator and the
  docs' example), 2 it sent another number (then kept in the rate's slot, else nil). A sample
  whose rates follow the docs costs four bytes for all three.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats

STATUS_CODES: tuple[CampaignStatus, ...] = tuple(CampaignStatus)
"""Status <-> small integer, in the enum's order (append new statuses at the end only)."""
_STATUS_INDEX = {status: index for index, status in enumerate(STATUS_CODES)}

SAMPLE_VALUE_COLUMNS = (
    "status",
    "raw_status",
    "created_at",
    "sent_at",
    "completed_at",
    "total_recipients",
    "sent",
    "delivered",
    "opened",
    "clicked",
    "failed",
    "rate_forms",
    "delivery_rate",
    "open_rate",
    "click_rate",
)
"""The values of a sample, in the order of its MessagePack array."""

Row = Sequence[Any]
"""A sample's values (see SAMPLE_VALUE_COLUMNS), decoded."""

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(tuple[Any, ...])
_many_decoder = msgspec.msgpack.Decoder(list[tuple[Any, ...]])

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_SECOND = timedelta(seconds=1)
_MAX_INT_SECONDS = 2**53
_NONE, _DERIVED, _STORED = 0, 1, 2
_ALL_DERIVED = _DERIVED | _DERIVED << 2 | _DERIVED << 4


def documented_rate(numerator: int, denominator: int) -> float:
    """The rate as the docs compute it: rounded to 3 decimals, 0.0 for a zero denominator."""
    if denominator == 0:
        return 0.0
    return round(numerator / denominator, 3)


def _encode_time(value: datetime | None) -> int | str | None:
    if value is None:
        return None
    if value.utcoffset() == timedelta(0) and value.microsecond == 0:
        seconds = (value - _EPOCH) // _ONE_SECOND
        if abs(seconds) < _MAX_INT_SECONDS:
            return seconds
    return value.isoformat()


def _decode_time(value: int | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, int):
        return _EPOCH + timedelta(seconds=value)
    return datetime.fromisoformat(value)


def _rate_form(api: float | None, derived: float) -> tuple[int, float | None]:
    """(form, value to store) for one API rate."""
    if api is None:
        return _NONE, None
    if api == derived and math.copysign(1.0, api) == math.copysign(1.0, derived):
        return _DERIVED, None
    return _STORED, api


def _rate_value(form: int, stored: float | None, numerator: int, denominator: int) -> float | None:
    if form == _DERIVED:
        return documented_rate(numerator, denominator)
    if form == _STORED:
        return stored
    return None


def encode(campaign: Campaign) -> bytes:
    """The sample's value; equal bytes mean equal samples."""
    stats, rates = campaign.stats, campaign.rates
    status = campaign.status
    raw = None if campaign.raw_status == status.value else campaign.raw_status
    d_form, d_value = _rate_form(rates.delivery_rate, documented_rate(stats.delivered, stats.sent))
    o_form, o_value = _rate_form(rates.open_rate, documented_rate(stats.opened, stats.delivered))
    c_form, c_value = _rate_form(rates.click_rate, documented_rate(stats.clicked, stats.delivered))
    return _encoder.encode(
        (
            _STATUS_INDEX[status],
            raw,
            _encode_time(campaign.created_at),
            _encode_time(campaign.sent_at),
            _encode_time(campaign.completed_at),
            stats.total_recipients,
            stats.sent,
            stats.delivered,
            stats.opened,
            stats.clicked,
            stats.failed,
            d_form | o_form << 2 | c_form << 4,
            d_value,
            o_value,
            c_value,
        )
    )


def decode_values(value: bytes) -> Row:
    """A sample's values from its bytes."""
    return _decoder.decode(value)


def decode_many(values: Sequence[bytes]) -> list[tuple[Any, ...]]:
    """Many samples' values in one call (a MessagePack array made of their bytes)."""
    header = b"\xdd" + len(values).to_bytes(4, "big")
    return _many_decoder.decode(header + b"".join(values))


def api_rates(row: Row) -> tuple[float | None, float | None, float | None]:
    """The delivery, open and click rates the API sent, from a row."""
    forms, delivered = row[11], row[7]
    return (
        _rate_value(forms & 3, row[12], delivered, row[6]),
        _rate_value(forms >> 2 & 3, row[13], row[8], delivered),
        _rate_value(forms >> 4 & 3, row[14], row[9], delivered),
    )


def api_rate_columns(columns: Sequence[Sequence[Any]]) -> list[list[float]]:
    """The delivery, open and click rates the API sent, one list each, from decoded columns (as
    `CampaignTrack.columns` gives them), NaN where it sent none: the in-memory history's form."""
    sent, delivered, opened, clicked, forms = (columns[i] for i in (6, 7, 8, 9, 11))
    pairs = ((delivered, sent), (opened, delivered), (clicked, delivered))
    if forms.count(_ALL_DERIVED) == len(forms):  # the usual case, in one pass per rate
        return [
            [round(n / d, 3) if d else 0.0 for n, d in zip(*pair, strict=True)] for pair in pairs
        ]
    result: list[list[float]] = []
    for shift, (numerators, denominators), stored in zip(
        (0, 2, 4), pairs, columns[12:15], strict=True
    ):
        column = []
        for form, num, den, value in zip(forms, numerators, denominators, stored, strict=True):
            rate = _rate_value(form >> shift & 3, value, num, den)
            column.append(math.nan if rate is None else rate)
        result.append(column)
    return result


def decode(campaign_id: str, value: bytes | Row) -> Campaign:
    """The Campaign a sample's bytes (or decoded values) were encoded from."""
    row = decode_values(value) if isinstance(value, bytes) else value
    status = STATUS_CODES[row[0]]
    raw, created, sent_at, completed = row[1:5]
    total, sent, delivered, opened, clicked, failed = row[5:11]
    delivery_rate, open_rate, click_rate = api_rates(row)
    return Campaign(
        campaign_id=campaign_id,
        status=status,
        raw_status=status.value if raw is None else str(raw),
        created_at=_decode_time(created),
        sent_at=_decode_time(sent_at),
        completed_at=_decode_time(completed),
        stats=Stats(
            total_recipients=total,
            sent=sent,
            delivered=delivered,
            opened=opened,
            clicked=clicked,
            failed=failed,
        ),
        rates=Rates(delivery_rate=delivery_rate, open_rate=open_rate, click_rate=click_rate),
    )


def to_ms(wall: float) -> int:
    """Wall seconds as the integer milliseconds the tables keep: truncated after rounding to
    microseconds, as `datetime` (and so `iso_time`) does, so a recorded time prints as the
    live one did."""
    return round(wall * 1_000_000) // 1000


def from_ms(ms: int) -> float:
    """Integer milliseconds back to wall seconds."""
    return ms / 1000
