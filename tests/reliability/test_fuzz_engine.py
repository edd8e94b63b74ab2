"""Fuzzing the engine's effect on the store: any sequence of answers (campaigns the decoder
accepts, going backwards, turning terminal and back; 401, 404, 429, 5xx, network errors, invalid
answers, bugs that raise) interleaved with any user action (add, remove, refresh, pause, resume,
retry, a new interval, a new key), with virtual time moving in between, keeps the store
consistent with the engine and with what was answered.

The unit-level store property (tests/state) feeds the store by hand; this one lets the real
Poller decide what to write.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections import defaultdict, deque
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fuzz_strategies import COUNTER_NAMES, EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgspec.structs import fields

from appizer_tui.api.errors import (
    AuthError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)
from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.api.secret import ApiKey
from appizer_tui.polling.clock import FakeClock
from appizer_tui.polling.engine import Poller
from appizer_tui.state.events import (
    CampaignAdded,
    CampaignFinished,
    CampaignRemoved,
    GlobalChanged,
    StoreEvent,
)
from appizer_tui.state.store import CampaignStore, Phase

pytestmark = pytest.mark.soak  # `make soak` runs these with 100,000 examples

IDS = ("c1", "c2", "c3")
ERRORS = {
    "auth": lambda: AuthError("bad key", http_status=401, code="INVALID_API_KEY"),
    "not_found": lambda: NotFoundError("no such campaign", http_status=404),
    "rate_limited": lambda: RateLimitedError("slow down", http_status=429, retry_after=7.0),
    "server": lambda: ServerError("boom", http_status=500),
    "gateway": lambda: ServerError("bad gateway", http_status=502),
    "network": lambda: NetworkError("connection refused"),
    "invalid": lambda: InvalidResponseError("not json", http_status=200),
    "bug": lambda: KeyError("a bug in the client"),
}

COUNTS = [0, 1, 7, 1_000, 250_000, -3, 2**63 - 1]
STAMPS = [
    None,
    datetime(2023, 11, 14, 22, 0, tzinfo=UTC),
    datetime(2099, 1, 1, tzinfo=UTC),
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
]
# Cheaper than the decoder-shaped strategy (which the output properties use): the engine cares
# about statuses, counters moving either way and odd timestamps, not about the text.
engine_campaigns = st.builds(
    lambda status, counts, rate, stamps: Campaign(
        campaign_id="c",
        status=CampaignStatus.parse(status),
        raw_status=status,
        created_at=stamps[0],
        sent_at=stamps[1],
        completed_at=stamps[2],
        stats=Stats(**dict(zip(COUNTER_NAMES, counts, strict=True))),
        rates=Rates(delivery_rate=rate, open_rate=rate, click_rate=None),
    ),
    st.sampled_from(["pending", "sending", "completed", "failed", "cancelled", "paused?"]),
    st.tuples(*[st.sampled_from(COUNTS)] * 6),
    st.sampled_from([None, 0.5, 1.5, -1.0, math.nan, math.inf]),
    st.tuples(*[st.sampled_from(STAMPS)] * 3),
)
answers = st.one_of(
    engine_campaigns.map(lambda c: ("ok", c)),
    st.sampled_from(sorted(ERRORS)).map(lambda kind: ("error", kind)),
)
actions = st.one_of(
    st.tuples(st.just("wait"), st.floats(min_value=0.0, max_value=90.0)),
    st.tuples(st.sampled_from(["add", "remove", "refresh", "retry"]), st.sampled_from(IDS)),
    st.tuples(st.sampled_from(["refresh_all", "pause", "resume", "retry_all", "new_key"])),
    st.tuples(st.just("interval"), st.sampled_from([1.0, 5.0, 30.0])),
)


class ScriptedClient:
    """Answers each campaign's requests from its script; then repeats its last campaign."""

    def __init__(self, scripts: dict[str, list[tuple[str, Any]]]) -> None:
        self.scripts = {cid: deque(script) for cid, script in scripts.items()}
        self.served: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        self.last_ok: dict[str, Campaign] = {}
        self.rate_limit = None

    def set_api_key(self, api_key: ApiKey | None) -> None:
        pass

    async def get_campaign(self, campaign_id: str) -> Campaign:
        script = self.scripts[campaign_id]
        answer = script.popleft() if script else None
        if answer is None:
            last = self.last_ok.get(campaign_id)
            answer = ("ok", last) if last is not None else ("error", "server")
        self.served[campaign_id].append(answer)
        kind, value = answer
        if kind == "ok":
            self.last_ok[campaign_id] = value
            return value  # type: ignore[no-any-return]
        raise ERRORS[value]()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    scripts=st.fixed_dictionaries({cid: st.lists(answers, max_size=6) for cid in IDS}),
    steps=st.lists(actions, min_size=1, max_size=12),
)
def test_any_engine_run_keeps_the_store_consistent(
    scripts: dict[str, list[tuple[str, Any]]], steps: list[tuple[Any, ...]]
) -> None:
    # The planted bugs are logged with a traceback each time; not what is tested here.
    engine_log = logging.getLogger("appizer_tui.polling")
    level = engine_log.level
    engine_log.setLevel(logging.CRITICAL)
    try:
        with asyncio.Runner() as runner:
            runner.run(run_engine(scripts, steps))
    finally:
        engine_log.setLevel(level)


async def run_engine(
    scripts: dict[str, list[tuple[str, Any]]], steps: list[tuple[Any, ...]]
) -> None:
    clock = FakeClock()
    client = ScriptedClient(scripts)
    store = CampaignStore(history_seconds=60, interval=5.0, wall=clock.wall)
    events: list[StoreEvent] = []
    store.subscribe(events.append)
    poller = Poller(client, store, clock, interval=5.0, rng=random.Random(1))  # type: ignore[arg-type]
    poller.add("c1", "c2")
    task = asyncio.get_running_loop().create_task(poller.run())
    try:
        await clock.settle()
        for step in steps:
            act(poller, client, step)
            await clock.advance(step[1] if step[0] == "wait" else 1.0)
            check(store, poller, client)
        check_events(events)
    finally:
        await poller.stop()
        await task


def act(poller: Poller, client: ScriptedClient, step: tuple[Any, ...]) -> None:
    name = step[0]
    if name == "add":
        if step[1] not in poller.ids():
            # A campaign added again starts afresh: forget what was answered before.
            client.served.pop(step[1], None)
        poller.add(step[1])
    elif name == "remove":
        poller.remove(step[1])
    elif name == "refresh":
        poller.refresh(step[1])
    elif name == "retry":
        poller.retry(step[1])
    elif name == "refresh_all":
        poller.refresh(None)
    elif name == "retry_all":
        poller.retry(None)
    elif name == "pause":
        poller.pause()
    elif name == "resume":
        poller.resume()
    elif name == "new_key":
        poller.set_api_key(ApiKey("sk_test_another_key_0000"))
    elif name == "interval":
        poller.set_interval(step[1])


def check(store: CampaignStore, poller: Poller, client: ScriptedClient) -> None:
    assert store.ids() == poller.ids()
    for cid in store.ids():
        view = store.get(cid)
        assert view is not None and view.campaign_id == cid
        assert view.phase is poller.phase(cid), (cid, view.phase, poller.phase(cid))
        served = client.served.get(cid, [])
        oks = [value for kind, value in served if kind == "ok"]
        # What the store shows is the last campaign answered (or nothing yet).
        if view.campaign is not None:
            assert oks and view.campaign == oks[-1]
        assert view.polls <= len(oks)
        if view.phase is Phase.DONE:
            assert view.campaign is not None and view.campaign.status.is_terminal
        if view.phase is Phase.NOT_FOUND:
            assert any(kind == "error" and value == "not_found" for kind, value in served)
        if view.error is not None:
            assert served and served[-1][0] == "error", (cid, view.error, served[-1:])
        elif served and served[-1][0] == "error" and served[-1][1] not in ("auth", "rate_limited"):
            raise AssertionError((cid, "an error was answered but none is shown", served[-1]))
        history = store.history(cid)
        times = history.times()
        assert len(times) <= history.capacity and list(times) == sorted(times)
        for field in fields(view.metrics):
            value = getattr(view.metrics, field.name)
            assert value is None or math.isfinite(value)
        assert view.next_poll_at is None or math.isfinite(view.next_poll_at)
    state = store.global_state()
    assert state.paused is poller.paused
    budget = state.budget
    assert budget.requests_last_minute >= 0 and budget.active <= len(store)


def check_events(events: list[StoreEvent]) -> None:
    """Events name only watched campaigns; finished events only for terminal statuses."""
    watched: set[str] = set()
    for event in events:
        if isinstance(event, GlobalChanged):
            continue
        if isinstance(event, CampaignAdded):
            assert event.campaign_id not in watched
            watched.add(event.campaign_id)
            continue
        assert event.campaign_id in watched, event
        if isinstance(event, CampaignRemoved):
            watched.discard(event.campaign_id)
        elif isinstance(event, CampaignFinished):
            assert event.status.is_terminal
