"""The documented first-minute grace for a 404: a campaign created a moment ago (Send Push just
returned its id) may not be visible yet, and must not be declared not found before the minute
is over, in the engine or in `watch --exit-status` (where a CI job would exit 4)."""

from __future__ import annotations

import asyncio
import io

from polling_support import Engine, FakeApi

from appizer_tui.plain.watch import run_watch
from appizer_tui.polling.clock import FakeClock
from appizer_tui.state.model import Phase

GRACE = 60.0


async def test_a_404_is_retried_for_the_whole_first_minute_then_final(
    clock: FakeClock, api: FakeApi
) -> None:
    async with Engine(api.client(), clock, interval=5.0) as engine:
        start = clock.wall()
        engine.poller.add("ghost")
        await clock.advance(GRACE - 1)
        view = engine.view("ghost")
        assert view.phase is Phase.ERROR_BACKOFF  # still waiting for it to appear
        assert view.error is not None and view.error.kind == "not_found"
        assert view.error.next_retry_at is not None
        await clock.run_until(lambda: engine.phase("ghost") is Phase.NOT_FOUND, 30)
        tries = api.requests_for("ghost")
        assert tries[-1] - start >= GRACE  # only a 404 after the minute is final
        assert tries[-1] - start < GRACE + 1
        gaps = [b - a for a, b in zip(tries, tries[1:], strict=False)]
        # Retries never further apart than the interval, and never a burst.
        assert max(gaps) <= 5.0 + 1e-6 and min(gaps) >= 0.5
        assert len(tries) <= GRACE / 2.5 + 3  # about what a normal poll costs


async def test_a_campaign_that_appears_after_30_s_is_followed_not_declared_missing(
    clock: FakeClock, api: FakeApi
) -> None:
    api.add("camp_new", total=10**6, visible_from=clock.wall() + 30)
    async with Engine(api.client(), clock, interval=5.0) as engine:
        engine.poller.add("camp_new")
        await clock.advance(29)
        assert engine.phase("camp_new") is Phase.ERROR_BACKOFF
        await clock.advance(6)  # at most one interval after it appeared
        view = engine.view("camp_new")
        assert view.phase is Phase.ACTIVE and view.error is None
        assert view.campaign is not None and view.campaign.campaign_id == "camp_new"


async def test_watch_exit_status_waits_out_the_grace_for_a_new_campaign(
    clock: FakeClock, api: FakeApi
) -> None:
    # The CI case: `watch ID --exit-status` started right after Send Push. The campaign becomes
    # visible 30 s later and completes 200 s after that: exit 0, not 4.
    appears = clock.wall() + 30
    api.add(
        "camp_new",
        total=1000,
        per_second=5.0,
        visible_from=appears,
        send_start=appears,
        engagement_seconds=0.0,
    )
    out, err = io.StringIO(), io.StringIO()
    task = asyncio.create_task(
        run_watch(
            api.client(),
            ["camp_new"],
            clock=clock,
            stdout=out,
            stderr=err,
            handle_signals=False,
            interval=5.0,
            exit_status=True,
        )
    )
    await clock.run_until(task.done, 3600)
    assert task.result() == 0, (out.getvalue(), err.getvalue())
    assert "completed" in out.getvalue()


async def test_watch_exit_status_is_4_for_a_campaign_that_never_appears(
    clock: FakeClock, api: FakeApi
) -> None:
    task = asyncio.create_task(
        run_watch(
            api.client(),
            ["camp_never"],
            clock=clock,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
            handle_signals=False,
            interval=5.0,
            exit_status=True,
        )
    )
    await clock.run_until(task.done, 3600)
    assert task.result() == 4
    assert clock.monotonic() >= GRACE  # not before the minute was over
