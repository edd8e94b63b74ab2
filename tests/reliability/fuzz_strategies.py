"""Hypothesis strategies for what a broken or hostile server can send, shaped by the decoder.

`campaigns()` draws a success body as JSON bytes and keeps only what `decode_campaign` accepts,
so every example is a Campaign the real client would hand on: huge and negative counters (any
64-bit value), rates above 1, below 0 or null, timestamps from year 1 to 9999 with any offset
(in the future, before creation, out of order), ids of 10,000 characters, non-ASCII, the whole
injection corpus as ids and statuses. `with_nan()` adds NaN and infinite rates, which JSON cannot
carry but a Campaign can hold.
"""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import msgspec
from hypothesis import strategies as st
from payloads import PAYLOADS

from appizer_tui.api.models import Campaign, Rates, Stats, decode_campaign

LONG = os.environ.get("APPIZER_SOAK") == "long"
EXAMPLES = 100_000 if LONG else 2_000
"""Examples per property: 2,000 in `make test`, 100,000 under APPIZER_SOAK=long (`make soak`)."""

INT64 = 2**63 - 1
STATUSES = ("pending", "sending", "completed", "failed", "cancelled")

texts = st.one_of(
    st.sampled_from([p.text for p in PAYLOADS]),
    st.text(max_size=40),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12).map(
        lambda t: (t or "x") * 400
    ),
    st.builds(lambda c: c * 10_000, st.characters(exclude_categories=("Cs",))),
)
"""Untrusted text: the corpus, anything short, and 10,000-character runs."""

counters = st.integers(min_value=-INT64 - 1, max_value=INT64)
"""Any 64-bit value (Hypothesis favours the edges: 0, -1, the extremes)."""

rates = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))
"""null, or any finite float: above 1, negative, subnormal, 1e308."""

NAIVE_MIN = datetime(1, 1, 2)  # noqa: DTZ001
NAIVE_MAX = datetime(9999, 12, 30)  # noqa: DTZ001
NAIVE_2023 = datetime(2023, 1, 1)  # noqa: DTZ001
NAIVE_2030 = datetime(2030, 1, 1)  # noqa: DTZ001
offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda m: timezone(timedelta(minutes=m))
)
times = st.one_of(
    st.none(),
    # Hypothesis wants naive bounds; `timezones` makes the values aware.
    st.datetimes(min_value=NAIVE_MIN, max_value=NAIVE_MAX, timezones=offsets),
    st.datetimes(min_value=NAIVE_2023, max_value=NAIVE_2030),  # naive: decoded as UTC
    st.sampled_from(
        [
            datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
            datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5))),
            datetime(2099, 1, 1, tzinfo=UTC),
            datetime(1970, 1, 1, tzinfo=UTC),
        ]
    ),
)


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


COUNTER_NAMES = ("total_recipients", "sent", "delivered", "opened", "clicked", "failed")
RATE_NAMES = ("delivery_rate", "open_rate", "click_rate")


@st.composite
def wire_bodies(draw: st.DrawFn) -> bytes:
    """A success body as a server might send it (stats, rates and timestamps may be missing)."""
    body: dict[str, Any] = {
        "success": True,
        "campaign_id": draw(texts),
        "status": draw(st.one_of(st.sampled_from(STATUSES), texts)),
        "created_at": _stamp(draw(times)),
        "sent_at": _stamp(draw(times)),
        "completed_at": _stamp(draw(times)),
    }
    if draw(st.booleans()):
        body["stats"] = dict(zip(COUNTER_NAMES, draw(st.tuples(*[counters] * 6)), strict=True))
    if draw(st.booleans()):
        body["rates"] = dict(zip(RATE_NAMES, draw(st.tuples(rates, rates, rates)), strict=True))
    return json.dumps(body).encode()


def _decoded(body: bytes) -> Campaign | None:
    try:
        return decode_campaign(body)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
        return None


def campaigns() -> st.SearchStrategy[Campaign]:
    """Campaigns the decoder accepts."""
    return wire_bodies().map(_decoded).filter(lambda c: c is not None)  # type: ignore[return-value]


def with_nan(campaign: Campaign, which: int) -> Campaign:
    """`campaign` with NaN or infinite rates (which: 0 none, 1 NaN, 2 +inf, 3 -inf)."""
    if which == 0:
        return campaign
    value = (math.nan, math.inf, -math.inf)[which - 1]
    rates = Rates(delivery_rate=value, open_rate=value, click_rate=campaign.rates.click_rate)
    return msgspec.structs.replace(campaign, rates=rates)


def any_campaigns() -> st.SearchStrategy[Campaign]:
    """Decoded campaigns, some with NaN or infinite rates."""
    return st.builds(with_nan, campaigns(), st.integers(0, 3))


def went_backwards(campaign: Campaign, step: int) -> Campaign:
    """The fetch before `campaign`, `step` ahead on every counter (so, seen from it, the
    counters go backwards when `step` > 0 and jump forwards when it is negative)."""
    stats = campaign.stats
    values = {
        name: max(-INT64 - 1, min(INT64, getattr(stats, name) + step)) for name in COUNTER_NAMES
    }
    return msgspec.structs.replace(campaign, stats=Stats(**values))


def campaign_pairs() -> st.SearchStrategy[tuple[Campaign, Campaign]]:
    """(previous, current): a decoded campaign and the fetch before it."""
    return st.builds(
        lambda current, step: (went_backwards(current, step), current),
        any_campaigns(),
        st.integers(min_value=-(10**6), max_value=10**18),
    )
