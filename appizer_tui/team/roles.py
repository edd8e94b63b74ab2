"""What a team member does in each role: the leader polls and publishes, a follower reads.

`LeaderRole` runs the engine we have (`Poller`) on a pool store holding the union of the
members' campaigns, under the key's budget. Every change of that store is published: the
campaign's entry goes to the `latest` hash and to the `changes` stream (XADD MAXLEN ~), the
global state to its key and the stream. The leader applies the same entries to its own member
store, so it renders exactly as its followers do.

`FollowerRole` loads the `latest` hash, then reads the stream and applies each entry to its own
store. It also tells whether the leader's data has gone stale (a campaign that should be polled
and has had no word for too long, outside a shared 429 pause, 401 or outage), in which case the
member takes the lease over.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from appizer_tui.polling.clock import Clock
from appizer_tui.polling.engine import CampaignSource, Poller
from appizer_tui.state.events import CampaignRemoved, GlobalChanged, StoreEvent
from appizer_tui.state.model import GlobalState
from appizer_tui.state.store import CampaignStore
from appizer_tui.team.membership import team_campaigns, team_focus
from appizer_tui.team.namespace import TeamKeys
from appizer_tui.team.redis_url import TIMEOUT
from appizer_tui.team.wire import (
    CampaignEntry,
    MemberRecord,
    apply_entry,
    apply_global,
    as_bytes,
    decode_entry,
    decode_global,
    encode,
    entry_from_view,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis

STREAM_LENGTH = 1000
"""About how many changes the stream keeps (a follower that falls further behind reloads)."""
DATA_TTL = 86_400
"""Seconds the team's data outlives its last leader (renewed by the leader every beat)."""
PUBLISH_GATHER = 0.5
"""Seconds the leader waits after a change for others to publish with it (polls are spread
over the interval, so without it each answer would be its own write and its own wake-up)."""
READ_BLOCK_MS = round(TIMEOUT * 1000 / 2)
"""How long one stream read waits for news: well below the client's command timeout."""


class LeaderRole:
    """Polls the team's campaigns and publishes every answer, error and global state."""

    def __init__(
        self,
        redis: Redis,
        keys: TeamKeys,
        client: CampaignSource,
        own_store: CampaignStore,
        clock: Clock,
        poller_options: Mapping[str, Any],
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._clock = clock
        self._own = own_store
        self.pool = CampaignStore(
            own_store.history_seconds,
            own_store.interval,
            wall=clock.wall,
        )
        """The union of the members' campaigns, as the leader's engine polls them."""
        self.poller = Poller(client, self.pool, clock, **poller_options)
        self._dirty: dict[str, None] = {}
        self._removed: set[str] = set()
        self._global_dirty = True
        self._news = asyncio.Event()
        self._stopped = False
        self.pool.subscribe(self._on_event)

    def _on_event(self, event: StoreEvent) -> None:
        if isinstance(event, GlobalChanged):
            self._global_dirty = True
        elif isinstance(event, CampaignRemoved):
            self._removed.add(event.campaign_id)
            self._dirty.pop(event.campaign_id, None)
        else:
            self._dirty[event.campaign_id] = None
            self._removed.discard(event.campaign_id)
        self._news.set()

    def follow_members(self, members: Mapping[str, MemberRecord]) -> None:
        """Poll the union of these members' campaigns; focus on the most selected one."""
        wanted = team_campaigns(members)
        keep = set(wanted)
        for campaign_id in self.poller.ids():
            if campaign_id not in keep:
                self.poller.remove(campaign_id)
        self.poller.add(*wanted)
        self.poller.set_focus(team_focus(members))

    async def run(self) -> None:
        """Poll and publish until cancelled (the engine is stopped on the way out)."""
        polling = asyncio.get_running_loop().create_task(self.poller.run(), name="team-poller")
        try:
            while not self._stopped:
                await self._news.wait()
                # Changes that come together go in one write (and wake the followers once).
                await self._clock.sleep(PUBLISH_GATHER)
                self._news.clear()
                if not self._stopped:
                    await self._publish()
        finally:
            await self.poller.stop()
            await polling

    def stop(self) -> None:
        """End `run()` at its next step, even if a library swallowed the task's cancellation
        (redis-py's timeouts on Python 3.11 can)."""
        self._stopped = True
        self._news.set()

    async def _publish(self) -> None:
        now = self._clock.wall()
        entries = [
            entry_from_view(view, now)
            for view in map(self.pool.get, self._dirty)
            if view is not None
        ]
        removed, self._removed = self._removed, set()
        state = self.pool.global_state() if self._global_dirty else None
        self._dirty.clear()
        self._global_dirty = False
        # The leader renders from the very entries it publishes, like any member.
        for entry in entries:
            apply_entry(self._own, entry)
        if state is not None:
            apply_global(self._own, state)
        pipe = self._redis.pipeline(transaction=False)
        for entry in entries:
            data = encode(entry)
            pipe.hset(self._keys.latest, entry.campaign_id, data)
            pipe.xadd(self._keys.changes, {"e": data}, maxlen=STREAM_LENGTH, approximate=True)
        if removed:
            pipe.hdel(self._keys.latest, *removed)
        if state is not None:
            data = encode(state)
            pipe.set(self._keys.global_state, data)
            pipe.xadd(self._keys.changes, {"g": data}, maxlen=STREAM_LENGTH, approximate=True)
        await pipe.execute()

    async def keep_data(self) -> None:
        """Push back the expiry of the team's data (once a beat)."""
        pipe = self._redis.pipeline(transaction=False)
        for key in (self._keys.latest, self._keys.global_state, self._keys.changes):
            pipe.expire(key, DATA_TTL)
        await pipe.execute()


class FollowerRole:
    """Writes what the leader publishes into this member's store."""

    def __init__(self, redis: Redis, keys: TeamKeys, store: CampaignStore, clock: Clock) -> None:
        self._redis = redis
        self._keys = keys
        self._store = store
        self._clock = clock
        self._since = clock.wall()
        self._written: dict[str, float] = {}
        """Per campaign, the leader's time of its newest entry seen."""
        self._global = GlobalState()
        self._loaded: set[str] = set()
        self._stopped = False

    def stop(self) -> None:
        """End `run()` after the stream read in progress, even if a library swallowed the
        task's cancellation."""
        self._stopped = True

    async def run(self) -> None:
        """Load what is published, then apply the changes as they come, until cancelled."""
        newest = await self._redis.xrevrange(self._keys.changes, count=1)
        last_id: Any = newest[0][0] if newest else b"0-0"
        # Entries that land between the two reads are applied twice, which changes nothing.
        await self.load_new(self._store.ids())
        raw_global = await self._redis.get(self._keys.global_state)
        if raw_global is not None:
            self._take_global(as_bytes(raw_global))
        while not self._stopped:
            answer: Any = await self._redis.xread(
                {self._keys.changes: last_id}, count=500, block=READ_BLOCK_MS
            )
            for _stream, messages in answer or ():
                for message_id, fields in messages:
                    last_id = message_id
                    self._take(fields)

    async def load_new(self, campaign_ids: Iterable[str]) -> None:
        """Apply the latest published entry of those of these campaigns not loaded yet (all at
        start, then those just added); the stream brings every later change."""
        current = list(campaign_ids)
        self._loaded.intersection_update(current)  # one removed and added again reloads
        ids = [campaign_id for campaign_id in current if campaign_id not in self._loaded]
        if not ids:
            return
        self._loaded.update(ids)
        for value in await self._redis.hmget(self._keys.latest, ids):
            if value is not None:
                self._take({b"e": value})

    def _take(self, fields: Mapping[Any, Any]) -> None:
        data = fields.get(b"e")
        if data is not None:
            entry = decode_entry(bytes(data))
            if entry is not None:
                self._take_entry(entry)
        data = fields.get(b"g")
        if data is not None:
            self._take_global(bytes(data))

    def _take_entry(self, entry: CampaignEntry) -> None:
        if entry.written_at < self._written.get(entry.campaign_id, float("-inf")):
            return  # older than what this member already shows
        self._written[entry.campaign_id] = entry.written_at
        apply_entry(self._store, entry)

    def _take_global(self, data: bytes) -> None:
        state = decode_global(data)
        if state is not None:
            self._global = state
            apply_global(self._store, state)

    def leader_is_stale(self, grace: float) -> bool:
        """True when a campaign that should be polled has had no word from the leader for three
        of its intervals (or past its announced next poll) plus `grace`, outside a shared
        429 pause, 401 or outage, during which silence is expected."""
        now = self._clock.wall()
        shared = self._global
        if shared.auth_error is not None or shared.offline_since is not None:
            return False
        if shared.rate_limited_until is not None and shared.rate_limited_until > now - grace:
            return False
        for view in self._store.views():
            if view.phase.is_stopped:
                continue
            written = self._written.get(view.campaign_id)
            heard = max(self._since, view.added_at) if written is None else written
            due = heard + 3 * view.expected_interval
            if written is not None and view.next_poll_at is not None:
                due = max(due, view.next_poll_at + view.expected_interval)
            if now > due + grace:
                return True
        return False
