"""Who is in the team: each member's record, with a TTL, and what the leader makes of them.

A member writes its record (`host:pid`, the campaigns it watches, the one it has selected) to
its own key with an expiry, and adds its id to the members set, every beat. A member that dies
simply stops renewing: its record expires and the next read drops its id from the set. The
leader polls the union of the live members' campaigns, and serves first the campaign the most
members have selected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from appizer_tui.team.namespace import TeamKeys
from appizer_tui.team.wire import MemberRecord, as_bytes, decode_member, encode

if TYPE_CHECKING:
    from redis.asyncio import Redis


async def register(
    redis: Redis, keys: TeamKeys, member_id: str, record: MemberRecord, ttl: float
) -> dict[str, MemberRecord]:
    """Write (or renew) this member's record for `ttl` seconds; returns every live member's
    record by member id (this one's included). Ids whose record expired leave the set. Two
    round trips."""
    pipe = redis.pipeline(transaction=False)
    pipe.set(keys.member(member_id), encode(record), px=max(1, round(ttl * 1000)))
    pipe.sadd(keys.members, member_id)
    pipe.smembers(keys.members)
    *_, raw_ids = await pipe.execute()
    ids = sorted(as_bytes(raw).decode("utf-8", "replace") for raw in raw_ids if raw)
    others = [other for other in ids if other != member_id]
    values = await redis.mget([keys.member(other) for other in others]) if others else []
    members = {member_id: record}
    gone: list[str] = []
    for other, value in zip(others, values, strict=True):
        found = None if value is None else decode_member(as_bytes(value))
        if found is None:
            gone.append(other)
        else:
            members[other] = found
    if gone:
        await redis.srem(keys.members, *gone)
    return members


async def leave(redis: Redis, keys: TeamKeys, member_id: str) -> None:
    """Remove this member's record at once (a clean stop)."""
    pipe = redis.pipeline(transaction=False)
    pipe.delete(keys.member(member_id))
    pipe.srem(keys.members, member_id)
    await pipe.execute()


def team_campaigns(members: Mapping[str, MemberRecord]) -> tuple[str, ...]:
    """The union of the members' campaigns, in a stable order (first seen, members by id)."""
    union: dict[str, None] = {}
    for member_id in sorted(members):
        union.update(dict.fromkeys(members[member_id].campaigns))
    return tuple(union)


def team_focus(members: Mapping[str, MemberRecord]) -> str | None:
    """The campaign the most members have selected (ties: the smallest id), or None."""
    votes = Counter(r.selected for r in members.values() if r.selected is not None)
    if not votes:
        return None
    return min(votes, key=lambda campaign_id: (-votes[campaign_id], campaign_id))
