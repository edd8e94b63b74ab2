"""A base URL that answers, but not as the Appizer API: one global error and a pause, not a
"not found" on every campaign."""

from __future__ import annotations

import httpx
from polling_support import BASE_URL, Engine, FakeApi

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import FakeClock


async def test_a_404_from_something_else_is_one_global_error_until_a_retry(
    clock: FakeClock, api: FakeApi
) -> None:
    names = [f"c{i}" for i in range(5)]
    for name in names:
        api.add(name, total=10**9)
    wrong = [True]

    def handler(request: httpx.Request) -> httpx.Response:
        if wrong[0]:
            api.requests.append((clock.wall(), "wrong"))
            return httpx.Response(404, content=b"<html><h1>404 Not Found</h1>nginx</html>")
        return api.handle(request)

    client = AppizerClient(
        ApiKey(api.key), BASE_URL, transport=httpx.MockTransport(handler), wall_clock=clock.wall
    )
    async with Engine(client, clock) as engine:
        engine.poller.add(*names)
        await clock.advance(60)
        assert len(api.requests) == 1  # the first answer paused everything
        state = engine.store.global_state()
        assert state.base_url_error is not None and state.auth_error is None
        assert state.base_url_error.message == (
            f"the base URL does not look like the Appizer API (GET {BASE_URL}"
            "/notifications/campaigns/ID answered 404 with no API error body): check --base-url"
        )
        assert all(engine.view(n).error is None for n in names)  # not five "not found"
        wrong[0] = False  # the user fixed the proxy in front, and retries
        engine.poller.retry()
        await clock.advance(10)
        assert engine.store.global_state().base_url_error is None
        assert all(engine.view(n).polls >= 1 for n in names)
