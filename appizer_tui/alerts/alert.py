"""One alert transition as every channel receives it: the viewer, the desktop, a hook, `watch`.

An `Alert` carries exactly the fields of the documented JSON object, so `to_json()` is the one
line a hook reads on its stdin and `watch --format jsonl` prints:

    {"rule": "failure_rate", "state": "firing", "severity": "alarm", "campaign_id": "camp_123",
     "value": 0.071, "threshold": 0.05, "message": "...", "campaign": {...the API's fields...},
     "at": "2024-01-15T10:30:05Z"}

`campaign_id` is null for the `api` rule. `value` and `threshold` are fractions for the rate rules
and seconds for `stalled` and the timed `api` conditions (see `rules.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final, Literal, NamedTuple

import msgspec

from appizer_tui.api.models import Campaign, format_timestamp
from appizer_tui.safe_text import safe_data

FAILURE_RATE: Final = "failure_rate"
STALLED: Final = "stalled"
DELIVERY_RATE: Final = "delivery_rate"
FINISHED: Final = "finished"
FAILED: Final = "failed"
CANCELLED: Final = "cancelled"
API: Final = "api"

RULE_NAMES: Final = (FAILURE_RATE, STALLED, DELIVERY_RATE, FINISHED, FAILED, CANCELLED, API)
"""Every rule, by the name used in the JSON, the config file and `--no-alert`."""
NOTICE_RULES: Final = frozenset({FINISHED, FAILED, CANCELLED})
"""Rules that tell news rather than raise an alarm: they fire once and never resolve."""

AlertState = Literal["firing", "resolved"]
Severity = Literal["alarm", "notice"]


def severity_of(rule: str) -> Severity:
    """`notice` for the finished/failed/cancelled rules, `alarm` for the others."""
    return "notice" if rule in NOTICE_RULES else "alarm"


class Check(NamedTuple):
    """A rule's verdict on the latest data: true or not, and what an alert would say. The
    message is written only for a transition (`describe()`), not on every evaluation."""

    active: bool
    value: float | None
    threshold: float | None
    describe: Callable[[], str]


def alert_time(wall: float) -> str:
    """Wall time as ISO 8601 UTC to the second, the API's own form ("2024-01-15T10:30:05Z")."""
    moment = datetime.fromtimestamp(int(wall), UTC)
    text = format_timestamp(moment)
    return text if text is not None else ""


class Alert(msgspec.Struct, frozen=True, kw_only=True):
    """A rule became true (`firing`) or false again (`resolved`) at `at`.

    `message` has been through `safe_text`; `campaign_id` is the watched id as given (compare it
    with store ids), made inert only in `to_dict()`/`to_json()`.
    """

    rule: str
    state: AlertState
    severity: Severity
    campaign_id: str | None
    value: float | None
    threshold: float | None
    message: str
    campaign: Campaign | None
    """The campaign as last fetched (None for `api`); written with the API's field names."""
    at: str

    @property
    def firing(self) -> bool:
        """True for a `firing` transition."""
        return self.state == "firing"

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON object, every string in it made inert by `safe_text` (a hook or
        a `jq -r` that prints a field gets text a terminal only displays)."""
        record = {
            "rule": self.rule,
            "state": self.state,
            "severity": self.severity,
            "campaign_id": self.campaign_id,
            "value": self.value,
            "threshold": self.threshold,
            "message": self.message,
            "campaign": None if self.campaign is None else self.campaign.to_api_dict(),
            "at": self.at,
        }
        cleaned: dict[str, Any] = safe_data(record)
        return cleaned

    def to_json(self) -> str:
        """`to_dict()` as one line of JSON (no newline inside, none at the end)."""
        return msgspec.json.encode(self.to_dict()).decode()
