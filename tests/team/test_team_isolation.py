"""Two API keys on one Redis never meet; the key never reaches Redis; a team costs one poller."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import redis
from redis_support import RedisServer, everything_in
from team_support import FrozenClock, Member, leaders, truth, wait_for

from appizer_tui.api.secret import ApiKey, mask_key
from appizer_tui.sim.app import DEMO_API_KEY
from appizer_tui.sim.ratelimit import RateLimit
from appizer_tui.sim.scenarios import CampaignSpec
from appizer_tui.sim.server import RunningServer
from appizer_tui.team.namespace import team_namespace

OTHER_KEY = "sk_live_Zq9xW3tPm7Lk2Vb8Nc4Rf6Hj"
CAMPAIGNS = tuple(
    CampaignSpec(f"camp_{n}", 50_000, start_after=-60, send_duration=3600) for n in range(3)
)
IDS = tuple(spec.campaign_id for spec in CAMPAIGNS)


async def test_two_keys_on_one_redis_poll_apart_and_the_keys_never_reach_redis(
    redis_server: RedisServer, serve: Callable[..., RunningServer]
) -> None:
    # The simulator accepts both keys; each team watches some campaigns of its own.
    server = serve(*CAMPAIGNS, api_keys=(DEMO_API_KEY, OTHER_KEY))
    first = [Member(server, redis_server.url, IDS[:2]).start() for _ in range(2)]
    second = [Member(server, redis_server.url, IDS[1:], key=OTHER_KEY).start() for _ in range(2)]
    everyone = first + second
    try:
        await wait_for(lambda: len(leaders(first)) == 1 and len(leaders(second)) == 1, "leaders")
        await wait_for(
            lambda: all(m.member.status.members == 2 for m in everyone), "two teams of two"
        )
        await wait_for(
            lambda: all(m.api_view(c) is not None for m in everyone for c in m.store.ids()),
            "every member has data",
        )
        assert all(m.member.status.campaigns == 2 for m in everyone)
        # Each namespace holds its own team's campaigns only.
        with redis.Redis.from_url(redis_server.url) as client:
            for key, ids in ((DEMO_API_KEY, IDS[:2]), (OTHER_KEY, IDS[1:])):
                namespace = team_namespace(server.base_url, ApiKey(key))
                published = {f.decode() for f in client.hkeys(namespace + "latest")}
                assert published == set(ids)
        stored = b"\n".join(everything_in(redis_server.url))
    finally:
        await asyncio.gather(*(m.close() for m in everyone))
    for key in (DEMO_API_KEY, OTHER_KEY):
        for form in (key, mask_key(key), key[8:], key[-12:]):
            assert form.encode() not in stored, form


async def test_a_second_key_polls_with_its_own_key_and_sees_none_of_the_firsts_data(
    redis_server: RedisServer, serve: Callable[..., RunningServer]
) -> None:
    # The simulator knows only the first key: the second team must get 401s of its own,
    # not the first team's answers for the very same campaigns.
    server = serve(*CAMPAIGNS, clock=FrozenClock())
    first = [Member(server, redis_server.url, IDS).start() for _ in range(2)]
    second = [Member(server, redis_server.url, IDS, key=OTHER_KEY).start() for _ in range(2)]
    try:
        await wait_for(
            lambda: all(m.api_view(c) == truth(server, c) for m in first for c in IDS),
            "the first team's data",
        )
        await wait_for(
            lambda: all(m.store.global_state().auth_error is not None for m in second),
            "the second team's own 401",
        )
        assert all(m.api_view(c) is None for m in second for c in IDS)
        assert all(m.store.global_state().auth_error is None for m in first)
        assert len(leaders(second)) == 1
    finally:
        await asyncio.gather(*(m.close() for m in first + second))


RUN = 5.0
MANY = tuple(
    CampaignSpec(f"many_{n:02}", 50_000, start_after=-60, send_duration=3600) for n in range(30)
)


async def _requests(server: RunningServer, url: str | None, members: int) -> int:
    """Requests the simulator served while `members` members watched MANY for RUN seconds."""
    ids = tuple(spec.campaign_id for spec in MANY)
    before = server.simulator.requests_served
    started = time.monotonic()
    running = [Member(server, url, ids).start() for _ in range(members)]
    try:
        await asyncio.sleep(RUN - (time.monotonic() - started))
        return server.simulator.requests_served - before
    finally:
        await asyncio.gather(*(m.close() for m in running))


async def test_four_members_cost_no_more_requests_than_one_alone(
    redis_server: RedisServer, serve: Callable[..., RunningServer]
) -> None:
    # A budget well above 30 campaigns a second, so that neither run is paced by it.
    server = serve(*MANY, rate_limit=RateLimit(20_000, 60))
    alone = await _requests(server, None, 1)
    team = await _requests(server, redis_server.url, 4)
    assert alone > 100
    assert team <= 1.05 * alone, (team, alone)
    assert server.simulator.count_429 == 0
