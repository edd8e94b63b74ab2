"""Whatever the server answers, get_campaign returns a Campaign or raises an AppizerError."""

from __future__ import annotations

import json

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.errors import AppizerError
from appizer_tui.api.models import Campaign
from appizer_tui.api.secret import ApiKey


def _dumps(value: object) -> bytes:
    # Broken servers send NaN and Infinity too, so the strict encoder is not used.
    return json.dumps(value, allow_nan=True).encode()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)

campaign_like = st.fixed_dictionaries(
    {
        "success": st.booleans() | st.none(),
        "campaign_id": st.text(max_size=30) | st.integers(),
        "status": st.sampled_from(["pending", "sending", "completed", "failed", "cancelled", "x"]),
    },
    optional={
        "created_at": st.text(max_size=30) | st.none() | st.just("2024-01-15T10:30:00Z"),
        "stats": st.dictionaries(
            st.sampled_from(
                ["total_recipients", "sent", "delivered", "opened", "clicked", "failed"]
            ),
            st.integers() | st.floats() | st.text(max_size=5) | st.none(),
        ),
        "rates": st.dictionaries(
            st.sampled_from(["delivery_rate", "open_rate", "click_rate"]),
            st.floats(allow_nan=False) | st.none() | st.text(max_size=3),
        ),
    },
)

header_values = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    status=st.integers(min_value=100, max_value=599),
    body=st.one_of(
        st.binary(max_size=200),
        json_values.map(_dumps),
        campaign_like.map(_dumps),
    ),
    headers=st.dictionaries(
        st.sampled_from(
            [
                "Retry-After",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
                "Content-Type",
            ]
        ),
        header_values,
        max_size=5,
    ),
)
async def test_get_campaign_returns_a_campaign_or_an_appizer_error(
    status: int, body: bytes, headers: dict[str, str]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers=headers)

    async with AppizerClient(
        ApiKey("sk_test_prop_0000"), "https://a.test/v1", transport=httpx.MockTransport(handler)
    ) as client:
        try:
            result = await client.get_campaign("camp_1")
        except AppizerError as exc:
            assert exc.kind in {
                "auth",
                "not_found",
                "rate_limited",
                "server",
                "network",
                "invalid_response",
            }
            retry = exc.retry_after
            assert retry is None or 0 <= retry <= 3600
        else:
            assert isinstance(result, Campaign)
            assert status == 200
