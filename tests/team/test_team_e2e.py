"""Team mode end to end: in-process members, a real redis-server, the simulator over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from redis_support import RedisServer
from team_support import LEASE, FrozenClock, Member, leaders, truth, wait_for

from appizer_tui.sim.scenarios import CampaignSpec
from appizer_tui.sim.server import RunningServer

SENDING = tuple(
    CampaignSpec(f"camp_{n}", 50_000, start_after=-60, send_duration=3600) for n in range(3)
)
IDS = tuple(spec.campaign_id for spec in SENDING)


async def _close(members: list[Member]) -> None:
    await asyncio.gather(*(m.close() for m in members))


async def test_one_leader_and_every_member_shows_the_simulators_truth(
    redis_server: RedisServer, serve: Callable[..., RunningServer]
) -> None:
    sim_clock = FrozenClock()
    server = serve(*SENDING, clock=sim_clock)
    # Members watch overlapping sets: the leader polls their union.
    sets = [IDS[:2], IDS[1:], IDS[:1]]
    members = [Member(server, redis_server.url, ids).start() for ids in sets]
    try:
        await wait_for(lambda: len(leaders(members)) == 1, "one leader")
        await wait_for(
            lambda: all(m.member.status.members == 3 for m in members), "three members counted"
        )
        for step in range(2):  # the truth moves, every member follows
            sim_clock.advance(30)
            await wait_for(
                lambda: all(
                    m.api_view(cid) == truth(server, cid) for m in members for cid in m.store.ids()
                ),
                f"every member equal to the truth, step {step}",
            )
        leader = leaders(members)[0]
        for m in members:
            assert m.member.status.text == f"team: 3 members, leader: {leader.member.status.leader}"
            assert m.member.status.campaigns == 3
            # A member shows only what it watches.
            assert set(m.store.ids()) == set(sets[members.index(m)])
        # The budget the members show counts the team's campaigns.
        assert all(m.store.global_state().budget.active == 3 for m in members)
        # Followers poll nothing themselves.
        assert [m.member.poller is None for m in members].count(True) == 2
    finally:
        await _close(members)


async def test_a_campaign_added_by_a_follower_is_polled_for_it(
    redis_server: RedisServer, serve: Callable[..., RunningServer]
) -> None:
    server = serve(*SENDING)
    first = Member(server, redis_server.url, IDS[:1]).start()
    await wait_for(lambda: first.mode == "leader", "a leader")
    second = Member(server, redis_server.url, IDS[:1]).start()
    try:
        await wait_for(lambda: second.mode == "follower", "a follower")
        second.member.add(IDS[2])
        await wait_for(lambda: second.api_view(IDS[2]) is not None, "the new campaign's data")
        assert first.store.get(IDS[2]) is None  # the leader polls it, but does not show it
        second.member.remove(IDS[2])
        await wait_for(lambda: first.member.status.campaigns == 1, "the union shrinks")
    finally:
        await _close([first, second])


async def test_a_cancelled_leader_is_replaced_within_two_lease_periods(
    redis_server: RedisServer, serve: Callable[..., RunningServer]
) -> None:
    server = serve(*SENDING)
    members = [Member(server, redis_server.url, IDS).start() for _ in range(3)]
    try:
        await wait_for(lambda: len(leaders(members)) == 1, "one leader")
        old = leaders(members)[0]
        await old.close()
        rest = [m for m in members if m is not old]
        took = await wait_for(lambda: len(leaders(rest)) == 1, "a new leader")
        assert took <= 2 * LEASE
        await wait_for(lambda: all(m.member.status.members == 2 for m in rest), "two members")
    finally:
        await _close(members)


async def test_redis_lost_mid_run_means_solo_polling_then_rejoining(
    redis_server: RedisServer, serve: Callable[..., RunningServer]
) -> None:
    sim_clock = FrozenClock()
    server = serve(*SENDING, clock=sim_clock)
    members = [Member(server, redis_server.url, IDS).start() for _ in range(3)]
    try:
        await wait_for(lambda: len(leaders(members)) == 1, "one leader")
        redis_server.stop()
        await wait_for(lambda: all(m.mode == "solo" for m in members), "every member solo")
        for m in members:
            assert m.member.status.text.startswith(
                f"solo: Redis unreachable (redis://127.0.0.1:{redis_server.port}/0"
            )
            assert m.task is not None and not m.task.done()
        # Each polls for itself meanwhile: a change of the truth reaches every member.
        sim_clock.advance(30)
        await wait_for(
            lambda: all(m.api_view(c) == truth(server, c) for m in members for c in IDS),
            "solo members equal to the truth",
        )
        redis_server.start()
        await wait_for(lambda: len(leaders(members)) == 1, "one leader again")
        await wait_for(lambda: all(m.mode != "solo" for m in members), "every member rejoined")
        sim_clock.advance(30)
        await wait_for(
            lambda: all(m.api_view(c) == truth(server, c) for m in members for c in IDS),
            "members equal to the truth after rejoining",
        )
        assert server.simulator.count_429 == 0
    finally:
        await _close(members)


@pytest.mark.parametrize("url", ["redis://127.0.0.1:1/0"])
async def test_redis_unreachable_at_start_means_solo(
    url: str, serve: Callable[..., RunningServer]
) -> None:
    server = serve(*SENDING)
    member = Member(server, url, IDS[:1]).start()
    try:
        await wait_for(lambda: member.api_view(IDS[0]) is not None, "solo data")
        assert member.member.status.text.startswith(
            "solo: Redis unreachable (redis://127.0.0.1:1/0"
        )
        assert member.member.poller is not None
    finally:
        await member.close()


async def test_a_follower_takes_over_from_a_leader_whose_data_went_stale(
    redis_server: RedisServer, serve: Callable[..., RunningServer]
) -> None:
    server = serve(*SENDING)
    # A longer lease than elsewhere: both members share this test's event loop, and on a loaded
    # machine a stall longer than a 1 s lease would hand the lease back to the paused leader.
    members = [Member(server, redis_server.url, IDS, lease=2 * LEASE).start() for _ in range(2)]
    try:
        await wait_for(lambda: len(leaders(members)) == 1, "one leader")
        await wait_for(lambda: all(m.api_view(IDS[0]) for m in members), "data")
        old = leaders(members)[0]
        poller = old.member.poller
        assert poller is not None
        poller.pause()  # it still holds the lease, but publishes nothing new
        other = next(m for m in members if m is not old)
        await wait_for(lambda: other.mode == "leader", "the follower takes over")
        await wait_for(lambda: old.mode == "follower", "the old leader follows")
        assert len(leaders(members)) == 1
    finally:
        await _close(members)
