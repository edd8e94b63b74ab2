"""Over real HTTP: uvicorn on 127.0.0.1, an ephemeral port, and real sockets."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sim_helpers import AUTH, WallClock

from appizer_tui.api.client import AppizerClient, Timeouts
from appizer_tui.api.errors import InvalidResponseError, NetworkError, RateLimitedError, ServerError
from appizer_tui.api.secret import ApiKey
from appizer_tui.sim.app import DEMO_API_KEY, Simulator
from appizer_tui.sim.chaos import Chaos
from appizer_tui.sim.ratelimit import RateLimit
from appizer_tui.sim.scenarios import demo_scenario
from appizer_tui.sim.server import RunningServer, start_server


@pytest.fixture(scope="module")
def served() -> Iterator[RunningServer]:
    clock = WallClock()
    simulator = Simulator(demo_scenario(), clock=clock, rate_limit=RateLimit(1_000_000, 60.0))
    with start_server(simulator) as server:
        yield server


@pytest.fixture
def server(served: RunningServer) -> Iterator[RunningServer]:
    yield served
    served.simulator.chaos = Chaos()
    served.simulator.set_down(False)


def test_the_docs_curl_example_against_the_base_url(server: RunningServer) -> None:
    # curl -X GET {base}/notifications/campaigns/camp_123 -H "Authorization: Bearer YOUR_API_KEY"
    assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
    assert server.port > 0
    response = httpx.get(
        f"{server.base_url}/notifications/campaigns/camp_weekly_digest",
        headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == [
        "success",
        "campaign_id",
        "status",
        "created_at",
        "sent_at",
        "completed_at",
        "stats",
        "rates",
    ]
    assert body["success"] is True and body["campaign_id"] == "camp_weekly_digest"
    assert body == server.simulator.truth("camp_weekly_digest")
    assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} <= set(
        response.headers
    )
    assert "server" not in response.headers


def test_auth_and_not_found_over_http(server: RunningServer) -> None:
    url = f"{server.base_url}/notifications/campaigns"
    assert httpx.get(f"{url}/camp_launch_eu").json()["code"] == "MISSING_AUTH"
    wrong = httpx.get(f"{url}/camp_launch_eu", headers={"Authorization": "Bearer sk_test_no"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "INVALID_API_KEY"
    missing = httpx.get(f"{url}/camp_nope", headers=AUTH)
    assert missing.status_code == 404 and missing.json()["code"] == "CAMPAIGN_NOT_FOUND"


async def test_the_client_end_to_end(server: RunningServer) -> None:
    async with AppizerClient(ApiKey(DEMO_API_KEY), server.base_url) as client:
        campaign = await client.get_campaign("camp_holiday_teaser")
        assert campaign.campaign_id == "camp_holiday_teaser"
        assert client.rate_limit is not None and client.rate_limit.limit == 1_000_000


@pytest.mark.parametrize(
    ("chaos", "error"),
    [
        (Chaos(reset=1.0), NetworkError),
        (Chaos(html=1.0), ServerError),
        (Chaos(server_error=1.0), ServerError),
        (Chaos(malformed=1.0), InvalidResponseError),
        (Chaos(truncated=1.0), InvalidResponseError),
        (Chaos(slow=1.0, slow_delay=0.3), NetworkError),
    ],
    ids=["reset", "html", "server_error", "malformed", "truncated", "slow"],
)
async def test_each_chaos_kind_reaches_the_client_as_its_error(
    server: RunningServer, chaos: Chaos, error: type[Exception]
) -> None:
    server.simulator.chaos = chaos
    timeouts = Timeouts(connect=2.0, read=0.05)  # only the "slow" case waits for it
    async with AppizerClient(ApiKey(DEMO_API_KEY), server.base_url, timeouts=timeouts) as client:
        with pytest.raises(error):
            await client.get_campaign("camp_launch_eu")


async def test_set_down_breaks_connections(server: RunningServer) -> None:
    server.simulator.set_down(True)
    async with AppizerClient(ApiKey(DEMO_API_KEY), server.base_url) as client:
        with pytest.raises(NetworkError):
            await client.get_campaign("camp_launch_eu")
        server.simulator.set_down(False)
        assert (await client.get_campaign("camp_launch_eu")).campaign_id == "camp_launch_eu"


async def test_429_over_http_with_a_fake_clock() -> None:
    clock = WallClock()
    simulator = Simulator(demo_scenario(), clock=clock, rate_limit=RateLimit(2, 60.0))
    with start_server(simulator) as server:
        async with AppizerClient(ApiKey(DEMO_API_KEY), server.base_url, wall_clock=clock) as client:
            await client.get_campaign("camp_launch_eu")
            await client.get_campaign("camp_launch_eu")
            with pytest.raises(RateLimitedError) as caught:
                await client.get_campaign("camp_launch_eu")
            assert caught.value.retry_after == 40
            clock.advance(40)
            await client.get_campaign("camp_launch_eu")
    assert simulator.count_429 == 1


def test_stop_ends_the_server_and_frees_the_port() -> None:
    server = start_server(Simulator(demo_scenario()))
    url = f"{server.base_url}/health"
    assert httpx.get(url).status_code == 200
    server.stop()
    assert not server.is_running
    with pytest.raises(httpx.ConnectError):
        httpx.get(url)
    server.stop()  # twice is fine


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "example.com"])
def test_remote_hosts_are_refused_unless_allowed(host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        start_server(Simulator(demo_scenario()), host=host)


def test_localhost_works() -> None:
    with start_server(Simulator(demo_scenario()), host="localhost") as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{server.base_url}/health").json()["campaign_count"] == 8


def test_a_taken_port_is_an_os_error(served: RunningServer) -> None:
    with pytest.raises(OSError):
        start_server(Simulator(demo_scenario()), port=served.port)
