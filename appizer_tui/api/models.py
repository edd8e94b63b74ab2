"""Typed models of the Get Campaign Status response, decoded with msgspec."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec


class CampaignStatus(enum.Enum):
    """The documented campaign statuses, plus UNKNOWN for anything a newer server may send."""

    PENDING = "pending"
    SENDING = "sending"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, raw: str) -> CampaignStatus:
        """The status for `raw`, or UNKNOWN (the caller keeps the raw string)."""
        try:
            status = cls(raw)
        except ValueError:
            return cls.UNKNOWN
        return status

    @property
    def is_terminal(self) -> bool:
        """True for completed, failed and cancelled: nothing will send any more."""
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset(
    {CampaignStatus.COMPLETED, CampaignStatus.FAILED, CampaignStatus.CANCELLED}
)


Counter = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]
"""A counter as decoded: any 64-bit integer. A broken server may send negative or absurd
numbers and they are shown as sent; beyond 64 bits (JSON allows thousands of digits) the answer
is refused as invalid, as no count of recipients can be that large and such integers break
float arithmetic and formatting everywhere they go."""


class Stats(msgspec.Struct, frozen=True, kw_only=True):
    """The campaign's counters, as the API reports them."""

    total_recipients: Counter = 0
    sent: Counter = 0
    delivered: Counter = 0
    opened: Counter = 0
    clicked: Counter = 0
    failed: Counter = 0


class Rates(msgspec.Struct, frozen=True, kw_only=True):
    """The rates the API reports; None where the server left one out or sent null."""

    delivery_rate: float | None = None
    open_rate: float | None = None
    click_rate: float | None = None


class Campaign(msgspec.Struct, frozen=True, kw_only=True):
    """One campaign's status as fetched. `raw_status` keeps the server's word for UNKNOWN."""

    campaign_id: str
    status: CampaignStatus
    raw_status: str
    created_at: datetime | None = None
    sent_at: datetime | None = None
    completed_at: datetime | None = None
    stats: Stats = Stats()
    rates: Rates = Rates()

    def to_api_dict(self) -> dict[str, Any]:
        """The campaign with the API's own field names, as a JSON-ready dict."""
        return {
            "campaign_id": self.campaign_id,
            "status": self.raw_status,
            "created_at": format_timestamp(self.created_at),
            "sent_at": format_timestamp(self.sent_at),
            "completed_at": format_timestamp(self.completed_at),
            "stats": msgspec.structs.asdict(self.stats),
            "rates": msgspec.structs.asdict(self.rates),
        }


class _WireCampaign(msgspec.Struct, frozen=True, kw_only=True):
    """The success body exactly as the API documents it."""

    success: bool = True
    campaign_id: str
    status: str
    created_at: datetime | None = None
    sent_at: datetime | None = None
    completed_at: datetime | None = None
    stats: Stats = Stats()
    rates: Rates = Rates()


class ErrorBody(msgspec.Struct, frozen=True, kw_only=True):
    """The documented error body: every field optional, since a broken server may send anything."""

    error: str | None = None
    message: str | None = None
    code: str | None = None
    details: dict[str, Any] | None = None


_wire_decoder = msgspec.json.Decoder(_WireCampaign)
_error_decoder = msgspec.json.Decoder(ErrorBody)


def _aware(value: datetime | None) -> datetime | None:
    """Timestamps are UTC; a server that forgets the offset is taken to mean UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def format_timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, the API's own form ("2024-01-15T10:30:00Z"). A time that has
    no UTC form (year 1 at +05:00, year 9999 at -05:00) keeps the offset the server gave."""
    if value is None:
        return None
    try:
        text = value.astimezone(UTC).isoformat()
    except OverflowError:
        return value.isoformat()
    return text.replace("+00:00", "Z")


class SuccessFalseError(ValueError):
    """The body decoded but says `success: false`."""


def decode_campaign(body: bytes) -> Campaign:
    """Decode a success body. Raises msgspec.DecodeError, or SuccessFalseError."""
    wire = _wire_decoder.decode(body)
    if not wire.success:
        raise SuccessFalseError("the response says success: false")
    return Campaign(
        campaign_id=wire.campaign_id,
        status=CampaignStatus.parse(wire.status),
        raw_status=wire.status,
        created_at=_aware(wire.created_at),
        sent_at=_aware(wire.sent_at),
        completed_at=_aware(wire.completed_at),
        stats=wire.stats,
        rates=wire.rates,
    )


def decode_error_body(body: bytes) -> ErrorBody | None:
    """The error body's fields, or None when the body is not the documented shape."""
    try:
        return _error_decoder.decode(body)
    except (msgspec.DecodeError, ValueError):
        return None


def encode_json(value: Any) -> bytes:
    """JSON bytes for API-shaped dicts and structs (used by the simulator and exports)."""
    return msgspec.json.encode(value)
