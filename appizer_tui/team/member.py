"""TeamMember: one process's place in the team, or solo polling when there is no team.

With a Redis URL, the member registers itself every beat (a third of the lease), takes or
renews the leader lease, and plays its role: the leader polls the union of the members'
campaigns and publishes (`LeaderRole`); the others render what it publishes (`FollowerRole`).
Without a Redis URL, or while Redis is unreachable (at start or lost mid-run), it polls alone
with the plain `Poller`, exactly as without team mode, says so once in its status, and tries
to rejoin every lease period. Degrade, never stop: no Redis error ends `run()`.

The UI and `watch` drive it as they drive a Poller: `add`, `remove`, `select`, `refresh`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import Clock
from appizer_tui.polling.engine import CampaignSource, Poller
from appizer_tui.state.store import CampaignStore
from appizer_tui.team.lease import Lease
from appizer_tui.team.membership import leave, register, team_campaigns
from appizer_tui.team.namespace import TeamKeys, team_namespace
from appizer_tui.team.redis_url import RedisUrl
from appizer_tui.team.roles import FollowerRole, LeaderRole
from appizer_tui.team.status import TeamStatus
from appizer_tui.team.wire import MemberRecord

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

DEFAULT_LEASE = 3.0
"""Seconds a leader's lease lasts without renewal: a dead leader is replaced within ~4 s."""


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import RedisError

    return (RedisError, OSError)


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


class TeamMember:
    """Polls `store`'s campaigns alone or as part of the team on `redis_url` (see the module
    docstring). `poller_options` are the Poller's keyword options (interval, max_rpm, ...), used
    by the solo poller and by the leader's."""

    def __init__(
        self,
        client: CampaignSource,
        store: CampaignStore,
        clock: Clock,
        *,
        redis_url: RedisUrl | None,
        base_url: str,
        api_key: ApiKey,
        poller_options: Mapping[str, Any] | None = None,
        lease_seconds: float = DEFAULT_LEASE,
        on_status: Callable[[TeamStatus], None] | None = None,
    ) -> None:
        self._client = client
        self._store = store
        self._clock = clock
        self._url = redis_url
        self._base_url = base_url
        self._api_key = api_key
        self._options = dict(poller_options or {})
        self.lease_seconds = lease_seconds
        self._on_status = on_status
        self._host, self._pid = socket.gethostname(), os.getpid()
        self._selected: str | None = None
        self.member_id = f"{self._host}:{self._pid}:{secrets.token_hex(4)}"
        """Unique per process run (a pid may be reused on another host or container)."""
        self._status = TeamStatus(mode="solo", campaigns=len(store))
        self._solo: Poller | None = None
        self._solo_task: asyncio.Task[None] | None = None
        self._role: LeaderRole | FollowerRole | None = None
        self._role_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    # -- what callers read ---------------------------------------------------------------------

    @property
    def status(self) -> TeamStatus:
        """Solo or team, how many members, who leads, the team's campaign count."""
        return self._status

    def set_status_listener(self, listener: Callable[[TeamStatus], None] | None) -> None:
        """Call `listener` with every new status from now on (in place of the constructor's
        `on_status`), and once at once with the current one."""
        self._on_status = listener
        if listener is not None:
            listener(self._status)

    @property
    def poller(self) -> Poller | None:
        """The engine this process runs now: the solo one, the leader's, or None (follower)."""
        if isinstance(self._role, LeaderRole):
            return self._role.poller
        return self._solo

    # -- what callers do -----------------------------------------------------------------------

    def add(self, *campaign_ids: str) -> None:
        """Watch these (validated) ids."""
        if self._solo is not None:
            self._solo.add(*campaign_ids)
        else:
            for campaign_id in campaign_ids:
                self._store.add(campaign_id)
        self._changed()

    def remove(self, campaign_id: str) -> None:
        """Stop watching a campaign."""
        if self._solo is not None:
            self._solo.remove(campaign_id)
        else:
            self._store.remove(campaign_id)
        self._changed()

    def select(self, campaign_id: str | None) -> None:
        """The campaign this member looks at (the team serves the most selected one first)."""
        self._selected = campaign_id
        if self._solo is not None:
            self._solo.set_focus(campaign_id)
        self._changed()

    def refresh(self, campaign_id: str | None = None) -> None:
        """Fetch now, when this process polls (solo or leader); a follower waits for the
        leader's next poll."""
        if self.poller is not None:
            self.poller.refresh(campaign_id)

    def _changed(self) -> None:
        if self._solo is not None:
            self._publish_status(msgspec.structs.replace(self._status, campaigns=len(self._store)))
        self._wake.set()

    # -- running -------------------------------------------------------------------------------

    async def run(self) -> None:
        """Poll, alone or in the team, until cancelled. Nothing raised in the team's work ends
        it: Redis errors (and bugs, logged) mean solo polling until the next try."""
        url = self._url
        if url is None:
            self._go_solo(None)
            try:
                await asyncio.Event().wait()  # until cancelled
            finally:
                await self.stop()
            return
        keys = TeamKeys(await asyncio.to_thread(team_namespace, self._base_url, self._api_key))
        redis = url.client()
        try:
            while True:
                try:
                    await self._in_team(redis, keys)
                except Exception as exc:
                    if _being_cancelled():
                        raise  # redis-py may turn a cancellation into its own error
                    if isinstance(exc, _redis_errors()):
                        problem = f"Redis unreachable ({url.masked}: {type(exc).__name__})"
                    else:  # a bug: logged in full, and this process still polls
                        log.exception("team mode failed")
                        problem = f"team mode failed ({type(exc).__name__})"
                    await self._stop_role()
                    self._go_solo(problem)
                    # Connections opened before the loss would each fail once more after
                    # Redis returns (a rejoin, then solo again): start afresh.
                    with contextlib.suppress(*_redis_errors()):
                        await redis.connection_pool.disconnect()
                    # Info, not warning: the front end (status line, watch's stderr) says it once.
                    log.info("team mode: %s; polling alone", self._status.text)
                await self._clock.sleep(self.lease_seconds)
        finally:
            await self._leave(redis, keys)

    async def stop(self) -> None:
        """Stop whatever runs now (the task running `run()` should then be cancelled)."""
        await self._stop_role()
        await self._stop_solo()

    async def _in_team(self, redis: Redis, keys: TeamKeys) -> None:
        """Beat until Redis fails (raises its error)."""
        await redis.ping()
        lease = Lease(redis, keys.leader, self.member_id, self.lease_seconds)
        beat = self.lease_seconds / 3
        while True:
            record = MemberRecord(
                host=self._host,
                pid=self._pid,
                campaigns=self._store.ids(),
                selected=self._selected,
            )
            members = await register(redis, keys, self.member_id, record, self.lease_seconds)
            holder = await lease.try_lead()
            leading = holder == self.member_id
            await self._take_role(leading, redis, keys)
            if isinstance(self._role, LeaderRole):
                self._role.follow_members(members)
                await self._role.keep_data()
            elif isinstance(self._role, FollowerRole):
                await self._role.load_new(self._store.ids())
                if holder is not None and self._role.leader_is_stale(grace=self.lease_seconds):
                    log.warning("team mode: the leader's data is stale; taking over")
                    await lease.take_over(holder)
                    continue
            self._set_status(leading, members, holder)
            self._check_role()
            await self._nap(beat)
            if _being_cancelled():
                raise asyncio.CancelledError  # swallowed by a library on the way

    async def _take_role(self, leading: bool, redis: Redis, keys: TeamKeys) -> None:
        wanted = LeaderRole if leading else FollowerRole
        if isinstance(self._role, wanted):
            return
        await self._stop_role()
        await self._stop_solo()
        if leading:
            self._role = LeaderRole(
                redis, keys, self._client, self._store, self._clock, self._options
            )
        else:
            self._role = FollowerRole(redis, keys, self._store, self._clock)
        self._role_task = asyncio.get_running_loop().create_task(
            self._role.run(), name=f"team-{type(self._role).__name__}"
        )

    def _check_role(self) -> None:
        """Raise the role's own failure (a lost Redis) into the beat loop."""
        task = self._role_task
        if task is not None and task.done() and not task.cancelled():
            error = task.exception()
            if error is not None:
                raise error

    async def _nap(self, seconds: float) -> None:
        """Sleep on the injected clock, cut short by a local change (add, remove, select)."""
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()
            self._wake.clear()

    def _set_status(
        self, leading: bool, members: Mapping[str, MemberRecord], holder: str | None
    ) -> None:
        leader = members.get(holder) if holder is not None else None
        self._publish_status(
            TeamStatus(
                mode="leader" if leading else "follower",
                members=len(members),
                leader=None if leader is None else leader.label,
                campaigns=len(team_campaigns(members)),
            )
        )

    def _publish_status(self, status: TeamStatus) -> None:
        if status != self._status:
            self._status = status
            if self._on_status is not None:
                self._on_status(status)

    def _go_solo(self, problem: str | None) -> None:
        if self._solo is None:
            self._solo = Poller(self._client, self._store, self._clock, **self._options)
            self._solo.set_focus(self._selected)
            self._solo_task = asyncio.get_running_loop().create_task(
                self._solo.run(), name="team-solo-poller"
            )
        self._publish_status(TeamStatus(mode="solo", campaigns=len(self._store), problem=problem))

    async def _stop_solo(self) -> None:
        solo, task = self._solo, self._solo_task
        self._solo = self._solo_task = None
        if solo is not None:
            await solo.stop()
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    async def _stop_role(self) -> None:
        role, task = self._role, self._role_task
        self._role = self._role_task = None
        if role is not None:
            role.stop()
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _leave(self, redis: Redis, keys: TeamKeys) -> None:
        """On the way out: stop polling, give the lease and the membership up if Redis
        answers, close the connections."""
        was_leader = isinstance(self._role, LeaderRole)
        await self.stop()
        with contextlib.suppress(*_redis_errors()):
            if was_leader:
                await Lease(redis, keys.leader, self.member_id, self.lease_seconds).release()
            await leave(redis, keys, self.member_id)
        with contextlib.suppress(*_redis_errors()):
            await redis.aclose()


def polling_engine(
    client: CampaignSource,
    store: CampaignStore,
    clock: Clock,
    *,
    redis_url: RedisUrl | None,
    base_url: str,
    api_key: ApiKey | None,
    poller_options: Mapping[str, Any],
    on_status: Callable[[TeamStatus], None] | None = None,
) -> Poller | TeamMember:
    """What a front end runs: a `TeamMember` on `redis_url`, or, without a Redis URL (or a key
    to name the team by), the plain `Poller` exactly as before team mode existed."""
    if redis_url is None or api_key is None:
        return Poller(client, store, clock, **poller_options)
    return TeamMember(
        client,
        store,
        clock,
        redis_url=redis_url,
        base_url=base_url,
        api_key=api_key,
        poller_options=poller_options,
        on_status=on_status,
    )
