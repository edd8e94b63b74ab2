"""`watch` against a base URL that is not the API: the reason once, and exit 6."""

from __future__ import annotations

import asyncio
import io

import httpx

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.secret import ApiKey
from appizer_tui.plain.watch import run_watch
from appizer_tui.polling.clock import FakeClock

URL = "http://127.0.0.1/wrong"


async def test_a_base_url_that_is_not_the_api_is_said_once_and_ends_the_run() -> None:
    fake = FakeClock()
    html = httpx.MockTransport(lambda request: httpx.Response(404, content=b"<h1>Not Found</h1>"))
    client = AppizerClient(ApiKey("sk_test_watch_0000"), URL, transport=html, wall_clock=fake.wall)
    out, err = io.StringIO(), io.StringIO()
    task = asyncio.create_task(
        run_watch(
            client,
            ["camp_a", "camp_b", "camp_c"],
            clock=fake,
            stdout=out,
            stderr=err,
            handle_signals=False,
            time_mode="utc",
            interval=5.0,
        )
    )
    try:
        await fake.run_until(task.done, 600)
        code = await task
    finally:
        await client.aclose()
    assert code == 6
    text = err.getvalue()
    assert text.count("the base URL does not look like the Appizer API") == 1
    assert f"(GET {URL}/notifications/campaigns/ID answered 404" in text
    assert "not found" not in text.lower()  # no campaign reads "not found"
