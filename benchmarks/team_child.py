"""One watcher for bench_team.py: a TeamMember (or, with "-" for the Redis URL, a solo Poller
exactly as without team mode) watching the given campaigns, printing a JSON line a second:
{"mode": "solo" | "leader" | "follower", "fresh": every campaign has data}.

    python benchmarks/team_child.py REDIS_URL|- BASE_URL INTERVAL CAMPAIGN_ID...
"""

from __future__ import annotations

import asyncio
import json
import sys

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import SystemClock
from appizer_tui.sim.app import DEMO_API_KEY
from appizer_tui.state.store import CampaignStore
from appizer_tui.team.member import TeamMember
from appizer_tui.team.redis_url import RedisUrl


async def main(redis_url: str, base_url: str, interval: float, ids: list[str]) -> None:
    client = AppizerClient(ApiKey(DEMO_API_KEY), base_url)
    store = CampaignStore(interval=interval)
    for campaign_id in ids:
        store.add(campaign_id)
    member = TeamMember(
        client,
        store,
        SystemClock(),
        redis_url=None if redis_url == "-" else RedisUrl(redis_url),
        base_url=base_url,
        api_key=ApiKey(DEMO_API_KEY),
        poller_options={"interval": interval},
    )
    task = asyncio.get_running_loop().create_task(member.run())
    while not task.done():
        fresh = all(view.campaign is not None for view in store.views())
        print(json.dumps({"mode": member.status.mode, "fresh": fresh}), flush=True)
        await asyncio.sleep(1.0)
    await task


if __name__ == "__main__":
    url, base, interval, *campaigns = sys.argv[1:]
    asyncio.run(main(url, base, float(interval), campaigns))
