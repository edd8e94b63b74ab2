"""`appizer-tui` with a fault planted, for the subprocess tests: `python crash_entry.py ARGS`.

APPIZER_TEST_FAULT picks the fault; each raises from a frame whose local variable `api_key`
holds the key in clear (from APPIZER_API_KEY), so a crash report that printed locals would show
it:

    widget    a detail-pane part's render raises on the 40th render (a bug in a widget)
    handler   the list's update handler raises on its 5th call (a bug in a message handler)
    engine    the polling engine's run() raises after its first requests (the engine worker)
    campaign  fetching one campaign raises a non-API exception every time (a campaign task)
"""

from __future__ import annotations

import os
import sys
from typing import Any

FAULT = os.environ.get("APPIZER_TEST_FAULT", "")


class PlantedFault(RuntimeError):
    """The exception the planted fault raises."""


def _key() -> str:
    return os.environ.get("APPIZER_API_KEY", "")


def _after(calls: int, original: Any) -> Any:
    count = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        count += 1
        if count == calls:
            api_key = _key()  # a local holding the secret, as real code might have
            raise PlantedFault(f"planted fault after {calls} calls ({len(api_key)} chars)")
        return original(*args, **kwargs)

    return wrapper


def plant() -> None:
    """Install the fault named by APPIZER_TEST_FAULT."""
    if FAULT == "widget":
        from appizer_tui.ui.widgets.section import Section

        Section.render = _after(40, Section.render)  # type: ignore[method-assign]
    elif FAULT == "handler":
        from appizer_tui.ui.widgets.campaign_list import CampaignList

        CampaignList.update_view = _after(5, CampaignList.update_view)  # type: ignore[method-assign]
    elif FAULT == "engine":
        from appizer_tui.polling.engine import Poller

        original_run = Poller.run

        async def run(self: Any) -> None:
            import asyncio

            task = asyncio.ensure_future(original_run(self))
            await asyncio.sleep(1.0)
            api_key = _key()
            task.cancel()
            raise PlantedFault(f"engine fault ({len(api_key)} chars)")

        Poller.run = run  # type: ignore[method-assign]
    elif FAULT == "campaign":
        from appizer_tui.api.client import AppizerClient

        original_get = AppizerClient.get_campaign

        async def get_campaign(self: Any, campaign_id: str) -> Any:
            if campaign_id.endswith("_0001"):
                api_key = _key()
                raise PlantedFault(f"campaign fault ({len(api_key)} chars)")
            return await original_get(self, campaign_id)

        AppizerClient.get_campaign = get_campaign  # type: ignore[method-assign]


if __name__ == "__main__":
    plant()
    from appizer_tui.cli import main

    sys.argv[0] = "appizer-tui"
    main()
