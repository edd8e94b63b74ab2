"""The viewer in its own process, headless, for the team tests: the real `AppizerApp` with the
engine `appizer-tui --redis` builds (`polling_engine`), run by Textual's headless driver.

argv: redis URL ("-" for none), base URL, interval, campaign ids... Prints a JSON line every
0.2 s: {"team": the status line's team text (from the presenter's frame), "campaigns": {id: the
campaign in the API's shape, as the viewer's store holds it and its frames show it}}. The API
key is the simulator's demo key. Runs until killed.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.api.client import AppizerClient
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import SystemClock
from appizer_tui.sim.app import DEMO_API_KEY
from appizer_tui.state.store import CampaignStore
from appizer_tui.team.member import polling_engine
from appizer_tui.team.redis_url import RedisUrl
from appizer_tui.ui.app import AppizerApp
from appizer_tui.ui.options import ViewerOptions


async def main(redis_url: str, base_url: str, interval: float, ids: list[str]) -> None:
    clock = SystemClock()
    key = ApiKey(DEMO_API_KEY)
    client = AppizerClient(key, base_url, wall_clock=clock.wall)
    store = CampaignStore(interval=interval, wall=clock.wall)
    engine = polling_engine(
        client,
        store,
        clock,
        redis_url=None if redis_url == "-" else RedisUrl(redis_url),
        base_url=base_url,
        api_key=key,
        poller_options={"interval": interval},
    )
    engine.add(*ids)
    options = ViewerOptions(
        base_url=base_url,
        demo=False,
        key_masked=key.masked,
        alert_config=AlertConfig(),
        export_dir=Path.cwd(),
        watchlist_path=None,
    )
    app = AppizerApp(store=store, poller=engine, clock=clock, options=options)
    async with app.run_test(headless=True, size=(120, 36)):
        while True:
            frame = app.presenter.frame
            campaigns = {
                view.campaign_id: view.campaign.to_api_dict()
                for view in store.views()
                if view.campaign is not None
            }
            team = frame.status.team if frame is not None else ""
            print(json.dumps({"team": team, "campaigns": campaigns}), flush=True)
            await asyncio.sleep(0.2)


if __name__ == "__main__":
    url, base, interval, *campaigns = sys.argv[1:]
    asyncio.run(main(url, base, float(interval), campaigns))
