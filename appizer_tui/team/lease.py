"""Leader election with a lease on one Redis key.

The leader holds `SET leader <member id> NX PX <lease>` and renews it every third of the lease
with a compare-and-renew script (renew only if the value is still its own id), so a leader that
dies or hangs loses the key when the lease runs out, and another member takes it at its next
try: a new leader within lease + one try period, under two lease periods. A follower that sees
the leader's data go stale takes the lease with a compare-and-swap.

On a single Redis this lease is an efficiency device, not a safety one: a leader paused longer
than its lease (a stopped laptop, a debugger) may still poll for a moment after another member
took over. Two leaders for a moment only cost a few duplicate polls, the same answers written
twice; nothing depends on there being exactly one. That is why this is not Redlock or fencing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from appizer_tui.team.wire import as_bytes

if TYPE_CHECKING:
    from redis.asyncio import Redis

# KEYS[1] the lease key, ARGV[1] the holder's id, ARGV[2] the lease in ms.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
# KEYS[1] the lease key, ARGV[1] the holder it must still be, ARGV[2] the new holder's id,
# ARGV[3] the lease in ms.
_TAKE_OVER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) and 1
end
return 0
"""
# KEYS[1] the lease key, ARGV[1] the holder it must still be.
_REMOVE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


class Lease:
    """One member's view of the leader lease at `key`."""

    def __init__(self, redis: Redis, key: str, member_id: str, lease_seconds: float) -> None:
        self._redis = redis
        self._key = key
        self.member_id = member_id
        self.lease_ms = max(1, round(lease_seconds * 1000))
        self._renew = redis.register_script(_RENEW)
        self._take_over = redis.register_script(_TAKE_OVER)
        self._remove_if = redis.register_script(_REMOVE_IF)

    async def try_lead(self) -> str | None:
        """Renew the lease if this member holds it, else take it if it is free; returns the
        leader's member id after that (this member's when it leads), None if there is none.
        One round trip."""
        pipe = self._redis.pipeline(transaction=False)
        await self._renew(keys=[self._key], args=[self.member_id, self.lease_ms], client=pipe)
        pipe.set(self._key, self.member_id, nx=True, px=self.lease_ms)
        pipe.get(self._key)
        *_, value = await pipe.execute()
        return None if value is None else as_bytes(value).decode("utf-8", "replace")

    async def take_over(self, holder: str) -> bool:
        """Take the lease from `holder` (a stale leader) if it still has it, in one step, so the
        stale leader cannot take it back in between; True if taken."""
        args: list[str | int] = [holder, self.member_id, self.lease_ms]
        return bool(await self._take_over(keys=[self._key], args=args))

    async def release(self) -> None:
        """Give the lease up (on a clean stop), so the next leader need not wait for it."""
        await self._remove_if(keys=[self._key], args=[self.member_id])
