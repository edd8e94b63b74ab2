"""A team member in its own process, for the tests that SIGKILL a leader.

argv: redis URL, base URL, interval, lease, campaign ids... Prints a JSON line every 0.1 s:
{"mode": ..., "text": ..., "oldest": seconds since the oldest of its campaigns' data was
fetched (null before every campaign has data)}. The API key is the simulator's demo key.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import SystemClock
from appizer_tui.sim.app import DEMO_API_KEY
from appizer_tui.state.store import CampaignStore
from appizer_tui.team.member import TeamMember
from appizer_tui.team.redis_url import RedisUrl


async def main(
    redis_url: str, base_url: str, interval: float, lease: float, ids: list[str]
) -> None:
    client = AppizerClient(ApiKey(DEMO_API_KEY), base_url)
    store = CampaignStore(interval=interval)
    for campaign_id in ids:
        store.add(campaign_id)
    member = TeamMember(
        client,
        store,
        SystemClock(),
        redis_url=RedisUrl(redis_url),
        base_url=base_url,
        api_key=ApiKey(DEMO_API_KEY),
        poller_options={"interval": interval},
        lease_seconds=lease,
    )
    task = asyncio.get_running_loop().create_task(member.run())
    while not task.done():
        fetched = [view.last_success_at for view in store.views()]
        oldest = None if None in fetched else time.time() - min(fetched)  # type: ignore[type-var]
        line = {"mode": member.status.mode, "text": member.status.text, "oldest": oldest}
        print(json.dumps(line), flush=True)
        await asyncio.sleep(0.1)
    await task


if __name__ == "__main__":
    url, base, interval, lease, *campaigns = sys.argv[1:]
    asyncio.run(main(url, base, float(interval), float(lease), campaigns))
