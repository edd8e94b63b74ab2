"""The rules fed by the real polling engine on virtual time, as the presenter will feed them:
each store event evaluates the changed campaign at once, and a timer evaluates at
`next_check_at()`. The fake API's campaigns are functions of time, so the truth is known."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "polling"))

from polling_support import Engine, FakeApi  # noqa: E402

from appizer_tui.alerts.alert import Alert  # noqa: E402
from appizer_tui.alerts.rules import AlertEngine  # noqa: E402
from appizer_tui.polling.clock import FakeClock  # noqa: E402
from appizer_tui.state.events import StoreEvent  # noqa: E402

INTERVAL = 5.0


class Watcher:
    """The presenter's part in miniature: evaluate on each store event, and when due."""

    def __init__(self, engine: Engine, clock: FakeClock) -> None:
        self.engine, self.clock = engine, clock
        self.rules = AlertEngine()
        self.start = clock.wall()
        self.seen: list[tuple[float, Alert]] = []
        engine.store.subscribe(self.on_event)

    def evaluate(self, campaign_id: str | None) -> None:
        view = None if campaign_id is None else self.engine.store.get(campaign_id)
        views = [] if view is None else [view]
        now = self.clock.wall()
        found = self.rules.evaluate(views, self.engine.store.global_state(), now)
        self.seen.extend((now - self.start, alert) for alert in found)

    def on_event(self, event: StoreEvent) -> None:
        self.evaluate(getattr(event, "campaign_id", None))

    async def timer(self) -> None:
        while True:
            due = self.rules.next_check_at()
            wait = 1.0 if due is None else due - self.clock.wall()
            await self.clock.sleep(max(0.01, min(wait, 1.0)))
            if due is not None and self.clock.wall() >= due:
                self.evaluate(None)

    def transitions(self, rule: str) -> list[tuple[float, str, str | None]]:
        return [(at, a.state, a.campaign_id) for at, a in self.seen if a.rule == rule]


async def test_a_stall_a_finish_and_an_outage_through_the_real_engine():
    clock = FakeClock()
    api = FakeApi(clock)
    start = clock.wall()
    # Both started sending 10 s ago at 10 a second. "stuck" reaches its 600 at start + 50 and
    # then says "sending" forever; "done" completes at start + 20.
    api.add("stuck", total=600, per_second=10, status_override="sending")
    api.add("done", total=300, per_second=10)
    stopped_at = api.campaigns["stuck"].send_start + 60 - start

    async with Engine(api.client(), clock, interval=INTERVAL) as engine:
        watcher = Watcher(engine, clock)
        timer = asyncio.get_running_loop().create_task(watcher.timer())
        engine.poller.add("stuck", "done")
        await clock.advance(300)
        api.down = True
        await clock.advance(200)
        down_for = clock.wall() - start
        began = engine.store.global_state().offline_since
        assert began is not None
        offline_since = began - start  # the first failed request of the streak
        api.down = False
        await clock.advance(120)
        timer.cancel()

    stall = watcher.transitions("stalled")
    # Fires once; stays firing through the outage (no verdict without data) and after it.
    assert [(state, cid) for _, state, cid in stall] == [("firing", "stuck")]
    fired_at = stall[0][0]
    assert stopped_at + 120 <= fired_at <= stopped_at + 120 + INTERVAL
    finished = watcher.transitions("finished")
    assert [(state, cid) for _, state, cid in finished] == [("firing", "done")]
    assert 20 <= finished[0][0] <= 20 + INTERVAL
    assert watcher.transitions("failure_rate") == []  # 1 % fail: under 5 %

    api_alerts = [(at, a.state, a.message) for at, a in watcher.seen if a.rule == "api"]
    assert len(api_alerts) == 2, api_alerts
    (fired, state, message), (resolved, state2, _) = api_alerts
    assert state == "firing" and message.startswith("the API unreachable for 1 min")
    # The outage counts from its first failed request, and fires a minute later to the second.
    assert fired >= offline_since + 60 and fired - (offline_since + 60) < 1.0
    assert state2 == "resolved" and down_for + 15 <= resolved <= down_for + 15 + 2 * INTERVAL
