"""The simulated endpoint in-process (httpx.ASGITransport): body, auth, errors, rate limit, down."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sim_helpers import AUTH, CAMPAIGNS, START, WallClock, asgi_client

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.errors import RateLimitedError
from appizer_tui.api.models import CampaignStatus
from appizer_tui.api.secret import ApiKey
from appizer_tui.sim.app import DEMO_API_KEY, SimulatedConnectionReset, Simulator
from appizer_tui.sim.ratelimit import RateLimit
from appizer_tui.sim.scenarios import campaign_state, demo_scenario

DOCS_KEYS = [
    "success",
    "campaign_id",
    "status",
    "created_at",
    "sent_at",
    "completed_at",
    "stats",
    "rates",
]
RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["error", "message", "code", "details"]
    assert body["code"] == code
    assert isinstance(body["error"], str) and isinstance(body["message"], str)
    assert isinstance(body["details"], dict)
    return body


async def test_the_documented_success_body(sim: Simulator, client: httpx.AsyncClient) -> None:
    response = await client.get(f"{CAMPAIGNS}/camp_weekly_digest", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == DOCS_KEYS
    assert body == sim.truth("camp_weekly_digest")
    assert body["status"] == "completed"
    assert body["created_at"].endswith("Z") and body["completed_at"].endswith("Z")
    assert list(body["stats"]) == [
        "total_recipients",
        "sent",
        "delivered",
        "opened",
        "clicked",
        "failed",
    ]
    assert list(body["rates"]) == ["delivery_rate", "open_rate", "click_rate"]
    assert all(h in response.headers for h in RATE_HEADERS)


async def test_state_follows_the_injected_clock_and_speed(
    make_sim: Callable[..., Simulator], clock: WallClock
) -> None:
    sim = make_sim(speed=10.0)
    spec = sim.scenario.get("camp_flash_sale")
    assert spec is not None
    async with asgi_client(sim) as client:
        clock.advance(6)  # 60 simulated seconds
        body = (await client.get(f"{CAMPAIGNS}/camp_flash_sale", headers=AUTH)).json()
        assert body == campaign_state(spec, 60.0, epoch=START, speed=10.0)
        clock.advance(60)  # 10 simulated minutes: done
        body = (await client.get(f"{CAMPAIGNS}/camp_flash_sale", headers=AUTH)).json()
        assert body["status"] == "completed"
    assert sim.elapsed() == 660.0


async def test_missing_key(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{CAMPAIGNS}/camp_launch_eu")
    assert_error(response, 401, "MISSING_AUTH")
    assert all(h in response.headers for h in RATE_HEADERS)


@pytest.mark.parametrize(
    "header", ["Bearer sk_live_wrong_key_123456", "Basic abc", "Bearer ", DEMO_API_KEY]
)
async def test_wrong_key(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get(f"{CAMPAIGNS}/camp_launch_eu", headers={"Authorization": header})
    assert_error(response, 401, "INVALID_API_KEY")
    assert "wrong_key" not in response.text and DEMO_API_KEY not in response.text


async def test_only_the_configured_keys_open_it(make_sim: Callable[..., Simulator]) -> None:
    sim = make_sim(api_keys=("sk_test_other_0123456789",))
    async with asgi_client(sim) as client:
        ok = await client.get(
            f"{CAMPAIGNS}/camp_launch_eu",
            headers={"Authorization": "Bearer sk_test_other_0123456789"},
        )
        assert ok.status_code == 200
        assert_error(
            await client.get(f"{CAMPAIGNS}/camp_launch_eu", headers=AUTH), 401, "INVALID_API_KEY"
        )


async def test_unknown_campaign(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{CAMPAIGNS}/camp_nope", headers=AUTH)
    body = assert_error(response, 404, "CAMPAIGN_NOT_FOUND")
    assert body["details"] == {"campaign_id": "camp_nope"}
    assert all(h in response.headers for h in RATE_HEADERS)


@pytest.mark.parametrize(
    "path",
    [
        f"{CAMPAIGNS}/",
        CAMPAIGNS,
        "/notifications/campaigns/camp_launch_eu",  # no /v1: like the real base URL, required
        f"{CAMPAIGNS}/camp_launch_eu/extra",
        "/v1/notifications/send",
        "/v2/anything",
    ],
)
async def test_other_paths_are_404_with_the_error_body(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path, headers=AUTH)
    assert_error(response, 404, "NOT_FOUND")
    assert all(h in response.headers for h in RATE_HEADERS)


async def test_an_encoded_slash_stays_inside_the_id(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{CAMPAIGNS}/camp_launch_eu%2F..", headers=AUTH)
    body = assert_error(response, 404, "CAMPAIGN_NOT_FOUND")
    assert body["details"] == {"campaign_id": "camp_launch_eu/.."}


async def test_other_methods_are_405(client: httpx.AsyncClient) -> None:
    response = await client.post(f"{CAMPAIGNS}/camp_launch_eu", headers=AUTH)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET"


@pytest.mark.parametrize("path", ["/", "/v1", "/v1/health"])
async def test_the_info_pages_say_what_this_is(client: httpx.AsyncClient, path: str) -> None:
    body = (await client.get(path)).json()
    assert "simulator" in body["service"]
    assert body["campaigns"] == demo_scenario().ids()
    assert body["endpoint"] == "GET /v1/notifications/campaigns/{campaign_id}"


async def test_rate_limit_headers_count_down_and_429_says_when(
    make_sim: Callable[..., Simulator], clock: WallClock
) -> None:
    sim = make_sim(rate_limit=RateLimit(3, 60.0))
    async with asgi_client(sim) as client:
        url = f"{CAMPAIGNS}/camp_launch_eu"
        remaining = []
        for _ in range(3):
            response = await client.get(url, headers=AUTH)
            assert response.status_code == 200
            assert response.headers["x-ratelimit-limit"] == "3"
            assert response.headers["x-ratelimit-reset"] == "1700000040"
            remaining.append(response.headers["x-ratelimit-remaining"])
        assert remaining == ["2", "1", "0"]
        clock.advance(5)
        limited = await client.get(url, headers=AUTH)
        body = assert_error(limited, 429, "RATE_LIMIT_EXCEEDED")
        assert body["error"] == "Too Many Requests" and body["message"] == "Rate limit exceeded"
        assert body["details"] == {"limit": 3, "window": "1 minute", "retry_after": 35}
        assert limited.headers["retry-after"] == "35"
        assert limited.headers["x-ratelimit-remaining"] == "0"
        assert sim.count_429 == 1
        # Another key has its own window (and is refused for being wrong, not for the limit).
        other = await client.get(url, headers={"Authorization": "Bearer sk_test_someone_else"})
        assert other.status_code == 401 and other.headers["x-ratelimit-remaining"] == "2"
        clock.advance(35)  # the window ends
        again = await client.get(url, headers=AUTH)
        assert again.status_code == 200
        assert again.headers["x-ratelimit-remaining"] == "2"
        assert again.headers["x-ratelimit-reset"] == "1700000100"
    assert sim.requests_served == 6 and sim.requests_for("camp_launch_eu") == 6


async def test_the_client_reads_the_429(
    make_sim: Callable[..., Simulator], clock: WallClock
) -> None:
    sim = make_sim(rate_limit=RateLimit.parse("1/hour"))
    transport = httpx.ASGITransport(sim.app)
    client = AppizerClient(
        ApiKey(DEMO_API_KEY), "http://127.0.0.1/v1", transport=transport, wall_clock=clock
    )
    async with client:
        campaign = await client.get_campaign("camp_launch_eu")
        assert campaign.status is CampaignStatus.SENDING
        assert campaign.to_api_dict() | {"success": True} == sim.truth("camp_launch_eu")
        with pytest.raises(RateLimitedError) as caught:
            await client.get_campaign("camp_launch_eu")
    # 1_700_000_000 is 2_800 s before a whole hour.
    assert caught.value.retry_after == 2800
    assert caught.value.details == {"limit": 1, "window": "1 hour", "retry_after": 2800}


async def test_set_down_unavailable(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.set_down(True, mode="unavailable")
    assert sim.is_down
    response = await client.get(f"{CAMPAIGNS}/camp_launch_eu", headers=AUTH)
    assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert "x-ratelimit-limit" not in response.headers  # the front door answers, not the API
    assert (await client.get("/v1/health")).status_code == 503
    sim.set_down(False)
    assert (await client.get(f"{CAMPAIGNS}/camp_launch_eu", headers=AUTH)).status_code == 200


async def test_set_down_resets_connections(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.set_down(True)
    for _ in range(3):
        with pytest.raises(SimulatedConnectionReset):
            await client.get(f"{CAMPAIGNS}/camp_launch_eu", headers=AUTH)
    sim.set_down(False)
    assert (await client.get(f"{CAMPAIGNS}/camp_launch_eu", headers=AUTH)).status_code == 200
    assert sim.requests_served == 4


def test_truth_and_ids(sim: Simulator) -> None:
    assert sim.campaign_ids() == demo_scenario().ids()
    assert sim.truth("camp_nope") is None
    truth = sim.truth("camp_app_update")
    assert truth is not None and truth["status"] == "pending"


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError, match="speed"):
        Simulator(demo_scenario(), speed=0)
