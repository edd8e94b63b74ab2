"""What the engine does when the API says no: 429, 401/403, 404, failures, outages, bugs."""

from __future__ import annotations

import asyncio
from typing import Any

from polling_support import GOOD_KEY, Engine, FakeApi, assert_spread

from appizer_tui.api.models import Campaign
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import FakeClock
from appizer_tui.state.events import StoreEvent
from appizer_tui.state.model import Phase


def ids_of(requests: list[tuple[float, str]]) -> list[str]:
    return [c for _, c in requests]


async def test_429_pauses_everything_until_retry_after_and_resumes_spread(
    clock: FakeClock, api: FakeApi
) -> None:
    names = [f"c{i}" for i in range(10)]
    for name in names:
        api.add(name, total=10**9)
    api.retry_after = 30
    async with Engine(api.client(), clock, interval=5.0) as engine:
        engine.poller.add(*names)
        await clock.advance(20)
        api.faults["c3"].append(429)
        await clock.run_until(
            lambda: engine.store.global_state().rate_limited_until is not None, 10
        )
        hit = clock.wall()
        state = engine.store.global_state()
        assert state.rate_limited_until == hit + 30
        assert state.budget.count_429 == 1
        served = len(api.requests)
        await clock.advance(29.9)
        assert len(api.requests) == served  # nothing at all while paused
        await clock.advance(5.2)
        assert engine.store.global_state().rate_limited_until is None
        resumed = [(t, c) for t, c in api.requests if t >= hit + 30]
        first_round = resumed[:10]
        assert sorted(ids_of(first_round)) == sorted(names)
        assert ids_of(first_round)[0] == "c3"  # the one that hit the 429 waited longest
        times = [t for t, _ in first_round]
        # Spread over the interval, not paced back to back at the budget rate.
        assert_spread(times, 5.0)


async def test_a_spent_shared_key_pauses_until_the_window_resets(
    clock: FakeClock, api: FakeApi
) -> None:
    for i in range(5):
        api.add(f"c{i}", total=10**9)
    async with Engine(api.client(), clock, interval=5.0) as engine:
        engine.poller.add(*[f"c{i}" for i in range(5)])
        await clock.advance(10)
        api._window_count = api.limit  # another viewer spent this window on the same key
        await clock.run_until(lambda: api.count_429 > 0, 10)
        assert engine.store.global_state().rate_limited_until is not None
        await clock.advance(120)
        assert api.count_429 == 1  # no hammering: one 429, then a pause until the reset
        assert engine.store.global_state().budget.count_429 == 1
        assert all(engine.view(f"c{i}").error is None for i in range(5))


async def test_401_pauses_everything_and_a_new_key_resumes(clock: FakeClock, api: FakeApi) -> None:
    names = [f"c{i}" for i in range(5)]
    for name in names:
        api.add(name, total=10**9)
    async with Engine(api.client(key="sk_test_wrong_key_000000000000"), clock) as engine:
        engine.poller.add(*names)
        await clock.advance(60)
        assert len(api.requests) == 1  # the first 401 stopped everything
        error = engine.store.global_state().auth_error
        assert error is not None and error.kind == "auth" and error.http_status == 401
        assert error.code == "INVALID_API_KEY"
        assert all(engine.view(n).error is None for n in names)  # one global error, not five
        # A manual refresh still goes through the pause, and fails the same way.
        engine.poller.refresh("c2")
        await clock.advance(1)
        assert len(api.requests) == 2
        again = engine.store.global_state().auth_error
        assert again is not None and again.attempts == 2 and again.since == error.since
        engine.poller.set_api_key(ApiKey(GOOD_KEY))
        await clock.advance(5)
        assert engine.store.global_state().auth_error is None
        assert all(engine.view(n).polls >= 1 for n in names)


async def test_retry_lifts_an_auth_pause(clock: FakeClock, api: FakeApi) -> None:
    api.add("c0", total=10**9)
    async with Engine(api.client(), clock) as engine:
        engine.poller.add("c0")
        api.key = "sk_test_rotated_key_00000000000"  # the key was revoked server-side
        await clock.advance(30)
        assert engine.store.global_state().auth_error is not None
        count = len(api.requests)
        api.key = GOOD_KEY  # and restored
        engine.poller.retry()
        await clock.advance(10)
        assert engine.store.global_state().auth_error is None
        assert len(api.requests) > count + 1


async def test_404_in_the_first_minute_is_retried_then_not_found_stops_one(
    clock: FakeClock, api: FakeApi
) -> None:
    api.add("real", total=10**9)
    api.add("late", total=10**9, visible_from=clock.wall() + 4)  # created a moment ago
    async with Engine(api.client(), clock) as engine:
        engine.poller.add("real", "ghost", "late")
        await clock.advance(61)
        ghost = engine.view("ghost")
        assert ghost.phase is Phase.NOT_FOUND
        assert ghost.error is not None and ghost.error.kind == "not_found"
        tries = len(api.requests_for("ghost"))
        assert engine.phase("late") is Phase.ACTIVE
        await clock.advance(600)
        assert len(api.requests_for("ghost")) == tries  # stopped
        assert engine.phase("real") is Phase.ACTIVE  # the others went on
        # After the first minute, a 404 is final at once.
        del api.campaigns["real"]
        before = len(api.requests_for("real"))
        await clock.advance(60)
        assert engine.phase("real") is Phase.NOT_FOUND
        assert len(api.requests_for("real")) == before + 1
        # A manual retry is possible, and finds the campaign once it exists.
        api.add("ghost", total=10**9)
        engine.poller.retry("ghost")
        await clock.advance(1)
        assert engine.phase("ghost") is Phase.ACTIVE and engine.view("ghost").error is None


async def test_an_outage_probes_one_at_a_time_then_resumes_all_spread(
    clock: FakeClock, api: FakeApi
) -> None:
    names = [f"c{i}" for i in range(10)]
    for name in names:
        api.add(name, total=10**9)
    async with Engine(api.client(), clock, interval=5.0) as engine:
        engine.poller.add(*names)
        await clock.advance(30)
        api.down = True
        down_at = clock.wall()
        await clock.advance(600)
        state = engine.store.global_state()
        assert state.offline_since is not None and state.offline_since >= down_at
        assert state.next_probe_at is not None and state.next_probe_at > clock.wall()
        tried = [t for t, _ in api.attempts if t >= down_at]
        # Detection takes a handful of failures; then single probes backing off to 30 s.
        assert len(tried) < 40
        late_gaps = [b - a for a, b in zip(tried[-10:], tried[-9:], strict=False)]
        assert all(29.9 <= g <= 30.2 for g in late_gaps)
        api.down = False
        up_at = clock.wall()
        await clock.advance(30 + 5 + 1)
        state = engine.store.global_state()
        assert state.offline_since is None and state.next_probe_at is None
        for name in names:
            view = engine.view(name)
            assert view.last_success_at is not None and view.last_success_at >= up_at
            assert view.error is None
        back = sorted(t for t, _ in api.requests if t >= up_at)
        assert_spread(back[1:11], 5.0)  # after the probe that found it back


class BuggyClient:
    """Wraps a client; raises a plain bug for one campaign a few times."""

    def __init__(self, inner: Any, victim: str, times: int) -> None:
        self._inner = inner
        self._victim = victim
        self._left = times

    @property
    def rate_limit(self) -> Any:
        return self._inner.rate_limit

    def set_api_key(self, key: ApiKey | None) -> None:
        self._inner.set_api_key(key)

    async def get_campaign(self, campaign_id: str) -> Campaign:
        if campaign_id == self._victim and self._left > 0:
            self._left -= 1
            raise RuntimeError("a bug somewhere")
        campaign: Campaign = await self._inner.get_campaign(campaign_id)
        return campaign

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_exceptions_in_a_campaign_task_never_kill_the_engine(
    clock: FakeClock, api: FakeApi
) -> None:
    api.add("x", total=10**9)
    api.add("y", total=10**9)
    async with Engine(BuggyClient(api.client(), "x", 3), clock) as engine:

        def broken_listener(event: StoreEvent) -> None:
            raise ValueError("listener bug")

        engine.store.subscribe(broken_listener)
        engine.poller.add("x", "y")
        await clock.advance(0.5)
        error = engine.view("x").error
        assert error is not None and error.kind == "internal" and "RuntimeError" in error.message
        await clock.advance(120)
        assert engine.view("x").error is None and engine.view("x").polls > 5
        assert engine.view("y").polls >= 24


class SlowClient(BuggyClient):
    """Every request takes `seconds` virtual seconds; records overlapping requests per campaign."""

    def __init__(self, inner: Any, clock: FakeClock, seconds: float = 20.0) -> None:
        super().__init__(inner, "", 0)
        self._clock = clock
        self._seconds = seconds
        self.in_flight: dict[str, int] = {}
        self.max_in_flight = 0
        self.spans: list[tuple[float, float]] = []

    async def get_campaign(self, campaign_id: str) -> Campaign:
        self.in_flight[campaign_id] = self.in_flight.get(campaign_id, 0) + 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight[campaign_id])
        start = self._clock.monotonic()
        try:
            await self._clock.sleep(self._seconds)
            return await super().get_campaign(campaign_id)
        finally:
            self.in_flight[campaign_id] -= 1
            self.spans.append((start, self._clock.monotonic()))


async def test_at_most_one_request_in_flight_per_campaign_and_sleep_from_its_end(
    clock: FakeClock, api: FakeApi
) -> None:
    api.add("slow", total=10**9)
    client = SlowClient(api.client(), clock)
    async with Engine(client, clock, interval=5.0) as engine:
        engine.poller.add("slow")
        engine.poller.refresh("slow")  # a refresh during a request does not start another
        await clock.advance(300)
        assert engine.view("slow").polls >= 10
    assert client.max_in_flight == 1
    starts_and_ends = sorted(client.spans)
    for (_, end), (start, _) in zip(starts_and_ends, starts_and_ends[1:], strict=False):
        assert start - end >= 5.0 - 1e-6  # timed from the end of the previous request


async def test_stop_cancels_tasks_and_leaves_the_client_open(
    clock: FakeClock, api: FakeApi
) -> None:
    api.add("c", total=10**9)
    client = api.client()
    engine = Engine(client, clock)
    run = asyncio.create_task(engine.poller.run())
    engine.poller.add("c")
    await clock.advance(10)
    before = set(asyncio.all_tasks())
    await engine.poller.stop()
    await run
    assert not engine.poller.running
    leftovers = [t for t in before if not t.done() and t.get_name().startswith("appizer")]
    assert leftovers == []
    campaign = await client.get_campaign("c")  # still usable: its owner closes it
    assert campaign.campaign_id == "c"
    await client.aclose()


async def test_requests_in_flight_are_capped_across_campaigns(
    clock: FakeClock, api: FakeApi
) -> None:
    names = [f"c{i:02d}" for i in range(20)]
    for name in names:
        api.add(name, total=10**9)
    client = SlowClient(api.client(), clock, seconds=2.0)
    concurrent: list[int] = []
    original = client.get_campaign

    async def counting(campaign_id: str) -> Campaign:
        concurrent.append(sum(client.in_flight.values()) + 1)
        return await original(campaign_id)

    client.get_campaign = counting  # type: ignore[method-assign]
    async with Engine(client, clock, interval=5.0, max_in_flight=3) as engine:
        engine.poller.add(*names)
        await clock.advance(300)
        assert all(engine.view(n).polls >= 5 for n in names)
    assert max(concurrent) == 3
