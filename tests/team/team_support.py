"""In-process team members for the tests: each with its own client, store and task."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import SystemClock
from appizer_tui.sim.app import DEMO_API_KEY
from appizer_tui.sim.server import RunningServer
from appizer_tui.state.store import CampaignStore
from appizer_tui.team.member import TeamMember
from appizer_tui.team.redis_url import RedisUrl
from appizer_tui.team.status import TeamStatus

LEASE = 1.0
"""The tests' lease: short, so a takeover is seconds; long enough for a loaded machine."""
WAIT = 20.0
"""Upper bound on any wait for a condition (never reached when things work)."""


class FrozenClock:
    """A wall clock for the simulator that moves only when told: its truth stands still."""

    def __init__(self) -> None:
        self.t = time.time() - 900.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class Member:
    """A TeamMember on its own client and store, running in a task of this loop."""

    def __init__(
        self,
        server: RunningServer,
        redis_url: str | None,
        campaigns: tuple[str, ...],
        *,
        key: str = DEMO_API_KEY,
        interval: float = 1.0,
        lease: float = LEASE,
    ) -> None:
        self.client = AppizerClient(ApiKey(key), server.base_url)
        self.store = CampaignStore(interval=interval)
        for campaign_id in campaigns:
            self.store.add(campaign_id)
        self.statuses: list[TeamStatus] = []
        self.member = TeamMember(
            self.client,
            self.store,
            SystemClock(),
            redis_url=None if redis_url is None else RedisUrl(redis_url),
            base_url=server.base_url,
            api_key=ApiKey(key),
            poller_options={"interval": interval},
            lease_seconds=lease,
            on_status=self.statuses.append,
        )
        self.task: asyncio.Task[None] | None = None

    def start(self) -> Member:
        self.task = asyncio.get_running_loop().create_task(self.member.run())
        return self

    async def close(self) -> None:
        """Stop the member (idempotent); a member that will not stop fails the test."""
        task, self.task = self.task, None
        if task is None:
            return
        task.cancel()
        try:
            async with asyncio.timeout(WAIT):
                await asyncio.gather(task, return_exceptions=True)
        except TimeoutError:
            for other in asyncio.all_tasks():
                other.print_stack()
            raise
        await self.client.aclose()

    @property
    def mode(self) -> str:
        return self.member.status.mode

    def api_view(self, campaign_id: str) -> dict[str, Any] | None:
        """The campaign as this member's store shows it, in the API's shape."""
        view = self.store.get(campaign_id)
        if view is None or view.campaign is None:
            return None
        return view.campaign.to_api_dict()


def truth(server: RunningServer, campaign_id: str) -> dict[str, Any]:
    """The simulator's answer now, without the `success` field."""
    body = server.simulator.truth(campaign_id)
    assert body is not None, campaign_id
    return {k: v for k, v in body.items() if k != "success"}


async def wait_for(predicate: Callable[[], bool], what: str, limit: float = WAIT) -> float:
    """Wait until `predicate()` holds; returns the seconds it took, fails after `limit` seconds."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > limit:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
    return time.monotonic() - start


def leaders(members: list[Member]) -> list[Member]:
    return [m for m in members if m.mode == "leader"]
