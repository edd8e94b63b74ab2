"""Two edges the fuzzing found, pinned as plain examples.

- JSON integers may have thousands of digits; Python decodes them, and then every float
  conversion (`format_count`, rates, JSON with allow_nan=False...) raised OverflowError, which
  stopped `watch` and the viewer. Counters are now decoded as 64-bit integers; anything larger
  is an invalid response, like any other nonsense from the server.
- `2024`-style timestamps are fine, but `0001-01-01T00:00:00+05:00` has no UTC form, and
  `Campaign.to_api_dict()` (every JSON output, every export) raised OverflowError on it.
"""

from __future__ import annotations

import io
import json

import httpx
import pytest

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.errors import InvalidResponseError
from appizer_tui.api.models import decode_campaign
from appizer_tui.api.secret import ApiKey
from appizer_tui.plain.watch_output import JsonlPrinter
from appizer_tui.polling.clock import FakeClock
from appizer_tui.state.export import CAMPAIGN_COLUMNS, campaign_record, render
from appizer_tui.state.metrics import compute_metrics
from appizer_tui.state.store import CampaignStore


def body(**fields: object) -> bytes:
    return json.dumps({"campaign_id": "c1", "status": "sending", **fields}).encode()


@pytest.mark.parametrize("digits", [20, 400, 4000])
async def test_a_counter_beyond_64_bits_is_an_invalid_response(digits: int) -> None:
    content = body(stats={"sent": 7}).replace(b"7", b"1" + b"0" * digits)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=content)

    async with AppizerClient(
        ApiKey("sk_test_edges_0000"), "https://a.test/v1", transport=httpx.MockTransport(handler)
    ) as client:
        with pytest.raises(InvalidResponseError):
            await client.get_campaign("c1")


def test_the_64_bit_extremes_are_accepted_and_shown() -> None:
    campaign = decode_campaign(body(stats={"sent": 2**63 - 1, "failed": -(2**63)}))
    assert campaign.stats.sent == 2**63 - 1 and campaign.stats.failed == -(2**63)
    text = render(
        CAMPAIGN_COLUMNS, [campaign_record(campaign, compute_metrics(campaign), 0)], "csv"
    )
    assert str(2**63 - 1) in text


@pytest.mark.parametrize(
    "stamp", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00Z"]
)
def test_a_timestamp_without_a_utc_form_survives_every_json_output(stamp: str) -> None:
    campaign = decode_campaign(body(created_at=stamp))
    assert campaign.to_api_dict()["created_at"] in (stamp, stamp.replace("Z", "+00:00"), stamp)
    clock = FakeClock()
    store = CampaignStore(wall=clock.wall)
    store.add("c1")
    view = store.record_success("c1", campaign, at=clock.wall())
    assert view is not None
    out = io.StringIO()
    JsonlPrinter(out).update(view, clock.wall())
    assert json.loads(out.getvalue())["campaign"]["created_at"].startswith(stamp[:10])
    record = campaign_record(campaign, view.metrics, clock.wall())
    assert json.loads(render(CAMPAIGN_COLUMNS, [record], "json"))[0]["created_at"]
